"""The two reference projects of the seeds, as API calls: organisations, projects, a few participants.

"Trener Aktywności" (2012-02-01 – 2015-01-31): leader Fundacja EUDAJMONIA, partner Fundacja Rozwoju
Demokracji Lokalnej, non-project partner Gmina Wrocław / MOPS by a cooperation agreement; persons
with disabilities who are social-assistance clients, their environment, and staff trained as TA.
"Wrocław Miastem Aktywnych": MOPS Wrocław's yearly project for its clients at risk of exclusion.
"""

from __future__ import annotations

from typing import Any

from aktywni_shared.auth import Principal, Role, TokenIssuer
from aktywni_shared.clock import today_in_warsaw
from aktywni_stack.http_client import JsonApi

EUDAJMONIA = "fundacja-eudajmonia"
FRDL = "fundacja-rozwoju-demokracji-lokalnej"
MOPS = "mops-wroclaw"

ORGANISATIONS: list[dict[str, Any]] = [
    {"organisation_id": EUDAJMONIA, "name": "Fundacja EUDAJMONIA", "kind": "foundation", "city": "Wrocław"},
    {"organisation_id": FRDL, "name": "Fundacja Rozwoju Demokracji Lokalnej", "kind": "foundation", "city": "Wrocław"},
    {
        "organisation_id": MOPS,
        "name": "Miejski Ośrodek Pomocy Społecznej we Wrocławiu",
        "kind": "social_assistance_centre",
        "city": "Wrocław",
    },
]

CONSENT = {"given": True, "given_on": "2012-06-01", "scope": ["processing_for_project"]}
WROCLAW = {
    "country": "PL",
    "voivodeship": "dolnośląskie",
    "county": "Wrocław",
    "commune": "Wrocław",
    "teryt": "0264011",
    "locality": "Wrocław",
    "postal_code": "53-611",
    "degurba": "1",
}


def ta_project(project_id: str = "TA-2012") -> dict[str, Any]:
    return {
        "project_id": project_id,
        "title": "Trener Aktywności",
        "funding_programme": "Program Operacyjny Kapitał Ludzki",
        "priority": "Priorytet VII – projekty innowacyjne testujące",
        "starts_on": "2012-02-01",
        "ends_on": "2015-01-31",
        "target_groups": ["person_with_disability", "environment_person", "staff_trainee"],
        "eligibility": {
            "person_with_disability": {
                "min_age": 18,
                "requires_social_assistance_client": True,
                "requires_disability_certificate": True,
            },
            "environment_person": {"min_age": 16},
        },
        "path_completion": {
            "person_with_disability": {"training": 1, "individual_meeting": 1},
            "environment_person": {"training": 1},
            "staff_trainee": {"training": 1},
        },
        "partners": [
            {"organisation_id": FRDL, "role": "partner"},
            {
                "organisation_id": MOPS,
                "role": "non_project_partner",
                "agreement_reference": "Porozumienie o współpracy z Gminą Wrocław",
            },
        ],
    }


def wma_project(project_id: str = "WMA-2026") -> dict[str, Any]:
    """The live project: it runs through the current year (Warsaw), so "today" and forecasts mean something."""
    year = today_in_warsaw().year
    return {
        "project_id": project_id,
        "title": "Wrocław Miastem Aktywnych",
        "funding_programme": "Europejski Fundusz Społeczny Plus",
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
        "target_groups": ["client_at_risk"],
        "eligibility": {"client_at_risk": {"min_age": 18, "requires_social_assistance_client": True}},
    }


def person_with_disability(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": EUDAJMONIA,
        "category": "person_with_disability",
        "first_name": "Anna",
        "last_name": "Przykładowa",
        "pesel": "71030512348",
        "disability_degree": "light",
        "labour_market_status": "inactive",
        "education": "isced_3_4",
        "social_assistance_client": True,
        "residence": {**WROCLAW, "street": "ul. Przykładowa 1/2"},
        "sensitive": {
            "disability": "yes",
            "foreign_origin_or_minority": "no",
            "homelessness": "no",
            "other_disadvantage": "refused",
        },
        "enrolled_on": "2012-06-04",
        "consent": CONSENT,
    }
    body.update(changes)
    return body


