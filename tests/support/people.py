"""Made-up people with valid PESELs, for tests and benchmarks (none of them is real)."""

from __future__ import annotations

import random
from datetime import date, timedelta

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
FIRST_K = ["Anna", "Zofia", "Małgorzata", "Łucja", "Żaneta", "Ewa", "Grażyna", "Jadwiga"]
FIRST_M = ["Jan", "Łukasz", "Paweł", "Józef", "Michał", "Zbigniew", "Wojciech", "Błażej"]
LAST = ["Nowak", "Kowalczyk", "Wiśniewski", "Wójcik", "Żółć", "Dąbrowski", "Kamiński", "Lewandowski"]


def pesel(born: date, serial: int, female: bool) -> str:
    """A valid PESEL: date (century in the month), a 3-digit serial, the sex digit, the checksum."""
    month = born.month + {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[born.year // 100]
    sex_digit = (serial % 5) * 2 + (0 if female else 1)
    body = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial % 1000:03d}{sex_digit}"
    control = (10 - sum(w * int(d) for w, d in zip(WEIGHTS, body, strict=True)) % 10) % 10
    return body + str(control)


def person(rng: random.Random, n: int, *, youngest: int = 18, oldest: int = 64) -> dict[str, str]:
    """Name, PESEL, birth date and sex of the n-th made-up person (unique PESEL per n up to 10^5)."""
    female = rng.random() < 0.55
    born = date(2012, 6, 1) - timedelta(days=rng.randint(youngest * 366, oldest * 365))
    born = born.replace(day=min(born.day, 28))
    return {
        "first_name": rng.choice(FIRST_K if female else FIRST_M),
        "last_name": rng.choice(LAST) + ("a" if female and rng.random() < 0.1 else ""),
        "pesel": pesel(born, n, female),
        "birth_date": born.isoformat(),
        "sex": "K" if female else "M",
    }
