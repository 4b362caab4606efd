"""Participants: search (filters in a POST body, never in an address), enrolment, the card and its actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from web.domain import roles
from web.domain.errors import FieldError, field_errors
from web.domain.forms import enrolment_body
from web.use_cases.ports import Enrolment, Json, Refused

SEARCH_FILTERS = ("name", "status", "category", "organisation_id", "pesel")


@dataclass
class Outcome:
    """A write's result: the changed record, or the refusal as the form's errors."""

    record: Json | None = None
    errors: list[FieldError] = field(default_factory=list)
    status: int = 200  # the refusal's, where a page answers with it (412: changed since it was read)

    @property
    def ok(self) -> bool:
        return not self.errors


def search_filters(form: Mapping[str, str]) -> dict[str, str | int]:
    filters: dict[str, str | int] = {name: form[name].strip() for name in SEARCH_FILTERS if form.get(name, "").strip()}
    filters["page_size"] = 100
    return filters


async def search(enrolment: Enrolment, token: str, project_id: str, form: Mapping[str, str]) -> Outcome:
    try:
        # name and PESEL go to enrolment's search in the request's body, never in an address
        return Outcome(record=await enrolment.search_participants(token, project_id, search_filters(form)))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))


async def enrol(
    enrolment: Enrolment, token: str, project_id: str, form: Mapping[str, str], *, candidate: bool
) -> Outcome:
    try:
        return Outcome(record=await enrolment.enrol(token, project_id, enrolment_body(form), candidate=candidate))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))


#: The body each action sends, from the form's date (and the withdrawal's reason).
DATE_FIELDS = {
    "qualify": "qualified_on",
    "enrol": "enrolled_on",
    "withdraw": "withdrawn_on",
    "re-enrol": "enrolled_on",
    "complete": "completed_on",
}


async def act(
    enrolment: Enrolment, token: str, participant_id: str, action: str, form: Mapping[str, str], today: date
) -> Outcome:
    """One lifecycle action of the card; ``erase`` needs the confirmation box ticked."""
    try:
        if action == "erase":
            if form.get("confirm") != "on":
                return Outcome(errors=[FieldError("confirm", "Zaznacz, że rozumiesz skutki usunięcia danych.")])
            await enrolment.erase(token, participant_id)
            return Outcome(record={})
        if action not in DATE_FIELDS:
            return Outcome(errors=[FieldError(None, "Nieznana czynność.")])
        body: dict[str, Any] = {DATE_FIELDS[action]: form.get("on", "").strip() or today.isoformat()}
        if action == "withdraw":
            body["reason"] = form.get("reason", "")
        return Outcome(record=await enrolment.act(token, participant_id, action, body))
    except Refused as refused:
        return Outcome(errors=field_errors(refused.status, refused.body))


def card_actions(participant: Json, role: str) -> tuple[str, ...]:
    return roles.actions(str(participant.get("status", "")), role)
