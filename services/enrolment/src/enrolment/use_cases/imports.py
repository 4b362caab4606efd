"""Bulk import of participants from a CSV or XLSX file: every row by the rules of one enrolment.

The file's rows are read and checked (:mod:`enrolment.domain.importing`), then enrolled in batches
of :data:`BATCH_ROWS` by :func:`enrolment.use_cases.participants.enrol_batch`; people linked to
another row (an ON's environment) come after everybody they may link to. The report names every
refused row, its column and the reason, in Polish.

A dry run (the preview) checks every row by the same rules and answers the same report without
writing anything: a row that would be enrolled is listed without an id, a person already in the
project as already enrolled, and an environment person may link to an ON of the same file who
would be enrolled by it. Every real import leaves a summary (who, when, the file's name, the
counts; never a row) that :func:`imports_page` lists.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from pydantic import ValidationError

from aktywni_shared.errors import ServiceError
from aktywni_shared.identity import Principal
from enrolment.domain import access, eligibility, tabular
from enrolment.domain import participants as participant_rules
from enrolment.domain.eligibility import Ineligible, LinkedPerson
from enrolment.domain.errors import Conflict, DomainError, Forbidden
from enrolment.domain.importing import (
    RULE_REASONS,
    EnrolledRow,
    ImportReport,
    RowError,
    WrongHeader,
    columns_of,
    header_of,
    polish_reason,
    repeated_rows,
    row_body,
    validation_errors,
)
from enrolment.domain.participants import EnrolParticipant
from enrolment.domain.projects import Project
from enrolment.domain.tabular import Table
from enrolment.use_cases import participants
from enrolment.use_cases.context import Enrolment
from enrolment.use_cases.ports import ImportSummary

#: The longest file name a summary keeps (the name as sent, without any folder).
MAX_FILENAME = 200


class UnusableFile(DomainError):
    """The file cannot be read, or its header is not the template's (nothing was enrolled)."""

    kind: ClassVar[str] = "file"


def authorise(principal: Principal) -> None:
    """Only the roles that enrol anyone import (checked before the file is even read)."""
    if not access.may_import(principal):
        raise Forbidden(f"role {principal.role.value} may not do this")


async def import_file(
    enrolment: Enrolment, principal: Principal, project_id: str, raw: bytes, filename: str, *, dry_run: bool = False
) -> tuple[ImportReport, Table]:
    """Enrol the rows of an uploaded file (today by the service's clock); the report, audited.

    ``dry_run``: check the rows only (the preview); nothing is written but the audit entry.
    """
    authorise(principal)
    try:
        table = tabular.read(raw, filename)
        report = await import_rows(enrolment, principal, project_id, table, enrolment.today(), dry_run=dry_run)
    except (tabular.UnreadableFile, WrongHeader) as error:
        raise UnusableFile(str(error), "file") from error
    action = "import_preview" if dry_run else "import"
    await enrolment.audit.record(principal, action, project_id, [], [f"rows:{report.rows}"])
    if not dry_run:
        await enrolment.imports.add(summary_of(enrolment, principal, project_id, filename, report))
    return report, table


def summary_of(
    enrolment: Enrolment, principal: Principal, project_id: str, filename: str, report: ImportReport
) -> ImportSummary:
    """What the import log keeps of an import: the counts and the file's bare name, no row."""
    name = filename.replace("\\", "/").rsplit("/", maxsplit=1)[-1][:MAX_FILENAME]
    return ImportSummary(
        import_id=str(uuid.uuid4()),
        project_id=project_id,
        organisation_id=principal.organisation_id,
        user=principal.user,
        at=enrolment.clock.now(),
        filename=name,
        rows=report.rows,
        enrolled=report.enrolled,
        already_enrolled=report.already_enrolled,
        refused=report.invalid_rows,
    )


