"""Which of a participant's data is personal: the fields kept encrypted, from a command or a change."""

from __future__ import annotations

from typing import Any

from enrolment.domain.participants import EnrolParticipant, ParticipantDetails

#: Every field held encrypted under the participant's data key.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "pesel",
    "birth_date",
    "phone",
    "email",
    "address",
    "residence",
    "sensitive",
)


def personal_values(command: EnrolParticipant) -> dict[str, str]:
    """The personal fields of an enrolment, as the text that is encrypted (absent ones left out)."""
    values: dict[str, Any] = {
        "first_name": command.first_name,
        "last_name": command.last_name,
        "pesel": command.pesel,
        "birth_date": command.birth_date.isoformat() if command.birth_date else None,
        "phone": command.phone,
        "email": str(command.email) if command.email else None,
        "address": command.address,
        "residence": command.residence.model_dump_json() if command.residence else None,
        "sensitive": command.sensitive.model_dump_json(),
    }
    return {k: v for k, v in values.items() if v is not None}


def personal_changes(details: ParticipantDetails) -> dict[str, str]:
    """The personal fields a change sets, as the text that is encrypted."""
    changes = details.model_dump(exclude_unset=True, exclude_none=True, mode="json")
    out = {k: str(v) for k, v in changes.items() if k in ("phone", "email", "address")}
    if details.residence is not None:
        out["residence"] = details.residence.model_dump_json()
    if details.sensitive is not None:
        out["sensitive"] = details.sensitive.model_dump_json()
    return out
