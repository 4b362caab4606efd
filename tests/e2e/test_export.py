"""The funder's participant file: Polish layout, the leader's coordinator only, audited.

Polish labels only (statuses, organisation names), the first support date that scheduling reported,
and a sensitive question never asked kept apart from a refused one.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Any

from aiokafka import AIOKafkaProducer
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_shared.contracts import Envelope, encode
from aktywni_shared.contracts.events import SupportStartedV1
from aktywni_shared.contracts.topics import SCHEDULING_ATTENDANCE
from aktywni_stack import demo_data
from enrolment.domain.exporting import HEADERS
from tests.e2e.conftest import RunningSystem, eventually
from tests.e2e.test_reporting_e2e import support
from tests.support.reporting import publish_blocking


async def _support_started(system: RunningSystem, project_id: str, participant_id: str, on: date) -> None:
    """Scheduling's fact after a first attendance, on its real topic."""
    payload = SupportStartedV1(
        participant_id=uuid.UUID(participant_id),
        activity_id=uuid.UUID(int=7),
        form="individual_meeting",
        category="person_with_disability",
        sex="K",
        birth_year=1971,
        disability_degree="light",
        started_on=on,
    )
    envelope = Envelope.wrap(
        payload, producer="scheduling", organisation_id=demo_data.EUDAJMONIA, project_id=project_id
    )
    producer = AIOKafkaProducer(bootstrap_servers=system.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(SCHEDULING_ATTENDANCE.name, encode(envelope), key=participant_id.encode())
    finally:
        await producer.stop()


def _rows(text: str) -> dict[str, dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == HEADERS
    return {r[1]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}


def test_the_leader_exports_the_participant_file_and_nobody_else_may(system: RunningSystem, project_id: str) -> None:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        on = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability()).json()
        leader.post(f"/projects/{project_id}/participants", json=demo_data.environment_person(on["participant_id"]))
        exported = leader.get(f"/projects/{project_id}/exports/participants.csv")
    with system.client("enrolment", demo_data.FRDL, Role.COORDINATOR) as partner:
        refused_partner = partner.get(f"/projects/{project_id}/exports/participants.csv")
    with system.client("enrolment", demo_data.MOPS, Role.AUDITOR) as auditor:
        refused_auditor = auditor.get(f"/projects/{project_id}/exports/participants.csv")

    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == HEADERS
    by_name = {r[1]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    anna = by_name["Przykładowa"]
    assert anna["PESEL"] == "71030512348"
    assert anna["Brak PESEL"] == "Nie"
    assert anna["Płeć"] == "Kobieta"
    assert anna["Wiek w chwili przystąpienia do projektu"] == "41"
    assert anna["Wykształcenie"] == "Ponadgimnazjalne (ISCED 3) lub policealne (ISCED 4)"
    assert anna["Status osoby na rynku pracy w chwili przystąpienia do projektu"] == "Osoba bierna zawodowo"
    assert anna["Osoba z niepełnosprawnościami"] == "Tak"
    assert anna["Osoba w innej niekorzystnej sytuacji społecznej"] == "Odmowa podania informacji"
    assert by_name["Przykładowy"]["Brak PESEL"] == "Tak"
    assert refused_partner.status_code == 403
    assert refused_auditor.status_code == 403
    assert "Przykładowa" not in refused_partner.text + refused_auditor.text
    client: MongoClient[dict[str, Any]]
    with MongoClient(system.infra.mongodb_uri) as client:
        audit: list[dict[str, Any]] = list(
            client["aktywni_enrolment"]["audit_log"].find({"project_id": project_id, "action": "export"})
        )
    assert len(audit) == 1
    assert audit[0]["organisation_id"] == demo_data.EUDAJMONIA
    assert len(audit[0]["participant_ids"]) == 2


async def test_the_file_has_the_support_start_polish_labels_names_and_not_asked_apart_from_refused(
    system: RunningSystem, project_id: str
) -> None:
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        on = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability())
        assert on.status_code == 201, on.text
        anna_id = on.json()["participant_id"]
        # Piotr is asked one sensitive question only: the other three were never asked.
        piotr = demo_data.environment_person(anna_id, sensitive={"homelessness": "refused"})
        piotr_enrolled = leader.post(f"/projects/{project_id}/participants", json=piotr)
        assert piotr_enrolled.status_code == 201, piotr_enrolled.text
        piotr_id = piotr_enrolled.json()["participant_id"]
    await _support_started(system, project_id, anna_id, date(2012, 6, 12))
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        assert eventually(lambda: leader.get(f"/participants/{anna_id}").json()["status"] == "active")
        exported = leader.get(f"/projects/{project_id}/exports/participants.csv")
        anna_record, piotr_record = (
            leader.get(f"/participants/{anna_id}").json(),
            leader.get(f"/participants/{piotr_id}").json(),
        )

    # the record keeps the start of support and "not asked" apart from "refused"
    assert anna_record["support_started_on"] == "2012-06-12"
    assert piotr_record["support_started_on"] is None
    assert piotr_record["sensitive"] == {
        "disability": "not_asked",
        "foreign_origin_or_minority": "not_asked",
        "homelessness": "refused",
        "other_disadvantage": "not_asked",
    }
    assert anna_record["sensitive"]["other_disadvantage"] == "refused"
    assert exported.status_code == 200, exported.text
    by_name = _rows(exported.text)
    anna, piotr_row = by_name["Przykładowa"], by_name["Przykładowy"]
    assert anna["Data rozpoczęcia udziału we wsparciu"] == "2012-06-12"
    assert anna["Data rozpoczęcia udziału w projekcie"] == "2012-06-04"
    assert anna["Status uczestnictwa"] == "W trakcie udziału we wsparciu"
    assert piotr_row["Data rozpoczęcia udziału we wsparciu"] == ""
    assert piotr_row["Status uczestnictwa"] == "Przystąpił do projektu"
    assert {anna["Organizacja"], piotr_row["Organizacja"]} == {"Fundacja EUDAJMONIA"}
    assert anna["Osoba w innej niekorzystnej sytuacji społecznej"] == "Odmowa podania informacji"
    assert piotr_row["Osoba w kryzysie bezdomności lub dotknięta wykluczeniem z dostępu do mieszkań"] == (
        "Odmowa podania informacji"
    )
    assert piotr_row["Osoba z niepełnosprawnościami"] == "Nie zadano pytania"
    assert piotr_row["Osoba w innej niekorzystnej sytuacji społecznej"] == "Nie zadano pytania"
    codes = {"enrolled", "active", "inactive", "employed", demo_data.EUDAJMONIA, "refused", "not_asked"}
    assert not codes & {value for row in by_name.values() for value in row.values()}


def _assert_fitted(sheet: Worksheet, *, table: bool = True) -> None:
    """Columns sized to their longest value (not all 13 wide); a table's header row frozen and filtered."""
    widths = []
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        longest = max((len(str(v)) for v in column if v is not None), default=0)
        width = sheet.column_dimensions[get_column_letter(index)].width
        assert min(longest + 1, 80) <= width <= max(longest + 2, 8), (sheet.title, index, longest, width)
        widths.append(width)
    assert len(set(widths)) > 1, f"{sheet.title}: every column {widths[0]} wide"
    if table:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title


def test_reporting_files_show_organisation_names_polish_labels_and_fitted_sheets(
    system: RunningSystem, project_id: str
) -> None:
    template = {"template": "trener-aktywnosci"}
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        url = f"/projects/{project_id}/indicators/template"
        assert eventually(lambda: reporting.post(url, json=template).status_code == 200)
    body = demo_data.person_with_disability()
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as enrolment:
        enrolled = enrolment.post(f"/projects/{project_id}/participants", json=body)
    assert enrolled.status_code == 201, enrolled.text
    started, completed = support(project_id, enrolled.json(), body), support(project_id, enrolled.json(), body, True)
    publish_blocking(system.infra.kafka_bootstrap_servers, [started, completed])

    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        url = f"/projects/{project_id}/exports/participants"
        assert eventually(lambda: "Szkolenie (2012-11-30)" in reporting.get(f"{url}.csv").text, timeout=60)
        csv_rows = list(csv.reader(io.StringIO(reporting.get(f"{url}.csv").text.lstrip("\ufeff")), delimiter=";"))
        people = load_workbook(io.BytesIO(reporting.get(f"{url}.xlsx").content))
        indicators = load_workbook(io.BytesIO(reporting.get(f"/projects/{project_id}/exports/indicators.xlsx").content))
        report = reporting.get(f"/projects/{project_id}/report").json()

    sheet = people["Uczestnicy"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == len(csv_rows) == 2
    anna = dict(zip(rows[0], rows[1], strict=True))
    assert anna["Organizacja"] == "Fundacja EUDAJMONIA"
    assert anna["Status na rynku pracy"] == "Osoba bierna zawodowo"
    assert anna["Status udziału"] == "uczestniczy"
    assert anna["Data rozpoczęcia wsparcia"] == "2012-06-20"
    assert anna["Ukończone formy wsparcia"] == "Szkolenie (2012-11-30)"
    assert dict(zip(csv_rows[0], csv_rows[1], strict=True))["Organizacja"] == "Fundacja EUDAJMONIA"
    _assert_fitted(sheet)

    for table in indicators.worksheets:
        if table.title != "Projekt":
            _assert_fitted(table)
    _assert_fitted(indicators["Projekt"], table=False)
    info = {r[0]: r[1] for r in indicators["Projekt"].iter_rows(values_only=True)}
    assert info["Lider"] == "Fundacja EUDAJMONIA"
    shown = {r[3] for r in indicators["Miesiące × organizacje × płeć"].iter_rows(min_row=2, values_only=True)}
    assert "Fundacja EUDAJMONIA" in shown
    assert demo_data.EUDAJMONIA not in shown
    organisations = {r[2] for r in indicators["Organizacja"].iter_rows(min_row=2, values_only=True)}
    assert "Fundacja EUDAJMONIA" in organisations
    assert not organisations & set(report["organisations"])
    assert report["organisation_names"][demo_data.EUDAJMONIA] == "Fundacja EUDAJMONIA"
    assert report["organisation_names"][demo_data.FRDL] == "Fundacja Rozwoju Demokracji Lokalnej"
    texts = {str(v) for ws in (*indicators.worksheets, sheet) for row in ws.iter_rows(values_only=True) for v in row}
    assert not texts & {"inactive", "employed", "individual_meeting", "training", demo_data.MOPS, demo_data.FRDL}
