"""PESEL, the Polish national identification number: checksum, birth date and sex it encodes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aktywni_shared.contracts.vocabulary import Sex

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
#: The month field carries the century: +80 for 1800s, +0 for 1900s, +20 2000s, +40 2100s, +60 2200s.
CENTURY_OFFSETS = {80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200}


class InvalidPesel(ValueError):
    pass


@dataclass(frozen=True)
class PeselFacts:
    birth_date: date
    sex: Sex


def parse(pesel: str) -> PeselFacts:
    """Check a PESEL and return the birth date and sex it encodes, or raise :class:`InvalidPesel`."""
    if len(pesel) != 11 or not (pesel.isascii() and pesel.isdigit()):
        raise InvalidPesel("must be exactly 11 digits")
    digits = [int(c) for c in pesel]
    control = (10 - sum(w * d for w, d in zip(WEIGHTS, digits, strict=False)) % 10) % 10
    if control != digits[10]:
        raise InvalidPesel("checksum digit does not match")
    year, month, day = int(pesel[0:2]), int(pesel[2:4]), int(pesel[4:6])
    offset = (month - 1) // 20 * 20 if month > 0 else -1
    if offset not in CENTURY_OFFSETS:
        raise InvalidPesel("month field is not a valid month")
    try:
        born = date(CENTURY_OFFSETS[offset] + year, month - offset, day)
    except ValueError as error:
        raise InvalidPesel(f"encodes no valid birth date ({error})") from error
    return PeselFacts(birth_date=born, sex=Sex.FEMALE if digits[9] % 2 == 0 else Sex.MALE)
