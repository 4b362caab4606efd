"""The errors use cases raise; the API answers them with 4xx naming the field and the reason."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Bad input the schema could not catch (422), naming the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Forbidden(Exception):
    pass


class ConcurrentChange(Exception):
    """Somebody else changed the same thing meanwhile, and retrying did not help (409)."""


@dataclass(frozen=True)
class Conflict:
    """One reason why a schedule or a booking cannot be made, explained."""

    code: str  # e.g. room_double_booked, outside_opening_hours
    field: str  # the request field the conflict is about
    message: str


class Conflicts(Exception):
    """One or more conflicts (409), each with its code, field and explanation."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__("; ".join(c.message for c in conflicts))
        self.conflicts = conflicts
