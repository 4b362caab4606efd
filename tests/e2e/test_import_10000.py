"""A 10 000-row list through the import command: every row enrolled once, every event published once."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from aktywni_shared.auth import Role
from aktywni_shared.contracts.topics import ENROLMENT_PARTICIPANTS
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem
from tests.e2e.test_import import HEADERS, _csv, _row
from tests.support.kafka import read_topic
from tests.support.people import person

ROWS = 10_000


async def test_ten_thousand_rows_import_with_every_person_enrolled_and_published_once(
    system: RunningSystem, project_id: str, tmp_path: Path
) -> None:
    rng = random.Random(10_000)
    people: dict[str, dict[str, str]] = {}
    n = 0
    while len(people) < ROWS:  # made-up PESELs repeat now and then: keep ten thousand different people
        who = person(rng, 20_000 + n)
        people.setdefault(who["pesel"], who)
        n += 1
    rows = [
        _row(
            who,
            demo_data.FRDL if i % 3 else demo_data.MOPS,
            "staff_trainee",
            **{"Pracownik MOPS": "Nie" if i % 3 else "Tak", "Status osoby na rynku pracy": "Osoba pracująca"},
        )
        for i, who in enumerate(people.values())
    ]
    assert len({r[HEADERS.index("PESEL")] for r in rows}) == ROWS
    source = tmp_path / "lista-10000.csv"
    source.write_bytes(_csv(rows, encoding="cp1250"))  # as staff's spreadsheets save it
    started = time.monotonic()

    result = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "enrolment.import_cli",
            str(source),
            "--project",
            project_id,
            "--url",
            system.url("enrolment"),
            "--token",
            system.token(demo_data.EUDAJMONIA, Role.COORDINATOR),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    seconds = time.monotonic() - started

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"{ROWS}/{ROWS} rows" in result.stderr
    assert f"{ROWS} enrolled, 0 already enrolled, 0 refused" in result.stdout
    print(f"\n[import] {ROWS} rows in {seconds:.1f} s = {ROWS / seconds:.0f} rows/s")

    records = await read_topic(
        system.infra.kafka_bootstrap_servers, ENROLMENT_PARTICIPANTS.name, at_least=ROWS, timeout=300
    )
    mine = [json.loads(r.value) for r in records if json.loads(r.value)["project_id"] == project_id]
    assert len(mine) == ROWS
    assert len({e["payload"]["participant_id"] for e in mine}) == ROWS, "each person's enrolment once"
