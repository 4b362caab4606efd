"""A participant's support history: rows in time order from scheduling's answers, and its PDF."""

from __future__ import annotations

import io

import pypdf

from web import documents
from web.domain.history import support_history

SESSIONS = {
    "s-late": {
        "session_id": "s-late",
        "title": "Trening umiejętności",
        "form": "training",
        "starts_at": "2026-03-10T09:00:00Z",
        "ends_at": "2026-03-10T12:00:00Z",
    },
    "s-early": {
        "session_id": "s-early",
        "title": "Spotkanie indywidualne",
        "form": "individual_meeting",
        "starts_at": "2026-03-02T10:00:00Z",
        "ends_at": "2026-03-02T11:00:00Z",
    },
}
BOOKINGS = [
    {"session_id": "s-late", "state": "confirmed", "attendance": "present"},
    {"session_id": "s-early", "state": "confirmed", "attendance": "excused"},
    {"session_id": "s-unknown", "state": "confirmed", "attendance": "present"},
]
PROGRESS = [
    {
        "activity_id": "a-1",
        "sessions": {"s-late": {"status": "present", "hours": 3.0}, "s-x": {"status": "absent", "hours": 0.0}},
        "completed_on": "2026-03-10",
    }
]


def test_rows_come_in_time_order_with_credited_hours_and_unknown_sessions_left_out() -> None:
    history = support_history(BOOKINGS, SESSIONS, PROGRESS, {"a-1": "Trening"})

    assert [row.title for row in history.rows] == ["Spotkanie indywidualne", "Trening umiejętności"]
    assert [row.attendance for row in history.rows] == ["nieobecność usprawiedliwiona", "obecny"]
    assert [row.hours for row in history.rows] == [0.0, 3.0]
    assert history.hours == 3.0
    assert history.activities[0].title == "Trening"
    assert history.activities[0].completed_on == "2026-03-10"


def test_the_pdf_holds_the_person_the_sessions_and_the_hours_in_polish_letters() -> None:
    history = support_history(BOOKINGS, SESSIONS, PROGRESS, {"a-1": "Trening"})

    content = documents.support_history_pdf("Trener Aktywności (TA-2012)", "EFS+", "Zofia Łęcka", history, "2026-03-11")

    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    for expected in ("Historia wsparcia uczestnika", "Zofia Łęcka", "Trening umiejętności", "2026-03-02", "razem: 3"):
        assert expected in text, (expected, text)
