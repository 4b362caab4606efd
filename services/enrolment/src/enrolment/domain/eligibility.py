"""Eligibility at enrolment: every rule a candidate fails, each named, none hidden behind the first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aktywni_shared import errors
from aktywni_shared.contracts.vocabulary import DisabilityDegree, ParticipantCategory
from enrolment.domain.participants import EnrolParticipant
from enrolment.domain.projects import Project


@dataclass(frozen=True)
class Applicant:
    """What the rules look at: from an enrolment command, or from a stored candidate being qualified."""

    category: ParticipantCategory
    birth_date: date | None
    consent_scope: frozenset[str]
    social_assistance_client: bool
    disability_degree: DisabilityDegree | None
    mops_employee: bool

    @classmethod
    def of(cls, command: EnrolParticipant) -> Applicant:
        return cls(
            category=command.category,
            birth_date=command.birth_date,
            consent_scope=frozenset(command.consent.scope),
            social_assistance_client=command.social_assistance_client,
            disability_degree=command.disability_degree,
            mops_employee=command.mops_employee,
        )


@dataclass(frozen=True)
class FailedRule:
    rule: str
    field: str
    message: str


@dataclass(frozen=True)
class LinkedPerson:
    """What eligibility needs to know of the ON an environment person is linked to."""

    project_id: str
    category: ParticipantCategory
    active: bool


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def evaluate(
    project: Project, who: EnrolParticipant | Applicant, enrolled_on: date, linked: LinkedPerson | None
) -> list[FailedRule]:
    """Every rule ``who`` fails on ``enrolled_on`` (the day of enrolment, or of qualification)."""
    command = Applicant.of(who) if isinstance(who, EnrolParticipant) else who
    failures: list[FailedRule] = []
    if not project.starts_on <= enrolled_on <= project.ends_on:
        failures.append(
            FailedRule(
                "within_project_period",
                "enrolled_on",
                f"{enrolled_on} is outside the project's period {project.starts_on} – {project.ends_on}",
            )
        )
    if command.category not in project.target_groups:
        failures.append(
            FailedRule("target_group", "category", f"{command.category.value} is not a target group of the project")
        )
    missing_consents = [c for c in project.required_consents if c not in command.consent_scope]
    if missing_consents:
        failures.append(
            FailedRule("required_consents", "consent.scope", f"consent must cover {', '.join(missing_consents)}")
        )
    failures.extend(_category_rules(project, command, enrolled_on))
    if command.category is ParticipantCategory.ENVIRONMENT_PERSON:
        failures.extend(_linked_person(project, linked))
    return failures


def _category_rules(project: Project, command: Applicant, enrolled_on: date) -> list[FailedRule]:
    rule = project.eligibility.get(command.category)
    if rule is None or command.birth_date is None:
        return []
    failures = []
    age = _age(command.birth_date, enrolled_on)
    if rule.min_age is not None and age < rule.min_age:
        failures.append(FailedRule("min_age", "birth_date", f"aged {age} at enrolment; the minimum is {rule.min_age}"))
    if rule.max_age is not None and age > rule.max_age:
        failures.append(FailedRule("max_age", "birth_date", f"aged {age} at enrolment; the maximum is {rule.max_age}"))
    if rule.requires_social_assistance_client and not command.social_assistance_client:
        failures.append(
            FailedRule("social_assistance_client", "social_assistance_client", "must be a client of social assistance")
        )
    if rule.requires_disability_certificate and command.disability_degree is None:
        failures.append(FailedRule("disability_certificate", "disability_degree", "needs a certified disability"))
    if rule.requires_mops_employee is not None and command.mops_employee != rule.requires_mops_employee:
        wanted = "an employee" if rule.requires_mops_employee else "not an employee"
        failures.append(FailedRule("mops_employee", "mops_employee", f"must be {wanted} of the MOPS"))
    return failures


def _linked_person(project: Project, linked: LinkedPerson | None) -> list[FailedRule]:
    if linked is None or linked.project_id != project.project_id:
        return [
            FailedRule("linked_person", "linked_participant_id", "must be a participant of this project (none found)")
        ]
    if linked.category is not ParticipantCategory.PERSON_WITH_DISABILITY:
        return [
            FailedRule("linked_person", "linked_participant_id", "must be linked to a person with a disability (ON)")
        ]
    if not linked.active:
        return [FailedRule("linked_person", "linked_participant_id", "the linked ON is withdrawn or erased")]
    return []


class Ineligible(errors.DomainError):
    """The person fails the project's eligibility rules: each failure named by its field and rule."""

    def __init__(self, failures: list[FailedRule]) -> None:
        super().__init__("; ".join(f"{f.field}: {f.message}" for f in failures))
        self.failures = failures

    def details(self) -> list[dict[str, Any]]:
        return [
            {"loc": [self.where, *f.field.split(".")], "msg": f.message, "type": f"eligibility.{f.rule}"}
            for f in self.failures
        ]
