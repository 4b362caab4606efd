"""Enrolment's settings: the shared ones plus the key that protects personal data."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from aktywni_shared.settings import ServiceSettings

#: The service's name: its database, consumer group and dead-letter topic are named after it.
NAME = "enrolment"


class EnrolmentSettings(ServiceSettings):
    """Variables ``ENROLMENT_*`` (e.g. ``ENROLMENT_PORT``), plus ``KAFKA_BOOTSTRAP_SERVERS`` and ``MONGODB_URI``."""

    model_config = SettingsConfigDict(env_prefix="ENROLMENT_", extra="ignore", populate_by_name=True)

    port: int = 8001
    #: The current master key: 32 random bytes, URL-safe base64 (``ENROLMENT_PII_KEY``); keep it secret.
    pii_key: SecretStr
    #: Its id, recorded with every data key it wraps (``ENROLMENT_PII_KEY_ID``); change it when rotating.
    pii_key_id: str = "k1"
    #: Retired master keys that still unwrap older data keys: ``id:key,id:key``.
    pii_previous_keys: SecretStr = SecretStr("")
    #: Key of the PESEL blind index; defaults to the current master key. Set it before a first rotation.
    lookup_key: SecretStr = SecretStr("")
