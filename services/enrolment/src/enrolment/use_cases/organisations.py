"""Organisations: registered by an administrator, listed to every signed-in user."""

from __future__ import annotations

from aktywni_shared.identity import Principal
from enrolment.domain import access
from enrolment.domain.errors import Conflict, Forbidden
from enrolment.domain.organisations import Organisation
from enrolment.use_cases.context import Enrolment
from enrolment.use_cases.ports import AlreadyExists


async def register_organisation(enrolment: Enrolment, principal: Principal, organisation: Organisation) -> Organisation:
    if not access.may_register_organisations(principal):
        raise Forbidden("only an administrator registers organisations")
    try:
        await enrolment.projects.add_organisation(organisation)
    except AlreadyExists as error:
        raise Conflict(str(error)) from error
    return organisation


async def organisations(enrolment: Enrolment, principal: Principal) -> list[Organisation]:
    """Every organisation (names are no secret to a signed-in user)."""
    del principal
    return await enrolment.projects.list_organisations()
