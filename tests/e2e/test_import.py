"""Bulk import through the real services: XLSX and CSV (also Windows-1250), errors by row, re-import."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from aktywni_stack import keycloak as kc
from enrolment.domain.importing import COLUMNS
from tests.e2e.conftest import RunningSystem, eventually, participant_count
from tests.support.people import person
from tests.support.pii_scan import ENROLMENT_DATABASE

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
    assert first.json() | {"errors": [], "enrolled_rows": []} == {
        "rows": 75,
        "enrolled": 75,
        "already_enrolled": 0,
        "invalid_rows": 0,
        "encoding": "xlsx",
        "errors": [],
        "enrolled_rows": [],
        "already_enrolled_rows": [],
    }, first.json()["errors"][:5]
    assert [e["row"] for e in first.json()["enrolled_rows"]] == list(range(2, 77))
    assert again.json()["enrolled"] == 0
    assert again.json()["already_enrolled"] == 75
    assert again.json()["already_enrolled_rows"] == list(range(2, 77))
    assert again.json()["enrolled_rows"] == []
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
    assert (3, "PESEL") in by_row
    assert (4, "Data rozpoczęcia udziału w projekcie") in by_row
    assert (5, "Klient pomocy społecznej") in by_row
    reasons = {e["row"]: e["reason"] for e in report["errors"]}
    assert reasons[3] == "nieprawidłowy numer PESEL"
    assert reasons[4] == "„31.02.2012” nie jest poprawną datą (RRRR-MM-DD lub DD.MM.RRRR)"
    assert reasons[5] == "projekt przyjmuje w tej kategorii tylko klientów pomocy społecznej"
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
    assert "nieznane kolumny: Pseudonim" in message
    assert "brakujące kolumny: Nazwisko" in message


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
            "enrolment.cli.import_cli",
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
    assert "row 37: PESEL: nieprawidłowy numer PESEL" in result.stdout, "the file's own row number (header is row 1)"
    assert errors.read_text(encoding="utf-8").splitlines()[1].startswith("37;PESEL;")


def test_the_import_command_signs_in_with_client_credentials_from_a_secret_file(
    system: RunningSystem, project_id: str, tmp_path: Path
) -> None:
    # The partner's system: the confidential client's service account is partner staff of FRDL.
    rows = trener_aktywnosci_rows(seed=11)[:5]  # persons with a disability, no one linked to another
    for cells in rows:
        cells[HEADERS.index("Organizacja")] = demo_data.FRDL
    source = tmp_path / "partner.csv"
    source.write_bytes(_csv(rows))
    secret_file = tmp_path / "integration-secret"
    secret_file.write_text(kc.INTEGRATION_SECRET + "\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "enrolment.cli.import_cli",
            str(source),
            "--project",
            project_id,
            "--url",
            system.url("enrolment"),
            "--issuer",
            system.provider.issuer,
            "--client-id",
            kc.INTEGRATION_CLIENT,
            "--client-secret-file",
            str(secret_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in {"AKTYWNI_TOKEN", "AKTYWNI_CLIENT_SECRET"}},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 enrolled, 0 already enrolled, 0 refused" in result.stdout
    assert kc.INTEGRATION_SECRET not in result.stdout + result.stderr


def _listed(system: RunningSystem, project_id: str) -> dict[str, str]:
    """The project's participants as the API lists them: participant id -> last name."""
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.get(f"/projects/{project_id}/participants", params={"page_size": 100})
    assert response.status_code == 200, response.text
    return {p["participant_id"]: p["personal"]["last_name"] for p in response.json()["items"]}


def _on(rng: random.Random, n: int, **extra: str) -> tuple[dict[str, str], list[str]]:
    who = person(rng, n)
    cells = _row(
        who,
        demo_data.EUDAJMONIA,
        "Osoba niepełnosprawna (ON)",
        **{"Stopień niepełnosprawności": "umiarkowany", "Klient pomocy społecznej": "Tak", **extra},
    )
    return who, cells


LINKED = "PESEL osoby z niepełnosprawnością (dla otoczenia)"


