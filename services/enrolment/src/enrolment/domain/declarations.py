"""Institutional declarations: a unit declaring it will implement the model, or another body cooperation."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from aktywni_shared.contracts.events import DeclarationRecordedV1
from aktywni_shared.contracts.vocabulary import DeclarationKind, OrganisationKind


class RecordDeclaration(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: DeclarationKind
    institution_name: str = Field(min_length=1, max_length=300)
    institution_kind: OrganisationKind
    declared_on: date
    document_reference: str = Field(min_length=1, max_length=200)


def record(command: RecordDeclaration) -> DeclarationRecordedV1:
    if command.kind is DeclarationKind.IMPLEMENT_MODEL and (
        command.institution_kind is not OrganisationKind.SOCIAL_ASSISTANCE_CENTRE
    ):
        raise ValueError("only a social-assistance unit declares it will implement the model")
    if command.kind is DeclarationKind.COOPERATE and command.institution_kind not in (
        OrganisationKind.NGO,
        OrganisationKind.EMPLOYER,
        OrganisationKind.FOUNDATION,
        OrganisationKind.PUBLIC_BODY,
    ):
        raise ValueError("cooperation is declared by NGOs, foundations, employers and other public bodies")
    return DeclarationRecordedV1(declaration_id=uuid.uuid4(), **command.model_dump())
