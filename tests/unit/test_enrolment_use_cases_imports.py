"""The bulk import as a use case on in-memory ports: rows enrolled, repeats and people already there named."""

from __future__ import annotations

import pytest

from aktywni_stack import demo_data
from enrolment.domain.errors import Forbidden, NotFound
from enrolment.domain.importing import COLUMNS
from enrolment.use_cases import imports, participants
from tests.unit.enrolment_fakes import AUDITOR, LEADER, OUTSIDER, PARTNER, TRAINER, jan, ta_world

pytestmark = pytest.mark.unit

HEADERS = [c.header for c in COLUMNS]
WROCLAW = {
    "Kraj": "PL",
    "Województwo": "dolnośląskie",
    "Powiat": "Wrocław",
    "Gmina": "Wrocław",
    "Kod TERYT gminy": "0264011",
    "Miejscowość": "Wrocław",
    "Kod pocztowy": "53-611",
    "DEGURBA": "1",
}


def trainee(first_name: str, birth_date: str, **extra: str) -> list[str]:
    values = {
        "Organizacja": demo_data.FRDL,
        "Kategoria uczestnika": "staff_trainee",
        "Imię": first_name,
        "Nazwisko": "Testowy",
        "Data urodzenia": birth_date,
        "Płeć": "M",
        "Wykształcenie": "isced_5_8",
        "Status osoby na rynku pracy": "employed",
        "Data rozpoczęcia udziału w projekcie": "10.09.2012",
        "Data zgody na przetwarzanie danych": "2012-06-01",
        **WROCLAW,
        **extra,
    }
    return [values.get(h, "") for h in HEADERS]


def csv_file(rows: list[list[str]], header: list[str] = HEADERS) -> bytes:
    return ("\r\n".join([";".join(header), *(";".join(r) for r in rows)]) + "\r\n").encode()


async def test_an_import_enrols_the_good_rows_names_the_bad_ones_and_the_people_already_there() -> None:
    world = await ta_world()
    already = await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())
    rows = [
        trainee("Adam", "1981-01-01"),
        trainee("Jan", "1980-02-14"),  # Jan Testowy, enrolled before the import
        trainee("Bogdan", "jutro"),
        trainee("Adam", "1981-01-01"),  # the same person twice in the file
    ]

    report, table = await imports.import_file(world.enrolment, PARTNER, "TA-2012", csv_file(rows), "lista.csv")

    assert (report.rows, report.enrolled, report.already_enrolled) == (4, 1, 1)
    assert table.encoding == "utf-8"
    assert report.already_enrolled_rows == [3]
    assert {e.row for e in report.errors} == {4, 5}
    assert next(e for e in report.errors if e.row == 4).field == "Data urodzenia"
    (enrolled,) = report.enrolled_rows
    assert enrolled.row == 2
    assert enrolled.participant_id not in ("", str(already.participant_id))
    assert world.audit.entries[-1].action == "import"
    assert world.outbox.types == ["ParticipantEnrolled", "ParticipantEnrolled"]


async def test_the_same_file_again_enrols_nobody_twice() -> None:
    world = await ta_world()
    content = csv_file([trainee("Adam", "1981-01-01"), trainee("Celina", "1990-05-05", **{"Płeć": "K"})])

    await imports.import_file(world.enrolment, PARTNER, "TA-2012", content, "lista.csv")
    again, _ = await imports.import_file(world.enrolment, PARTNER, "TA-2012", content, "lista.csv")

    assert (again.enrolled, again.already_enrolled) == (0, 2)
    assert world.outbox.types == ["ParticipantEnrolled", "ParticipantEnrolled"]


async def test_a_wrong_header_is_refused_as_a_file_error_before_any_row() -> None:
    world = await ta_world()
    header = [h for h in HEADERS if h != "Nazwisko"]

    with pytest.raises(imports.UnusableFile) as refused:
        await imports.import_file(world.enrolment, PARTNER, "TA-2012", csv_file([], header), "lista.csv")

    (detail,) = refused.value.body()["detail"]
    assert (refused.value.status, detail["loc"], detail["type"]) == (422, ["body", "file"], "file")
    assert "Nazwisko" in detail["msg"]
    assert world.participants.records == {}


