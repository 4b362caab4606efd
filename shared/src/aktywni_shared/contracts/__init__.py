"""Aktywni's event contracts: the envelope, the payloads of every version, topics and decoding."""

from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.events import ParticipantEnrolledV1, ParticipantEnrolledV2, ProjectRegisteredV1
from aktywni_shared.contracts.registry import ContractViolation, DecodedEvent, decode, encode

__all__ = [
    "ContractViolation",
    "DecodedEvent",
    "Envelope",
    "EventPayload",
    "ParticipantEnrolledV1",
    "ParticipantEnrolledV2",
    "ProjectRegisteredV1",
    "decode",
    "encode",
]
