"""Bulk import of participants from a CSV or XLSX file: every row by the rules of one enrolment.

The file's rows are read and checked (:mod:`enrolment.domain.importing`), then enrolled in batches
of :data:`BATCH_ROWS` by :func:`enrolment.use_cases.participants.enrol_batch`; people linked to
another row (an ON's environment) come after everybody they may link to. The report names every
refused row, its column and the reason, in Polish.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from pydantic import ValidationError

from aktywni_shared.errors import ServiceError
from aktywni_shared.identity import Principal
from enrolment.domain import access, tabular
from enrolment.domain.eligibility import Ineligible
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
from enrolment.domain.tabular import Table
from enrolment.use_cases import participants
from enrolment.use_cases.context import Enrolment


class UnusableFile(DomainError):
    """The file cannot be read, or its header is not the template's (nothing was enrolled)."""

    kind: ClassVar[str] = "file"


def authorise(principal: Principal) -> None:
    """Only the roles that enrol anyone import (checked before the file is even read)."""
    if not access.may_import(principal):
        raise Forbidden(f"role {principal.role.value} may not do this")


async def import_file(
    enrolment: Enrolment, principal: Principal, project_id: str, raw: bytes, filename: str
) -> tuple[ImportReport, Table]:
    """Enrol the rows of an uploaded file (today by the service's clock); the report, audited."""
    authorise(principal)
    try:
        table = tabular.read(raw, filename)
        report = await import_rows(enrolment, principal, project_id, table, enrolment.today())
    except (tabular.UnreadableFile, WrongHeader) as error:
        raise UnusableFile(str(error), "file") from error
    await enrolment.audit.record(principal, "import", project_id, [], [f"rows:{report.rows}"])
    return report, table


BATCH_ROWS = 500


async def import_rows(
    enrolment: Enrolment,
    principal: Principal,
    project_id: str,
    table: Table,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Enrol the rows of ``table`` in batches; environment persons after everybody they may link to."""
    columns = columns_of(table.header)
    await enrolment.project(principal, project_id)  # 404 before any row if the project is not visible
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
    for group in (first, linked):
        for start in range(0, len(group), BATCH_ROWS):
            batch = group[start : start + BATCH_ROWS]
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
