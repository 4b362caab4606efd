"""Projects: their period, leader and partners, target groups and eligibility rules per category."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from aktywni_shared.contracts.envelope import ORG_ID_PATTERN, PROJECT_ID_PATTERN
from aktywni_shared.contracts.events import (
    PartnerJoinedV1,
    PartnerJoinedV2,
    ProjectAmendedV1,
    ProjectRegisteredV1,
    ProjectRegisteredV2,
)
from aktywni_shared.contracts.vocabulary import ParticipantCategory, PartnerRole, SupportForm
from enrolment.domain import completion
from enrolment.domain.completion import PathCompletion
from enrolment.domain.participants import REQUIRED_CONSENT_SCOPE


class SettingError(ValueError):
    """A project's settings that do not fit together; ``field`` names the one at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


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
    """Command: change a project's settings (the leader's coordinator); fields left out stay as they are.

    The title and period are also known to reporting and scheduling (from ``ProjectRegistered``), so
    changing them sends ``ProjectAmended`` with the full new values. The other settings are enrolment's
    own (no other service reads them), so changing them needs no event. The leader is not changed here.
    Whether the period fits (end not before start, every enrolment inside) is checked by
    :meth:`Project.change`, which knows the values left out.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(None, min_length=1, max_length=300)
    starts_on: date | None = None
    ends_on: date | None = None
    path_completion: PathCompletion | None = None
    target_groups: list[ParticipantCategory] | None = Field(None, min_length=1)
    eligibility: dict[ParticipantCategory, CategoryRule] | None = None
    required_consents: list[str] | None = Field(None, max_length=20)

    @field_validator("required_consents")
    @classmethod
    def _with_processing(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        consents = list(dict.fromkeys(c.strip() for c in value if c.strip()))
        if REQUIRED_CONSENT_SCOPE not in consents:
            raise ValueError(f"required_consents must include {REQUIRED_CONSENT_SCOPE!r}")
        return consents


#: The fields :class:`UpdateProject` changes, as the store saves them.
SETTINGS = ("target_groups", "eligibility", "required_consents", "path_completion")
#: The fields other services hold a copy of: changing one of them is announced (``ProjectAmended``).
SHARED = ("title", "starts_on", "ends_on")


def check_period(starts_on: date, ends_on: date, enrolments: tuple[date, date] | None) -> None:
    """Refuse a period that ends before it starts, or that leaves out a day someone entered the project.

    ``enrolments`` is the earliest and the latest ``enrolled_on`` of the participants who entered the
    project (``None``: nobody yet). Their entry is counted in reports inside the period, and scheduling
    books them only on days of it, so a shorter period must still cover every entry.
    """
    if ends_on < starts_on:
        raise SettingError("ends_on", f"ends_on {ends_on} is before starts_on {starts_on}")
    if enrolments is None:
        return
    earliest, latest = enrolments
    if earliest < starts_on:
        raise SettingError("starts_on", f"starts_on {starts_on} would leave out a participant enrolled on {earliest}")
    if latest > ends_on:
        raise SettingError("ends_on", f"ends_on {ends_on} would leave out a participant enrolled on {latest}")


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
    #: How many changes the project has had since it was registered (settings, period, partners): a
    #: change made on a revision read earlier is refused if another landed in between (``ETag``).
    revision: int = Field(0, ge=0)

    def path_rule(self, category: ParticipantCategory) -> dict[SupportForm, int] | None:
        """The forms (and counts) that complete a path of ``category``; ``None``: the default rule."""
        return self.path_completion.get(category)

    def set_path_completion(self, rules: dict[ParticipantCategory, dict[SupportForm, int]]) -> None:
        """Replace the completion rules; already completed participants stay completed."""
        stray = completion.stray_categories(rules, self.target_groups)
        if stray:
            raise ValueError(f"path_completion given for categories that are not target groups: {', '.join(stray)}")
        self.path_completion = rules

    def change(self, command: UpdateProject, enrolments: tuple[date, date] | None = None) -> list[str]:
        """Apply the given settings (all or none): the names of the fields changed.

        Every eligibility rule and path-completion rule must be of a target group; a target group
        dropped takes its rules with it only when they are given anew. Participants already in the
        project stay as they are: the rules apply to the next enrolment or qualification. The period
        (the given ends with the kept ones) must end on or after its start and cover ``enrolments``,
        the earliest and latest entry into the project (see :func:`check_period`).
        """
        title = self.title if command.title is None else command.title
        starts_on = self.starts_on if command.starts_on is None else command.starts_on
        ends_on = self.ends_on if command.ends_on is None else command.ends_on
        if (starts_on, ends_on) != (self.starts_on, self.ends_on):
            check_period(starts_on, ends_on, enrolments)
        groups = self.target_groups if command.target_groups is None else list(dict.fromkeys(command.target_groups))
        rules = self.eligibility if command.eligibility is None else command.eligibility
        completion_rules = self.path_completion if command.path_completion is None else command.path_completion
        stray = [c.value for c in rules if c not in groups]
        if stray:
            raise SettingError(
                "eligibility", f"eligibility given for categories that are not target groups: {', '.join(stray)}"
            )
        stray = completion.stray_categories(completion_rules, groups)
        if stray:
            raise SettingError(
                "path_completion",
                f"path_completion given for categories that are not target groups: {', '.join(stray)}",
            )
        consents = self.required_consents if command.required_consents is None else command.required_consents
        before = (self.target_groups, self.eligibility, self.required_consents, self.path_completion)
        after = (groups, rules, consents, completion_rules)
        shared_before = (self.title, self.starts_on, self.ends_on)
        shared_after = (title, starts_on, ends_on)
        self.target_groups, self.eligibility, self.required_consents, self.path_completion = after
        self.title, self.starts_on, self.ends_on = shared_after
        return [name for name, old, new in zip(SETTINGS, before, after, strict=True) if old != new] + [
            name for name, old, new in zip(SHARED, shared_before, shared_after, strict=True) if old != new
        ]

    def amended_event(self) -> ProjectAmendedV1:
        """The project's title and period as they are now, for the services that keep a copy of them."""
        return ProjectAmendedV1(title=self.title, starts_on=self.starts_on, ends_on=self.ends_on)

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
