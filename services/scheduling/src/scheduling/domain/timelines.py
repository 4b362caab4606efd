"""Whose time a timeline holds: a participant's, a staff member's or a room's (``kind:owner``)."""

from __future__ import annotations


def participant_key(participant_id: str) -> str:
    return f"participant:{participant_id}"


def staff_key(staff_id: str) -> str:
    return f"staff:{staff_id}"


def room_key(venue_id: str, room_id: str) -> str:
    return f"room:{venue_id}/{room_id}"
