"""Indicator templates: the indicator sets of the two projects Aktywni was built for, as data.

The API offers them (``GET /indicator-templates``, ``POST /projects/{id}/indicators/template``);
nothing is written to a database unless a coordinator applies one, or the demo asks reporting to
seed its projects (``REPORTING_SEED_DEMO``). From the projects' own pages:

"Trener Aktywności" (TA, 2012-02-01 – 2015-01-31) has seven indicators; "Wrocław Miastem Aktywnych"
(WMA) one: 542 clients supported within the (12-month) edition. The model ("1 model") is an item the
leader's coordinator records when it is delivered (``POST .../indicators/TA-MODEL/entries``): no
event tells that a model was developed and tested, and a declaration to implement it is another
indicator (the 5 social-assistance units).
"""

from __future__ import annotations

from typing import Any

from reporting.domain.indicators import IndicatorDefinition, IndicatorSet

PERSON_BREAKDOWNS = [
    "sex",
    "age_band",
    "disability_degree",
    "category",
    "labour_market_status",
    "education",
    "degurba",
    "organisation",
    "month",
]
BODY_BREAKDOWNS = ["organisation", "month"]

TA_INDICATORS: list[dict[str, Any]] = [
    {
        "code": "TA-MODEL",
        "name": "Opracowany i przetestowany model Trenera Aktywności",
        "kind": "output",
        "unit": "items",
        "counts": {"counted_at": "manual_entry"},
        "target": 1,
        "breakdowns": ["month"],
    },
    {
        "code": "TA-ON-SUPPORTED",
        "name": "ON będące klientami pomocy społecznej objęte wsparciem",
        "kind": "output",
        "unit": "persons",
        "counts": {"counted_at": "support_started", "categories": ["person_with_disability"]},
        "target": 30,
        "breakdowns": PERSON_BREAKDOWNS,
    },
    {
        "code": "TA-ENV-SUPPORTED",
        "name": "Otoczenie ON objęte wsparciem",
        "kind": "output",
        "unit": "persons",
        "counts": {"counted_at": "support_started", "categories": ["environment_person"]},
        "target": 30,
        "breakdowns": PERSON_BREAKDOWNS,
    },
    {
        "code": "TA-MOPS-TRAINED",
        "name": "Pracownicy MOPS przeszkoleni do wykonywania funkcji TA",
        "kind": "result",
        "unit": "persons",
        "counts": {
            "counted_at": "support_completed",
            "categories": ["staff_trainee"],
            "forms": ["training"],
            "mops_employee": True,
        },
        "target": 10,
        "breakdowns": PERSON_BREAKDOWNS,
    },
    {
        "code": "TA-OTHER-TRAINED",
        "name": "Inne osoby przeszkolone do wykonywania funkcji TA",
        "kind": "result",
        "unit": "persons",
        "counts": {
            "counted_at": "support_completed",
            "categories": ["staff_trainee"],
            "forms": ["training"],
            "mops_employee": False,
        },
        "target": 5,
        "breakdowns": PERSON_BREAKDOWNS,
    },
    {
        "code": "TA-UNITS-DECLARING",
        "name": "Jednostki organizacyjne pomocy społecznej deklarujące chęć wdrożenia modelu",
        "kind": "result",
        "unit": "bodies",
        "counts": {"counted_at": "declaration", "declaration_kinds": ["implement_model"]},
        "target": 5,
        "breakdowns": BODY_BREAKDOWNS,
    },
    {
        "code": "TA-BODIES-COOPERATING",
        "name": "Inne podmioty integracji społecznej (w tym NGO i pracodawcy) deklarujące chęć współpracy "
        "przy wdrażaniu modelu TA",
        "kind": "result",
        "unit": "bodies",
        "counts": {"counted_at": "declaration", "declaration_kinds": ["cooperate"]},
        "target": 5,
        "breakdowns": BODY_BREAKDOWNS,
    },
]

WMA_INDICATORS: list[dict[str, Any]] = [
    {
        "code": "WMA-CLIENTS-SUPPORTED",
        "name": "Klienci MOPS zagrożeni wykluczeniem społecznym objęci wsparciem w ciągu 12 miesięcy",
        "kind": "output",
        "unit": "persons",
        "counts": {"counted_at": "support_started", "categories": ["client_at_risk"]},
        "target": 542,
        "breakdowns": PERSON_BREAKDOWNS,
    },
]

#: Templates a coordinator may apply to a project of the same shape (``POST .../indicators/template``).
TEMPLATES: dict[str, list[dict[str, Any]]] = {
    "trener-aktywnosci": TA_INDICATORS,
    "wroclaw-miastem-aktywnych": WMA_INDICATORS,
}

#: The demo's projects and their templates: given at start only when seeding is asked for
#: (``REPORTING_SEED_DEMO=true``), and only to a project without indicators.
DEMO_PROJECTS: dict[str, str] = {"TA-2012": "trener-aktywnosci", "WMA-2026": "wroclaw-miastem-aktywnych"}


def template(name: str) -> list[IndicatorDefinition]:
    return IndicatorSet.model_validate({"indicators": TEMPLATES[name]}).indicators
