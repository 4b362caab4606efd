"""Enrolment's settings: the shared ones plus the key that protects personal data."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from aktywni_shared.settings import ServiceSettings


class EnrolmentSettings(ServiceSettings):
    """Variables ``ENROLMENT_*`` (e.g. ``ENROLMENT_PORT``), plus ``KAFKA_BOOTSTRAP_SERVERS`` and ``MONGODB_URI``."""

    model_config = SettingsConfigDict(env_prefix="ENROLMENT_", extra="ignore", populate_by_name=True)

    port: int = 8001
    #: 32 random bytes, URL-safe base64 (``ENROLMENT_PII_KEY``); keep it in a secret store.
    pii_key: SecretStr
