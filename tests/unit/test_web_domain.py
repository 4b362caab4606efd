"""The web application's plain rules: PESEL hints, the API's refusals in Polish, form shaping, roles."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.web import indicator
from web.domain import errors, forms, pesel, roles
from web.domain.indicators import at_risk

pytestmark = pytest.mark.unit


def test_a_pesel_gives_birth_date_and_sex() -> None:
    assert pesel.read("71030512348") == pesel.PeselFacts(date(1971, 3, 5), "K")
    assert pesel.read("02270803624").birth_date == date(2002, 7, 8)  # the 2000s: month + 20


@pytest.mark.parametrize(
    ("number", "why"), [("7103051234", "11 cyfr"), ("71030512349", "kontrolną"), ("71133112340", "datę")]
)
def test_a_wrong_pesel_is_named_in_polish(number: str, why: str) -> None:
    with pytest.raises(pesel.InvalidPesel, match=why):
        pesel.read(number)


def test_each_refused_field_is_named_as_staff_know_it() -> None:
    body = {
        "detail": [
            {"loc": ["body", "pesel"], "msg": "Value error, invalid PESEL: checksum", "type": "value_error"},
            {
                "loc": ["body", "residence", "postal_code"],
                "msg": "String should match pattern",
                "type": "string_pattern_mismatch",
            },
            {"loc": ["body", "first_name"], "msg": "Field required", "type": "missing"},
            {
                "loc": ["body"],
                "msg": "Value error, without pesel, birth_date and sex are required",
                "type": "value_error",
            },
        ]
    }
    found = errors.field_errors(422, body)
    assert [(e.field, e.label) for e in found] == [
        ("pesel", "PESEL"),
        ("residence.postal_code", "Kod pocztowy"),
        ("first_name", "Imię"),
        ("birth_date", "Data urodzenia"),
    ]
    assert found[0].message.startswith("Niepoprawny PESEL")
    assert found[1].message == "Niepoprawny format."
    assert found[2].message == "To pole jest wymagane."
    assert "datę urodzenia i płeć" in found[3].message


def test_a_refusal_without_fields_goes_to_the_summary_in_polish() -> None:
    assert errors.field_errors(403, {"detail": "not your organisation"}) == [errors.FieldError(None, errors.FORBIDDEN)]
    assert errors.field_errors(409, {"detail": "This person is already enrolled in the project"})[0].message == (
        "Ta osoba jest już w projekcie."
    )
    assert errors.field_errors(500, "oops")[0].field is None


def test_the_enrolment_form_becomes_the_api_body_without_empty_fields() -> None:
    body = forms.enrolment_body(
        {
            "organisation_id": "fundacja-eudajmonia",
            "category": "person_with_disability",
            "first_name": " Anna ",
            "last_name": "Przykładowa",
            "pesel": "",
            "residence.postal_code": "50-001",
            "consent": "on",
            "consent.given_on": "2026-02-01",
            "social_assistance_client": "on",
        }
    )
    assert body["first_name"] == "Anna"
    assert "pesel" not in body
    assert body["residence"] == {"country": "PL", "postal_code": "50-001"}
    assert body["social_assistance_client"] is True
    assert body["needs_step_free_access"] is False
    assert body["consent"] == {"given": True, "given_on": "2026-02-01", "scope": ["processing_for_project"]}
    assert forms.enrolment_body({})["consent"]["given"] is False
    wider = forms.enrolment_body({"consent": "on", "consent.scope.image": "on", "consent.scope.follow_up": ""})
    assert wider["consent"]["scope"] == ["processing_for_project", "image"]
    assert errors.field_errors(
        422,
        {"detail": [{"loc": ["body", "consent", "scope"], "msg": "consent must cover image", "type": "eligibility"}]},
    ) == [errors.FieldError("consent", "Projekt wymaga szerszej zgody: zaznacz zakresy, które osoba podpisała.")]
    assert "csrf_token" not in forms.kept_values({"csrf_token": "x", "pesel": "1"})


def test_the_card_offers_what_the_status_allows_to_those_who_may_change_it() -> None:
    assert roles.actions("candidate", "partner_staff") == ("qualify", "erase")
    assert roles.actions("withdrawn", "coordinator") == ("re-enrol", "erase")
    assert roles.actions("enrolled", "auditor") == ()
    assert roles.actions("erased", "administrator") == ()


def test_an_indicator_is_at_risk_when_its_forecast_misses_the_target() -> None:
    report = {
        "project_id": "TA-2026",
        "title": "TA",
        "indicators": [
            indicator("A", 1, 10, will_meet=False),
            indicator("B", 5, 10, will_meet=True),
            indicator("C", 10, 10, will_meet=False),  # reached: not at risk
        ],
    }
    assert [i.code for i in at_risk(report)] == ["A"]


def test_an_import_report_groups_refusals_by_row_and_downloads_as_csv() -> None:
    from tests.support.web import IMPORT_REPORT
    from web.domain.imports import accepted_file, refused_rows, report_csv

    rows = refused_rows(IMPORT_REPORT)
    assert [(r.row, r.fields) for r in rows] == [
        (2, (("Kod pocztowy", "kod pocztowy w formacie 00-000"),)),
        (3, (("PESEL", "niepoprawny PESEL"), ("Imię", "brak imienia"))),
    ]
    text = report_csv(IMPORT_REPORT)
    assert text.startswith("\ufeffWiersze;Przyjęci")
    assert "3;PESEL;niepoprawny PESEL\r\n" in text
    assert accepted_file("Lista.XLSX")
    assert not accepted_file("lista.pdf")


def test_the_preview_carries_the_file_as_base64_and_refuses_what_is_not() -> None:
    from web.domain.imports import MAX_CARRIED, carried, carry, with_refusals

    content = "Imię;Nazwisko\r\nŁucja;Żółć\r\n".encode("cp1250")
    assert carried(carry(content)) == content
    assert carried("") is None
    assert carried("to nie jest base64!") is None
    assert carried("A" * (MAX_CARRIED + 4)) is None
    assert with_refusals([{"refused": 0}, {"refused": 2}, {}]) == [{"refused": 2}]
