"""Scheduling's refusals: the shared family (:mod:`aktywni_shared.errors`), refined where its answers differ.

- :class:`NotFound` always lists its fault, and names its field as one ``loc`` entry
  (``["path", "participant_ids.3"]``), as scheduling has always answered;
- :class:`Conflicts` is one 409 with an entry per :class:`Conflict` (``type`` ``conflict.<code>``);
- :class:`ConcurrentChange` is a 409 of kind ``conflict.busy``: retrying did not help.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aktywni_shared import errors
from aktywni_shared.errors import DomainError, Forbidden

__all__ = ["ConcurrentChange", "Conflict", "Conflicts", "DomainError", "Forbidden", "NotFound"]


class NotFound(errors.NotFound):
    """Unknown, or not the caller's to know of; ``field`` names the path (or body) input, undivided."""

    always_listed = True

    def details(self) -> list[dict[str, Any]]:
        loc = [self.where, self.field] if self.field else [self.where]
        return [{"loc": loc, "msg": self.message, "type": self.kind}]


class ConcurrentChange(errors.Conflict):
    """Somebody else changed the same thing meanwhile, and retrying did not help (409)."""

    kind = "conflict.busy"
    always_listed = True


@dataclass(frozen=True)
class Conflict:
    """One reason why a schedule or a booking cannot be made, explained."""

    code: str  # e.g. room_double_booked, outside_opening_hours
    field: str  # the request field the conflict is about
    message: str


class Conflicts(errors.Conflict):
    """One or more conflicts (409), each with its code, field and explanation."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__("; ".join(c.message for c in conflicts))
        self.conflicts = conflicts

    def details(self) -> list[dict[str, Any]]:
        return [
            {
                "loc": ["body", *c.field.split(".")] if c.field else ["body"],
                "msg": c.message,
                "type": f"conflict.{c.code}",
            }
            for c in self.conflicts
        ]
