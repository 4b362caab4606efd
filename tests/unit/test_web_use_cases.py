"""The web application's use cases on fakes of the three services' APIs."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.web import FakeEnrolment, FakeReporting, indicator, person
from web.use_cases import participants, projects
from web.use_cases.start import start_page

pytestmark = pytest.mark.unit
TODAY = date(2026, 3, 2)


async def test_the_recruiters_start_page_counts_waiting_candidates_with_their_token() -> None:
    enrolment = FakeEnrolment()
    enrolment.people = {"a": person("a", status="candidate"), "b": person("b"), "c": person("c", status="candidate")}
    page = await start_page(enrolment, FakeReporting(), "tok", "partner_staff")
    assert page.waiting == {"TA-2026": 2}
    assert page.at_risk == []  # partners do not follow indicators on their start page
    assert all(token == "tok" for _, token, _ in enrolment.calls)


async def test_the_coordinators_start_page_lists_indicators_at_risk_and_says_what_it_could_not_read() -> None:
    reporting = FakeReporting(
        {"TA-2026": {"project_id": "TA-2026", "title": "TA", "indicators": [indicator("X", 1, 9, will_meet=False)]}}
    )
    page = await start_page(FakeEnrolment(), reporting, "tok", "coordinator")
    assert [i.code for i in page.at_risk] == ["X"]
    page = await start_page(FakeEnrolment(), FakeReporting(), "tok", "auditor")
    assert page.unavailable == ["wskaźniki TA-2026"]
    assert page.waiting == {}


async def test_a_finished_project_s_indicators_are_not_at_risk_on_the_start_page() -> None:
    enrolment = FakeEnrolment()
    enrolment.projects_[0] |= {"starts_on": "2012-02-01", "ends_on": "2015-01-31"}
    reporting = FakeReporting(
        {"TA-2026": {"project_id": "TA-2026", "title": "TA", "indicators": [indicator("X", 1, 9, will_meet=False)]}}
    )
    assert (await start_page(enrolment, reporting, "tok", "coordinator", TODAY)).at_risk == []
    enrolment.projects_[0] |= {"starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    assert [i.code for i in (await start_page(enrolment, reporting, "tok", "coordinator", TODAY)).at_risk] == ["X"]


async def test_the_recruiters_start_page_lists_imports_with_refused_rows_and_the_auditors_does_not_ask() -> None:
    enrolment = FakeEnrolment(import_log=[{"import_id": "a", "filename": "lista.csv", "enrolled": 1, "refused": 2}])
    page = await start_page(enrolment, FakeReporting(), "tok", "partner_staff", TODAY)
    assert [(i["filename"], i["project_id"]) for i in page.refused_imports] == [("lista.csv", "TA-2026")]
    auditor = FakeEnrolment(import_log=list(enrolment.import_log))
    assert (await start_page(auditor, FakeReporting(), "tok", "auditor", TODAY)).refused_imports == []
    assert [c for c in auditor.calls if c[0] == "imports"] == []


async def test_search_sends_only_the_filled_filters() -> None:
    enrolment = FakeEnrolment()
    await participants.search(enrolment, "tok", "TA-2026", {"status": "candidate", "pesel": " ", "category": ""})
    assert enrolment.calls[-1] == ("search_participants", "tok", {"status": "candidate", "page_size": 100})


async def test_search_sends_the_name_and_pesel_to_the_search_in_its_body() -> None:
    enrolment = FakeEnrolment()
    await participants.search(enrolment, "tok", "TA-2026", {"name": " Przykł ", "pesel": "71030512348"})
    assert enrolment.calls[-1] == (
        "search_participants",
        "tok",
        {"name": "Przykł", "pesel": "71030512348", "page_size": 100},
    )


async def test_a_refused_enrolment_comes_back_as_field_errors() -> None:
    enrolment = FakeEnrolment(
        refuse_enrolment=(422, {"detail": [{"loc": ["body", "email"], "msg": "not an email", "type": "value_error"}]})
    )
    outcome = await participants.enrol(enrolment, "tok", "TA-2026", {"email": "x@"}, candidate=False)
    assert not outcome.ok
    assert [(e.field, e.message) for e in outcome.errors] == [("email", "Niepoprawny adres e-mail.")]


async def test_enrolment_as_a_candidate_then_the_lifecycle() -> None:
    enrolment = FakeEnrolment()
    created = await participants.enrol(enrolment, "tok", "TA-2026", {"first_name": "Anna"}, candidate=True)
    assert created.record is not None
    pid = created.record["participant_id"]
    assert enrolment.people[pid]["status"] == "candidate"
    assert (await participants.act(enrolment, "tok", pid, "qualify", {}, TODAY)).ok
    assert enrolment.calls[-1] == ("qualify", "tok", {"qualified_on": "2026-03-02"})
    await participants.act(enrolment, "tok", pid, "withdraw", {"on": "2026-03-05", "reason": "health"}, TODAY)
    assert enrolment.calls[-1] == ("withdraw", "tok", {"withdrawn_on": "2026-03-05", "reason": "health"})
    assert enrolment.people[pid]["status"] == "withdrawn"


async def test_erasure_needs_the_confirmation() -> None:
    enrolment = FakeEnrolment()
    enrolment.people = {"a": person("a")}
    refused = await participants.act(enrolment, "tok", "a", "erase", {}, TODAY)
    assert [e.field for e in refused.errors] == ["confirm"]
    assert enrolment.people["a"]["status"] == "enrolled"
    assert (await participants.act(enrolment, "tok", "a", "erase", {"confirm": "on"}, TODAY)).ok
    assert enrolment.people["a"]["personal"] is None
    unknown = await participants.act(enrolment, "tok", "a", "teleport", {}, TODAY)
    assert unknown.errors[0].message == "Nieznana czynność."


async def test_a_project_page_reads_the_project_its_indicators_and_declarations() -> None:
    reporting = FakeReporting({"TA-2026": {"indicators": [indicator("X", 1, 9, will_meet=True)]}})
    page = await projects.project_page(FakeEnrolment(), reporting, "tok", "TA-2026")
    assert page.project["title"] == "Trener Aktywności"
    assert [i["code"] for i in page.indicators] == ["X"]
    page = await projects.project_page(FakeEnrolment(), FakeReporting(), "tok", "TA-2026")
    assert page.unavailable == ["wskaźniki (raport jeszcze niedostępny)"]


async def test_creating_a_project_from_the_form() -> None:
    enrolment = FakeEnrolment()
    body = projects.project_body(
        {
            "project_id": "NEW-1",
            "title": "Nowy",
            "funding_programme": "FE",
            "starts_on": "2026-01-01",
            "ends_on": "",
            "partner": "frdl",
        },
        ["client_at_risk"],
    )
    assert body["ends_on"] is None
    assert body["partners"] == [{"organisation_id": "frdl", "role": "partner"}]
    assert (await projects.create(enrolment, "tok", body)).ok
    refused = await projects.create(enrolment, "tok", {**body, "title": ""})
    assert refused.errors[0].message == "To pole nie może być puste."


async def test_an_import_refuses_a_missing_or_foreign_file_before_calling_enrolment() -> None:
    from web.use_cases import imports

    enrolment = FakeEnrolment()
    assert (await imports.import_file(enrolment, "tok", "TA-2026", "", b"")).errors[0].field == "file"
    assert "CSV albo XLSX" in (await imports.import_file(enrolment, "tok", "TA-2026", "a.pdf", b"x")).errors[0].message
    assert enrolment.calls == []
    checked = await imports.import_file(enrolment, "tok", "TA-2026", "a.csv", b"x", dry_run=True)
    done = await imports.import_file(enrolment, "tok", "TA-2026", "a.csv", b"x")
    assert checked.record is not None
    assert checked.record["enrolled_rows"] == [{"row": 4, "participant_id": None}]
    assert done.record is not None
    assert done.record["invalid_rows"] == 2
    assert enrolment.calls == [("import_preview", "tok", "a.csv"), ("import", "tok", "a.csv")]


async def test_the_start_page_lists_only_the_latest_imports_that_refused_rows() -> None:
    from tests.support.web import PROJECT
    from web.use_cases import imports

    enrolment = FakeEnrolment(
        import_log=[
            {"import_id": "b", "filename": "druga.csv", "rows": 4, "enrolled": 2, "refused": 2},
            {"import_id": "a", "filename": "pierwsza.csv", "rows": 3, "enrolled": 3, "refused": 0},
        ]
    )

    found = await imports.recent_refusals(enrolment, "tok", PROJECT)

    assert [(i["import_id"], i["project_title"]) for i in found] == [("b", "Trener Aktywności")]
    assert enrolment.calls == [("imports", "tok", {"page_size": imports.RECENT})]


async def test_exports_come_from_the_service_that_makes_them() -> None:
    from web.use_cases import reports

    enrolment, reporting = FakeEnrolment(), FakeReporting()
    await reports.download(enrolment, reporting, "tok", "TA-2026", "indicators.xlsx")
    await reports.download(enrolment, reporting, "tok", "TA-2026", "sm-efs.csv")
    assert reporting.downloads == ["/projects/TA-2026/exports/indicators.xlsx"]
    assert enrolment.calls == [("download", "tok", "/projects/TA-2026/exports/participants.csv")]


async def test_a_template_then_new_targets_keep_the_rest_of_each_definition() -> None:
    from web.use_cases import indicators

    reporting = FakeReporting()
    assert not (await indicators.apply_template(reporting, "tok", "TA-2026", "nieznany")).ok
    assert (await indicators.apply_template(reporting, "tok", "TA-2026", "trener-aktywnosci")).ok
    page = await indicators.indicators_page(reporting, "tok", "TA-2026")
    assert page.templates == ["trener-aktywnosci", "wma"]
    refused = await indicators.set_targets(reporting, "tok", "TA-2026", {"target-A-1": "dużo"})
    assert [e.field for e in refused.errors] == ["target-A-1"]
    assert reporting.definitions["TA-2026"][0]["target"] == 10
    assert (await indicators.set_targets(reporting, "tok", "TA-2026", {"target-A-1": " 25 "})).ok
    assert reporting.definitions["TA-2026"] == [{"code": "A-1", "name": "Osoby", "target": 25, "kind": "output"}]


async def test_a_declaration_leaves_empty_fields_out_so_the_api_names_them() -> None:
    enrolment = FakeEnrolment()
    refused = await projects.declare(enrolment, "tok", "TA-2026", {"kind": "cooperate", "institution_name": " "})
    assert [(e.field, e.label) for e in refused.errors] == [
        ("institution_name", "Nazwa instytucji"),
        ("declared_on", "Data deklaracji"),
    ]
    form = {"kind": "cooperate", "institution_name": "Spółdzielnia", "declared_on": "2026-03-01"}
    assert (await projects.declare(enrolment, "tok", "TA-2026", form)).ok
    assert enrolment.declared == [form]


def test_the_project_settings_form_becomes_the_patch_body_and_an_unticked_group_loses_its_rules() -> None:
    from web.use_cases.projects import settings_body

    project = {"path_completion": {"person_with_disability": {"training": 1}, "environment_person": {"training": 1}}}
    form = [
        ("target_groups", "person_with_disability"),
        ("target_groups", "staff_trainee"),
        ("eligibility.person_with_disability.min_age", "18"),
        ("eligibility.person_with_disability.max_age", "dużo"),
        ("eligibility.person_with_disability.requires_disability_certificate", "on"),
        ("eligibility.staff_trainee.requires_mops_employee", "true"),
        ("eligibility.environment_person.min_age", "16"),  # its group unticked: dropped
        ("required_consents", "image"),
    ]

    body = settings_body(form, project)

    assert body == {
        "target_groups": ["person_with_disability", "staff_trainee"],
        "eligibility": {
            "person_with_disability": {"min_age": 18, "max_age": "dużo", "requires_disability_certificate": True},
            "staff_trainee": {"requires_mops_employee": True},
        },
        "required_consents": ["processing_for_project", "image"],
        "path_completion": {"person_with_disability": {"training": 1}},
    }
    assert "path_completion" not in settings_body([("target_groups", "person_with_disability")], {})
