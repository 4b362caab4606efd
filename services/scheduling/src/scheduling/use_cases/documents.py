"""The session document as a change sees it: what ``SessionStore.modify`` hands a change, and what it sets.

A revision-guarded rewrite computes its change from exactly the document it overwrites (see
``ports.Change``); these are that document's reading (:func:`to_stored`) and the fields a change
writes back (:func:`session_fields`, :func:`booking_fields`), the same for the database store and
for the in-memory fakes.
"""

from __future__ import annotations

from aktywni_shared.mongo import Document
from scheduling.domain.bookings import Booking, Bookings, StoredSession
from scheduling.domain.sessions import Session

#: The document's revision, bumped by every write.
REV = "rev"


def to_stored(doc: Document) -> StoredSession:
    session = Session.model_validate({k: v for k, v in doc.items() if k in Session.model_fields})
    bookings = {pid: Booking.model_validate(b) for pid, b in doc.get("bookings", {}).items()}
    return StoredSession(session, list(doc.get("staff_users", [])), bookings, dict(doc.get("attendance", {})), doc[REV])


def session_fields(session: Session) -> Document:
    fields = session.model_dump(mode="python")
    fields["session_id"] = str(session.session_id)
    fields["activity_id"] = str(session.activity_id)
    fields["status"] = session.status.value
    return fields


def booking_fields(bookings: Bookings) -> Document:
    """The bookings as stored, with what the seat guard reads: the active participants."""
    return {
        "bookings": {pid: b.model_dump(mode="json") for pid, b in bookings.items()},
        "participants": [pid for pid, b in bookings.items() if b.active],
    }
