"""Every use case of the service together: what the app wires and the routers are given."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.use_cases.attendance import Attendance
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.calendars import Calendars
from scheduling.use_cases.context import Stores
from scheduling.use_cases.participants import Participants
from scheduling.use_cases.planning import Planning


@dataclass
class UseCases:
    """Every use case of the service, over one set of stores (what the routers and handlers are given)."""

    stores: Stores
    planning: Planning
    bookings: Bookings
    attendance: Attendance
    calendars: Calendars
    participants: Participants
