"""Reporting's settings: the shared ones, variables prefixed ``REPORTING_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from aktywni_shared.settings import ServiceSettings

#: The service's name: its database, consumer group and dead-letter topic are named after it.
NAME = "reporting"


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore", populate_by_name=True)

    port: int = 8003
    #: Records per consumed batch (``REPORTING_BATCH_SIZE``): one chunk insert per touched project per batch,
    #: so bigger batches catch up faster.
    batch_size: int = 5000
    #: Give the demo's projects (TA-2012, WMA-2026) their template's indicators at start
    #: (``REPORTING_SEED_DEMO``); off in production, where a coordinator applies a template.
    seed_demo: bool = False
