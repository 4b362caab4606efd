"""Enrolment's HTTP API → events → reporting: indicators, the XLSX/CSV exports read back, duplicates harmless."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from aktywni_shared.auth import Role
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import SupportCompletedV1, SupportStartedV1
from aktywni_stack import demo_data
from tests.e2e.conftest import RunningSystem, eventually
from tests.support.reporting import MEETINGS, TRAINING, publish, values


def support(project_id: str, enrolled: dict[str, Any], body: dict[str, Any], completed: bool = False) -> Envelope:
    """The SupportStarted/Completed scheduling emits for a participant (its attributes as enrolment sent them)."""
    born = body.get("birth_date") or "1971-03-05"  # Anna's PESEL 71030512348: born 1971-03-05, female
    common = {
        "participant_id": enrolled["participant_id"],
        "category": body["category"],
        "sex": body.get("sex", "K"),
        "birth_year": int(born[:4]),
        "disability_degree": body.get("disability_degree"),
        "mops_employee": body.get("mops_employee"),
    }
    payload: SupportStartedV1 | SupportCompletedV1
    if completed:
        payload = SupportCompletedV1.model_validate(
            {
                **common,
                "activity_id": str(TRAINING),
                "form": "training",
                "completed_on": "2012-11-30",
                "hours_attended": 40,
            }
        )
    else:
        payload = SupportStartedV1.model_validate(
            {**common, "activity_id": str(MEETINGS), "form": "individual_meeting", "started_on": "2012-06-20"}
        )
    return Envelope.wrap(payload, producer="scheduling", organisation_id=body["organisation_id"], project_id=project_id)


def apply_ta_template(reporting: Any, project_id: str) -> None:
    """Give the project the TA indicators, once reporting has learned of it from its event."""
    path = f"/projects/{project_id}/indicators/template"
    assert eventually(lambda: reporting.post(path, json={"template": "trener-aktywnosci"}).status_code == 200)


def test_a_ta_project_run_over_http_shows_in_the_report_and_the_exports(system: RunningSystem, project_id: str) -> None:
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        apply_ta_template(reporting, project_id)
    people: list[tuple[dict[str, Any], dict[str, Any]]] = []
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        anna_body = demo_data.person_with_disability()
        anna = leader.post(f"/projects/{project_id}/participants", json=anna_body).json()
        carer_body = demo_data.environment_person(anna["participant_id"])
        trainee_body = demo_data.staff_trainee(mops_employee=True, organisation_id=demo_data.FRDL)
        for body in (carer_body, trainee_body):
            response = leader.post(f"/projects/{project_id}/participants", json=body)
            assert response.status_code == 201, response.text
            people.append((response.json(), body))
        for kind, name, institution_kind in (
            ("implement_model", "MOPS Wrocław", "social_assistance_centre"),
            ("cooperate", "Stowarzyszenie Na Rzecz Aktywności", "ngo"),
        ):
            declared = leader.post(
                f"/projects/{project_id}/declarations",
                json={
                    "kind": kind,
                    "institution_name": name,
                    "institution_kind": institution_kind,
                    "declared_on": "2014-05-10",
                    "document_reference": f"DEK/{uuid.uuid4().hex[:6]}",
                },
            )
            assert declared.status_code == 201, declared.text
    people.insert(0, (anna, anna_body))
    (carer, carer_body), (trainee, trainee_body) = people[1], people[2]
    events = [support(project_id, anna, anna_body), support(project_id, carer, carer_body)]
    events += [support(project_id, trainee, trainee_body), support(project_id, trainee, trainee_body, completed=True)]
    asyncio.run(publish(system.infra.kafka_bootstrap_servers, events * 2))  # every event delivered twice

    expected = {
        "TA-ON-SUPPORTED": (1, {"K": 1, "M": 0}),
        "TA-ENV-SUPPORTED": (1, {"K": 0, "M": 1}),
        "TA-MOPS-TRAINED": (1, {"K": 0, "M": 1}),
        "TA-OTHER-TRAINED": (0, {"K": 0, "M": 0}),
        "TA-UNITS-DECLARING": (1, {}),
        "TA-BODIES-COOPERATING": (1, {}),
        "TA-MODEL": (0, {}),
    }
    with system.client("reporting", demo_data.MOPS, Role.AUDITOR) as auditor:

        def report() -> Any:
            response = auditor.get(f"/projects/{project_id}/report")
            return response.json() if response.status_code == 200 and values(response.json()) == expected else None

        shown = eventually(report, timeout=40)
        assert shown, auditor.get(f"/projects/{project_id}/report").text
        on = next(i for i in shown["indicators"] if i["code"] == "TA-ON-SUPPORTED")
        assert on["breakdowns"]["labour_market_group"] == {"inactive": 1}, "the funder's groups beside the statuses"
        assert on["breakdowns_by_sex"]["labour_market_group"] == {"inactive": {"K": 1, "M": 0}}
        workbook = openpyxl.load_workbook(
            io.BytesIO(auditor.get(f"/projects/{project_id}/exports/indicators.xlsx").content)
        )
        monthly = auditor.get(f"/projects/{project_id}/exports/indicators.csv")
        refused = auditor.get(f"/projects/{project_id}/exports/participants.csv")
        splits = auditor.get(f"/projects/{project_id}/exports/breakdowns.csv")
    assert splits.status_code == 200, splits.text
    split_rows = list(csv.reader(io.StringIO(splits.content.decode("utf-8-sig")), delimiter=";"))
    assert split_rows[0] == ["Kod wskaźnika", "Nazwa wskaźnika", "Podział", "Grupa", "Wartość", "Kobiety", "Mężczyźni"]
    assert any(
        r[0] == "TA-ON-SUPPORTED" and r[2:] == ["Status na rynku pracy", "Osoba bierna zawodowo", "1", "1", "0"]
        for r in split_rows
    )
    assert any(
        r[0] == "TA-ENV-SUPPORTED" and r[2:] == ["Status na rynku pracy (grupy)", "Osoba pracująca", "1", "0", "1"]
        for r in split_rows
    )
    assert any(
        r[0] == "TA-ENV-SUPPORTED" and r[2] == "Miejsce zamieszkania (DEGURBA)" and r[4:] == ["1", "0", "1"]
        for r in split_rows
    )

    summary = {row[0]: row for row in workbook["Wskaźniki"].iter_rows(min_row=2, values_only=True)}
    assert {code: (row[5], row[7], row[8]) for code, row in summary.items()} == {
        code: (value, by_sex.get("K", None) if by_sex else None, by_sex.get("M", None) if by_sex else None)
        for code, (value, by_sex) in expected.items()
    }
    assert workbook["Wskaźniki"]["A1"].value == "Kod wskaźnika"
    assert {"Płeć", "Wiek", "Niepełnosprawność", "Kategoria", "Organizacja", "Miesiąc"} <= set(workbook.sheetnames)
    ages = {row[0]: row[2:] for row in workbook["Wiek"].iter_rows(min_row=2, values_only=True)}
    assert ages["TA-ON-SUPPORTED"] == ("25–54 lata", 1, 1, 0), "Anna (born 1971) was 41 when her support started"
    # every split the funder asks for, each crossed with sex (total, women, men), with Polish labels
    assert {"Status na rynku pracy", "Wykształcenie (ISCED)", "Miejsce zamieszkania (DEGURBA)"} <= set(
        workbook.sheetnames
    )

    def split(sheet: str) -> dict[str, tuple[Any, ...]]:
        return {row[0]: row[2:] for row in workbook[sheet].iter_rows(min_row=2, values_only=True)}

    assert split("Status na rynku pracy")["TA-ON-SUPPORTED"] == ("Osoba bierna zawodowo", 1, 1, 0)
    assert split("Status na rynku pracy")["TA-ENV-SUPPORTED"] == ("Osoba pracująca", 1, 0, 1)
    assert split("Wykształcenie (ISCED)")["TA-ON-SUPPORTED"] == ("ponadgimnazjalne lub policealne (ISCED 3–4)", 1, 1, 0)
    assert split("Miejsce zamieszkania (DEGURBA)")["TA-MOPS-TRAINED"][1:] == (1, 0, 1)
    assert split("Niepełnosprawność")["TA-ON-SUPPORTED"] == ("lekki", 1, 1, 0)
    assert workbook["Status na rynku pracy"]["E1"].value == "Kobiety"
    rows = list(csv.reader(io.StringIO(monthly.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Kod wskaźnika", "Nazwa wskaźnika", "Miesiąc"]
    frdl = "Fundacja Rozwoju Demokracji Lokalnej"  # organisations by name, not by id
    assert any(r[0] == "TA-MOPS-TRAINED" and r[2:6] == ["2012-11", frdl, "Mężczyźni", "1"] for r in rows)
    assert refused.status_code == 403, "auditors never get the participant list"

    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        listing = leader.get(f"/projects/{project_id}/exports/participants.xlsx")
    assert listing.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(listing.content))["Uczestnicy"]
    listed = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(listed) == {anna["participant_id"], carer["participant_id"], trainee["participant_id"]}
    assert listed[trainee["participant_id"]][8] == "tak", "MOPS employee"
    text = "".join(str(cell) for row in listed.values() for cell in row)
    for secret in ("Przykładowa", "71030512348", "Testowy"):
        assert secret not in text, "no personal data in the participant list"


def test_the_unemployed_are_reported_in_total_and_of_whom_long_term_by_sex(
    system: RunningSystem, project_id: str
) -> None:
    """2 registered + 1 long-term + 1 unregistered unemployed: 4 unemployed, of whom 1 long-term (EFS+ groups)."""
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        apply_ta_template(reporting, project_id)
    statuses = [
        ("registered_unemployed", "K"),
        ("registered_unemployed", "M"),
        ("long_term_unemployed", "K"),
        ("unregistered_unemployed", "M"),
        ("inactive", "M"),
    ]
    events = []
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        anna = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability()).json()
        for n, (status, sex) in enumerate(statuses):
            body = demo_data.environment_person(
                anna["participant_id"],
                first_name=f"Osoba{'abcde'[n]}",
                birth_date=f"196{n}-02-1{n}",
                sex=sex,
                labour_market_status=status,
            )
            enrolled = leader.post(f"/projects/{project_id}/participants", json=body)
            assert enrolled.status_code == 201, enrolled.text
            events.append(support(project_id, enrolled.json(), body))
    asyncio.run(publish(system.infra.kafka_bootstrap_servers, events))

    groups = {
        "unemployed": {"K": 2, "M": 2},
        "of_whom_long_term_unemployed": {"K": 1, "M": 0},
        "inactive": {"K": 0, "M": 1},
    }
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:

        def environment() -> Any:
            response = leader.get(f"/projects/{project_id}/report")
            if response.status_code != 200:
                return None
            env = next(i for i in response.json()["indicators"] if i["code"] == "TA-ENV-SUPPORTED")
            return env if env["value"] == len(statuses) else None

        env = eventually(environment, timeout=40)
        assert env, leader.get(f"/projects/{project_id}/report").text
        splits = leader.get(f"/projects/{project_id}/exports/breakdowns.csv")
    assert env["breakdowns_by_sex"]["labour_market_group"] == groups
    assert list(env["breakdowns"]["labour_market_group"]) == list(groups), "the long-term right under the unemployed"
    assert env["breakdowns"]["labour_market_group"] == {
        "unemployed": 4,
        "of_whom_long_term_unemployed": 1,
        "inactive": 1,
    }
    assert env["breakdowns"]["labour_market_status"]["registered_unemployed"] == 2, "the fine statuses stay"
    rows = list(csv.reader(io.StringIO(splits.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[3:] for r in rows if r[0] == "TA-ENV-SUPPORTED" and r[2] == "Status na rynku pracy (grupy)"] == [
        ["Osoby bezrobotne (łącznie z długotrwale bezrobotnymi)", "4", "2", "2"],
        ["w tym osoby długotrwale bezrobotne", "1", "1", "0"],
        ["Osoba bierna zawodowo", "1", "0", "1"],
    ]


def test_an_item_with_target_one_is_forecast_by_the_plan_and_the_months_after_today_are_not_elapsed(
    system: RunningSystem,
) -> None:
    """TA-MODEL (target 1, no monthly plan) delivered today, early in a project running for two more years:
    the forecast is the plan's 1 (a pace over the elapsed share would say dozens); later months are not elapsed."""
    today = datetime.now(ZoneInfo("Europe/Warsaw")).date()
    starts_on = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # the first of last month
    ends_on = date(today.year + 2, 12, 31)
    project = {
        **demo_data.ta_project(f"TEST-{uuid.uuid4().hex[:10]}"),
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
    }
    project_id = str(project["project_id"])
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as enrolment:
        registered = enrolment.post("/projects", json=project)
        assert registered.status_code == 201, registered.text
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        apply_ta_template(reporting, project_id)
        entry = {"entry_id": str(uuid.uuid4()), "quantity": 1, "on": today.isoformat(), "note": "model"}
        recorded = reporting.post(f"/projects/{project_id}/indicators/TA-MODEL/entries", json=entry)
        assert recorded.status_code == 201, recorded.text

        def model() -> Any:
            response = reporting.get(f"/projects/{project_id}/report")
            if response.status_code != 200:
                return None
            found = next(i for i in response.json()["indicators"] if i["code"] == "TA-MODEL")
            return found if found["value"] == 1 else None

        item = eventually(model, timeout=40)
        assert item, reporting.get(f"/projects/{project_id}/report").text
    assert item["target"] == 1
    assert item["forecast"]["expected_at_end"] == 1, item["forecast"]
    assert item["forecast"]["will_meet_target"] is True
    current = today.strftime("%Y-%m")
    months = {m["month"]: m for m in item["months"]}
    assert months[current]["elapsed"] is True
    assert months[current]["cumulative"] == 1
    later = [m for m in item["months"] if m["month"] > current]
    assert later, "the project runs on after this month"
    assert all(m["elapsed"] is False for m in later), "the chart's achieved line stops at today"
    assert all(m["elapsed"] is True for m in item["months"] if m["month"] <= current)


