"""The projection: a batch of decoded events applied to a generation of the view, exactly once in effect.

Used by the live consumer (into the active generation) and by the replay (into a fresh one): the
same code, so a replay gives the same numbers. Facts are applied with the pure functions of
``reporting.domain.facts`` (idempotent and commutative), several events of one bucket in one write.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.events import PartnerJoinedV1, ProjectRegisteredV1
from aktywni_shared.contracts.registry import DecodedEvent
from reporting.domain import facts
from reporting.domain.facts import Changed, Entry
from reporting.store.view import Generation, View, bucket_of

MAX_ATTEMPTS = 50

Item = tuple[Changed, Envelope, EventPayload]


class Projector:
    def __init__(self, view: View) -> None:
        self.view = view
        self.applied = 0

    async def apply(self, events: Sequence[DecodedEvent], generation: Generation | None = None) -> set[str]:
        """Apply ``events`` (in their order); the ids of the projects whose numbers may have changed."""
        target = generation or await self.view.active()
        touched: set[str] = set()
        by_bucket: dict[tuple[str, str], list[Item]] = defaultdict(list)
        for event in events:
            envelope, payload = event.envelope, event.payload
            if isinstance(payload, ProjectRegisteredV1):
                await target.register_project(
                    envelope.project_id,
                    payload.title,
                    payload.leader_organisation_id,
                    payload.starts_on,
                    payload.ends_on,
                )
                touched.add(envelope.project_id)
            elif isinstance(payload, PartnerJoinedV1):
                await target.join_project(envelope.project_id, payload.partner_organisation_id, payload.role.value)
                touched.add(envelope.project_id)
            else:
                key = facts.subject_key(envelope, payload)
                if key is not None:
                    by_bucket[(envelope.project_id, bucket_of(envelope.project_id, key[1]))].append(
                        (key, envelope, payload)
                    )
        changed = await asyncio.gather(
            *(self._apply_bucket(target, project, bucket, items) for (project, bucket), items in by_bucket.items())
        )
        touched.update(project for (project, _), did in zip(by_bucket, changed, strict=True) if did)
        if touched:
            await target.bump(touched)
        self.applied += len(events)
        return touched

    async def _apply_bucket(self, target: Generation, project_id: str, bucket_id: str, items: list[Item]) -> bool:
        for _ in range(MAX_ATTEMPTS):
            doc = await target.bucket(bucket_id)
            changes: dict[Changed, Entry] = {}
            for key, envelope, payload in items:
                section, subject = key
                current = changes.get(key) or (doc or {}).get(section, {}).get(subject)
                after = facts.apply(current, envelope, payload)
                if after is not None:
                    changes[key] = after
            if not changes:
                return False
            if await target.save_bucket(bucket_id, project_id, doc, changes):
                return True
        raise RuntimeError(f"bucket {bucket_id} kept changing under {MAX_ATTEMPTS} attempts")
