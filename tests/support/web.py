"""Fakes of the web application's ports (the three services' APIs), for its use-case and page tests."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any

from web.use_cases.ports import Download, Json, Refused

PROJECT: Json = {
    "project_id": "TA-2026",
    "title": "Trener Aktywności",
    "funding_programme": "FEDS",
    "priority": None,
    "starts_on": "2026-01-01",
    "ends_on": "2027-12-31",
    "leader_organisation_id": "fundacja-eudajmonia",
    "target_groups": ["person_with_disability", "environment_person"],
    "eligibility": {},
    "required_consents": ["processing_for_project"],
    "partners": [{"organisation_id": "fundacja-rozwoju-demokracji-lokalnej", "role": "partner"}],
}


@dataclass
class FakeEnrolment:
    """Enrolment as seen through its API: projects, participants by id, refusals as the API answers them."""

    projects_: list[Json] = field(default_factory=lambda: [copy.deepcopy(PROJECT)])
    people: dict[str, Json] = field(default_factory=dict)
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    refuse_enrolment: tuple[int, Any] | None = None
    declared: list[Json] = field(default_factory=list)
    audit_entries: list[Json] = field(default_factory=list)
    refuse_audit: tuple[int, Any] | None = None
    imported: list[bytes] = field(default_factory=list)
    refuse_change: tuple[int, Any] | None = None
    revisions_sent: list[str | None] = field(default_factory=list)
    import_log: list[Json] = field(default_factory=list)

    async def organisations(self, token: str) -> list[Json]:
        return [{"organisation_id": "fundacja-rozwoju-demokracji-lokalnej", "name": "FRDL", "kind": "ngo"}]

    async def projects(self, token: str) -> list[Json]:
        self.calls.append(("projects", token, None))
        return self.projects_

    async def project(self, token: str, project_id: str) -> Json:
        for project in self.projects_:
            if project["project_id"] == project_id:
                return project
        raise Refused(404, {"detail": "project not found"})

    async def create_project(self, token: str, body: Json) -> Json:
        self.calls.append(("create_project", token, body))
        if not body.get("title"):
            raise Refused(422, {"detail": [{"loc": ["body", "title"], "msg": "too short", "type": "string_too_short"}]})
        self.projects_.append(body)
        return body

    async def change_project(self, token: str, project_id: str, body: Json, *, revision: str | None = None) -> Json:
        self.calls.append(("change_project", token, body))
        self.revisions_sent.append(revision)
        if self.refuse_change is not None:
            raise Refused(*self.refuse_change)
        return {**await self.project(token, project_id), **body}

    async def add_partner(self, token: str, project_id: str, body: Json) -> Json:
        return body

    async def declarations(self, token: str, project_id: str) -> list[Json]:
        return self.declared

    async def declare(self, token: str, project_id: str, body: Json) -> Json:
        missing = [n for n in ("kind", "institution_name", "declared_on") if n not in body]
        if missing:
            detail = [{"loc": ["body", n], "msg": "Field required", "type": "missing"} for n in missing]
            raise Refused(422, {"detail": detail})
        self.declared.append(body)
        return body

    async def participants(self, token: str, project_id: str, filters: dict[str, str | int]) -> Json:
        self.calls.append(("participants", token, dict(filters)))
        found = [
            p
            for p in self.people.values()
            if p["project_id"] == project_id and filters.get("status") in (None, p["status"])
        ]
        return {"total": len(found), "page": 1, "page_size": filters.get("page_size", 50), "items": found}

    async def search_participants(self, token: str, project_id: str, body: dict[str, str | int]) -> Json:
        self.calls.append(("search_participants", token, dict(body)))
        name = str(body.get("name", "")).casefold()
        found = [
            p
            for p in self.people.values()
            if p["project_id"] == project_id
            and body.get("status") in (None, p["status"])
            and body.get("pesel") in (None, (p.get("personal") or {}).get("pesel"))
            and name in " ".join(str(v) for k, v in (p.get("personal") or {}).items() if k.endswith("name")).casefold()
        ]
        return {"total": len(found), "page": 1, "page_size": body.get("page_size", 50), "items": found}

    async def audit(self, token: str, filters: dict[str, str | int]) -> Json:
        self.calls.append(("audit", token, dict(filters)))
        if self.refuse_audit is not None:
            raise Refused(*self.refuse_audit)
        found = [
            e
            for e in self.audit_entries
            if filters.get("project_id") == e["project_id"] and filters.get("action") in (None, e["action"])
        ]
        size = int(filters.get("page_size", 50))
        start = (int(filters.get("page", 1)) - 1) * size
        return {
            "total": len(found),
            "page": filters.get("page", 1),
            "page_size": size,
            "items": found[start : start + size],
        }

    async def participant(self, token: str, participant_id: str) -> Json:
        if participant_id not in self.people:
            raise Refused(404, {"detail": "participant not found"})
        return self.people[participant_id]

    async def enrol(self, token: str, project_id: str, body: Json, *, candidate: bool) -> Json:
        self.calls.append(("enrol", token, body))
        if self.refuse_enrolment is not None:
            raise Refused(*self.refuse_enrolment)
        participant_id = str(uuid.uuid4())
        self.people[participant_id] = person(participant_id, project_id, "candidate" if candidate else "enrolled")
        return self.people[participant_id]

    async def act(self, token: str, participant_id: str, action: str, body: Json) -> Json:
        self.calls.append((action, token, body))
        status = {"qualify": "qualified", "enrol": "enrolled", "withdraw": "withdrawn", "re-enrol": "enrolled"}
        self.people[participant_id]["status"] = status.get(action, "completed")
        return self.people[participant_id]

    async def import_file(
        self, token: str, project_id: str, filename: str, content: bytes, *, dry_run: bool = False
    ) -> Json:
        self.calls.append(("import_preview" if dry_run else "import", token, filename))
        self.imported.append(content)
        if dry_run:
            return IMPORT_REPORT | {"enrolled_rows": [{"row": 4, "participant_id": None}]}
        return IMPORT_REPORT

    async def imports(self, token: str, project_id: str, filters: dict[str, str | int]) -> Json:
        self.calls.append(("imports", token, dict(filters)))
        found = [i for i in self.import_log if i.get("project_id", project_id) == project_id]
        return {"total": len(found), "page": 1, "page_size": filters.get("page_size", 20), "items": found}

    async def download(self, token: str, path: str) -> Download:
        self.calls.append(("download", token, path))
        return Download(b"\xef\xbb\xbfa;b\r\n", "text/csv; charset=utf-8", "TA-2026-uczestnicy.csv")

    async def erase(self, token: str, participant_id: str) -> None:
        self.calls.append(("erase", token, None))
        self.people[participant_id].update(status="erased", personal=None)


IMPORT_REPORT: Json = {
    "rows": 3,
    "enrolled": 1,
    "already_enrolled": 0,
    "invalid_rows": 2,
    "encoding": "utf-8",
    "errors": [
        {"row": 3, "field": "PESEL", "reason": "niepoprawny PESEL"},
        {"row": 2, "field": "Kod pocztowy", "reason": "kod pocztowy w formacie 00-000"},
        {"row": 3, "field": "Imię", "reason": "brak imienia"},
    ],
    "enrolled_rows": [{"row": 4, "participant_id": "p"}],
    "already_enrolled_rows": [],
}


def person(participant_id: str, project_id: str = "TA-2026", status: str = "enrolled") -> Json:
    return {
        "participant_id": participant_id,
        "project_id": project_id,
        "organisation_id": "fundacja-eudajmonia",
        "status": status,
        "enrolled_on": "2026-02-02",
        "profile": {"category": "person_with_disability"},
        "history": [{"status": status, "on": "2026-02-02"}],
        "support_started_on": None,
        "personal": {"first_name": "Anna", "last_name": "Przykładowa", "pesel": "71030512348"},
        "consents": ["image", "processing_for_project"],
    }


def indicator(code: str, value: int, target: int, *, will_meet: bool) -> Json:
    return {
        "code": code,
        "name": f"Wskaźnik {code}",
        "value": value,
        "target": target,
        "reached": value >= target,
        "plan_to_date": None,
        "forecast": {
            "as_of": "2026-06-01",
            "expected_at_end": value * 2,
            "will_meet_target": will_meet,
            "per_month": 1,
        },
    }


@dataclass
class FakeReporting:
    reports: dict[str, Json] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    definitions: dict[str, list[Json]] = field(default_factory=dict)

    async def report(self, token: str, project_id: str) -> Json:
        if project_id not in self.reports:
            raise Refused(404, {"detail": "unknown project"})
        return self.reports[project_id]

    async def indicators(self, token: str, project_id: str) -> Json:
        return {"indicators": self.definitions.get(project_id, [])}

    async def templates(self, token: str) -> Json:
        return {"trener-aktywnosci": [], "wma": []}

    async def apply_template(self, token: str, project_id: str, template: str) -> Json:
        if template not in await self.templates(token):
            raise Refused(422, {"detail": [{"loc": ["body", "template"], "msg": "unknown", "type": "value_error"}]})
        self.definitions[project_id] = [{"code": "A-1", "name": "Osoby", "target": 10, "kind": "output"}]
        return {"indicators": self.definitions[project_id]}

    async def define(self, token: str, project_id: str, body: Json) -> Json:
        self.definitions[project_id] = list(body["indicators"])
        return body

    async def download(self, token: str, path: str) -> Download:
        self.downloads.append(path)
        return Download(b"PK", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "w.xlsx")


class FakeScheduling:
    async def ready(self) -> bool:
        return True

    async def participant_bookings(self, token: str, participant_id: str) -> list[Json]:
        return []

    async def participant_progress(self, token: str, participant_id: str) -> list[Json]:
        return []

    async def activities(self, token: str, project_id: str) -> list[Json]:
        return []

    async def sessions(self, token: str, project_id: str, first: str, last: str) -> list[Json]:
        return []
