"""The providers of enrolment's routers: the caller, the use cases' ports, the path parameters.

The app (:mod:`enrolment.app`) puts its authentication and its use cases on ``app.state``; the
routers are module-level and ask for them with ``Depends``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aktywni_shared.auth import Authenticate, Principal
from aktywni_shared.contracts.envelope import PROJECT_ID_PATTERN
from enrolment.use_cases import Enrolment

#: The same scheme as aktywni_shared.auth's (one security scheme in the OpenAPI document).
_bearer = HTTPBearer(auto_error=False, description="An access token from the identity provider (OpenID Connect)")


async def caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The signed-in caller (401 without a valid bearer token)."""
    authenticate: Authenticate = request.app.state.authenticate
    return await authenticate(credentials)


def use_cases(request: Request) -> Enrolment:
    """The ports and clock enrolment's use cases run on."""
    enrolment: Enrolment = request.app.state.enrolment
    return enrolment


Caller = Annotated[Principal, Depends(caller)]
UseCases = Annotated[Enrolment, Depends(use_cases)]
ProjectId = Annotated[str, Path(pattern=PROJECT_ID_PATTERN)]
