"""The funder's participant file: Polish layout, the leader's coordinator only, audited."""

from __future__ import annotations

import csv
import io

from pymongo import MongoClient

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from enrolment.exporting import HEADERS
from tests.e2e.conftest import RunningSystem


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
    with MongoClient(system.infra.mongodb_uri) as client:
        audit = list(client["aktywni_enrolment"]["audit_log"].find({"project_id": project_id, "action": "export"}))
    assert len(audit) == 1
    assert audit[0]["organisation_id"] == demo_data.EUDAJMONIA
    assert len(audit[0]["participant_ids"]) == 2
