"""What reporting keeps of each person and body, and how an event changes it: plain, pure functions.

Every change is idempotent and commutative, so that a redelivered, duplicated, replayed or
out-of-order event never changes a number:

- a person's first support start and each activity's first completion keep the **earliest** date
  (a repeat of the same event sets the same values again);
- enrolments and withdrawals are kept as a set keyed by the event id, and the person's status is
  read from them in the order they happened (``occurred_at``, then event id);
- attributes from enrolment and updates are replaced only by a **later** event;
- erasure only sets a flag: it never removes a counted fact (counts are anonymous).

The state is stored as plain dictionaries (one entry per person in a bucket document), so these
functions work on the stored form directly.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.events import (
    DeclarationRecordedV1,
    ParticipantEnrolledV2,
    ParticipantErasedV1,
    ParticipantUpdatedV1,
    ParticipantWithdrawnV1,
    SupportCompletedV1,
    SupportStartedV1,
)

Entry = dict[str, Any]
#: A changed entry of a bucket: ("people", participant id) or ("bodies", institution key).
Changed = tuple[str, str]

ENROLLED = "enrolled"
WITHDRAWN = "withdrawn"

#: The events that change a person or a body (everything else is not counted).
COUNTED_TYPES = frozenset(
    {
        "ParticipantEnrolled",
        "ParticipantUpdated",
        "ParticipantWithdrawn",
        "ParticipantErased",
        "SupportStarted",
        "SupportCompleted",
        "DeclarationRecorded",
    }
)


def body_key(kind: str, institution_name: str) -> str:
    """An institution counts once per declaration kind however its name is spaced or capitalised."""
    normalised = " ".join(institution_name.casefold().split())
    return f"{kind}-{hashlib.sha256(normalised.encode()).hexdigest()[:24]}"


def subject_key(envelope: Envelope, payload: EventPayload) -> Changed | None:
    """Which entry an event changes, or None if it changes none."""
    if isinstance(payload, DeclarationRecordedV1):
        return ("bodies", body_key(payload.kind.value, payload.institution_name))
    participant_id = getattr(payload, "participant_id", None)
    if envelope.type in COUNTED_TYPES and participant_id is not None:
        return ("people", str(participant_id))
    return None


def _stamp(envelope: Envelope) -> str:
    return f"{envelope.occurred_at.isoformat()}|{envelope.event_id}"


def _support_attrs(payload: SupportStartedV1 | SupportCompletedV1) -> Entry:
    return {
        "category": payload.category.value,
        "sex": payload.sex.value,
        "birth_year": payload.birth_year,
        "disability_degree": payload.disability_degree.value if payload.disability_degree else None,
        "mops_employee": payload.mops_employee,
    }


def _earlier(current: Entry | None, on: date) -> bool:
    return current is None or on.isoformat() < str(current["on"])


def apply(entry: Entry | None, envelope: Envelope, payload: EventPayload) -> Entry | None:
    """The entry after the event (a new dict), or None if the event changes nothing."""
    before = entry or {}
    after = _applied(dict(before), envelope, payload)
    return after if after != before else None


def _applied(entry: Entry, envelope: Envelope, payload: EventPayload) -> Entry:  # noqa: C901 - one branch per event
    if isinstance(payload, ParticipantEnrolledV2):
        lifecycle = dict(entry.get("lifecycle", {}))
        lifecycle[str(envelope.event_id)] = {
            "k": ENROLLED,
            "on": payload.enrolled_on.isoformat(),
            "at": _stamp(envelope),
        }
        entry["lifecycle"] = lifecycle
        if _stamp(envelope) > entry.get("attrs_at", ""):
            entry["attrs_at"] = _stamp(envelope)
            entry["org"] = envelope.organisation_id
            entry["attrs"] = {
                "category": payload.category.value,
                "sex": payload.sex.value,
                "birth_year": payload.birth_year,
                "disability_degree": payload.disability_degree.value if payload.disability_degree else None,
                "mops_employee": payload.mops_employee,
                "labour_market_status": payload.labour_market_status.value if payload.labour_market_status else None,
            }
    elif isinstance(payload, ParticipantUpdatedV1):
        if "attrs" in entry and _stamp(envelope) > entry.get("attrs_at", ""):
            entry["attrs_at"] = _stamp(envelope)
            attrs = dict(entry["attrs"])
            attrs["disability_degree"] = payload.disability_degree.value if payload.disability_degree else None
            attrs["labour_market_status"] = payload.labour_market_status.value if payload.labour_market_status else None
            entry["attrs"] = attrs
    elif isinstance(payload, ParticipantWithdrawnV1):
        lifecycle = dict(entry.get("lifecycle", {}))
        lifecycle[str(envelope.event_id)] = {
            "k": WITHDRAWN,
            "on": payload.withdrawn_on.isoformat(),
            "at": _stamp(envelope),
        }
        entry["lifecycle"] = lifecycle
    elif isinstance(payload, ParticipantErasedV1):
        entry["erased"] = True
    elif isinstance(payload, SupportStartedV1):
        if _earlier(entry.get("start"), payload.started_on):
            entry["start"] = {
                "on": payload.started_on.isoformat(),
                "activity_id": str(payload.activity_id),
                "form": payload.form.value,
                "org": envelope.organisation_id,
                "attrs": _support_attrs(payload),
            }
    elif isinstance(payload, SupportCompletedV1):
        done = dict(entry.get("done", {}))
        key = str(payload.activity_id)
        if _earlier(done.get(key), payload.completed_on):
            done[key] = {
                "on": payload.completed_on.isoformat(),
                "form": payload.form.value,
                "org": envelope.organisation_id,
                "attrs": _support_attrs(payload),
            }
            entry["done"] = done
    elif isinstance(payload, DeclarationRecordedV1) and _earlier(entry if "on" in entry else None, payload.declared_on):
        entry.update(
            {
                "on": payload.declared_on.isoformat(),
                "kind": payload.kind.value,
                "institution_kind": payload.institution_kind.value,
                "declaration_id": str(payload.declaration_id),
                "org": envelope.organisation_id,
            }
        )
    return entry


def lifecycle_status(entry: Entry) -> str | None:
    """``enrolled`` or ``withdrawn`` as of the latest lifecycle event, or None if never enrolled."""
    events = sorted(entry.get("lifecycle", {}).values(), key=lambda e: str(e["at"]))
    return str(events[-1]["k"]) if events else None


def first_enrolled_on(entry: Entry) -> str | None:
    days = [str(e["on"]) for e in entry.get("lifecycle", {}).values() if e["k"] == ENROLLED]
    return min(days) if days else None


def withdrawn_before_support(entry: Entry) -> bool:
    """Withdrawn (and not re-enrolled since) without any support ever started: never supported."""
    return lifecycle_status(entry) == WITHDRAWN and "start" not in entry
