"""Bulk import through the real services: XLSX and CSV (also Windows-1250), errors by row, re-import."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from enrolment.importing import COLUMNS
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.support.people import person

HEADERS = [c.header for c in COLUMNS]
WROCLAW = ["PL", "dolnośląskie", "Wrocław", "Wrocław", "0264011", "Wrocław", "53-611", "", "1"]


def _row(who: dict[str, str], organisation: str, category: str, **extra: str) -> list[str]:
    values = {
        "Organizacja": organisation,
        "Kategoria uczestnika": category,
        "Imię": who["first_name"],
        "Nazwisko": who["last_name"],
        "PESEL": who["pesel"],
        "Wykształcenie": "Ponadgimnazjalne (ISCED 3) lub policealne (ISCED 4)",
        "Status osoby na rynku pracy": "Osoba bierna zawodowo",
        "Osoba z niepełnosprawnościami": "Odmowa podania informacji",
        "Data rozpoczęcia udziału w projekcie": "04.06.2012",
        "Data zgody na przetwarzanie danych": "2012-06-01",
        **dict(
            zip(
                [
                    "Kraj",
                    "Województwo",
                    "Powiat",
                    "Gmina",
                    "Kod TERYT gminy",
                    "Miejscowość",
                    "Kod pocztowy",
                    "Ulica i numer",
                    "DEGURBA",
                ],
                WROCLAW,
                strict=True,
            )
        ),
        **extra,
    }
    return [values.get(h, "") for h in HEADERS]


def trener_aktywnosci_rows(seed: int = 7) -> list[list[str]]:
    """The TA project's people: 30 ON, 30 environment persons linked to them, 10 MOPS staff, 5 others."""
    rng = random.Random(seed)
    rows = []
    on = [person(rng, n) for n in range(30)]
    for who in on:
        rows.append(
            _row(
                who,
                demo_data.EUDAJMONIA,
                "Osoba niepełnosprawna (ON)",
                **{
                    "Stopień niepełnosprawności": "lekki",
                    "Klient pomocy społecznej": "Tak",
                    "Osoba z niepełnosprawnościami": "Tak",
                },
            )
        )
    for n, who in enumerate(on):
        carer = person(rng, 100 + n)
        rows.append(
            _row(
                carer,
                demo_data.EUDAJMONIA,
                "Otoczenie ON (rodzina, opiekun)",
                **{"PESEL osoby z niepełnosprawnością (dla otoczenia)": who["pesel"]},
            )
        )
    for n in range(10):
        rows.append(
            _row(
                person(rng, 200 + n),
                demo_data.MOPS,
                "staff_trainee",
                **{"Pracownik MOPS": "Tak", "Status osoby na rynku pracy": "Osoba pracująca"},
            )
        )
    for n in range(5):
        rows.append(
            _row(
                person(rng, 300 + n),
                demo_data.FRDL,
                "staff_trainee",
                **{"Status osoby na rynku pracy": "Osoba pracująca"},
            )
        )
    return rows


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[list[str]], encoding: str = "utf-8", header: list[str] = HEADERS) -> bytes:
    lines = [";".join(header), *(";".join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _upload(system: RunningSystem, project_id: str, name: str, content: bytes, **params: str) -> Any:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        return leader.post(f"/projects/{project_id}/imports", files={"file": (name, content)}, params=params)


def test_the_trener_aktywnosci_people_import_from_xlsx_once_however_often_the_file_is_sent(
    system: RunningSystem, project_id: str
) -> None:
    content = _xlsx(trener_aktywnosci_rows())

    first = _upload(system, project_id, "ta.xlsx", content)
    again = _upload(system, project_id, "ta.xlsx", content)

    assert first.status_code == 200, first.text
    assert first.json() | {"errors": []} == {
        "rows": 75,
        "enrolled": 75,
        "already_enrolled": 0,
        "invalid_rows": 0,
        "encoding": "xlsx",
        "errors": [],
    }, first.json()["errors"][:5]
    assert again.json()["enrolled"] == 0
    assert again.json()["already_enrolled"] == 75
    assert eventually(lambda: participant_count(system, project_id) == 75, timeout=60)
    with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:
        report = auditor.get(f"/projects/{project_id}/participants/count").json()
    assert report["by_category"] == {"person_with_disability": 30, "environment_person": 30, "staff_trainee": 15}


def test_a_windows_1250_csv_with_broken_rows_enrols_the_good_ones_and_names_each_problem(
    system: RunningSystem, project_id: str
) -> None:
    rng = random.Random(11)
    good = _row(
        person(rng, 1) | {"first_name": "Łucja", "last_name": "Żółć-Gęślą"},
        demo_data.EUDAJMONIA,
        "Osoba niepełnosprawna (ON)",
        **{"Stopień niepełnosprawności": "znaczny", "Klient pomocy społecznej": "Tak"},
    )
    bad_pesel = _row(person(rng, 2) | {"pesel": "71030512349"}, demo_data.EUDAJMONIA, "staff_trainee")
    bad_date = _row(
        person(rng, 3), demo_data.EUDAJMONIA, "staff_trainee", **{"Data rozpoczęcia udziału w projekcie": "31.02.2012"}
    )
    ineligible = _row(
        person(rng, 4),
        demo_data.EUDAJMONIA,
        "Osoba niepełnosprawna (ON)",
        **{"Stopień niepełnosprawności": "lekki", "Klient pomocy społecznej": "Nie"},
    )
    content = _csv([good, bad_pesel, bad_date, ineligible], encoding="cp1250")

    response = _upload(system, project_id, "lista.csv", content)
    errors_file = _upload(system, project_id, "lista.csv", content, format="csv")

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["encoding"] == "windows-1250"
    assert report["enrolled"] == 1
    assert report["invalid_rows"] == 3
    by_row = {(e["row"], e["field"]) for e in report["errors"]}
    assert (3, "pesel") in by_row
    assert (4, "enrolled_on") in by_row
    assert (5, "social_assistance_client") in by_row
    assert "Wiersz;Pole;Przyczyna" in errors_file.text
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        listed = leader.get(f"/projects/{project_id}/participants").json()["items"]
    assert [p["personal"]["last_name"] for p in listed] == ["Żółć-Gęślą"]
    assert listed[0]["personal"]["first_name"] == "Łucja"


def test_a_file_with_a_wrong_header_is_refused_naming_the_columns(system: RunningSystem, project_id: str) -> None:
    header = [h for h in HEADERS if h != "Nazwisko"] + ["Pseudonim"]

    response = _upload(system, project_id, "zla.csv", _csv([], header=header))

    assert response.status_code == 422
    message = response.json()["detail"][0]["msg"]
    assert "unknown columns: Pseudonim" in message
    assert "missing columns: Nazwisko" in message


def test_the_import_command_shows_progress_and_lists_refused_rows_by_file_row(
    system: RunningSystem, project_id: str, tmp_path: Path
) -> None:
    rows = trener_aktywnosci_rows(seed=3)[:40]
    rows[35][HEADERS.index("PESEL")] = "123"  # an environment person: nobody depends on them
    source = tmp_path / "lista.csv"
    source.write_bytes(_csv(rows))
    errors = tmp_path / "bledy.csv"
    token = system.token(demo_data.EUDAJMONIA, Role.COORDINATOR)

    result = subprocess.run(
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
            token,
            "--chunk-rows",
            "15",
            "--errors",
            str(errors),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert "40/40 rows" in result.stderr
    assert "39 enrolled, 0 already enrolled, 1 refused" in result.stdout
    assert "row 37: pesel:" in result.stdout, "the file's own row number (header is row 1)"
    assert errors.read_text(encoding="utf-8").splitlines()[1].startswith("37;pesel;")