async def test_only_coordinators_and_partner_staff_import_and_an_outsider_finds_no_project() -> None:
    world = await ta_world()
    content = csv_file([trainee("Adam", "1981-01-01")])

    for refused in (TRAINER, AUDITOR):
        with pytest.raises(Forbidden) as caught:
            await imports.import_file(world.enrolment, refused, "TA-2012", content, "lista.csv")
        assert caught.value.body() == {"detail": f"role {refused.role.value} may not do this"}
    with pytest.raises(NotFound):
        await imports.import_file(world.enrolment, OUTSIDER, "TA-2012", content, "lista.csv")
    assert world.participants.records == {}


async def test_a_dry_run_answers_the_report_the_import_would_and_writes_nothing() -> None:
    world = await ta_world()
    await participants.enrol(world.enrolment, PARTNER, "TA-2012", jan())
    rows = [
        trainee("Adam", "1981-01-01"),
        trainee("Jan", "1980-02-14"),  # already in the project
        trainee("Bogdan", "jutro"),
        trainee("Adam", "1981-01-01"),  # a repeat of row 2
    ]
    records_before = dict(world.participants.records)
    events_before = list(world.outbox.types)

    preview, _ = await imports.import_file(
        world.enrolment, PARTNER, "TA-2012", csv_file(rows), "lista.csv", dry_run=True
    )
    report, _ = await imports.import_file(world.enrolment, PARTNER, "TA-2012", csv_file(rows), "lista.csv")

    assert (preview.rows, preview.enrolled, preview.already_enrolled) == (report.rows, report.enrolled, 1)
    assert preview.already_enrolled_rows == report.already_enrolled_rows == [3]
    assert preview.errors == report.errors
    assert [(e.row, e.participant_id) for e in preview.enrolled_rows] == [(2, "")]
    assert world.audit.actions[-2:] == ["import_preview", "import"]
    assert len(world.imports.summaries) == 1, "only the real import leaves a summary"
    assert len(world.participants.records) == len(records_before) + 1
    assert world.outbox.types == [*events_before, "ParticipantEnrolled"]


async def test_a_dry_run_refuses_rows_for_another_organisation_as_the_import_does() -> None:
    world = await ta_world()
    rows = [trainee("Adam", "1981-01-01", Organizacja=demo_data.EUDAJMONIA)]

    preview, _ = await imports.import_file(world.enrolment, PARTNER, "TA-2012", csv_file(rows), "a.csv", dry_run=True)
    report, _ = await imports.import_file(world.enrolment, PARTNER, "TA-2012", csv_file(rows), "a.csv")

    assert preview.errors == report.errors
    assert [e.row for e in preview.errors] == [2]
    assert (preview.enrolled, report.enrolled) == (0, 0)


async def test_every_import_leaves_a_summary_and_a_partner_reads_only_its_own() -> None:
    world = await ta_world()
    await imports.import_file(
        world.enrolment, PARTNER, "TA-2012", csv_file([trainee("Adam", "1981-01-01")]), "C:\\lista\\frdl.csv"
    )
    leader_rows = [
        trainee("Celina", "1990-05-05", Organizacja=demo_data.EUDAJMONIA, **{"Płeć": "K"}),
        trainee("X", "x"),
    ]
    await imports.import_file(world.enrolment, LEADER, "TA-2012", csv_file(leader_rows), "eudajmonia.xlsx.csv")

    total, mine = await imports.imports_page(world.enrolment, PARTNER, "TA-2012", page=1, page_size=10)
    everything = await imports.imports_page(world.enrolment, LEADER, "TA-2012", page=1, page_size=10)
    audited = await imports.imports_page(world.enrolment, AUDITOR, "TA-2012", page=1, page_size=1)

    assert total == 1
    (summary,) = mine
    assert (summary.filename, summary.user, summary.organisation_id) == ("frdl.csv", "partner", demo_data.FRDL)
    assert (summary.rows, summary.enrolled, summary.already_enrolled, summary.refused) == (1, 1, 0, 0)
    assert everything[0] == 2
    newest = everything[1][0]
    assert (newest.filename, newest.rows, newest.enrolled, newest.refused) == ("eudajmonia.xlsx.csv", 2, 1, 1)
    assert (audited[0], [s.import_id for s in audited[1]]) == (2, [newest.import_id])
    with pytest.raises(Forbidden):
        await imports.imports_page(world.enrolment, TRAINER, "TA-2012", page=1, page_size=10)
    with pytest.raises(NotFound):
        await imports.imports_page(world.enrolment, OUTSIDER, "TA-2012", page=1, page_size=10)