def test_a_file_whose_environment_row_is_refused_enrols_the_rest_and_names_each_enrolled_row(
    system: RunningSystem, project_id: str
) -> None:
    rng = random.Random(21)
    on, on_cells = _on(rng, 1)
    stranger = person(rng, 2)  # nobody of the project: the environment row links to no one
    carer = _row(person(rng, 3), demo_data.EUDAJMONIA, "Otoczenie ON (rodzina, opiekun)", **{LINKED: stranger["pesel"]})

    response = _upload(system, project_id, "otoczenie.csv", _csv([on_cells, carer]))

    assert response.status_code == 200, response.text
    report = response.json()
    assert report["enrolled"] == 1
    assert report["errors"] == [
        {
            "row": 3,
            "field": LINKED,
            "reason": "brak w projekcie aktywnej osoby z niepełnosprawnością o tym numerze PESEL",
        }
    ]
    assert [e["row"] for e in report["enrolled_rows"]] == [2]
    assert _listed(system, project_id) == {report["enrolled_rows"][0]["participant_id"]: on["last_name"]}


def test_a_file_where_every_row_is_refused_answers_its_report_and_enrols_nobody(
    system: RunningSystem, project_id: str
) -> None:
    rng = random.Random(22)
    _, bad_pesel = _on(rng, 1, PESEL="71030512349")
    _, not_eligible = _on(rng, 2, **{"Klient pomocy społecznej": "nie"})
    carer = _row(person(rng, 3), demo_data.EUDAJMONIA, "Otoczenie ON (rodzina, opiekun)", **{LINKED: "44051401458"})

    response = _upload(system, project_id, "zle.xlsx", _xlsx([bad_pesel, not_eligible, carer]))

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["enrolled"], report["invalid_rows"]) == (3, 0, 3)
    assert report["enrolled_rows"] == []
    assert {(e["row"], e["field"]) for e in report["errors"]} == {
        (2, "PESEL"),
        (3, "Klient pomocy społecznej"),
        (4, LINKED),
    }
    assert _listed(system, project_id) == {}


def test_a_mixed_file_names_repeats_and_people_already_in_the_project_without_naming_their_organisation(
    system: RunningSystem, project_id: str
) -> None:
    rng = random.Random(23)
    on, on_cells = _on(rng, 1, **{"Klient pomocy społecznej": "true", "Potrzeba dostępu bez barier": "0"})
    _, refused = _on(rng, 2, **{"Klient pomocy społecznej": "FALSE"})
    carer = person(rng, 3)
    carer_cells = _row(carer, demo_data.EUDAJMONIA, "Otoczenie ON (rodzina, opiekun)", **{LINKED: on["pesel"]})
    unreadable = _row(person(rng, 4), demo_data.EUDAJMONIA, "staff_trainee", **{"Pracownik MOPS": "może"})

    first = _upload(system, project_id, "mix.csv", _csv([on_cells, refused, carer_cells, list(on_cells), unreadable]))

    assert first.status_code == 200, first.text
    report = first.json()
    assert report["enrolled"] == 2
    assert {e["row"]: (e["field"], e["reason"]) for e in report["errors"]} == {
        3: ("Klient pomocy społecznej", "projekt przyjmuje w tej kategorii tylko klientów pomocy społecznej"),
        5: ("PESEL", "ta sama osoba co w wierszu 2; pominięto"),
        6: ("Pracownik MOPS", "„może” nie jest dozwoloną wartością (Tak albo Nie)"),
    }
    ids = {e["row"]: e["participant_id"] for e in report["enrolled_rows"]}
    assert sorted(ids) == [2, 4]
    assert _listed(system, project_id) == {ids[2]: on["last_name"], ids[4]: carer["last_name"]}

    partner = _row(on, demo_data.FRDL, "Osoba niepełnosprawna (ON)", **{"Klient pomocy społecznej": "1"})
    partner[HEADERS.index("Stopień niepełnosprawności")] = "umiarkowany"
    with system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF) as staff:
        again = staff.post(f"/projects/{project_id}/imports", files={"file": ("frdl.csv", _csv([partner]))})

    assert again.status_code == 200, again.text
    assert again.json()["already_enrolled_rows"] == [2]
    assert again.json()["enrolled_rows"] == []
    assert demo_data.EUDAJMONIA not in again.text
    assert ids[2] not in again.text, "the person's id in the other organisation stays unsaid"
    assert len(_listed(system, project_id)) == 2