def environment_person(linked_participant_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": EUDAJMONIA,
        "category": "environment_person",
        "first_name": "Piotr",
        "last_name": "Przykładowy",
        "birth_date": "1968-11-23",
        "sex": "M",
        "linked_participant_id": linked_participant_id,
        "education": "isced_1_2",
        "labour_market_status": "employed",
        "residence": WROCLAW,
        "enrolled_on": "2012-06-04",
        "consent": CONSENT,
    }
    body.update(changes)
    return body


def staff_trainee(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": FRDL,
        "category": "staff_trainee",
        "first_name": "Jan",
        "last_name": "Testowy",
        "birth_date": "1980-02-14",
        "sex": "M",
        "education": "isced_5_8",
        "labour_market_status": "employed",
        "residence": WROCLAW,
        "enrolled_on": "2012-09-10",
        "consent": CONSENT,
    }
    body.update(changes)
    return body


#: The shell variables the demo prints a token for (README and docs use them): who, in which organisation.
EXAMPLE_TOKENS: dict[str, tuple[str, Role]] = {
    "TOKEN": (EUDAJMONIA, Role.COORDINATOR),
    "PARTNER_TOKEN": (FRDL, Role.PARTNER_STAFF),
    "MOPS_TOKEN": (MOPS, Role.COORDINATOR),
    "AUDITOR_TOKEN": (MOPS, Role.AUDITOR),
    "ADMIN_TOKEN": (MOPS, Role.ADMINISTRATOR),
}


#: The trainer the scheduling examples record attendance as (a person of the demo realm, made by the demo).
EXAMPLE_TRAINER = ("TRAINER_TOKEN", EUDAJMONIA, "doradca-przyklad")


def token(tokens: TokenIssuer, organisation_id: str, role: Role, user: str | None = None) -> str:
    return tokens.issue(
        Principal(user=user or f"{role.value}@{organisation_id}", organisation_id=organisation_id, role=role)
    )


def outcome(what: str, status: int, body: Any = None) -> str:
    """One line of the seeding: created, already there (409 of an identical object is success), or refused."""
    if status in (200, 201):
        return f"{what}: HTTP {status}"
    if status == 409:
        return f"{what}: already there"
    return f"{what}: refused, HTTP {status} {body}"


def set_up(enrolment: JsonApi, tokens: TokenIssuer) -> list[str]:
    """Organisations, both projects and a family of the TA project; lines describing what happened.

    Running it again changes nothing: what exists already is reported as such, never created twice.
    """
    lines = []
    admin = enrolment.as_user(token(tokens, MOPS, Role.ADMINISTRATOR, "operator"))
    for organisation in ORGANISATIONS:
        status, body = admin.post("/organisations", organisation)
        lines.append(outcome(f"organisation {organisation['organisation_id']}", status, body))
    leader = enrolment.as_user(token(tokens, EUDAJMONIA, Role.COORDINATOR))
    status, body = leader.post("/projects", ta_project())
    lines.append(outcome("project TA-2012", status, body))
    live = wma_project()
    status, body = enrolment.as_user(token(tokens, MOPS, Role.COORDINATOR)).post("/projects", live)
    lines.append(outcome(f"project {live['project_id']} ({live['starts_on']} – {live['ends_on']})", status, body))
    status, on = leader.post("/projects/TA-2012/participants", person_with_disability())
    lines.append(outcome("enrol ON Anna Przykładowa", status, on))
    on_id = (on or {}).get("participant_id") if status == 201 else (on or {}).get("existing_participant_id")
    if on_id:
        status, body = leader.post("/projects/TA-2012/participants", environment_person(on_id))
        lines.append(outcome("enrol her carer Piotr Przykładowy", status, body))
    partner = enrolment.as_user(token(tokens, FRDL, Role.PARTNER_STAFF))
    status, body = partner.post("/projects/TA-2012/participants", staff_trainee())
    lines.append(outcome("enrol trainee Jan Testowy", status, body))
    return lines
