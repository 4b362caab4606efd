"""UUIDv7 (RFC 9562): version and variant bits, the millisecond timestamp, uniqueness."""

from __future__ import annotations

import time
import uuid

from aktywni_shared.contracts.ids import uuid7


def timestamp_ms(value: uuid.UUID) -> int:
    return value.int >> 80


def test_has_version_7() -> None:
    value = uuid7()

    assert value.version == 7
    assert (value.int >> 76) & 0xF == 7
    assert str(value)[14] == "7"


def test_has_rfc_4122_variant() -> None:
    value = uuid7()

    assert value.variant == uuid.RFC_4122
    assert (value.int >> 62) & 0b11 == 0b10


def test_every_id_has_version_and_variant_bits() -> None:
    for value in (uuid7() for _ in range(1000)):
        assert value.version == 7
        assert value.variant == uuid.RFC_4122


def test_first_48_bits_are_current_unix_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000

    assert before <= timestamp_ms(value) <= after
    assert abs(timestamp_ms(value) - time.time() * 1000) < 1000


def test_timestamps_do_not_decrease_in_sequence() -> None:
    values = [uuid7() for _ in range(1000)]

    stamps = [timestamp_ms(v) for v in values]
    assert stamps == sorted(stamps)


def test_ids_made_later_sort_after_earlier_ones() -> None:
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()

    assert timestamp_ms(second) > timestamp_ms(first)
    assert first < second
    assert str(first) < str(second)


def test_ten_thousand_ids_are_unique() -> None:
    values = [uuid7() for _ in range(10_000)]

    assert len(set(values)) == 10_000


def test_random_bits_differ_between_ids() -> None:
    values = [uuid7() for _ in range(200)]
    random_parts = {v.int & ((1 << 80) - 1) for v in values}  # all but the timestamp

    assert len(random_parts) == 200
