"""The write path's database commands, counted by the driver on the real database: bounds that fail
when someone adds a write to an enrolment, a booking or an attendance sheet.

The counts come from tests/benchmarks/round_trips.py (PyMongo's command monitoring on the client the
stores use; the same stores and use cases the HTTP API calls). A bulk command is one write.
"""

from __future__ import annotations

from aktywni_stack.selection import Infrastructure
from tests.benchmarks import round_trips

#: Identity claim, data key, participant with its event, outbox marker, audit entry.
WRITES_PER_ENROLMENT = 5
#: The participant's time, the seat with its event, the outbox marker.
WRITES_PER_BOOKING = 3
#: New progress documents, first-support marks, outbox markers, the session's copy of the list (a bulk
#: command holds at most 50 statements, so a sheet of more than 25 first attendances takes more).
WRITES_PER_SHEET = 4
SHEETS = [4, 24]


async def test_enrolments_bookings_and_attendance_sheets_write_a_bounded_number_of_times(
    infra: Infrastructure,
) -> None:
    rows = {row["what"]: row for row in await round_trips.measure(infra.mongodb_uri, people=6, sheets=SHEETS)}

    serial_enrolment = rows["enrolment (one at a time)"]
    assert serial_enrolment["writes_each"] <= WRITES_PER_ENROLMENT, serial_enrolment
    # Concurrent requests share the marker commands (group commit): never more than one at a time.
    assert rows["enrolment (6 at once)"]["writes_each"] <= serial_enrolment["writes_each"], rows

    serial_booking = rows["booking (one at a time)"]
    assert serial_booking["writes_each"] <= WRITES_PER_BOOKING, serial_booking
    assert rows["booking (6 at once)"]["writes_each"] <= serial_booking["writes_each"], rows

    small, large = (rows[f"attendance record (sheet of {n})"] for n in SHEETS)
    # A sheet of six times the records costs the same writes: bulk commands, not one per record.
    assert small["writes_total"] <= WRITES_PER_SHEET, small
    assert large["writes_total"] <= WRITES_PER_SHEET, large
    assert large["writes_each"] < small["writes_each"], (small, large)
