"""What a PESEL says about its holder (birth date and sex), for the enrolment form's hint.

The enrolment service remains the judge of a PESEL; this only tells staff, before they send the
form, what the number will be read as (and that a mistyped one is refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
#: The month's offset encodes the century: 1900s +0, 2000s +20, 2100s +40, 2200s +60, 1800s +80.
CENTURIES = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}


class InvalidPesel(ValueError):
    pass


@dataclass(frozen=True)
class PeselFacts:
    birth_date: date
    sex: str  # "K" or "M", as the API's Sex


def read(pesel: str) -> PeselFacts:
    """Birth date and sex of a valid PESEL; :class:`InvalidPesel` (in Polish) otherwise."""
    if len(pesel) != 11 or not pesel.isdigit():
        raise InvalidPesel("PESEL ma 11 cyfr")
    digits = [int(c) for c in pesel]
    if (10 - sum(w * d for w, d in zip(WEIGHTS, digits, strict=False)) % 10) % 10 != digits[10]:
        raise InvalidPesel("PESEL ma błędną cyfrę kontrolną")
    month = digits[2] * 10 + digits[3]
    offset = (month // 20) * 20
    try:
        born = date(CENTURIES[offset] + digits[0] * 10 + digits[1], month - offset, digits[4] * 10 + digits[5])
    except (KeyError, ValueError) as error:
        raise InvalidPesel("PESEL zawiera niemożliwą datę urodzenia") from error
    return PeselFacts(birth_date=born, sex="M" if digits[9] % 2 else "K")
