"""The audit log page: who read, changed, exported or erased whose data, when (auditor; leader's coordinator)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from web.domain import audit
from web.domain.errors import FieldError, field_errors
from web.use_cases.ports import Enrolment, Json, Refused


@dataclass
class AuditPage:
    """One page of the log as the page shows it, or why it could not be read (``status``)."""

    values: dict[str, str]
    page: int = 1
    total: int = 0
    entries: list[Json] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    status: int = 200

    @property
    def pages(self) -> int:
        return audit.pages(self.total)


def _entry(item: Json) -> Json:
    return {
        "when": audit.when(str(item["at"])),
        "user": item["user"],
        "organisation_id": item["organisation_id"],
        "role": item["role"],
        "action": audit.ACTIONS.get(str(item["action"]), str(item["action"])),
        "participant_ids": list(item["participant_ids"]),
        "fields": audit.field_names(list(item["fields"])),
    }


async def audit_page(enrolment: Enrolment, token: str, project_id: str, form: Mapping[str, str]) -> AuditPage:
    """The page of the log the form asks for; a refused filter is named next to its field, in Polish."""
    chosen, page, errors = audit.filters(form)
    if errors:
        return AuditPage(values=chosen, page=page, errors=errors, status=422)
    query: dict[str, str | int] = {"project_id": project_id, **chosen, "page": page, "page_size": audit.PAGE_SIZE}
    try:
        found = await enrolment.audit(token, query)
    except Refused as refused:
        status = refused.status if refused.status in (403, 404) else 422
        return AuditPage(values=chosen, page=page, errors=field_errors(refused.status, refused.body), status=status)
    return AuditPage(
        values=chosen,
        page=page,
        total=int(found["total"]),
        entries=[_entry(item) for item in found["items"]],
    )
