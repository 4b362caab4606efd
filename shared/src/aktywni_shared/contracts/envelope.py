"""The envelope every event travels in: who, when, why, about which project, and the payload."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from aktywni_shared.contracts.ids import uuid7

ORG_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
PROJECT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$"


class EventPayload(BaseModel):
    """Base of every event payload: a past-tense fact with a stable type name and a version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    event_version: ClassVar[int]


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: UUID = Field(description="UUIDv7, unique per event; consumers deduplicate on it")
    type: str = Field(min_length=1, max_length=100)
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    producer: str = Field(min_length=1, max_length=50)
    correlation_id: UUID
    causation_id: UUID | None = None
    organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    project_id: str = Field(pattern=PROJECT_ID_PATTERN)
    payload: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        payload: EventPayload,
        *,
        producer: str,
        organisation_id: str,
        project_id: str,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Self:
        event_id = uuid7()
        return cls(
            event_id=event_id,
            type=payload.event_type,
            version=payload.event_version,
            occurred_at=occurred_at or datetime.now(UTC),
            producer=producer,
            correlation_id=correlation_id or event_id,
            causation_id=causation_id,
            organisation_id=organisation_id,
            project_id=project_id,
            payload=payload.model_dump(mode="json"),
        )
