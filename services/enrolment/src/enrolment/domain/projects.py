"""Projects: their period, leader and partners, target groups and eligibility rules per category."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, PROJECT_ID_PATTERN
from aktywni_shared.contracts.events import PartnerJoinedV1, PartnerJoinedV2, ProjectRegisteredV1, ProjectRegisteredV2
from aktywni_shared.contracts.vocabulary import ParticipantCategory, PartnerRole, SupportForm
from enrolment.domain import completion
from enrolment.domain.completion import PathCompletion


class CategoryRule(BaseModel):
    """Who of one category may take part: age limits and the conditions the project sets."""

    model_config = ConfigDict(extra="forbid")

    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)
    requires_social_assistance_client: bool = False
    requires_disability_certificate: bool = False
    requires_mops_employee: bool | None = Field(None, description="True: MOPS staff only; False: non-MOPS only")


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: str = Field(pattern=ORG_ID_PATTERN)
    role: PartnerRole
    agreement_reference: str | None = Field(None, max_length=200)


class RegisterProject(BaseModel):
    """Command: register a project led by the caller's organisation."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    project_id: str = Field(pattern=PROJECT_ID_PATTERN, description="the project's code, e.g. TA-2012")
    title: str = Field(min_length=1, max_length=300)
    funding_programme: str = Field(min_length=1, max_length=300)
    priority: str | None = Field(None, max_length=300)
    starts_on: date
    ends_on: date
    target_groups: list[ParticipantCategory] = Field(min_length=1)
    eligibility: dict[ParticipantCategory, CategoryRule] = Field(default_factory=dict)
    required_consents: list[str] = Field(default_factory=lambda: ["processing_for_project"], max_length=20)
    partners: list[PartnerIn] = Field(default_factory=list, max_length=50)
    path_completion: PathCompletion = Field(default_factory=dict)

    @field_validator("path_completion")
    @classmethod
    def _served_categories(
        cls, value: dict[ParticipantCategory, dict[SupportForm, int]], info: ValidationInfo
    ) -> dict[ParticipantCategory, dict[SupportForm, int]]:
        stray = completion.stray_categories(value, info.data.get("target_groups") or [])
        if stray:
            raise ValueError(f"path_completion given for categories that are not target groups: {', '.join(stray)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RegisterProject:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        stray = [c.value for c in self.eligibility if c not in self.target_groups]
        if stray:
            raise ValueError(f"eligibility given for categories that are not target groups: {', '.join(stray)}")
        if any(p.role is PartnerRole.LEADER for p in self.partners):
            raise ValueError("the leader is the registering organisation; list only the other partners")
        return self


class UpdateProject(BaseModel):
    """Command: change a project's settings (the leader's coordinator); fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    path_completion: PathCompletion | None = None


class Project(BaseModel):
    project_id: str
    title: str
    funding_programme: str
    priority: str | None
    starts_on: date
    ends_on: date
    leader_organisation_id: str
    target_groups: list[ParticipantCategory]
    eligibility: dict[ParticipantCategory, CategoryRule]
    required_consents: list[str]
    partners: list[PartnerIn]
    path_completion: PathCompletion = Field(default_factory=dict)

    def path_rule(self, category: ParticipantCategory) -> dict[SupportForm, int] | None:
        """The forms (and counts) that complete a path of ``category``; ``None``: the default rule."""
        return self.path_completion.get(category)

    def set_path_completion(self, rules: dict[ParticipantCategory, dict[SupportForm, int]]) -> None:
        """Replace the completion rules; already completed participants stay completed."""
        stray = completion.stray_categories(rules, self.target_groups)
        if stray:
            raise ValueError(f"path_completion given for categories that are not target groups: {', '.join(stray)}")
        self.path_completion = rules

    def role_of(self, organisation_id: str) -> PartnerRole | None:
        if organisation_id == self.leader_organisation_id:
            return PartnerRole.LEADER
        return next((p.role for p in self.partners if p.organisation_id == organisation_id), None)

    def registered_event(self, leader_name: str | None = None) -> ProjectRegisteredV1:
        """The registration; with the leader's name (V2) when it is known, so that reports show names."""
        facts = {
            "title": self.title,
            "leader_organisation_id": self.leader_organisation_id,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
        }
        if leader_name is None:
            return ProjectRegisteredV1.model_validate(facts)
        return ProjectRegisteredV2.model_validate(facts | {"leader_organisation_name": leader_name})

    def add_partner(self, partner: PartnerIn, name: str | None = None) -> PartnerJoinedV1:
        if self.role_of(partner.organisation_id) is not None:
            raise ValueError(f"{partner.organisation_id} already takes part in {self.project_id}")
        if partner.role is PartnerRole.LEADER:
            raise ValueError("a project has one leader")
        self.partners.append(partner)
        return joined_event(partner, name)


def joined_event(partner: PartnerIn, name: str | None = None) -> PartnerJoinedV1:
    """An organisation joined; with its name (V2) when it is known."""
    facts = {
        "partner_organisation_id": partner.organisation_id,
        "role": partner.role,
        "agreement_reference": partner.agreement_reference,
    }
    if name is None:
        return PartnerJoinedV1.model_validate(facts)
    return PartnerJoinedV2.model_validate(facts | {"partner_organisation_name": name})


def register(command: RegisterProject, leader_organisation_id: str) -> Project:
    return Project(leader_organisation_id=leader_organisation_id, **command.model_dump())
