"""Folded entries share identical attribute sets; sharing must never change what an entry says."""

from __future__ import annotations

from typing import Any

from reporting.domain import facts


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
