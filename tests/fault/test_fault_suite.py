"""The fault suite's short form: SIGKILLs of each service, a broker and a database restart, duplicate
delivery and a full replay under a small workload, every number checked against the oracle.

The long form (at least 10 SIGKILLs per service): ``make fault`` or ``python -m tests.fault.runner --long``.
It starts an embedded stack of its own (the session's ``infra`` could not be stopped and restarted).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aktywni_stack.services import SERVICES
from tests.fault.runner import SHORT, run

pytestmark = pytest.mark.timeout(900)


def test_nothing_lost_nothing_counted_twice_under_faults(tmp_path: Path) -> None:
    report = run(SHORT, tmp_path)
    table = report.table()
    print(f"\n{table}")
    assert sum(report.faults.done.values()) == report.faults_planned, table
    assert all(report.faults.done[f"kill {name}"] == SHORT.kills_per_service for name in SERVICES), table
    assert [stage.mismatches for stage in report.stages] == [[], [], []], table
    # the same event id twice (a relay killed after publishing) is the outbox's documented at-least-once
    # delivery: listed in the table, and the numbers above show the consumers skipped it
    assert (report.events.lost, report.events.extra) == (0, 0), table
    assert {place: len(hits) for place, hits in report.leaks.items()} == {
        "Kafka topics": 0,
        "databases but enrolment's": 0,
        "enrolment in clear": 0,
    }, table
    assert report.passed, table
