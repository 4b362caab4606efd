"""Enrolment's use cases: authorise, apply the domain, store with the event, audit personal data.

The HTTP API and the bulk import call these; they raise the errors below, which the API turns into
4xx answers naming the field and the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from aktywni_shared.auth import Principal, Role
from aktywni_shared.clock import Clock
from aktywni_shared.contracts.envelope import Envelope, EventPayload
from aktywni_shared.contracts.vocabulary import ParticipantCategory, SupportForm, WithdrawalReason
from aktywni_shared.messaging.outbox import OutboxRelay
from aktywni_shared.mongo import Document
from enrolment.domain import access, eligibility
from enrolment.domain import completion as path_completion
from enrolment.domain import declarations as declaration_rules
from enrolment.domain import participants as participant_rules
from enrolment.domain import projects as project_rules
from enrolment.domain.organisations import Organisation
from enrolment.domain.participants import EnrolParticipant, Participant, ParticipantDetails, Status
from enrolment.store.audit import AuditLog
from enrolment.store.completions import SupportCompletions
from enrolment.store.declarations import DeclarationStore
from enrolment.store.participants import (
    DuplicateParticipant,
    ParticipantStore,
    StoredParticipant,
    from_document,
    personal_changes,
    personal_values,
)
from enrolment.store.projects import AlreadyExists, ProjectStore

PRODUCER = "enrolment"
T = TypeVar("T")


class NotFound(Exception):
    pass


class Forbidden(Exception):
    pass


class Conflict(Exception):
    def __init__(self, message: str, existing_participant_id: str | None = None) -> None:
        super().__init__(message)
        self.existing_participant_id = existing_participant_id


class Ineligible(Exception):
    def __init__(self, failures: list[eligibility.FailedRule]) -> None:
        super().__init__("; ".join(f"{f.field}: {f.message}" for f in failures))
        self.failures = failures


@dataclass
class Enrolment:
    """Enrolment's use cases; ``clock`` is the service's one clock ("today" is the day in Warsaw)."""

    projects: ProjectStore
    participants: ParticipantStore
    declarations: DeclarationStore
    audit: AuditLog
    relay: OutboxRelay
    clock: Clock

    def today(self) -> date:
        """Today in Warsaw, by the service's clock."""
        return self.clock.today()

    def _not_in_future(self, day: date, field: str) -> None:
        if day > self.today():
            raise participant_rules.DomainError(f"{field} {day} is in the future (today is {self.today()})", field)

    # --- organisations and projects -------------------------------------------------------------

    async def register_organisation(self, principal: Principal, organisation: Organisation) -> Organisation:
        if principal.role is not Role.ADMINISTRATOR:
            raise Forbidden("only an administrator registers organisations")
        try:
            await self.projects.add_organisation(organisation)
        except AlreadyExists as error:
            raise Conflict(str(error)) from error
        return organisation

    async def register_project(
        self, principal: Principal, command: project_rules.RegisterProject
    ) -> project_rules.Project:
        if principal.role is not Role.COORDINATOR:
            raise Forbidden("only a coordinator registers a project (their organisation leads it)")
        names = await self._require_organisations(
            [principal.organisation_id, *(p.organisation_id for p in command.partners)]
        )
        project = project_rules.register(command, principal.organisation_id)
        registered = self._wrap(
            project.registered_event(names[principal.organisation_id]), principal.organisation_id, project.project_id
        )
        joined = [
            self._wrap(
                project_rules.joined_event(p, names[p.organisation_id]), principal.organisation_id, project.project_id
            )
            for p in project.partners
        ]
        try:
            await self.projects.add(project, [registered, *joined])
        except AlreadyExists as error:
            raise Conflict(str(error)) from error
        self.relay.notify()
        return project

    async def add_partner(
        self, principal: Principal, project_id: str, partner: project_rules.PartnerIn
    ) -> project_rules.Project:
        project = await self.project(principal, project_id)
        if not access.may_manage_project(principal, project):
            raise Forbidden("only the leading organisation's coordinator adds partners")
        names = await self._require_organisations([partner.organisation_id])
        before = len(project.partners)
        try:
            event = project.add_partner(partner, names[partner.organisation_id])
        except ValueError as error:
            raise Conflict(str(error)) from error
        if not await self.projects.add_partner(
            project, before, self._wrap(event, principal.organisation_id, project_id)
        ):
            raise Conflict("the project's partners changed meanwhile; try again")
        self.relay.notify()
        return project

    async def project(self, principal: Principal, project_id: str) -> project_rules.Project:
        project = await self.projects.get(project_id)
        if project is None or not access.may_read_project(principal, project):
            raise NotFound(f"project {project_id} not found")
        return project

    async def visible_projects(self, principal: Principal) -> list[project_rules.Project]:
        return [p for p in await self.projects.list() if access.may_read_project(principal, p)]

    # --- participants ---------------------------------------------------------------------------

    async def enrol(self, principal: Principal, project_id: str, command: EnrolParticipant) -> Participant:
        project = await self.project(principal, project_id)
        participant, envelope = await self._prepare(principal, project, command, self.today())
        await self._add(principal, project, participant, command, envelope, "enrol")
        return participant

    async def register_candidate(
        self, principal: Principal, project_id: str, command: EnrolParticipant
    ) -> tuple[Participant, list[eligibility.FailedRule]]:
        """Register a recruited person as a candidate: their data and consent are validated and stored.

        The eligibility rules are evaluated and answered (every failed one named) but do not refuse a
        candidate: qualification, later, requires them to pass.
        """
        project = await self.project(principal, project_id)
        if not access.may_enrol_for(principal, project, command.organisation_id):
            raise Forbidden(f"you may not recruit for {command.organisation_id} in {project.project_id}")
        candidate = participant_rules.register_candidate(project.project_id, command, self.today())
        linked = await self._linked(command.linked_participant_id)
        failures = eligibility.evaluate(project, command, candidate.enrolled_on, linked)
        envelope = self._wrap(candidate.registered_event(), candidate.organisation_id, project_id)
        await self._add(principal, project, candidate, command, envelope, "register_candidate")
        return candidate, failures

    async def qualify(self, principal: Principal, participant_id: uuid.UUID, on: date) -> Participant:
        """Qualify a candidate: every eligibility rule must pass on ``on`` (all failures are named)."""
        stored = await self._visible(principal, participant_id)
        participant, status = stored.participant, stored.participant.status
        await self._require_eligible(stored, on, check_period=False)
        self._not_in_future(on, "qualified_on")
        event = self._guard(lambda: participant.qualify(on))
        await self._save_transition(participant, status, event)
        await self.audit.record(principal, "qualify", participant.project_id, [str(participant_id)])
        return participant

    async def enrol_qualified(self, principal: Principal, participant_id: uuid.UUID, on: date) -> Participant:
        """A qualified candidate enters the project; the rules are checked again for that day."""
        stored = await self._visible(principal, participant_id)
        participant, status = stored.participant, stored.participant.status
        self._not_in_future(on, "enrolled_on")
        await self._require_eligible(stored, on, check_period=True)
        event = self._guard(lambda: participant.enrol_qualified(on))
        await self._save_transition(participant, status, event)
        await self.audit.record(principal, "enrol", participant.project_id, [str(participant_id)])
        return participant

    async def complete(self, principal: Principal, participant_id: uuid.UUID, on: date) -> Participant:
        """Staff close a participant's path as completed (scheduling's completions do it on their own)."""
        stored = await self._visible(principal, participant_id)
        project = await self.project(principal, stored.participant.project_id)
        if principal.role is not Role.COORDINATOR or project.role_of(principal.organisation_id) is None:
            raise Forbidden("a coordinator closes a participant's path")
        self._not_in_future(on, "completed_on")
        participant, status = stored.participant, stored.participant.status
        event = self._guard(lambda: participant.complete(on))
        if event is None:
            return participant
        await self._save_transition(participant, status, event)
        return participant

    async def support_started(self, participant_id: uuid.UUID, on: date) -> bool:
        """Scheduling reports the first support: enrolled → active. False when there was nothing to do.

        The activation event carries the age band on that day, from the birth date enrolment holds.
        """
        stored = await self.participants.get(participant_id)
        held = (await self.participants.personal_data(stored)).get("birth_date") if stored else None
        birth_date = date.fromisoformat(held) if held else None
        return await self._system_transition(participant_id, lambda p: p.activate(on, birth_date))

    async def support_completed(
        self, participant_id: uuid.UUID, on: date, activity_id: uuid.UUID, form: SupportForm
    ) -> bool:
        """Scheduling reports a completed activity; the path completes when the category's rule is met.

        The activity is noted first (idempotent, one document), then the participant's distinct
        completed activities are compared with the project's rule for their category. A duplicate
        delivery or a replay notes nothing new and finds the participant completed already.
        """
        stored = await self.participants.get(participant_id)
        if stored is None:
            raise NotFound(f"participant {participant_id} is not known to enrolment")
        participant = stored.participant
        forms = await self.completions.record(str(participant_id), str(activity_id), form, on)
        if participant.status not in (Status.ENROLLED, Status.ACTIVE):
            return False  # completed already, withdrawn or erased: the fact is noted, the path stays
        project = await self.projects.get(participant.project_id)
        if project is None:
            raise NotFound(f"project {participant.project_id} is not known to enrolment")
        if not path_completion.is_met(project.path_rule(participant.profile.category), forms):
            return False
        return await self._system_transition(participant_id, lambda p: p.complete(on, activity_id))

    @property
    def completions(self) -> SupportCompletions:
        """The activities each participant completed (enrolment's own collection next to the participants)."""
        return SupportCompletions(self.participants.collection.database)

    async def update_project(
        self, principal: Principal, project_id: str, command: project_rules.UpdateProject
    ) -> project_rules.Project:
        """Change a project's settings (the leader's coordinator); a changed rule un-completes nobody."""
        project = await self.project(principal, project_id)
        if not access.may_manage_project(principal, project):
            raise Forbidden("only the leading organisation's coordinator changes the project")
        if command.path_completion is not None:
            try:
                project.set_path_completion(command.path_completion)
            except ValueError as error:
                raise participant_rules.DomainError(str(error), "path_completion") from error
            if not await self.projects.set_path_completion(project):
                raise NotFound(f"project {project_id} not found")
        return project

    async def enrol_batch(
        self,
        principal: Principal,
        project_id: str,
        commands: list[tuple[int, EnrolParticipant]],
        today: date | None = None,
    ) -> dict[int, Exception | None]:
        """Enrol many people at once (bulk import): per row, None when enrolled, or the error.

        The same rules as :meth:`enrol`, row by row; only the writes are shared in bulk. A person who
        is already in the project comes back as :class:`Conflict`.
        """
        project = await self.project(principal, project_id)
        today = today or self.today()
        outcomes: dict[int, Exception | None] = {}
        prepared: list[tuple[int, Participant, EnrolParticipant, Envelope]] = []
        for row, command in commands:
            try:
                participant, envelope = await self._prepare(principal, project, command, today)
            except (Forbidden, Ineligible, participant_rules.DomainError) as error:
                outcomes[row] = error
                continue
            prepared.append((row, participant, command, envelope))
        duplicates = await self.participants.add_many([(p, c, e) for _, p, c, e in prepared])
        for index, (row, _, _, _) in enumerate(prepared):
            outcomes[row] = Conflict("this person is already enrolled in the project") if index in duplicates else None
        if len(duplicates) < len(prepared):
            self.relay.notify()
        return outcomes

    async def participant_id_by_pesel(self, project_id: str, pesel: str) -> str | None:
        return await self.participants.by_pesel(project_id, pesel)

    async def participant(
        self, principal: Principal, participant_id: uuid.UUID
    ) -> tuple[StoredParticipant, dict[str, Any]]:
        """A participant with decrypted personal data, if the caller may see them (audited)."""
        stored = await self._visible(principal, participant_id)
        personal = await self.participants.personal_data(stored)
        await self.audit.record(principal, "read", stored.participant.project_id, [str(participant_id)], personal)
        return stored, personal

    async def participants_page(
        self,
        principal: Principal,
        project_id: str,
        *,
        organisation_id: str | None,
        status: Status | None,
        category: ParticipantCategory | None,
        pesel: str | None,
        page: int,
        page_size: int,
    ) -> tuple[int, list[tuple[StoredParticipant, dict[str, Any]]]]:
        project = await self.project(principal, project_id)
        scope = access.participant_scope(principal, project)
        if scope is access.Scope.NONE:
            raise Forbidden("your role sees no personal data")
        filters: Document = {"project_id": project_id}
        if scope is access.Scope.OWN_ORGANISATION:
            if organisation_id not in (None, principal.organisation_id):
                raise Forbidden("you see only your organisation's participants")
            filters["organisation_id"] = principal.organisation_id
        elif organisation_id:
            filters["organisation_id"] = organisation_id
        if status:
            filters["status"] = status.value
        if category:
            filters["profile.category"] = category.value
        if pesel:
            filters["pesel_hash"] = self.participants.keyring.lookup_hash(pesel)
        total, rows = await self.participants.page(filters, skip=(page - 1) * page_size, limit=page_size)
        result = [(row, await self.participants.personal_data(row)) for row in rows]
        if result:
            await self.audit.record(
                principal,
                "list",
                project_id,
                [str(row.participant.participant_id) for row, _ in result],
                {name for _, personal in result for name in personal},
            )
        return total, result

    async def update(self, principal: Principal, participant_id: uuid.UUID, details: ParticipantDetails) -> Participant:
        stored = await self._visible(principal, participant_id)
        participant, status = stored.participant, stored.participant.status
        event = self._guard(lambda: participant.update(details))
        envelope = self._wrap(event, participant.organisation_id, participant.project_id) if event else None
        personal = personal_changes(details)
        await self.participants.save(participant, status, envelope, personal)
        self.relay.notify()
        await self.audit.record(principal, "update", participant.project_id, [str(participant_id)], personal)
        return participant

    async def withdraw(
        self, principal: Principal, participant_id: uuid.UUID, on: date, reason: WithdrawalReason
    ) -> Participant:
        stored = await self._visible(principal, participant_id)
        participant, status = stored.participant, stored.participant.status
        self._not_in_future(on, "withdrawn_on")
        event = self._guard(lambda: participant.withdraw(on, reason))
        await self._save_transition(participant, status, event)
        return participant

    async def re_enrol(self, principal: Principal, participant_id: uuid.UUID, on: date) -> Participant:
        stored = await self._visible(principal, participant_id)
        participant, status = stored.participant, stored.participant.status
        project = await self.project(principal, participant.project_id)
        self._not_in_future(on, "enrolled_on")
        if not project.starts_on <= on <= project.ends_on:
            raise participant_rules.DomainError(f"{on} is outside the project's period", "enrolled_on")
        event = self._guard(lambda: participant.re_enrol(on))
        await self._save_transition(participant, status, event)
        return participant

    async def erase(self, principal: Principal, participant_id: uuid.UUID) -> Participant:
        stored = await self._visible(principal, participant_id)
        participant, status = stored.participant, stored.participant.status
        today = self.today()
        event = self._guard(lambda: participant.erase(today))
        await self.participants.erase(
            participant, status, self._wrap(event, participant.organisation_id, participant.project_id)
        )
        self.relay.notify()
        await self.audit.record(principal, "erase", participant.project_id, [str(participant_id)])
        return participant

    async def export_participants(
        self, principal: Principal, project_id: str
    ) -> list[tuple[Participant, dict[str, Any]]]:
        """Every participant with personal data, for the funder's file: the leader's coordinator only."""
        project = await self.project(principal, project_id)
        if not access.may_manage_project(principal, project):
            raise Forbidden("only the leading organisation's coordinator exports the participant list")
        rows = []
        async for doc in self.participants.collection.find({"project_id": project_id}, {"outbox": 0}).sort("_id", 1):
            stored = StoredParticipant(from_document(doc), doc)
            rows.append((stored.participant, await self.participants.personal_data(stored)))
        await self.audit.record(
            principal, "export", project_id, [str(p.participant_id) for p, _ in rows], {n for _, d in rows for n in d}
        )
        return rows

    # --- declarations ---------------------------------------------------------------------------

    async def record_declaration(
        self, principal: Principal, project_id: str, command: declaration_rules.RecordDeclaration
    ) -> Document:
        project = await self.project(principal, project_id)
        if principal.role is not Role.COORDINATOR or project.role_of(principal.organisation_id) is None:
            raise Forbidden("a coordinator of a participating organisation records declarations")
        try:
            event = declaration_rules.record(command)
        except ValueError as error:
            raise participant_rules.DomainError(str(error), "institution_kind") from error
        await self.declarations.add(
            project_id, principal.organisation_id, event, self._wrap(event, principal.organisation_id, project_id)
        )
        self.relay.notify()
        return {"project_id": project_id, **event.model_dump(mode="json")}

    async def project_declarations(self, principal: Principal, project_id: str) -> list[Document]:
        await self.project(principal, project_id)
        return await self.declarations.list(project_id)

    # --- helpers --------------------------------------------------------------------------------

    async def _prepare(
        self, principal: Principal, project: project_rules.Project, command: EnrolParticipant, today: date
    ) -> tuple[Participant, Envelope]:
        """Authorise, apply the domain's rules and eligibility: the participant and its event, or an error."""
        if not access.may_enrol_for(principal, project, command.organisation_id):
            raise Forbidden(f"you may not enrol participants for {command.organisation_id} in {project.project_id}")
        participant = participant_rules.enrol(project.project_id, command, today)
        linked = await self._linked(command.linked_participant_id)
        failures = eligibility.evaluate(project, command, participant.enrolled_on, linked)
        if failures:
            raise Ineligible(failures)
        return participant, self._wrap(participant.enrolled_event(), participant.organisation_id, project.project_id)

    async def _add(
        self,
        principal: Principal,
        project: project_rules.Project,
        participant: Participant,
        command: EnrolParticipant,
        envelope: Envelope,
        action: str,
    ) -> None:
        try:
            await self.participants.add(participant, command, envelope)
        except DuplicateParticipant as duplicate:
            visible = access.may_see(principal, project, duplicate.existing_organisation_id)
            where = f" by {duplicate.existing_organisation_id}" if visible else ""
            raise Conflict(
                f"this person is already registered in {project.project_id}{where}",
                duplicate.existing_id if visible else None,
            ) from duplicate
        self.relay.notify()
        await self.audit.record(
            principal, action, project.project_id, [str(participant.participant_id)], personal_values(command)
        )

    async def _require_eligible(self, stored: StoredParticipant, on: date, *, check_period: bool) -> None:
        """Evaluate the project's rules for a stored candidate on ``on``; raise with every failed rule."""
        participant = stored.participant
        project = await self.projects.get(participant.project_id)
        if project is None:
            raise NotFound(f"project {participant.project_id} not found")
        personal = await self.participants.personal_data(stored)
        profile = participant.profile
        applicant = eligibility.Applicant(
            category=profile.category,
            birth_date=date.fromisoformat(personal["birth_date"]) if "birth_date" in personal else None,
            consent_scope=frozenset(stored.document.get("consent", {}).get("scope", [])),
            social_assistance_client=profile.social_assistance_client,
            disability_degree=profile.disability_degree,
            mops_employee=profile.mops_employee,
        )
        failures = eligibility.evaluate(project, applicant, on, await self._linked(profile.linked_participant_id))
        if not check_period:
            failures = [f for f in failures if f.rule != "within_project_period"]
        if failures:
            raise Ineligible(failures)

    async def _system_transition(
        self, participant_id: uuid.UUID, transition: Callable[[Participant], EventPayload | None]
    ) -> bool:
        """A transition caused by another service's event: idempotent (a repeat changes nothing)."""
        stored = await self.participants.get(participant_id)
        if stored is None:
            raise NotFound(f"participant {participant_id} is not known to enrolment")
        participant, status = stored.participant, stored.participant.status
        event = transition(participant)
        if event is None:
            return False
        await self._save_transition(participant, status, event)
        return True

    async def _save_transition(self, participant: Participant, before: Status, event: EventPayload) -> None:
        await self.participants.save(
            participant, before, self._wrap(event, participant.organisation_id, participant.project_id)
        )
        self.relay.notify()

    async def _visible(self, principal: Principal, participant_id: uuid.UUID) -> StoredParticipant:
        stored = await self.participants.get(participant_id)
        if stored is None:
            raise NotFound(f"participant {participant_id} not found")
        project = await self.projects.get(stored.participant.project_id)
        if project is None or not access.may_see(principal, project, stored.participant.organisation_id):
            raise NotFound(f"participant {participant_id} not found")
        return stored

    async def _linked(self, participant_id: uuid.UUID | None) -> eligibility.LinkedPerson | None:
        if participant_id is None:
            return None
        stored = await self.participants.get(participant_id)
        if stored is None:
            return None
        p = stored.participant
        return eligibility.LinkedPerson(
            project_id=p.project_id,
            category=p.profile.category,
            active=p.status in (Status.ENROLLED, Status.ACTIVE, Status.COMPLETED),
        )

    async def _require_organisations(self, organisation_ids: list[str]) -> dict[str, str]:
        """Every organisation must be registered: their names by id."""
        names: dict[str, str] = {}
        for organisation_id in organisation_ids:
            organisation = await self.projects.organisation(organisation_id)
            if organisation is None:
                raise participant_rules.DomainError(
                    f"organisation {organisation_id} is not registered", "organisation_id"
                )
            names[organisation_id] = organisation.name
        return names

    @staticmethod
    def _guard(step: Callable[[], T]) -> T:
        try:
            return step()
        except ValueError as error:
            raise participant_rules.DomainError(str(error)) from error

    @staticmethod
    def _wrap(payload: EventPayload, organisation_id: str, project_id: str) -> Envelope:
        return Envelope.wrap(payload, producer=PRODUCER, organisation_id=organisation_id, project_id=project_id)
