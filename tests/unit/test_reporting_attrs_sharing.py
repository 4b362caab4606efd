"""Folded entries share identical attribute sets; sharing must never change what an entry says."""

from __future__ import annotations

import json
from typing import Any

from reporting.domain import facts
from reporting.store import view


def _enrolled(key: str, at: str, **attrs: Any) -> facts.Record:
    return {
        "s": "people",
        "k": key,
        "t": "ParticipantEnrolled",
        "id": f"e-{key}",
        "at": at,
        "on": "2026-01-05",
        "org": "fundacja-eudajmonia",
        "attrs": {"category": "staff_trainee", "sex": "K", **attrs},
    }


def test_people_with_the_same_attributes_share_one_dict_and_a_flag_stays_a_flag() -> None:
    first = facts.apply_record(None, _enrolled("a", "1", birth_year=1980, mops_employee=True))
    second = facts.apply_record(None, _enrolled("b", "2", birth_year=1980, mops_employee=True))
    numeric = facts.apply_record(None, _enrolled("c", "3", birth_year=1980, mops_employee=1))
    assert first is not None
    assert second is not None
    assert numeric is not None
    assert first["attrs"] is second["attrs"]
    assert first["attrs"]["mops_employee"] is True
    assert numeric["attrs"]["mops_employee"] == 1
    assert numeric["attrs"]["mops_employee"] is not True


def test_an_update_of_one_person_leaves_the_shared_attributes_of_others_alone() -> None:
    first = facts.apply_record(None, _enrolled("a", "1", birth_year=1990, disability_degree=None))
    second = facts.apply_record(None, _enrolled("b", "2", birth_year=1990, disability_degree=None))
    assert first is not None
    assert second is not None
    update = {
        "s": "people",
        "k": "a",
        "t": "ParticipantUpdated",
        "at": "9",
        "disability_degree": "moderate",
        "labour_market_status": None,
    }
    updated = facts.apply_record(first, update)
    assert updated is not None
    assert updated["attrs"]["disability_degree"] == "moderate"
    assert second["attrs"]["disability_degree"] is None
    assert first["attrs"]["disability_degree"] is None


def _started(key: str, on: str, **attrs: Any) -> facts.Record:
    return {
        "s": "people",
        "k": key,
        "t": "SupportStarted",
        "on": on,
        "activity_id": "a-1",
        "form": "individual_meeting",
        "org": "fundacja-eudajmonia",
        "attrs": {"category": "staff_trainee", "sex": "K", "birth_year": 1980, **attrs},
    }


def test_people_who_started_the_same_support_share_one_start_and_the_earliest_still_wins() -> None:
    first = facts.apply_record(None, _started("a", "2026-02-01"))
    second = facts.apply_record(None, _started("b", "2026-02-01"))
    assert first is not None
    assert second is not None
    assert first["start"] is second["start"]
    earlier = facts.apply_record(first, _started("a", "2026-01-15"))
    assert earlier is not None
    assert earlier["start"]["on"] == "2026-01-15"
    assert second["start"]["on"] == "2026-02-01"
    assert facts.apply_record(earlier, _started("a", "2026-03-01")) is None  # a later start changes nothing


def test_lifecycle_status_and_first_enrolment_read_the_compact_lifecycle() -> None:
    enrolled = facts.apply_record(None, _enrolled("a", "2026-01-05T10:00:00+00:00|e1", birth_year=1980))
    assert enrolled is not None
    withdrawn = facts.apply_record(
        enrolled,
        {
            "s": "people",
            "k": "a",
            "t": "ParticipantWithdrawn",
            "id": "w1",
            "at": "2026-01-06T10:00:00+00:00|w1",
            "on": "2026-01-06",
        },
    )
    assert withdrawn is not None
    assert facts.lifecycle_status(enrolled) == "enrolled"
    assert facts.lifecycle_status(withdrawn) == "withdrawn"
    assert facts.first_enrolled_on(withdrawn) == "2026-01-05"
    assert facts.withdrawn_before_support(withdrawn)


def test_chunks_are_read_in_the_compressed_form_and_in_the_earlier_json_string() -> None:
    records = [_enrolled("a", "1", birth_year=1980, mops_employee=True), _started("a", "2026-02-01")]
    assert view.decode_records({"_id": "P:1", "z": view.encode_records(records)}) == records
    assert view.decode_records({"_id": "P:1", "records": json.dumps(records)}) == records
