"""Kafka client security from the settings, and the ACL plan against what the services really use."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from faststream.security import SASLScram256, SASLScram512
from pydantic import ValidationError

from aktywni_shared.contracts.access import PLAN
from aktywni_shared.messaging.security import NO_SECURITY, KafkaClientSecurity, KafkaSecurityError
from aktywni_shared.settings import ServiceSettings
from tests.support.certificates import CertificateAuthority

JWT = "s" * 48


def settings(**variables: str) -> ServiceSettings:
    return ServiceSettings.model_validate({"AKTYWNI_JWT_SECRET": JWT, **variables})


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(CertificateAuthority(tmp_path_factory.mktemp("ca")).pem)


def secured(ca_file: str, **overrides: str) -> dict[str, str]:
    return {
        "AKTYWNI_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "AKTYWNI_KAFKA_USERNAME": "enrolment",
        "AKTYWNI_KAFKA_PASSWORD": "pw-1",
        "AKTYWNI_KAFKA_CA_FILE": ca_file,
        **overrides,
    }


def test_without_settings_every_client_stays_plaintext() -> None:
    security = settings().kafka_security()

    assert security == NO_SECURITY
    assert security.enabled is False
    assert security.faststream() is None
    assert security.aiokafka() == {}


def test_sasl_ssl_gives_faststream_scram_512_over_tls_and_aiokafka_the_same(ca_file: str) -> None:
    security = settings(**secured(ca_file)).kafka_security()

    scram = security.faststream()
    assert isinstance(scram, SASLScram512)
    assert scram.use_ssl is True
    assert isinstance(scram.ssl_context, ssl.SSLContext)
    assert scram.ssl_context.check_hostname is True
    kwargs = security.aiokafka()
    assert {k: v for k, v in kwargs.items() if k != "ssl_context"} == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "enrolment",
        "sasl_plain_password": "pw-1",
    }
    assert kwargs["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    assert "pw-1" not in repr(security)


def test_scram_256_and_lower_case_values_are_accepted(ca_file: str) -> None:
    variables = secured(
        ca_file, AKTYWNI_KAFKA_SECURITY_PROTOCOL="sasl_ssl", AKTYWNI_KAFKA_SASL_MECHANISM="scram-sha-256"
    )

    assert isinstance(settings(**variables).kafka_security().faststream(), SASLScram256)


def test_the_password_may_come_from_a_file(ca_file: str, tmp_path: Path) -> None:
    secret = tmp_path / "kafka-password"
    secret.write_text("from-a-file\n")
    variables = secured(ca_file, AKTYWNI_KAFKA_PASSWORD_FILE=str(secret))
    del variables["AKTYWNI_KAFKA_PASSWORD"]

    assert settings(**variables).kafka_security().password == "from-a-file"


REFUSED: dict[str, tuple[Callable[[str, Path], dict[str, str]], str]] = {
    "unknown protocol": (lambda ca, _: {"AKTYWNI_KAFKA_SECURITY_PROTOCOL": "SSL"}, "AKTYWNI_KAFKA_SECURITY_PROTOCOL"),
    "credentials with plaintext": (
        lambda ca, _: {"AKTYWNI_KAFKA_USERNAME": "enrolment", "AKTYWNI_KAFKA_PASSWORD": "pw"},
        "AKTYWNI_KAFKA_USERNAME, AKTYWNI_KAFKA_PASSWORD set but AKTYWNI_KAFKA_SECURITY_PROTOCOL is PLAINTEXT",
    ),
    "a CA file with plaintext": (lambda ca, _: {"AKTYWNI_KAFKA_CA_FILE": ca}, "AKTYWNI_KAFKA_CA_FILE set but"),
    "no user": (lambda ca, _: secured(ca, AKTYWNI_KAFKA_USERNAME=""), "needs AKTYWNI_KAFKA_USERNAME"),
    "no password": (lambda ca, _: secured(ca, AKTYWNI_KAFKA_PASSWORD=""), "needs AKTYWNI_KAFKA_PASSWORD"),
    "an unknown mechanism": (
        lambda ca, _: secured(ca, AKTYWNI_KAFKA_SASL_MECHANISM="PLAIN"),
        "AKTYWNI_KAFKA_SASL_MECHANISM must be one of",
    ),
    "a missing CA file": (lambda ca, tmp: secured(str(tmp / "nowhere.pem")), "AKTYWNI_KAFKA_CA_FILE: no such file"),
    "a CA file that is no certificate": (
        lambda ca, tmp: secured(_write(tmp / "junk.pem", "not a certificate")),
        "AKTYWNI_KAFKA_CA_FILE: cannot load",
    ),
    "a password and a password file": (
        lambda ca, tmp: secured(ca, AKTYWNI_KAFKA_PASSWORD_FILE=_write(tmp / "pw", "x")),
        "set AKTYWNI_KAFKA_PASSWORD or AKTYWNI_KAFKA_PASSWORD_FILE, not both",
    ),
    "an unreadable password file": (
        lambda ca, tmp: secured(ca, AKTYWNI_KAFKA_PASSWORD="", AKTYWNI_KAFKA_PASSWORD_FILE=str(tmp / "none")),
        "AKTYWNI_KAFKA_PASSWORD_FILE: cannot read",
    ),
}


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_combination_that_cannot_work_is_refused_when_the_settings_are_read(
    case: str, ca_file: str, tmp_path: Path
) -> None:
    variables, message = REFUSED[case]

    with pytest.raises(ValidationError) as refused:
        settings(**variables(ca_file, tmp_path))

    assert message in str(refused.value)
    assert "pw-1" not in str(refused.value), "the error does not echo the environment"


def test_the_security_checks_also_refuse_outside_the_settings() -> None:
    with pytest.raises(KafkaSecurityError, match="needs AKTYWNI_KAFKA_USERNAME and AKTYWNI_KAFKA_PASSWORD"):
        KafkaClientSecurity.checked("SASL_SSL", "SCRAM-SHA-512", "", "", "")


def _service_app(service: str) -> FastAPI:
    if service == "enrolment":
        from enrolment.app import build as build_enrolment
        from enrolment.settings import EnrolmentSettings

        return build_enrolment(EnrolmentSettings())
    if service == "scheduling":
        from scheduling.app import build as build_scheduling
        from scheduling.settings import SchedulingSettings

        return build_scheduling(SchedulingSettings())
    from reporting.app import build as build_reporting
    from reporting.settings import ReportingSettings

    return build_reporting(ReportingSettings())


@pytest.mark.parametrize("service", list(PLAN))
def test_what_each_service_subscribes_to_and_publishes_is_within_its_plan(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AKTYWNI_JWT_SECRET", JWT)
    monkeypatch.setenv("ENROLMENT_PII_KEY", base64.urlsafe_b64encode(b"k" * 32).decode())
    document: dict[str, Any] = TestClient(_service_app(service)).get("/asyncapi.json").json()
    addresses = {name: set(channel["address"].split(",")) for name, channel in document["channels"].items()}
    topics: dict[str, set[str]] = {"receive": set(), "send": set()}
    for operation in document["operations"].values():
        topics[operation["action"]] |= addresses[operation["channel"]["$ref"].rsplit("/", 1)[1]]
    received, sent = topics["receive"], topics["send"]
    access = PLAN[service]

    assert received == {t.name for t in access.reads}
    assert sent <= {t.name for t in access.writes}
    assert sent, f"{service} declares the topics it publishes"
