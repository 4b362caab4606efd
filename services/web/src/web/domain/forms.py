"""The enrolment form's fields → the enrolment API's body (empty fields left out, so the API names them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Plain text fields copied as they are when filled in.
TEXT_FIELDS = (
    "organisation_id",
    "category",
    "first_name",
    "last_name",
    "pesel",
    "birth_date",
    "sex",
    "citizenship",
    "education",
    "disability_degree",
    "labour_market_status",
    "phone",
    "email",
    "enrolled_on",
    "linked_participant_id",
)
RESIDENCE_FIELDS = ("voivodeship", "county", "commune", "degurba", "postal_code", "teryt", "locality", "street")
FLAGS = ("social_assistance_client", "needs_step_free_access")
CONSENT_SCOPE = "processing_for_project"
#: The form's checkboxes of further consent scopes (``consent.scope.image``), as the project may require.
SCOPE_PREFIX = "consent.scope."


def enrolment_body(form: Mapping[str, str]) -> dict[str, Any]:
    """The API's ``EnrolParticipant`` from the form (the API checks every field; this only shapes them)."""
    body: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name, "").strip()
        if value:
            body[name] = value
    residence = {name: form.get(f"residence.{name}", "").strip() for name in RESIDENCE_FIELDS}
    if any(residence.values()):
        body["residence"] = {"country": "PL", **{k: v for k, v in residence.items() if v}}
    for flag in FLAGS:
        body[flag] = form.get(flag) == "on"
    given_on = form.get("consent.given_on", "").strip()
    further = sorted(
        key.removeprefix(SCOPE_PREFIX)
        for key, value in form.items()
        if key.startswith(SCOPE_PREFIX) and value == "on" and key != SCOPE_PREFIX + CONSENT_SCOPE
    )
    scope = [CONSENT_SCOPE, *further]
    body["consent"] = {"given": form.get("consent") == "on", "given_on": given_on or None, "scope": scope}
    return body


def kept_values(form: Mapping[str, str]) -> dict[str, str]:
    """What the form shows again after a refusal (the person's data stays in the page, never in the URL)."""
    return {key: value for key, value in form.items() if key != "csrf_token"}
