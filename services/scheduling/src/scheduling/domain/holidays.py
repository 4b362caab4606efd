"""Polish public holidays (dni ustawowo wolne od pracy), computed: fixed dates and the Easter-based ones."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

#: Fixed-date holidays and the year each one was first (or last) a day off by law.
FIXED: tuple[tuple[int, int, str, int, int], ...] = (
    (1, 1, "Nowy Rok", 1, 9999),
    (1, 6, "Święto Trzech Króli", 2011, 9999),
    (5, 1, "Święto Pracy", 1, 9999),
    (5, 3, "Święto Konstytucji 3 Maja", 1, 9999),
    (8, 15, "Wniebowzięcie Najświętszej Maryi Panny", 1, 9999),
    (11, 1, "Wszystkich Świętych", 1, 9999),
    (11, 11, "Narodowe Święto Niepodległości", 1, 9999),
    (12, 24, "Wigilia Bożego Narodzenia", 2025, 9999),
    (12, 25, "Boże Narodzenie (pierwszy dzień)", 1, 9999),
    (12, 26, "Boże Narodzenie (drugi dzień)", 1, 9999),
)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Meeus/Jones/Butcher algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def holidays(year: int) -> dict[date, str]:
    """Every public holiday of ``year`` with its Polish name."""
    days = {date(year, m, d): name for m, d, name, since, until in FIXED if since <= year <= until}
    easter = easter_sunday(year)
    days[easter] = "Wielkanoc"
    days[easter + timedelta(days=1)] = "Poniedziałek Wielkanocny"
    days[easter + timedelta(days=49)] = "Zielone Świątki (Zesłanie Ducha Świętego)"
    days[easter + timedelta(days=60)] = "Boże Ciało"
    return days


def holiday_name(day: date) -> str | None:
    """The holiday's name if ``day`` is a Polish public holiday, else None."""
    return holidays(day.year).get(day)
