"""A session's attendance list written in few commands: progress documents and first-support marks together.

New progress documents are inserted in one command, the first-support marks (each with its
SupportStarted event) go in one bulk update, and existing progress documents are rewritten under
their revision side by side; then the outbox markers of every document the list touched are bumped
in one bulk command after the writes (Outbox.mark_after: the marker the relay's
protocol needs; the sweep covers a crash in between). A document that somebody else wrote meanwhile
is reported as not written: the use case records it on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.mongo import Document
from scheduling.domain.attendance import Progress
from scheduling.store.batch import bulk, insert_new
from scheduling.store.progress import ProgressStore, progress_id
from scheduling.store.projects import ParticipantStore
from scheduling.store.versioned import Write, new_document

#: Documents read or written side by side at most.
PARALLEL = 8


class AttendanceBatch:
    def __init__(self, progress: ProgressStore, participants: ParticipantStore) -> None:
        self.progress = progress
        self.participants = participants

    async def save(
        self,
        activity_id: str,
        writes: Mapping[str, tuple[Write[Progress], Document | None]],
        starts: Mapping[str, Envelope],
    ) -> set[str]:
        """Write each participant's progress (over the document it was computed from, or new) and mark
        the support of ``starts`` as started with their event; the participants whose progress went in."""
        limit = asyncio.Semaphore(PARALLEL)
        targets = [(self.progress.collection, progress_id(pid, activity_id)) for pid in writes]
        targets += [(self.participants.collection, pid) for pid in starts]
        written: set[str] = set()
        new = {pid: new_document(progress_id(pid, activity_id), w) for pid, (w, doc) in writes.items() if doc is None}
        try:
            inserted = await insert_new(self.progress.collection, list(new.values()))
            written |= {pid for pid, doc in new.items() if doc["_id"] in inserted}

            async def update(pid: str, write: Write[Progress], doc: Document) -> None:
                async with limit:
                    if await self.progress.rewrite(doc, write):
                        written.add(pid)

            await asyncio.gather(*(update(pid, w, d) for pid, (w, d) in writes.items() if d is not None))
            # Each mark is guarded (a participant whose support started meanwhile is left alone).
            await bulk(
                self.participants.collection,
                [self.participants.support_started_operation(pid, event) for pid, event in starts.items()],
            )
        finally:
            await self.progress.outbox.mark_after(targets)
        return written