def test_the_xlsx_template_offers_every_closed_set_as_a_drop_down_and_explains_each_column(
    system: RunningSystem,
) -> None:
    with system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF) as staff:
        response = staff.get("/imports/template.xlsx")
        described = staff.get("/openapi.json").json()["paths"]["/projects/{project_id}/imports"]["post"]

    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Uczestnicy"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert all((sheet.column_dimensions[get_column_letter(i)].width or 0) >= 12 for i in range(1, len(HEADERS) + 1))
    dropdowns = {str(v.sqref).split(":")[0][:-1]: v for v in sheet.data_validations.dataValidation}
    closed = [c for c in COLUMNS if c.choices]
    assert {get_column_letter(HEADERS.index(c.header) + 1) for c in closed} == set(dropdowns)
    assert {"Kategoria uczestnika", "Płeć", "Klient pomocy społecznej", "DEGURBA"} <= {c.header for c in closed}
    lists = book["Listy"]
    for column in closed:
        letter = get_column_letter(HEADERS.index(column.header) + 1)
        assert dropdowns[letter].type == "list"
        offered = [lists[f"{letter}{n}"].value for n in range(1, len(column.choices) + 1)]
        assert offered == list(column.choices)
    explained = {row[0]: row[2] for row in book["Objaśnienia"].iter_rows(min_row=2, values_only=True)}
    assert set(explained) == set(HEADERS)
    assert "false, 0" in explained["Pracownik MOPS"]
    assert all(f"| {h}" in described["description"] for h in HEADERS)


def test_the_import_command_reports_a_chunk_whose_only_row_is_a_refused_environment_person(
    system: RunningSystem, project_id: str, tmp_path: Path
) -> None:
    rng = random.Random(24)
    on, on_cells = _on(rng, 1)
    _, other_cells = _on(rng, 2)
    carer = _row(person(rng, 3), demo_data.EUDAJMONIA, "Otoczenie ON (rodzina, opiekun)", **{LINKED: "44051401458"})
    source = tmp_path / "lista.csv"
    source.write_bytes(_csv([on_cells, other_cells, carer, list(on_cells)]))
    enrolled = tmp_path / "zapisani.csv"

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "enrolment.cli.import_cli",
            str(source),
            "--project",
            project_id,
            "--url",
            system.url("enrolment"),
            "--token",
            system.token(demo_data.EUDAJMONIA, Role.COORDINATOR),
            "--chunk-rows",
            "2",
            "--enrolled",
            str(enrolled),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "4 rows" in result.stdout
    assert "2 enrolled, 0 already enrolled, 2 refused" in result.stdout
    assert f"row 4: {LINKED}:" in result.stdout
    assert "row 5: PESEL: ta sama osoba co w wierszu 2" in result.stdout
    lines = enrolled.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Wiersz;Identyfikator uczestnika"
    listed = _listed(system, project_id)
    assert [line.split(";")[0] for line in lines[1:]] == ["2", "3"]
    assert {line.split(";")[1] for line in lines[1:]} == set(listed)
    assert on["last_name"] in listed.values()


