"""Enrolment's refusals, all of the shared family (:mod:`aktywni_shared.errors`).

Each answers as its shared base does (status and body from :meth:`ServiceError.body`); the two
special cases refine it: a duplicate enrolment points at the participant already there (when the
caller may know of them); an ineligible person (:class:`enrolment.domain.eligibility.Ineligible`)
is refused with every failed rule named.
"""

from __future__ import annotations

from aktywni_shared import errors
from aktywni_shared.errors import Forbidden, NotFound

__all__ = [
    "ConcurrentChange",
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidTransition",
    "NotFound",
]


class DomainError(errors.DomainError):
    """A command that breaks a rule of the domain; ``field`` names what is wrong where it can."""


class InvalidTransition(DomainError):
    """The participant's status does not allow this step (the field at fault is ``status``)."""


class Conflict(errors.Conflict):
    """The request clashes with what is stored; a duplicate names the participant already there."""

    def __init__(self, message: str, existing_participant_id: str | None = None) -> None:
        extra = {"existing_participant_id": existing_participant_id} if existing_participant_id else None
        super().__init__(message, extra=extra)
        self.existing_participant_id = existing_participant_id


class ConcurrentChange(errors.Conflict):
    """Somebody changed the participant (or enrols the same person) meanwhile: read again, try again."""
