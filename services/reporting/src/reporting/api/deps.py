"""Path and query parameters shared by reporting's routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, PROJECT_ID_PATTERN
from reporting.domain.indicators import INDICATOR_CODE_PATTERN

ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
IndicatorCode = Annotated[str, Path(pattern=INDICATOR_CODE_PATTERN)]
OrganisationFilter = Annotated[
    str | None,
    Query(pattern=ORG_ID_PATTERN, description="one organisation's breakdown (a partner may ask for its own only)"),
]
