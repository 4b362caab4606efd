"""Settings every service reads from its environment (and the names of those variables)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """``KAFKA_BOOTSTRAP_SERVERS``, ``MONGODB_URI``, and per-service ``<PREFIX>_...`` variables."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field("127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    mongodb_uri: str = Field("mongodb://127.0.0.1:27027/", validation_alias="MONGODB_URI")
    #: The key bearer tokens are signed with (HS256, at least 32 bytes), shared by the services.
    jwt_secret: SecretStr = Field(validation_alias="AKTYWNI_JWT_SECRET")
    database: str = Field("", description="database name; defaults to the service name")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    #: How often the outbox relay looks for events a crash or another instance left unsent.
    outbox_poll_seconds: float = 0.5
    #: Consumer group id; all instances of one service share it and split the partitions.
    group_id: str = ""

    def database_name(self, service: str) -> str:
        return self.database or f"aktywni_{service}"

    def consumer_group(self, service: str) -> str:
        return self.group_id or service
