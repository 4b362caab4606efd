"""Fuzzing each service's HTTP API from its OpenAPI document with a valid token.

Every operation gets generated requests (valid and invalid data, mostly on ids that exist); no answer
may be a server error, and every answer must be what the document promises (status code, content type,
headers, body). ``AKTYWNI_FUZZ_EXAMPLES`` sets the examples per operation and mode (default small),
``AKTYWNI_FUZZ_ONLY`` picks operations by a part of their label (e.g. ``POST /staff``).

Why two server errors were never found here, and what reaches them now:

- ``GET /projects/{id}/sessions?from=2026-03-01T10:00`` (a day, or a time without a UTC offset) was a 500.
  The document typed ``from``/``to`` as ``format: date-time``, and the format's strategy only ever makes
  RFC 3339 times *with* an offset, which the server handled; negative mode makes arbitrary strings, never
  a day or a wall-clock time. So no generated case was what a person types. Now every query parameter
  the document types as a date or a date-time also gets days and offset-less times (``MOMENTS`` in
  tests/support/fuzzing.py), on real project ids.
- ``POST /projects/{id}/imports`` was a 500 when a batch had no valid row (one refused environment row
  is enough). The file part is ``format: binary``: random bytes that never carry the template's header,
  so every case stopped at "wrong columns" (422) before any row reached the domain rules. Now half the
  cases send a real CSV in the template's columns (``import_file``): valid rows but one environment
  person linked to nobody of the project, with new people each time so duplicates do not mask it.

Both variants run on real ids (a path parameter from the world, never a random one) and are derandomised,
so every run sends them. On the code before the fixes the suite reports both 500s; on the fixed code none.
"""

from __future__ import annotations

import pytest

from aktywni_stack.services import SERVICES
from tests.e2e.conftest import RunningSystem
from tests.support.fuzzing import Tally, World, build_world, fuzz, report


@pytest.fixture(scope="module")
def world(system: RunningSystem) -> World:
    return build_world(system)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_answers_as_documented(system: RunningSystem, world: World, service: str) -> None:
    tally: Tally = fuzz(system, service, world)
    print("\n" + report({service: tally}))
    assert tally.operations > 0, tally.summary(service)
    assert tally.cases >= tally.operations, tally.summary(service)
    assert not tally.failures, report({service: tally})