def test_the_age_band_is_exact_on_the_first_support_day(system: RunningSystem, project_id: str) -> None:
    """Born 1987-06-21, first support 2012-06-20: 24 years 11 months (2012 - 1987 = 25 by the year)."""
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as reporting:
        apply_ta_template(reporting, project_id)
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        anna = leader.post(f"/projects/{project_id}/participants", json=demo_data.person_with_disability()).json()
        young_body = demo_data.environment_person(anna["participant_id"], birth_date="1987-06-21")
        young = leader.post(f"/projects/{project_id}/participants", json=young_body)
        assert young.status_code == 201, young.text
    asyncio.run(publish(system.infra.kafka_bootstrap_servers, [support(project_id, young.json(), young_body)]))

    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:

        def bands() -> Any:
            response = leader.get(f"/projects/{project_id}/report")
            if response.status_code != 200:
                return None
            env = next(i for i in response.json()["indicators"] if i["code"] == "TA-ENV-SUPPORTED")
            return env["breakdowns"]["age_band"] if env["breakdowns"].get("age_band") == {"<25": 1} else None

        assert eventually(bands, timeout=40), leader.get(f"/projects/{project_id}/report").text
        listing = leader.get(f"/projects/{project_id}/exports/participants.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(listing.content))["Uczestnicy"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == young.json()["participant_id"])
    assert row[header.index("Wiek w chwili rozpoczęcia wsparcia")] == "poniżej 25 lat", row
