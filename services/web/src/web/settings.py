"""The web application's settings: variables prefixed ``AKTYWNI_WEB_`` (its port also as ``WEB_PORT``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The service's name (its logs and its process in the local stack).
NAME = "web"


def _alias(name: str) -> AliasChoices:
    return AliasChoices(f"AKTYWNI_WEB_{name}", f"WEB_{name}")


class WebSettings(BaseSettings):
    """The web application keeps no data: it needs the identity provider and the three services' addresses."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, hide_input_in_errors=True)

    host: str = Field("127.0.0.1", validation_alias=_alias("HOST"))
    port: int = Field(8000, validation_alias=_alias("PORT"))
    log_level: str = Field("INFO", validation_alias=_alias("LOG_LEVEL"))
    #: The OpenID Connect provider (its discovery document is ``<issuer>/.well-known/openid-configuration``).
    oidc_issuer: str = Field("", validation_alias="AKTYWNI_WEB_OIDC_ISSUER")
    oidc_client_id: str = Field("aktywni-web", validation_alias="AKTYWNI_WEB_OIDC_CLIENT_ID")
    #: The address the provider sends the browser back to (``<public_url>/auth/callback``).
    public_url: str = Field("http://127.0.0.1:8000", validation_alias="AKTYWNI_WEB_PUBLIC_URL")
    #: Signs the session cookie (which holds only a random session id).
    session_secret: SecretStr = Field(validation_alias="AKTYWNI_WEB_SESSION_SECRET")
    #: Cookies are ``Secure`` unless this is the local demo over plain HTTP.
    insecure_cookies: bool = Field(False, validation_alias="AKTYWNI_WEB_INSECURE_COOKIES")
    #: A session ends after this many seconds without a request.
    session_idle_seconds: int = Field(1800, validation_alias="AKTYWNI_WEB_SESSION_IDLE_SECONDS")
    enrolment_url: str = Field("http://127.0.0.1:8001", validation_alias="AKTYWNI_WEB_ENROLMENT_URL")
    scheduling_url: str = Field("http://127.0.0.1:8002", validation_alias="AKTYWNI_WEB_SCHEDULING_URL")
    reporting_url: str = Field("http://127.0.0.1:8003", validation_alias="AKTYWNI_WEB_REPORTING_URL")
    #: Where ``aktywni-stack install`` put the scripts and styles installed from the npm registry.
    assets_dir: Path | None = Field(None, validation_alias="AKTYWNI_WEB_ASSETS_DIR")
    #: Tests only: ``POST /test/sign-in`` takes an access token directly. Refused unless set, and
    #: refused together with a configured identity provider.
    test_sign_in: bool = Field(False, validation_alias="AKTYWNI_WEB_TEST_SIGN_IN")
