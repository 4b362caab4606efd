"""The providers of enrolment's routers: the caller, the use cases' ports, the path parameters.

The app (:mod:`enrolment.app`) puts its authentication and its use cases on ``app.state``; the
routers are module-level and ask for them with ``Depends``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from aktywni_shared.auth import Principal, caller
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from enrolment.use_cases import Enrolment


def use_cases(request: Request) -> Enrolment:
    """The ports and clock enrolment's use cases run on."""
    enrolment: Enrolment = request.app.state.enrolment
    return enrolment


Caller = Annotated[Principal, Depends(caller)]
UseCases = Annotated[Enrolment, Depends(use_cases)]
ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
