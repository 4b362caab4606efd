"""A participant's support history from scheduling, for the card and its PDF (nothing kept)."""

from __future__ import annotations

import asyncio

from web.domain.history import SupportHistory, support_history
from web.use_cases.ports import Json, Refused, Scheduling

#: Sessions asked for at a time (one request each).
SESSION_READS = 8


async def history_of(scheduling: Scheduling, token: str, participant: Json) -> SupportHistory | None:
    """The history of ``participant`` (enrolment's view of them), or None if scheduling refuses it."""
    participant_id, project_id = str(participant["participant_id"]), str(participant["project_id"])
    try:
        bookings, progress, activities = await asyncio.gather(
            scheduling.participant_bookings(token, participant_id),
            scheduling.participant_progress(token, participant_id),
            scheduling.activities(token, project_id),
        )
    except Refused:
        return None
    limit = asyncio.Semaphore(SESSION_READS)

    async def session(session_id: str) -> Json | None:
        async with limit:
            try:
                return await scheduling.session(token, session_id)
            except Refused:
                return None

    ids = sorted({str(b["session_id"]) for b in bookings})
    found = await asyncio.gather(*(session(i) for i in ids))
    sessions = {i: s for i, s in zip(ids, found, strict=True) if s is not None}
    titles = {str(a["activity_id"]): str(a.get("title", "")) for a in activities}
    return support_history(bookings, sessions, progress, titles)
