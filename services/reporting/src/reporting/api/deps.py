"""The providers of reporting's routers: the caller, the use cases, live changes, the path and query parameters.

The app (:mod:`reporting.app`) puts its authentication, its use cases and its change notifications on
``app.state``; the routers are module-level and ask for them with ``Depends``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from aktywni_shared.auth import Principal, caller
from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, PROJECT_ID_PATTERN
from reporting.domain.indicators import INDICATOR_CODE_PATTERN
from reporting.use_cases.live import Changes
from reporting.use_cases.reports import Reports


def use_cases(request: Request) -> Reports:
    reports: Reports = request.app.state.reports
    return reports


def changes(request: Request) -> Changes:
    """This instance's change notifications (the dashboard streams wait on them)."""
    live: Changes = request.app.state.changes
    return live


def on_change(request: Request) -> Callable[[set[str]], None]:
    """What to call when a request changed projects' reports (streams woken, indicators announced)."""
    changed: Callable[[set[str]], None] = request.app.state.changed
    return changed


Caller = Annotated[Principal, Depends(caller)]
UseCases = Annotated[Reports, Depends(use_cases)]
LiveChanges = Annotated[Changes, Depends(changes)]
OnChange = Annotated[Callable[[set[str]], None], Depends(on_change)]
ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
IndicatorCode = Annotated[str, Path(pattern=INDICATOR_CODE_PATTERN)]
OrganisationFilter = Annotated[
    str | None,
    Query(pattern=ORG_ID_PATTERN, description="one organisation's breakdown (a partner may ask for its own only)"),
]
