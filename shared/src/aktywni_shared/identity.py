"""Who is calling, as the domain sees it: a user, their organisation and their role.

Plain values with no HTTP or token library behind them, so that every service's
``domain/access.py`` can decide on roles without importing FastAPI or PyJWT. How a caller proves
who they are (bearer tokens) is :mod:`aktywni_shared.auth`'s business.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN
from aktywni_shared.errors import Forbidden


class Role(StrEnum):
    ADMINISTRATOR = "administrator"  # platform operator: organisations and their users
    COORDINATOR = "coordinator"  # runs projects of their organisation; the leader's sees the whole project
    PARTNER_STAFF = "partner_staff"  # social worker, recruiter: their organisation's participants
    TRAINER = "trainer"  # trainer or specialist: their sessions and attendance
    AUDITOR = "auditor"  # funder, controller: reports only, never personal data


class Principal(BaseModel):
    model_config = ConfigDict(frozen=True)

    user: str = Field(min_length=1, max_length=100)
    organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    role: Role


def require_role(principal: Principal, *allowed: Role) -> None:
    """Refuse (403) a caller whose role is not one of ``allowed``."""
    if principal.role not in allowed:
        raise Forbidden(f"role {principal.role.value} may not do this")
