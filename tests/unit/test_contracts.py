"""Event contracts: golden samples, the envelope, encoding and decoding, JSON Schema export."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from aktywni_shared.contracts import registry, schemas
from aktywni_shared.contracts.envelope import Envelope
from aktywni_shared.contracts.events import (
    ALL_PAYLOADS,
    ParticipantEnrolledV3,
    ProjectRegisteredV1,
)
from aktywni_shared.contracts.registry import MAX_EVENT_BYTES, PAYLOADS, ContractViolation, decode, encode
from aktywni_shared.contracts.vocabulary import ParticipantCategory, Sex


def project_registered() -> ProjectRegisteredV1:
    return ProjectRegisteredV1(
        title="Trener Aktywności",
        leader_organisation_id="fundacja-eudajmonia",
        starts_on=date(2012, 2, 1),
        ends_on=date(2015, 1, 31),
    )


def wrap(payload: Any = None, **kwargs: Any) -> Envelope:
    return Envelope.wrap(
        payload or project_registered(),
        producer="enrolment",
        organisation_id="fundacja-eudajmonia",
        project_id="TA-2012",
        **kwargs,
    )


def envelope_dict(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(encode(wrap()))
    data.update(overrides)
    return data


def reason_of(raw: bytes | None) -> str:
    with pytest.raises(ContractViolation) as caught:
        decode(raw)
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


# --- golden samples ---------------------------------------------------------------------------------


GOLDEN = schemas.golden_samples()


def test_golden_samples_exist() -> None:
    assert GOLDEN, f"no golden samples in {schemas.GOLDEN_DIR}"


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_sample_decodes(path: Path) -> None:
    decoded = registry.decode(path.read_bytes())

    sent = PAYLOADS[(decoded.envelope.type, decoded.envelope.version)]
    newest = max(v for (t, v) in PAYLOADS if t == decoded.envelope.type)

    assert path.name == f"{decoded.envelope.type}.v{decoded.envelope.version}.json"
    assert type(decoded.payload) is PAYLOADS[(decoded.envelope.type, newest)], "decode upcasts to the newest"
    as_sent = sent.model_validate(json.loads(path.read_text())["payload"])
    assert as_sent.model_dump(mode="json") == json.loads(path.read_text())["payload"]
    assert decoded.payload.model_dump(mode="json").items() >= as_sent.model_dump(mode="json").items()


def test_participant_enrolled_v1_upcasts_with_the_employer_unknown() -> None:
    decoded = registry.decode((schemas.GOLDEN_DIR / "ParticipantEnrolled.v1.json").read_bytes())

    assert decoded.envelope.version == 1
    assert decoded.payload.model_dump()["mops_employee"] is None


def test_there_is_one_golden_sample_for_every_payload_version() -> None:
    expected = sorted(f"{event_type}.v{version}.json" for event_type, version in registry.PAYLOADS)

    assert sorted(p.name for p in GOLDEN) == expected


def test_registry_knows_every_payload_class() -> None:
    assert set(PAYLOADS.values()) == set(ALL_PAYLOADS)
    assert len(PAYLOADS) == len(ALL_PAYLOADS), "two payload classes share a (type, version)"


# --- envelope ---------------------------------------------------------------------------------------


def test_wrap_takes_type_and_version_from_the_payload() -> None:
    envelope = wrap()

    assert envelope.type == "ProjectRegistered"
    assert envelope.version == 1
    assert envelope.payload == project_registered().model_dump(mode="json")
    assert envelope.producer == "enrolment"
    assert envelope.organisation_id == "fundacja-eudajmonia"
    assert envelope.project_id == "TA-2012"


def test_wrap_makes_uuid7_event_id() -> None:
    event_id = wrap().event_id

    assert event_id.version == 7
    assert event_id.variant == uuid.RFC_4122


def test_wrap_event_ids_sort_by_time_prefix() -> None:
    first = wrap().event_id
    time.sleep(0.002)
    second = wrap().event_id
    ids = [wrap().event_id for _ in range(50)]

    assert first < second
    assert first.int >> 80 < second.int >> 80
    prefixes = [i.int >> 80 for i in [first, second, *ids]]
    assert prefixes == sorted(prefixes)
    assert len({first, second, *ids}) == 52


def test_correlation_id_defaults_to_event_id() -> None:
    envelope = wrap()

    assert envelope.correlation_id == envelope.event_id
    assert envelope.causation_id is None


def test_wrap_keeps_given_correlation_and_causation_ids() -> None:
    correlation, causation = uuid.uuid4(), uuid.uuid4()

    envelope = wrap(correlation_id=correlation, causation_id=causation)

    assert envelope.correlation_id == correlation
    assert envelope.causation_id == causation
    assert envelope.event_id not in (correlation, causation)


def test_occurred_at_defaults_to_now_in_utc() -> None:
    before = datetime.now(UTC)
    envelope = wrap()
    after = datetime.now(UTC)

    assert before <= envelope.occurred_at <= after
    assert envelope.occurred_at.utcoffset() is not None


def test_envelope_rejects_naive_occurred_at() -> None:
    with pytest.raises(ValueError, match="occurred_at"):
        wrap(occurred_at=datetime(2012, 6, 4, 9, 15))


# --- encode / decode --------------------------------------------------------------------------------


def test_encode_decode_round_trip() -> None:
    payload = ParticipantEnrolledV3(
        participant_id=uuid.uuid4(),
        category=ParticipantCategory.ENVIRONMENT_PERSON,
        sex=Sex.MALE,
        birth_year=1960,
        linked_participant_id=uuid.uuid4(),
        enrolled_on=date(2012, 6, 4),
        education="isced_3_4",
        degurba="3",
    )
    envelope = wrap(payload, causation_id=uuid.uuid4(), occurred_at=datetime(2012, 6, 4, 9, 15, tzinfo=UTC))

    decoded = decode(encode(envelope))

    assert decoded.envelope == envelope
    assert decoded.payload == payload
    assert isinstance(decoded.payload, ParticipantEnrolledV3)


def test_encode_produces_json_bytes() -> None:
    raw = encode(wrap())

    assert isinstance(raw, bytes)
    assert json.loads(raw)["type"] == "ProjectRegistered"


def test_decode_rejects_none() -> None:
    assert "empty record" in reason_of(None)


@pytest.mark.parametrize("raw", [b"not json", b"{", b"", b"\xff\xfe"])
def test_decode_rejects_not_json(raw: bytes) -> None:
    assert reason_of(raw).startswith("not JSON")


@pytest.mark.parametrize("field", ["event_id", "type", "version", "occurred_at", "producer", "payload"])
def test_decode_rejects_envelope_missing_field_naming_it(field: str) -> None:
    data = envelope_dict()
    del data[field]

    reason = reason_of(json.dumps(data).encode())

    assert reason.startswith("envelope:")
    assert f"{field}: Field required" in reason


def test_decode_rejects_json_that_is_not_an_object() -> None:
    reason = reason_of(b"[1, 2, 3]")

    assert reason.startswith("envelope:")


def test_decode_rejects_envelope_with_unexpected_field() -> None:
    reason = reason_of(json.dumps(envelope_dict(secret="x")).encode())

    assert "secret" in reason


def test_decode_rejects_unknown_type() -> None:
    reason = reason_of(json.dumps(envelope_dict(type="SomethingHappened")).encode())

    assert "unknown event type" in reason
    assert "'SomethingHappened'" in reason


def test_decode_rejects_unknown_version_of_known_type() -> None:
    reason = reason_of(json.dumps(envelope_dict(version=99)).encode())

    assert "unknown event type 'ProjectRegistered' version 99" in reason


def test_decode_rejects_payload_violating_its_model_naming_the_field() -> None:
    data = envelope_dict()
    data["payload"]["leader_organisation_id"] = "Not A Valid Id"

    reason = reason_of(json.dumps(data).encode())

    assert reason.startswith("ProjectRegistered v1:")
    assert "payload.leader_organisation_id" in reason


def test_decode_rejects_payload_missing_field_naming_it() -> None:
    data = envelope_dict()
    del data["payload"]["title"]

    reason = reason_of(json.dumps(data).encode())

    assert "payload.title: Field required" in reason


def test_decode_rejects_payload_with_extra_field() -> None:
    data = envelope_dict()
    data["payload"]["pesel"] = "71030512348"

    assert "payload.pesel" in reason_of(json.dumps(data).encode())


def test_decode_rejects_payload_breaking_a_model_rule() -> None:
    data = envelope_dict()
    data["payload"]["ends_on"] = "2011-01-01"

    assert "ends_on is before starts_on" in reason_of(json.dumps(data).encode())


def test_decode_rejects_oversized_record() -> None:
    raw = b" " * (MAX_EVENT_BYTES + 1)

    reason = reason_of(raw)

    assert str(MAX_EVENT_BYTES + 1) in reason
    assert "limit" in reason


def test_decode_rejects_valid_event_padded_beyond_size_limit() -> None:
    raw = encode(wrap())
    padded = raw + b" " * (MAX_EVENT_BYTES + 1 - len(raw))  # valid JSON, just too big

    assert "exceeds" in reason_of(padded)
    assert decode(raw).envelope.type == "ProjectRegistered"


def test_contract_violation_is_a_value_error() -> None:
    assert issubclass(ContractViolation, ValueError)


# --- JSON Schemas -----------------------------------------------------------------------------------


def test_json_schemas_cover_envelope_and_every_payload_version() -> None:
    result = schemas.json_schemas()

    expected = {"Envelope.schema.json"} | {f"{t}.v{v}.schema.json" for t, v in PAYLOADS}
    assert set(result) == expected
    for (event_type, version), model in PAYLOADS.items():
        schema = result[f"{event_type}.v{version}.schema.json"]
        assert schema["title"] == f"{event_type} v{version}"
        assert set(schema["properties"]) == set(model.model_fields)
    assert "event_id" in result["Envelope.schema.json"]["properties"]


def test_export_writes_every_schema_as_json(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "schemas"

    written = schemas.export(target)

    assert sorted(p.name for p in written) == sorted(schemas.json_schemas())
    assert sorted(p.name for p in target.iterdir()) == sorted(schemas.json_schemas())
    for path in written:
        assert path.parent == target
        assert json.loads(path.read_text()) == schemas.json_schemas()[path.name]
