"""The providers of scheduling's routers: the caller, the use cases, the path parameters.

The app (:mod:`scheduling.app`) puts its authentication and its use cases on ``app.state``; the
routers are module-level and ask for them with ``Depends``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from aktywni_shared.auth import Principal, caller
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from scheduling.domain.venues import SLUG
from scheduling.use_cases.attendance import Attendance
from scheduling.use_cases.booking import Bookings
from scheduling.use_cases.calendars import Calendars
from scheduling.use_cases.participants import Participants
from scheduling.use_cases.planning import Planning
from scheduling.use_cases.service import UseCases


def use_cases(request: Request) -> UseCases:
    found: UseCases = request.app.state.scheduling
    return found


def planning(use: Annotated[UseCases, Depends(use_cases)]) -> Planning:
    return use.planning


def bookings(use: Annotated[UseCases, Depends(use_cases)]) -> Bookings:
    return use.bookings


def attendance(use: Annotated[UseCases, Depends(use_cases)]) -> Attendance:
    return use.attendance


def calendars(use: Annotated[UseCases, Depends(use_cases)]) -> Calendars:
    return use.calendars


def participants(use: Annotated[UseCases, Depends(use_cases)]) -> Participants:
    return use.participants


Caller = Annotated[Principal, Depends(caller)]
PlanningUse = Annotated[Planning, Depends(planning)]
BookingsUse = Annotated[Bookings, Depends(bookings)]
AttendanceUse = Annotated[Attendance, Depends(attendance)]
CalendarsUse = Annotated[Calendars, Depends(calendars)]
ParticipantsUse = Annotated[Participants, Depends(participants)]
ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
Slug = Annotated[str, Path(pattern=SLUG)]
