"""Live updates: local change notifications for dashboard streams, and the indicator announcer.

Dashboards are correct with several instances: each stream polls the project's version (change
counter of the view, definitions revision, generation) every ``POLL_SECONDS``, and is woken at once
when this instance's own consumer applied a batch touching the project.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aktywni_shared.contracts.envelope import Envelope
from reporting.domain.access import NotFound
from reporting.domain.signals import signals
from reporting.use_cases.ports import AnnouncementsStore
from reporting.use_cases.reports import Reports

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
PRODUCER = "reporting"
#: The longest the announcer waits between rounds, however long the last one took.
MAX_PAUSE_SECONDS = 30.0


class Changes:
    """Wakes the dashboard streams of this instance when its consumer changed a project."""

    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Event]] = {}

    def notify(self, project_ids: set[str]) -> None:
        for project_id in project_ids:
            for waiter in self._waiters.get(project_id, set()):
                waiter.set()

    async def wait(self, project_id: str, seconds: float) -> None:
        waiter = asyncio.Event()
        self._waiters.setdefault(project_id, set()).add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter.wait(), seconds)
        finally:
            self._waiters[project_id].discard(waiter)


class Announcer:
    """Turns report changes into indicator events (saved with the announced state), for projects marked dirty.

    The store writes the events through the outbox, which wakes the relay: nothing here names a
    topic or publishes.
    """

    def __init__(self, reports: Reports, store: AnnouncementsStore, pause: float = 0.5) -> None:
        self.reports = reports
        self.store = store
        self.pause = pause
        self.dirty: set[str] = set()
        self._wake = asyncio.Event()
        self.announced = 0
        self.last_round_seconds = 0.0

    def mark(self, project_ids: set[str]) -> None:
        self.dirty.update(project_ids)
        self._wake.set()

    async def run(self) -> None:
        self.dirty.update(await self.reports.definitions.project_ids())
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=30.0)
            self._wake.clear()
            # Let a burst of batches settle into one announcement. Each announcement recomputes the
            # reports of the projects changed since, over all their people: while the consumer catches up
            # on a long history that would be most of the work, so the pause grows with the time the last
            # round took, keeping the announcer to about a third of this process's time.
            await asyncio.sleep(min(MAX_PAUSE_SECONDS, max(self.pause, 2 * self.last_round_seconds)))
            projects, self.dirty = self.dirty, set()
            began = asyncio.get_running_loop().time()
            await self._announce_all(projects)
            self.last_round_seconds = asyncio.get_running_loop().time() - began

    async def _announce_all(self, projects: set[str]) -> None:
        for project_id in sorted(projects):
            try:
                await self.announce(project_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("announcing indicators failed; will retry", extra={"project": project_id}, exc_info=True)
                self.dirty.add(project_id)
                self._wake.set()

    async def announce(self, project_id: str) -> int:
        """Announce what changed in the project's indicators; the number of events written."""
        try:
            project = await self.reports.project(project_id)
        except NotFound:
            return 0
        for _ in range(10):
            rev, before = await self.store.get(project_id)
            if not before and not (await self.reports.definitions.get(project_id)).indicators:
                # No indicator, none announced before: the report has nothing to announce (signals of an
                # empty report are an empty state and no events), so its people need not be folded.
                return 0
            report = await self.reports.compute(project)
            state, payloads = signals(report, before)
            if not payloads and state == before:
                return 0
            envelopes = [
                Envelope.wrap(
                    p, producer=PRODUCER, organisation_id=project.leader_organisation_id, project_id=project_id
                )
                for p in payloads
            ]
            if await self.store.save(project_id, rev, state, envelopes):
                self.announced += len(envelopes)
                return len(envelopes)
        raise RuntimeError(f"announcements of {project_id} kept changing under us")
