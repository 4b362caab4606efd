"""Settings every service reads from its environment (and the names of those variables)."""

from __future__ import annotations

import argparse
import sys
from typing import ClassVar, Self, TypeVar

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aktywni_shared.auth import Tokens, TokenVerifier
from aktywni_shared.messaging.security import KafkaClientSecurity, read_password
from aktywni_shared.oidc import ClaimMapping, OidcVerifier


class ServiceSettings(BaseSettings):
    """``KAFKA_BOOTSTRAP_SERVERS``, ``MONGODB_URI``, and per-service ``<PREFIX>_...`` variables."""

    #: A refused setting is named in the error, never echoed: the environment holds the secrets.
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, hide_input_in_errors=True)
    #: False for a command that answers no HTTP request (a replay): it needs no provider.
    verifies_tokens: ClassVar[bool] = True

    kafka_bootstrap_servers: str = Field("127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    mongodb_uri: str = Field("mongodb://127.0.0.1:27027/", validation_alias="MONGODB_URI")
    #: The identity provider (OpenID Connect) whose access tokens the service accepts, e.g.
    #: ``https://login.example.org/realms/aktywni``; its keys come from its discovery document.
    oidc_issuer: str = Field("", validation_alias="AKTYWNI_OIDC_ISSUER")
    #: The audience a token must name (the ``aud`` claim), comma-separated for several.
    oidc_audience: str = Field("aktywni", validation_alias="AKTYWNI_OIDC_AUDIENCE")
    #: The key set's address, if not the one the discovery document gives (a provider inside a cluster).
    oidc_jwks_uri: str = Field("", validation_alias="AKTYWNI_OIDC_JWKS_URI")
    #: Which claims carry the user, the organisation id and the role (dotted paths: ``realm_access.roles``).
    oidc_user_claim: str = Field("preferred_username", validation_alias="AKTYWNI_OIDC_USER_CLAIM")
    oidc_organisation_claim: str = Field("org", validation_alias="AKTYWNI_OIDC_ORGANISATION_CLAIM")
    oidc_role_claim: str = Field("role", validation_alias="AKTYWNI_OIDC_ROLE_CLAIM")
    #: Seconds of clock difference tolerated on ``exp``/``iat``/``nbf``.
    oidc_leeway_seconds: int = Field(30, ge=0, le=300, validation_alias="AKTYWNI_OIDC_LEEWAY_SECONDS")
    #: Only without an issuer (unit tests, a developer's machine): the HS256 key tokens are signed with.
    jwt_secret: SecretStr = Field(SecretStr(""), validation_alias="AKTYWNI_JWT_SECRET")
    database: str = Field("", description="database name; defaults to the service name")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    #: How often the outbox relay looks for events a crash or another instance left unsent.
    outbox_poll_seconds: float = 0.5
    #: Consumer group id; all instances of one service share it and split the partitions.
    group_id: str = ""
    #: This instance's stable name in its consumer group (Kafka's static membership, KIP-345): a
    #: process restarted under the same name takes its partitions back at once instead of waiting
    #: for the killed one's session to time out. Unique per running instance (a pod's name); empty:
    #: dynamic membership.
    instance_id: str = ""
    #: Kafka client security (docs/security.md): ``PLAINTEXT`` (default) or ``SASL_SSL`` with SCRAM.
    kafka_security_protocol: str = Field("PLAINTEXT", validation_alias="AKTYWNI_KAFKA_SECURITY_PROTOCOL")
    kafka_sasl_mechanism: str = Field("SCRAM-SHA-512", validation_alias="AKTYWNI_KAFKA_SASL_MECHANISM")
    #: The service's own Kafka principal (its SCRAM user) and password.
    kafka_username: str = Field("", validation_alias="AKTYWNI_KAFKA_USERNAME")
    kafka_password: SecretStr = Field(SecretStr(""), validation_alias="AKTYWNI_KAFKA_PASSWORD")
    #: Or a file holding it (a Docker or Kubernetes secret), instead of ``AKTYWNI_KAFKA_PASSWORD``.
    kafka_password_file: str = Field("", validation_alias="AKTYWNI_KAFKA_PASSWORD_FILE")
    #: PEM file of the CA that signed the brokers' certificates; empty: the system's CAs.
    kafka_ca_file: str = Field("", validation_alias="AKTYWNI_KAFKA_CA_FILE")

    @model_validator(mode="after")
    def _kafka_security_is_consistent(self) -> Self:
        self.kafka_security()  # refuses, at start-up, a combination that cannot work
        if self.verifies_tokens and not self.oidc_issuer and not self.jwt_secret.get_secret_value():
            raise ValueError("AKTYWNI_OIDC_ISSUER is not set (the identity provider whose tokens the service accepts)")
        return self

    def token_verifier(self) -> TokenVerifier:
        """The provider's verifier when an issuer is set (then only its tokens count), else HS256."""
        if self.oidc_issuer:
            mapping = ClaimMapping(self.oidc_user_claim, self.oidc_organisation_claim, self.oidc_role_claim)
            audience = [a.strip() for a in self.oidc_audience.split(",") if a.strip()]
            return OidcVerifier(
                self.oidc_issuer,
                audience,
                jwks_uri=self.oidc_jwks_uri or None,
                mapping=mapping,
                leeway_seconds=self.oidc_leeway_seconds,
            )
        return Tokens(self.jwt_secret.get_secret_value())

    def kafka_security(self) -> KafkaClientSecurity:
        return KafkaClientSecurity.checked(
            self.kafka_security_protocol,
            self.kafka_sasl_mechanism,
            self.kafka_username,
            read_password(self.kafka_password.get_secret_value(), self.kafka_password_file),
            self.kafka_ca_file,
        )

    def database_name(self, service: str) -> str:
        return self.database or f"aktywni_{service}"

    def consumer_group(self, service: str) -> str:
        return self.group_id or service

    def consumer_instance(self) -> str | None:
        return self.instance_id or None


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def variable_name(cls: type[ServiceSettings], field: str) -> str:
    """The environment variable a field of ``cls`` is read from."""
    info = cls.model_fields.get(field)
    if info is None:
        return field  # already the variable (a validation alias)
    if isinstance(info.validation_alias, str):
        return info.validation_alias
    return f"{cls.model_config.get('env_prefix', '')}{field}".upper()


def variables(cls: type[ServiceSettings]) -> str:
    """``--help``'s epilog: every environment variable the command reads, required ones marked."""
    lines = ["environment variables:"]
    for field, info in cls.model_fields.items():
        issuer = field == "oidc_issuer" and cls.verifies_tokens
        required = info.is_required() or issuer
        note = " (required; without a provider, AKTYWNI_JWT_SECRET instead)" if issuer else ""
        lines.append(f"  {variable_name(cls, field)}{note or (' (required)' if required else '')}")
    return "\n".join(lines)


def command_parser(prog: str, description: str | None, cls: type[ServiceSettings]) -> argparse.ArgumentParser:
    """An argument parser whose ``--help`` answers without any setting and lists the variables."""
    return argparse.ArgumentParser(
        prog=prog, description=description, epilog=variables(cls), formatter_class=argparse.RawDescriptionHelpFormatter
    )


def from_environment(cls: type[SettingsT], prog: str) -> SettingsT:
    """The settings, or one line naming the variable that is missing or refused, and exit status 2."""
    try:
        return cls()
    except ValidationError as error:
        problems = []
        for e in error.errors():
            if not e["loc"]:  # a rule over several settings: its message names them
                problems.append(str(e.get("ctx", {}).get("error") or e["msg"]))
                continue
            name = variable_name(cls, str(e["loc"][0]))
            problems.append(f"{name} is not set" if e["type"] == "missing" else f"{name}: {e['msg']}")
        print(f"{prog}: {'; '.join(problems)}", file=sys.stderr)
        raise SystemExit(2) from None
