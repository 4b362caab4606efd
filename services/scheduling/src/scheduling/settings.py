"""Scheduling's settings: the shared ones, variables prefixed ``SCHEDULING_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from aktywni_shared.settings import ServiceSettings

#: The service's name: its database, consumer group and dead-letter topic are named after it.
NAME = "scheduling"


class SchedulingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCHEDULING_", extra="ignore", populate_by_name=True)

    port: int = 8002
    #: How often seat offers past their deadline are cancelled and passed to the next in line.
    offer_sweep_seconds: float = 30.0
