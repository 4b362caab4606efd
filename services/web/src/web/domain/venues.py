"""Venues as staff read them: opening hours per weekday in Polish, and whether a room is step-free."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DAYS = (
    ("mon", "poniedziałek"),
    ("tue", "wtorek"),
    ("wed", "środa"),
    ("thu", "czwartek"),
    ("fri", "piątek"),
    ("sat", "sobota"),
    ("sun", "niedziela"),
)
FEED_KIND = {"venue": "placówka", "staff": "prowadzący", "participant": "uczestnik"}


def _hours(spans: list[Mapping[str, Any]]) -> str:
    return ", ".join(f"{str(h['opens'])[:5]}–{str(h['closes'])[:5]}" for h in spans) or "zamknięte"


def opening_hours(venue: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each weekday with its hours (``08:00–15:30``), or ``zamknięte``."""
    weekly = venue.get("opening_hours") or {}
    return [(name, _hours(list(weekly.get(key) or []))) for key, name in DAYS]


def exceptions(venue: Mapping[str, Any]) -> list[str]:
    """The venue's exceptions in Polish: a date (closed or other hours) or every month's last day."""
    told = []
    for item in venue.get("exceptions") or []:
        hours = _hours(list(item.get("hours") or []))
        when = str(item["on"]) if item.get("kind", "date") == "date" else "ostatni dzień miesiąca"
        note = f" ({item['note']})" if item.get("note") else ""
        told.append(f"{when}: {hours}{note}")
    if venue.get("closed_on_public_holidays", True):
        told.append("święta państwowe: zamknięte")
    return told


def step_free(venue: Mapping[str, Any], room: Mapping[str, Any]) -> bool:
    """Step-free from the street: entrance, then the floor (ground or by lift), then the room (as scheduling)."""
    return bool(
        venue.get("step_free_entrance")
        and room.get("step_free", True)
        and (int(room.get("floor", 0)) == 0 or venue.get("lift"))
    )
