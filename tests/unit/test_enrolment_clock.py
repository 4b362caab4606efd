"""Enrolment's "today" is the day in Warsaw by the service's one clock, whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

import pytest

from aktywni_shared.clock import FixedClock
from enrolment.domain.errors import DomainError
from enrolment.use_cases import Enrolment

#: New Year's Eve, 23:30 UTC: already 1 January in Warsaw (UTC+1).
NEW_YEAR_IN_WARSAW = FixedClock(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))


def _enrolment() -> Enrolment:
    unused = cast(Any, None)  # the stores play no part in the day's rules
    return Enrolment(unused, unused, unused, unused, unused, NEW_YEAR_IN_WARSAW, unused)


def test_today_is_warsaws_day_by_the_injected_clock() -> None:
    assert _enrolment().today() == date(2027, 1, 1)


def test_a_date_of_warsaws_today_is_not_in_the_future_though_utc_is_still_a_day_behind() -> None:
    enrolment = _enrolment()

    enrolment.not_in_future(date(2027, 1, 1), "withdrawn_on")
    with pytest.raises(DomainError) as refused:
        enrolment.not_in_future(date(2027, 1, 2), "withdrawn_on")

    assert refused.value.field == "withdrawn_on"
    assert "2027-01-02 is in the future" in str(refused.value)
