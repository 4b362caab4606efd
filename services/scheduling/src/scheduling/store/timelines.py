"""Timelines: the booked time of a participant, a staff member or a room, one document each.

``_id`` is ``participant:<id>``, ``staff:<id>`` or ``room:<venue>/<room>``. ``slots`` are the
sessions that block the owner's time now; ``sessions`` every session the owner was ever part of
(the calendar feeds read it, so cancelled sessions show as cancelled). A slot is claimed by a
revision-guarded write after checking for overlaps in the same read, so two requests can never
both claim overlapping time. A slot left behind by a crash (its session never written, or its
booking gone) is recognised when it gets in the way: the caller checks it against the session and
it is released.
"""

from __future__ import annotations

import asyncio

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.clock import SYSTEM_CLOCK, Clock
from aktywni_shared.mongo import Document
from scheduling.domain.conflicts import Slot, overlapping
from scheduling.domain.timelines import participant_key, room_key, staff_key
from scheduling.domain.times import Interval
from scheduling.store.batch import insert_new
from scheduling.store.versioned import Write, modify, new_document
from scheduling.use_cases.ports import IsLive

__all__ = ["IsLive", "TimelineStore", "participant_key", "room_key", "staff_key"]

MAX_SESSIONS_KEPT = 5000
CLAIMS_AT_ONCE = 8


def _slots(doc: Document | None) -> list[Slot]:
    return [Slot(s["session_id"], s["start"], s["end"], s.get("claimed_at")) for s in (doc or {}).get("slots", [])]


def _dump(slots: list[Slot]) -> list[Document]:
    return [{"session_id": s.session_id, "start": s.start, "end": s.end, "claimed_at": s.claimed_at} for s in slots]


class TimelineStore:
    def __init__(self, db: AsyncDatabase[Document], clock: Clock = SYSTEM_CLOCK) -> None:
        self.collection: AsyncCollection[Document] = db["timelines"]
        self.clock = clock

    async def slots(self, key: str) -> list[Slot]:
        return _slots(await self.collection.find_one({"_id": key}, {"slots": 1}))

    async def sessions(self, key: str) -> list[str]:
        doc = await self.collection.find_one({"_id": key}, {"sessions": 1})
        return list((doc or {}).get("sessions", []))

    async def clashes(self, key: str, interval: Interval, session_id: str, is_live: IsLive) -> list[Slot]:
        """Live slots of ``key`` overlapping ``interval`` (stale ones found on the way are released)."""
        found = overlapping(await self.slots(key), interval, session_id)
        live = []
        for slot in found:
            if await is_live(key, slot):
                live.append(slot)
            else:
                await self.release(key, slot.session_id, keep_history=True)
        return live

    async def claim(self, key: str, session_id: str, interval: Interval, is_live: IsLive) -> list[Slot]:
        """Take ``interval`` for ``session_id`` (or move its slot there); the live clashes if it cannot."""
        clashes: list[Slot] = []

        def change(doc: Document | None) -> Write[bool] | None:
            slots = _slots(doc)
            clashes[:] = overlapping(slots, interval, session_id)
            if clashes:
                return None
            kept = [s for s in slots if s.session_id != session_id]
            sessions = list((doc or {}).get("sessions", []))
            if session_id not in sessions:
                sessions = [*sessions, session_id][-MAX_SESSIONS_KEPT:]
            new = Slot(session_id, interval.start, interval.end, self.clock.now())
            return Write(True, {"slots": _dump([*kept, new]), "sessions": sessions})

        for _ in range(5):
            if await modify(self.collection, None, key, change):
                return []
            live = [s for s in clashes if await is_live(key, s)]
            if live:
                return live
            for stale in list(clashes):
                await self.release(key, stale.session_id, keep_history=True)
        return clashes

    async def claim_many(
        self, keys: list[str], session_id: str, interval: Interval, is_live: IsLive
    ) -> dict[str, list[Slot]]:
        """``claim`` for many owners: the live clashes of those who could not claim (none: all claimed).

        Owners without a timeline yet get theirs in one ``insert_many``; the others claim one by one."""
        docs = await asyncio.gather(*(self.collection.find_one({"_id": key}, {"_id": 1}) for key in keys))
        fresh = [key for key, doc in zip(keys, docs, strict=True) if doc is None]
        now = self.clock.now()
        slot = _dump([Slot(session_id, interval.start, interval.end, now)])
        created = await insert_new(
            self.collection,
            [new_document(key, Write(True, {"slots": slot, "sessions": [session_id]})) for key in fresh],
        )
        limit = asyncio.Semaphore(CLAIMS_AT_ONCE)

        async def claim(key: str) -> list[Slot]:
            async with limit:
                return await self.claim(key, session_id, interval, is_live)

        rest = [key for key in keys if key not in created]
        found = await asyncio.gather(*(claim(key) for key in rest))
        return {key: slots for key, slots in zip(rest, found, strict=True) if slots}

    async def release(self, key: str, session_id: str, *, keep_history: bool = True) -> None:
        def change(doc: Document | None) -> Write[bool] | None:
            slots = _slots(doc)
            if doc is None or all(s.session_id != session_id for s in slots):
                return None
            fields: Document = {"slots": _dump([s for s in slots if s.session_id != session_id])}
            if not keep_history:
                fields["sessions"] = [s for s in doc.get("sessions", []) if s != session_id]
            return Write(True, fields)

        await modify(self.collection, None, key, change)

    async def remember(self, key: str, session_id: str) -> None:
        """List a session in the owner's calendar without blocking time (a waitlisted booking)."""

        def change(doc: Document | None) -> Write[bool] | None:
            sessions = list((doc or {}).get("sessions", []))
            if session_id in sessions:
                return None
            return Write(True, {"sessions": [*sessions, session_id][-MAX_SESSIONS_KEPT:], "slots": _dump(_slots(doc))})

        await modify(self.collection, None, key, change)
