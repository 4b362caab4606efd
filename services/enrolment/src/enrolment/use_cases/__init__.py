"""Enrolment's use cases, one module per aggregate or workflow, over the ports of :mod:`.ports`.

Each use case authorises the caller (:mod:`enrolment.domain.access`), applies the domain's rules,
and saves through a port, which writes the change and its events together; the refusals are the
shared family (:mod:`enrolment.domain.errors`). :class:`~enrolment.use_cases.context.Enrolment`
holds the ports and the clock every use case is given.
"""

from enrolment.use_cases.context import Enrolment

__all__ = ["Enrolment"]
