"""PESEL parsing: checksum, the century carried in the month field, real dates, sex from the 10th digit."""

from __future__ import annotations

from datetime import date

import pytest

from aktywni_shared.contracts.vocabulary import Sex
from enrolment.domain.pesel import InvalidPesel, parse

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
MONTH_OFFSET_BY_CENTURY = {1800: 80, 1900: 0, 2000: 20, 2100: 40, 2200: 60}


def with_checksum(first_ten: str) -> str:
    """Append the control digit to ten PESEL digits."""
    assert len(first_ten) == 10
    assert set(first_ten) <= set("0123456789")
    total = sum(w * int(d) for w, d in zip(WEIGHTS, first_ten, strict=True))
    return first_ten + str((10 - total % 10) % 10)


def make_pesel(born: date, *, serial: str = "123", sex_digit: int = 4) -> str:
    """A valid PESEL for a birth date, with the century encoded in the month field."""
    century = born.year // 100 * 100
    month = born.month + MONTH_OFFSET_BY_CENTURY[century]
    return with_checksum(f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial}{sex_digit}")


def wrong_checksum(pesel: str) -> str:
    return pesel[:10] + str((int(pesel[10]) + 1) % 10)


def test_helper_reproduces_a_known_valid_pesel() -> None:
    assert make_pesel(date(1971, 3, 5), serial="123", sex_digit=4) == "71030512348"


def test_parses_known_valid_pesel_as_woman_born_1971_03_05() -> None:
    facts = parse("71030512348")

    assert facts.birth_date == date(1971, 3, 5)
    assert facts.sex is Sex.FEMALE


def test_parses_known_valid_pesel_with_2000s_month_encoding() -> None:
    # 2002-11-30 → month 11 + 20 = 31; serial 456, sex digit 7 (male)
    pesel = with_checksum("0231304567")

    facts = parse(pesel)

    assert facts.birth_date == date(2002, 11, 30)
    assert facts.sex is Sex.MALE


@pytest.mark.parametrize(
    "born",
    [
        date(1800, 1, 1),
        date(1899, 12, 31),
        date(1900, 1, 1),
        date(1971, 3, 5),
        date(1999, 12, 31),
        date(2000, 1, 1),
        date(2024, 2, 29),
        date(2099, 12, 31),
        date(2100, 1, 1),
        date(2150, 6, 15),
        date(2200, 1, 1),
        date(2299, 12, 31),
    ],
    ids=str,
)
def test_decodes_birth_date_in_every_century_from_month_field(born: date) -> None:
    assert parse(make_pesel(born)).birth_date == born


@pytest.mark.parametrize(
    ("month_field", "expected_year"),
    [("81", 1871), ("01", 1971), ("21", 2071), ("41", 2171), ("61", 2271)],
)
def test_month_offset_selects_the_century(month_field: str, expected_year: int) -> None:
    pesel = with_checksum(f"71{month_field}051234")

    assert parse(pesel).birth_date == date(expected_year, 1, 5)


@pytest.mark.parametrize("sex_digit", [0, 2, 4, 6, 8])
def test_even_tenth_digit_means_female(sex_digit: int) -> None:
    assert parse(make_pesel(date(1985, 7, 14), sex_digit=sex_digit)).sex is Sex.FEMALE


@pytest.mark.parametrize("sex_digit", [1, 3, 5, 7, 9])
def test_odd_tenth_digit_means_male(sex_digit: int) -> None:
    assert parse(make_pesel(date(1985, 7, 14), sex_digit=sex_digit)).sex is Sex.MALE


def test_rejects_known_pesel_with_wrong_checksum() -> None:
    with pytest.raises(InvalidPesel, match="checksum"):
        parse("71030512349")


@pytest.mark.parametrize("born", [date(1971, 3, 5), date(2005, 12, 1), date(1850, 4, 30)], ids=str)
def test_rejects_pesel_with_wrong_checksum(born: date) -> None:
    with pytest.raises(InvalidPesel, match="checksum"):
        parse(wrong_checksum(make_pesel(born)))


def test_rejects_pesel_with_two_digits_swapped() -> None:
    valid = make_pesel(date(1971, 3, 5))
    swapped = valid[1] + valid[0] + valid[2:]  # "17..." — the weights 1 and 3 catch the swap
    assert swapped != valid

    with pytest.raises(InvalidPesel, match="checksum"):
        parse(swapped)


def test_checksum_digit_zero_when_weighted_sum_is_multiple_of_ten() -> None:
    # find ten digits whose weighted sum ends in 0: the control digit must then be 0, not 10
    candidates = (f"900101{serial:03d}4" for serial in range(1000))
    first_ten = next(c for c in candidates if sum(w * int(d) for w, d in zip(WEIGHTS, c, strict=True)) % 10 == 0)
    pesel = with_checksum(first_ten)
    assert pesel.endswith("0")

    assert parse(pesel).birth_date == date(1990, 1, 1)


@pytest.mark.parametrize(
    "first_six",
    [
        pytest.param("710230", id="30 February 1971"),
        pytest.param("710229", id="29 February 1971, not a leap year"),
        pytest.param("000229", id="29 February 1900, not a leap year"),
        pytest.param("710431", id="31 April"),
        pytest.param("710100", id="day zero"),
        pytest.param("710132", id="32 January"),
        pytest.param("712230", id="30 February 2071"),
    ],
)
def test_rejects_pesel_encoding_a_date_that_does_not_exist(first_six: str) -> None:
    pesel = with_checksum(first_six + "1234")

    with pytest.raises(InvalidPesel, match="valid birth date"):
        parse(pesel)


def test_accepts_29_february_of_leap_year_2000() -> None:
    # 2000 is a leap year (divisible by 400); month 02 + 20 = 22
    assert parse(with_checksum("0022291234")).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize("month_field", ["00", "13", "20", "33", "40", "53", "73", "80", "93", "99"])
def test_rejects_month_field_that_encodes_no_month(month_field: str) -> None:
    pesel = with_checksum(f"71{month_field}051234")

    with pytest.raises(InvalidPesel):
        parse(pesel)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "7103051234",  # 10 digits
        "710305123480",  # 12 digits
        "7103051234a",
        "71030 12348",
        " 71030512348",
        "71030512348 ",
        "7103-512348",
        "+7103051234",
        "-7103051234",
        "71.30512348",
    ],
)
def test_rejects_value_that_is_not_exactly_eleven_digits(value: str) -> None:
    with pytest.raises(InvalidPesel, match="11 digits"):
        parse(value)


def test_invalid_pesel_is_a_value_error() -> None:
    # so that pydantic validators turn it into a validation error
    assert issubclass(InvalidPesel, ValueError)


FULLWIDTH = "".join(chr(0xFF10 + int(c)) for c in "71030512348")
ARABIC_INDIC = "".join(chr(0x0660 + int(c)) for c in "71030512348")


@pytest.mark.parametrize("value", [FULLWIDTH, ARABIC_INDIC, "\u00b2" * 11])
def test_rejects_digits_that_are_not_ascii(value: str) -> None:
    with pytest.raises(InvalidPesel, match="11 digits"):
        parse(value)
