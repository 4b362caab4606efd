"""What reporting's use cases and projection need from the world, as Protocols.

The Mongo implementations are in ``reporting.store`` (the view in generations, definitions,
announcements through the outbox); the unit tests run the use cases on in-memory fakes of the same
Protocols. The clock is :class:`aktywni_shared.clock.Clock`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from typing import Protocol

from aktywni_shared.clock import Clock
from aktywni_shared.contracts.envelope import Envelope
from reporting.domain.facts import Entry, Record
from reporting.domain.indicators import IndicatorDefinition, ManualEntry, ProjectDefinitions
from reporting.domain.report import ProjectInfo
from reporting.domain.signals import State

__all__ = ["AMENDED_AT", "AnnouncementsStore", "Clock", "DefinitionsStore", "Generation", "ViewStore", "amended_at"]

#: Where a project's view keeps when the amendment its title and period come from happened.
AMENDED_AT = "amended_at"


def amended_at(envelope: Envelope) -> str:
    """The envelope's ``occurred_at`` as a string that sorts as the instants do (UTC, microseconds)."""
    return envelope.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")


class Generation(Protocol):
    """One generation of the view: everything derived from events (a replay fills a fresh one)."""

    @property
    def number(self) -> int: ...

    async def register_project(
        self, project_id: str, title: str, leader: str, starts_on: date, ends_on: date, leader_name: str | None = None
    ) -> None: ...

    async def amend_project(self, project_id: str, title: str, starts_on: date, ends_on: date, at: str) -> bool:
        """Replace the title and period unless an amendment at ``at`` or later was applied; True if taken.

        ``at`` is :func:`amended_at` of the amendment's envelope. A registration applied after an
        amendment (redelivered) leaves the amended title and period as they are.
        """
        ...

    async def join_project(self, project_id: str, organisation_id: str, role: str, name: str | None = None) -> None: ...

    async def append(self, project_id: str, records: Sequence[Record]) -> int:
        """Store ``records`` (a batch's, of one project); a number that grows with every append."""
        ...

    async def bump(self, project_ids: set[str], chunks: dict[str, int] | None = None) -> None:
        """Count a change of each project (the dashboards' version)."""
        ...

    async def project(self, project_id: str) -> ProjectInfo | None: ...

    async def stamp(self, project_id: str) -> int: ...

    async def facts(self, project_id: str) -> tuple[dict[str, Entry], dict[str, Entry]]:
        """The project's people and bodies, every record folded in order (idempotently)."""
        ...


class ViewStore(Protocol):
    async def active(self) -> Generation: ...


class DefinitionsStore(Protocol):
    """Indicator definitions and manual entries: reporting's own data (a replay leaves them alone)."""

    async def get(self, project_id: str) -> ProjectDefinitions: ...

    async def revision(self, project_id: str) -> int:
        """The definitions' revision (0: none); it grows with every change, entries included."""
        ...

    async def replace(self, project_id: str, indicators: list[IndicatorDefinition], by: str) -> int: ...

    async def seed(self, project_id: str, indicators: list[IndicatorDefinition]) -> bool:
        """Give a project these indicators unless it has some; True if it got them now."""
        ...

    async def add_entry(self, project_id: str, code: str, entry: ManualEntry, organisation_id: str, by: str) -> bool:
        """Record a manual entry once (by ``entry_id``); True if it is new."""
        ...

    async def project_ids(self) -> list[str]: ...


class AnnouncementsStore(Protocol):
    """What was announced per project, saved together with the events announcing the change."""

    async def get(self, project_id: str) -> tuple[int, State]:
        """(revision, state); (0, {}) for a project never announced."""
        ...

    async def save(self, project_id: str, rev: int, state: State, envelopes: list[Envelope]) -> bool:
        """Store ``state`` and its events if the revision is still ``rev``; True if stored."""
        ...
