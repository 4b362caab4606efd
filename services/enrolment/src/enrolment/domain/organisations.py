"""Organisations taking part in projects: the MOPS, foundations, NGOs, employers, public bodies."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from aktywni_shared.contracts.vocabulary import OrganisationKind


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    organisation_id: str = Field(pattern=ORG_ID_PATTERN, description="a short code, e.g. mops-wroclaw")
    name: str = Field(min_length=1, max_length=300)
    kind: OrganisationKind
    city: str | None = Field(None, max_length=100)
