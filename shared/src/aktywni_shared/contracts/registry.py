"""Decoding of raw Kafka records into an envelope and its typed payload, or a named reason why not."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.events import ALL_PAYLOADS

MAX_EVENT_BYTES = 1_000_000

PAYLOADS: dict[tuple[str, int], type[EventPayload]] = {(p.event_type, p.event_version): p for p in ALL_PAYLOADS}
#: The payload classes that define ``upcast()`` (looked up on the class: asking a pydantic model
#: instance for a missing attribute goes through its ``__getattr__`` and costs ~15 µs per event).
UPCASTING: frozenset[type[EventPayload]] = frozenset(p for p in ALL_PAYLOADS if hasattr(p, "upcast"))


class ContractViolation(ValueError):
    """A record that is not a valid event of any known contract; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DecodedEvent:
    envelope: Envelope
    payload: EventPayload


def _describe(error: ValidationError, prefix: str = "") -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "(root)"
        parts.append(f"{prefix}{where}: {item['msg']}")
    return "; ".join(parts)


def decode(raw: bytes | None) -> DecodedEvent:
    if raw is None:
        raise ContractViolation("empty record (no value)")
    if len(raw) > MAX_EVENT_BYTES:
        raise ContractViolation(f"record of {len(raw)} bytes exceeds the {MAX_EVENT_BYTES}-byte limit of an event")
    try:
        envelope = Envelope.model_validate_json(raw)
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            raise ContractViolation(f"not JSON: {error.errors()[0]['msg']}") from error
        raise ContractViolation(f"envelope: {_describe(error)}") from error
    model = PAYLOADS.get((envelope.type, envelope.version))
    if model is None:
        raise ContractViolation(f"unknown event type {envelope.type!r} version {envelope.version}")
    try:
        payload = model.model_validate(envelope.payload)
    except ValidationError as error:
        raise ContractViolation(f"{envelope.type} v{envelope.version}: {_describe(error, 'payload.')}") from error
    return DecodedEvent(envelope, upcast(payload))


def upcast(payload: EventPayload) -> EventPayload:
    """The newest version of an event's payload: consumers handle one version per type.

    A payload class with a newer version defines ``upcast()``; the envelope keeps the version sent.
    """
    if type(payload) not in UPCASTING:
        return payload
    newer: EventPayload = payload.upcast()  # type: ignore[attr-defined]
    return newer


def encode(envelope: Envelope) -> bytes:
    return envelope.model_dump_json().encode()
