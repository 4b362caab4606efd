"""How every Kafka client of a service authenticates: plaintext (the default) or SASL/SCRAM over TLS.

One value, built from the settings, gives both FastStream's ``security=`` object and the keyword
arguments of aiokafka's own clients (admin client, replay consumer), so all of them connect alike.
A combination that cannot work (credentials without SASL_SSL, SASL_SSL without a user, an unreadable
CA file, an unknown mechanism) is refused when the settings are read, with the variable to fix.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faststream.security import BaseSecurity, SASLScram256, SASLScram512

PLAINTEXT = "PLAINTEXT"
SASL_SSL = "SASL_SSL"
PROTOCOLS = (PLAINTEXT, SASL_SSL)
MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256")

#: The environment variables, named in error messages.
PROTOCOL_VARIABLE = "AKTYWNI_KAFKA_SECURITY_PROTOCOL"
MECHANISM_VARIABLE = "AKTYWNI_KAFKA_SASL_MECHANISM"
USERNAME_VARIABLE = "AKTYWNI_KAFKA_USERNAME"
PASSWORD_VARIABLE = "AKTYWNI_KAFKA_PASSWORD"  # noqa: S105 - a variable's name, not a password
PASSWORD_FILE_VARIABLE = "AKTYWNI_KAFKA_PASSWORD_FILE"  # noqa: S105 - a variable's name, not a password
CA_FILE_VARIABLE = "AKTYWNI_KAFKA_CA_FILE"


class KafkaSecurityError(ValueError):
    """The Kafka security settings cannot work together; the message names the variable to fix."""


@dataclass(frozen=True)
class KafkaClientSecurity:
    protocol: str = PLAINTEXT
    mechanism: str = "SCRAM-SHA-512"
    username: str = ""
    password: str = field(default="", repr=False)
    ca_file: str = ""

    @classmethod
    def checked(cls, protocol: str, mechanism: str, username: str, password: str, ca_file: str) -> KafkaClientSecurity:
        """The security these settings describe, or :class:`KafkaSecurityError` saying what is wrong."""
        protocol = protocol.strip().upper()
        mechanism = mechanism.strip().upper()
        if protocol not in PROTOCOLS:
            raise KafkaSecurityError(f"{PROTOCOL_VARIABLE} must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
        if protocol == PLAINTEXT:
            given = [
                name
                for name, value in (
                    (USERNAME_VARIABLE, username),
                    (PASSWORD_VARIABLE, password),
                    (CA_FILE_VARIABLE, ca_file),
                )
                if value
            ]
            if given:
                raise KafkaSecurityError(
                    f"{', '.join(given)} set but {PROTOCOL_VARIABLE} is {PLAINTEXT}: "
                    f"set {PROTOCOL_VARIABLE}={SASL_SSL} to use them, or unset them"
                )
            return cls()
        if mechanism not in MECHANISMS:
            raise KafkaSecurityError(f"{MECHANISM_VARIABLE} must be one of {', '.join(MECHANISMS)}, not {mechanism!r}")
        missing = [name for name, value in ((USERNAME_VARIABLE, username), (PASSWORD_VARIABLE, password)) if not value]
        if missing:
            raise KafkaSecurityError(f"{PROTOCOL_VARIABLE}={SASL_SSL} needs {' and '.join(missing)}")
        if ca_file and not Path(ca_file).is_file():
            raise KafkaSecurityError(f"{CA_FILE_VARIABLE}: no such file {ca_file!r}")
        security = cls(protocol, mechanism, username, password, ca_file)
        security.ssl_context()  # an unreadable or invalid CA file fails here, at start-up
        return security

    @property
    def enabled(self) -> bool:
        return self.protocol == SASL_SSL

    def ssl_context(self) -> ssl.SSLContext:
        """TLS that checks the brokers' certificates (and host names) against the CA file, else the system's CAs."""
        try:
            return ssl.create_default_context(cafile=self.ca_file or None)
        except (OSError, ssl.SSLError) as error:
            raise KafkaSecurityError(f"{CA_FILE_VARIABLE}: cannot load {self.ca_file!r}: {error}") from error

    def faststream(self) -> BaseSecurity | None:
        """FastStream's ``security=`` argument of a ``KafkaBroker`` (``None`` for plaintext)."""
        if not self.enabled:
            return None
        scram = SASLScram512 if self.mechanism == "SCRAM-SHA-512" else SASLScram256
        return scram(self.username, self.password, ssl_context=self.ssl_context())

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's clients (empty for plaintext, so their defaults apply)."""
        if not self.enabled:
            return {}
        return {
            "security_protocol": SASL_SSL,
            "sasl_mechanism": self.mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
            "ssl_context": self.ssl_context(),
        }


NO_SECURITY = KafkaClientSecurity()


def read_password(password: str, password_file: str) -> str:
    """The password given directly, or the first line of the file named (not both)."""
    if not password_file:
        return password
    if password:
        raise KafkaSecurityError(f"set {PASSWORD_VARIABLE} or {PASSWORD_FILE_VARIABLE}, not both")
    try:
        lines = Path(password_file).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise KafkaSecurityError(f"{PASSWORD_FILE_VARIABLE}: cannot read {password_file!r}: {error}") from error
    if not lines or not lines[0]:
        raise KafkaSecurityError(f"{PASSWORD_FILE_VARIABLE}: {password_file!r} is empty")
    return lines[0]