async def imports_page(
    enrolment: Enrolment, principal: Principal, project_id: str, *, page: int, page_size: int
) -> tuple[int, list[ImportSummary]]:
    """The project's imports, newest first: the leader's coordinator and the auditor see all of them,
    a partner's coordinator or staff their own organisation's; other roles none (403)."""
    project = await enrolment.project(principal, project_id)
    scope = access.import_scope(principal, project)
    if scope is access.Scope.NONE:
        raise Forbidden(f"role {principal.role.value} does not follow imports")
    organisation_id = principal.organisation_id if scope is access.Scope.OWN_ORGANISATION else None
    return await enrolment.imports.page(project_id, organisation_id, skip=(page - 1) * page_size, limit=page_size)


BATCH_ROWS = 500


async def import_rows(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    table: Table,
    today: date,
    progress: Callable[[int], None] | None = None,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Enrol the rows of ``table`` in batches; environment persons after everybody they may link to.

    ``dry_run``: only check them (nothing written); the report is the one the import would answer.
    """
    columns = columns_of(table.header)
    project = await enrolment.project(principal, project_id)  # 404 before any row if the project is not visible
    report = ImportReport(rows=len(table.rows))
    bodies: list[tuple[int, dict[str, Any]]] = []
    for number, cells in table.rows:
        body, problems = row_body(columns, cells)
        if problems:
            report.errors.extend(RowError(number, f, r) for f, r in problems)
        else:
            bodies.append((number, body))
    bodies, repeats = repeated_rows(bodies)
    report.errors.extend(repeats)
    first = [(n, b) for n, b in bodies if "linked_pesel" not in b]
    linked = [(n, b) for n, b in bodies if "linked_pesel" in b]
    done = len(table.rows) - len(bodies)
    accepted: dict[str, LinkedPerson] = {}  # a dry run's would-be participants, by PESEL
    for group in (first, linked):
        for start in range(0, len(group), BATCH_ROWS):
            batch = group[start : start + BATCH_ROWS]
            if dry_run:
                await _check_batch(enrolment, principal, project, batch, today, report, accepted)
            else:
                await _import_batch(enrolment, principal, project_id, batch, today, report)
            done += len(batch)
            if progress is not None:
                progress(done)
    report.errors.sort(key=lambda e: e.row)
    report.enrolled_rows.sort(key=lambda e: e.row)
    report.already_enrolled_rows.sort()
    return report


async def _import_batch(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    batch: list[tuple[int, dict[str, Any]]],
    today: date,
    report: ImportReport,
) -> None:
    commands: list[tuple[int, EnrolParticipant]] = []
    for number, body in batch:
        linked_pesel = body.pop("linked_pesel", None)
        if linked_pesel:
            body["linked_participant_id"] = await participants.participant_id_by_pesel(
                enrolment, project_id, linked_pesel
            )
            if body["linked_participant_id"] is None:
                report.errors.append(RowError(number, header_of("linked_pesel"), RULE_REASONS["linked_person"]))
                continue
        try:
            commands.append((number, EnrolParticipant.model_validate(body)))
        except ValidationError as error:
            report.errors.extend(validation_errors(number, error))
    if not commands:  # every row of the batch refused: nothing to write
        return
    outcomes = await participants.enrol_batch(enrolment, principal, project_id, commands, today)
    await _record(enrolment, project_id, commands, outcomes, report)


async def _check_batch(
    enrolment: Enrolment,
    principal: Principal,
    project: Project,
    batch: list[tuple[int, dict[str, Any]]],
    today: date,
    report: ImportReport,
    accepted: dict[str, LinkedPerson],
) -> None:
    """The rules of :func:`enrolment.use_cases.participants.enrol_batch`, row by row, without a write."""
    checked: list[tuple[int, EnrolParticipant]] = []
    for number, body in batch:
        found, linked = await _linked_of(enrolment, project.project_id, body, accepted)
        if not found:
            report.errors.append(RowError(number, header_of("linked_pesel"), RULE_REASONS["linked_person"]))
            continue
        try:
            command = EnrolParticipant.model_validate(body)
        except ValidationError as error:
            report.errors.extend(validation_errors(number, error))
            continue
        problems = _row_problems(principal, project, number, command, today, linked)
        if problems:
            report.errors.extend(problems)
        else:
            checked.append((number, command))
    if not checked:
        return
    existing = await enrolment.participants.ids_of(project.project_id, [command for _, command in checked])
    for (number, command), participant_id in zip(checked, existing, strict=True):
        if participant_id:  # by any organisation: say no more than that
            report.already_enrolled += 1
            report.already_enrolled_rows.append(number)
            continue
        report.enrolled += 1
        report.enrolled_rows.append(EnrolledRow(number, ""))
        if command.pesel:
            accepted[command.pesel] = LinkedPerson(project.project_id, command.category, active=True)


async def _linked_of(
    enrolment: Enrolment, project_id: str, body: dict[str, Any], accepted: dict[str, LinkedPerson]
) -> tuple[bool, LinkedPerson | None]:
    """The ON a row links to (an ON of the same file the dry run accepted, or one in the project).

    ``(False, None)``: the row names a PESEL of nobody; ``(True, None)``: it links to nobody.
    """
    linked_pesel = body.pop("linked_pesel", None)
    if not linked_pesel:
        return True, None
    if linked_pesel in accepted:  # an ON of this file the import would enrol first
        body["linked_participant_id"] = uuid.UUID(int=0)
        return True, accepted[linked_pesel]
    found = await participants.participant_id_by_pesel(enrolment, project_id, linked_pesel)
    if found is None:
        return False, None
    body["linked_participant_id"] = found
    return True, await enrolment.linked(uuid.UUID(found))


def _row_problems(
    principal: Principal,
    project: Project,
    number: int,
    command: EnrolParticipant,
    today: date,
    linked: LinkedPerson | None,
) -> list[RowError]:
    """What the enrolment of one valid row would refuse (its organisation, dates, eligibility)."""
    if not access.may_enrol_for(principal, project, command.organisation_id):
        message = f"you may not enrol participants for {command.organisation_id} in {project.project_id}"
        return [RowError(number, *polish_reason("organisation_id", message))]
    try:
        participant = participant_rules.enrol(project.project_id, command, today)
    except DomainError as error:
        return [RowError(number, *polish_reason(error.field or "organisation_id", str(error)))]
    failures = eligibility.evaluate(project, command, participant.enrolled_on, linked)
    return [RowError(number, header_of(f.field), RULE_REASONS.get(f.rule, f.message)) for f in failures]


async def _record(
    enrolment: Enrolment,
    project_id: str,
    commands: list[tuple[int, EnrolParticipant]],
    outcomes: dict[int, ServiceError | None],
    report: ImportReport,
) -> None:
    """Each row's outcome in the report; the enrolled rows with the ids they were given."""
    enrolled = [(number, command) for number, command in commands if number in outcomes and outcomes[number] is None]
    ids = await enrolment.participants.ids_of(project_id, [command for _, command in enrolled])
    for (number, _), participant_id in zip(enrolled, ids, strict=True):
        report.enrolled_rows.append(EnrolledRow(number, participant_id))
    for number, outcome in outcomes.items():
        if outcome is None:
            report.enrolled += 1
        elif isinstance(outcome, Conflict):  # by any organisation: say no more than that
            report.already_enrolled += 1
            report.already_enrolled_rows.append(number)
        elif isinstance(outcome, Ineligible):
            report.errors.extend(
                RowError(number, header_of(f.field), RULE_REASONS.get(f.rule, f.message)) for f in outcome.failures
            )
        else:
            path = getattr(outcome, "field", None) or "organisation_id"
            report.errors.append(RowError(number, *polish_reason(path, str(outcome))))
