"""Fuzzing each service's HTTP API from its OpenAPI document with a valid token.

Every operation gets generated requests (valid and invalid data, mostly on ids that exist); no answer
may be a server error, and every answer must be what the document promises (status code, content type,
headers, body). ``AKTYWNI_FUZZ_EXAMPLES`` sets the examples per operation and mode (default small),
``AKTYWNI_FUZZ_ONLY`` picks operations by a part of their label (e.g. ``POST /staff``).
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