def test_a_claim_left_by_a_crashed_enrolment_does_not_keep_the_person_out_for_ever(
    system: RunningSystem, project_id: str
) -> None:
    """An identity claim without its participant, older than the lease, is taken over by the import."""
    rng = random.Random(25)
    who, cells = _on(rng, 1)
    other = demo_data.ta_project(f"TEST-{uuid.uuid4().hex[:10]}")
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert leader.post("/projects", json=other).status_code == 201
    elsewhere = _upload(system, str(other["project_id"]), "inny.csv", _csv([cells])).json()
    participant_id = elsewhere["enrolled_rows"][0]["participant_id"]
    client: MongoClient[dict[str, Any]] = MongoClient(system.infra.mongodb_uri)
    with client as mongo:
        enrolment = mongo[ENROLMENT_DATABASE]
        found = enrolment["participants"].find_one({"_id": participant_id})
        assert found is not None
        pesel_hash = found["pesel_hash"]  # the same person's lookup hash, whatever the project
        enrolment["participant_identities"].insert_one(
            {
                "_id": f"{project_id}:pesel:{pesel_hash}",
                "participant_id": str(uuid.uuid4()),  # written by nobody: the enrolment crashed
                "organisation_id": demo_data.EUDAJMONIA,
                "claimed_at": time.time() - 3600,
            }
        )

    response = _upload(system, project_id, "lista.csv", _csv([cells]))

    assert response.status_code == 200, response.text
    assert response.json()["already_enrolled_rows"] == []
    enrolled = response.json()["enrolled_rows"]
    assert [e["row"] for e in enrolled] == [2]
    assert _listed(system, project_id) == {enrolled[0]["participant_id"]: who["last_name"]}


def test_a_dry_run_answers_the_imports_report_writes_nothing_and_only_the_real_import_is_listed(
    system: RunningSystem, project_id: str
) -> None:
    rng = random.Random(24)
    on, on_cells = _on(rng, 1)
    _, refused = _on(rng, 2, PESEL="71030512349")
    carer = _row(person(rng, 3), demo_data.EUDAJMONIA, "Otoczenie ON (rodzina, opiekun)", **{LINKED: on["pesel"]})
    content = _csv([on_cells, refused, carer])

    preview = _upload(system, project_id, "podglad.csv", content, dry_run="true")

    assert preview.status_code == 200, preview.text
    checked = preview.json()
    assert (checked["rows"], checked["enrolled"], checked["invalid_rows"]) == (3, 2, 1)
    assert checked["enrolled_rows"] == [{"row": 2, "participant_id": None}, {"row": 4, "participant_id": None}]
    assert [(e["row"], e["field"]) for e in checked["errors"]] == [(3, "PESEL")]
    assert _listed(system, project_id) == {}, "a dry run enrols nobody (the carer links to an ON of the file)"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert leader.get(f"/projects/{project_id}/imports").json() == {
            "total": 0,
            "page": 1,
            "page_size": 20,
            "items": [],
        }

    report = _upload(system, project_id, "lista.csv", content).json()
    with system.client("enrolment", demo_data.FRDL, Role.PARTNER_STAFF) as staff:
        staff_upload = staff.post(
            f"/projects/{project_id}/imports", files={"file": ("frdl.csv", _csv([], header=HEADERS))}
        )
        partners = staff.get(f"/projects/{project_id}/imports").json()
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        leaders = leader.get(f"/projects/{project_id}/imports", params={"page_size": 1}).json()
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.TRAINER) as trainer:
        trainers = trainer.get(f"/projects/{project_id}/imports")

    assert (report["enrolled"], report["invalid_rows"]) == (2, 1)
    assert [row["row"] for row in report["enrolled_rows"]] == [2, 4]
    assert staff_upload.status_code == 200, staff_upload.text
    assert [(i["filename"], i["organisation_id"], i["rows"]) for i in partners["items"]] == [
        ("frdl.csv", demo_data.FRDL, 0)
    ], "a partner reads only its own organisation's imports"
    assert (leaders["total"], len(leaders["items"])) == (2, 1)
    newest = leaders["items"][0]
    assert newest["filename"] == "frdl.csv"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        second = leader.get(f"/projects/{project_id}/imports", params={"page": 2, "page_size": 1}).json()["items"]
    assert [(i["filename"], i["rows"], i["enrolled"], i["already_enrolled"], i["refused"]) for i in second] == [
        ("lista.csv", 3, 2, 0, 1)
    ]
    assert on["pesel"] not in str(second)
    assert on["last_name"] not in str(second)
    assert trainers.status_code == 403
