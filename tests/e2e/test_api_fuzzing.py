"""Fuzzing each service's HTTP API from its OpenAPI document with a valid token.

Every operation gets generated requests (valid and invalid data, mostly on ids that exist); no answer
may be a server error, and every answer must be what the document promises (status code, content type,
headers, body). ``AKTYWNI_FUZZ_EXAMPLES`` sets the examples per operation and mode (default small),
``AKTYWNI_FUZZ_ONLY`` picks operations by a part of their label (e.g. ``POST /staff``).

Why two server errors were never found here, and what reaches them now:

- ``GET /projects/{id}/sessions?from=2026-03-01&to=2026-03-31`` (a day, or a time without a UTC offset) was
  a 500. The document typed ``from``/``to`` as ``format: date-time``, and the format's strategy only ever
  makes RFC 3339 times *with* an offset, which the server handled; negative mode makes arbitrary strings,
  never a day or a wall-clock time. So no generated case was what a person types.
- ``POST /projects/{id}/imports`` was a 500 when a batch had no valid row (one refused environment row
  is enough). The file part is ``format: binary``: random bytes that never carry the template's header,
  so every case stopped at "wrong columns" (422) before any row reached the domain rules.

Now every operation with a date or date-time query parameter gets two explicit examples (hypothesis's
``@example``, as schemathesis adds its own) before the generated ones: that request's days, and local
times on them, in each such parameter. The import gets one: the template's file with valid rows and one
environment person linked to nobody of the project, so the environment rows' batch has no valid row.
About half of the generated cases of these operations add more of both kinds (random days and
offset-less times, such files with new people). All of them are on real ids (a path parameter, or an id
in the query such as the audit log's project, from the world, never a random one). Explicit examples run
on every run, whatever the draws, and the test does not take that on trust: it reads each request that
went out (its URL and body) and fails, naming the operation, if one of them was never sent a kind of
input it takes (``Tally.unsent``), or if the two operations above were not among those expecting them.
The run's output lists how many cases of each kind each operation was sent and what it answered.
"""

from __future__ import annotations

import pytest

from aktywni_stack.services import SERVICES
from tests.e2e.conftest import RunningSystem
from tests.support.fuzzing import DAY, IMPORT_FILE, LOCAL_TIME, Tally, World, build_world, fuzz, report

#: The operations that were 500s on a day or local time, and on a batch without a valid row, and what
#: each must be sent in every run.
MUST_BE_SENT = {
    "scheduling": {"GET /projects/{project_id}/sessions": [DAY, LOCAL_TIME]},
    "enrolment": {"POST /projects/{project_id}/imports": [IMPORT_FILE]},
}


@pytest.fixture(scope="module")
def world(system: RunningSystem) -> World:
    return build_world(system)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_answers_as_documented(system: RunningSystem, world: World, service: str) -> None:
    tally: Tally = fuzz(system, service, world)
    print("\n" + report({service: tally}))
    assert tally.operations > 0, tally.summary(service)
    assert tally.cases >= tally.operations, tally.summary(service)
    for label, kinds in MUST_BE_SENT.get(service, {}).items():
        if label in tally.seconds:  # not left out by AKTYWNI_FUZZ_ONLY
            assert tally.expected.get(label) == kinds, f"{label} is not expected to take {kinds}: {tally.expected}"
    assert not tally.unsent(), "\n".join(tally.unsent())
    assert not tally.failures, report({service: tally})
