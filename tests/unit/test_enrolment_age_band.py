"""The age band at the start of support: full years on the first support day, from the birth date."""

from __future__ import annotations

from datetime import date

import pytest

from enrolment.domain.participants import age_band_at, age_in_full_years
from tests.unit.test_enrolment_domain import participant


@pytest.mark.parametrize(
    ("born", "on", "age", "band"),
    [
        (date(1988, 2, 5), date(2013, 1, 5), 24, "<25"),  # 24 years 11 months: under 25
        (date(1988, 1, 5), date(2013, 1, 5), 25, "25-54"),  # the birthday itself counts
        (date(1958, 1, 6), date(2013, 1, 5), 54, "25-54"),
        (date(1958, 1, 5), date(2013, 1, 5), 55, "55+"),
        (date(2000, 2, 29), date(2025, 2, 28), 24, "<25"),  # born on 29 February
        (date(2000, 2, 29), date(2025, 3, 1), 25, "25-54"),
    ],
)
def test_age_counts_full_years_on_the_first_support_day(born: date, on: date, age: int, band: str) -> None:
    assert age_in_full_years(born, on) == age
    assert age_band_at(born, on) == band


def test_activation_carries_only_the_band_on_the_start_day() -> None:
    subject = participant()
    event = subject.activate(date(2013, 1, 5), date(1988, 6, 1))
    assert event is not None
    assert event.age_band_at_support_start == "<25"
    assert set(event.model_dump()) == {"participant_id", "support_started_on", "age_band_at_support_start"}
