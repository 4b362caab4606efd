"""The projection: a batch of decoded events applied to a generation of the view, exactly once in effect.

Used by the live consumer (into the active generation) and by the replay (into a fresh one): the
same code, so a replay gives the same numbers. Each counted event becomes a record
(``reporting.domain.facts.record``), and a batch's records of one project are written as one chunk
(one insert, whatever the project's size; see ``reporting.store.view``; the ports are
``reporting.use_cases.ports``). Records are folded with
idempotent functions, so an event written twice (redelivered, duplicated, replayed) counts once.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from aktywni_shared.contracts.events import (
    PartnerJoinedV1,
    PartnerJoinedV2,
    ProjectAmendedV1,
    ProjectRegisteredV1,
    ProjectRegisteredV2,
)
from aktywni_shared.contracts.registry import DecodedEvent
from reporting.domain import facts
from reporting.domain.facts import Record
from reporting.use_cases.ports import Generation, ViewStore, amended_at


class Projector:
    def __init__(self, view: ViewStore) -> None:
        self.view = view
        self.applied = 0

    async def apply(self, events: Sequence[DecodedEvent], generation: Generation | None = None) -> set[str]:
        """Apply ``events`` (in their order); the ids of the projects whose numbers may have changed."""
        target = generation or await self.view.active()
        touched: set[str] = set()
        by_project: dict[str, list[Record]] = defaultdict(list)
        for event in events:
            envelope, payload = event.envelope, event.payload
            if isinstance(payload, ProjectRegisteredV1):
                await target.register_project(
                    envelope.project_id,
                    payload.title,
                    payload.leader_organisation_id,
                    payload.starts_on,
                    payload.ends_on,
                    payload.leader_organisation_name if isinstance(payload, ProjectRegisteredV2) else None,
                )
                touched.add(envelope.project_id)
            elif isinstance(payload, ProjectAmendedV1):
                # The latest amendment wins (by occurred_at), whatever the order they arrive in.
                await target.amend_project(
                    envelope.project_id, payload.title, payload.starts_on, payload.ends_on, amended_at(envelope)
                )
                touched.add(envelope.project_id)
            elif isinstance(payload, PartnerJoinedV1):
                name = payload.partner_organisation_name if isinstance(payload, PartnerJoinedV2) else None
                await target.join_project(
                    envelope.project_id, payload.partner_organisation_id, payload.role.value, name
                )
                touched.add(envelope.project_id)
            else:
                fact = facts.record(envelope, payload)
                if fact is not None:
                    by_project[envelope.project_id].append(fact)
        projects = list(by_project)
        written = await asyncio.gather(*(target.append(p, by_project[p]) for p in projects))
        touched.update(projects)
        if touched:
            await target.bump(touched, dict(zip(projects, written, strict=True)))
        self.applied += len(events)
        return touched
