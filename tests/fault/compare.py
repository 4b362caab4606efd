"""The system's numbers against the oracle's: reports, participant counts, bookings, enrolment's state,
and the events on Kafka (nothing lost, nothing published twice)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from aktywni_shared.auth import Role
from aktywni_stack import demo_data
from tests.fault import oracle
from tests.fault.http import Api
from tests.fault.kafka_tools import Record
from tests.fault.workload import Person, Project, Workload

AUDITOR = (demo_data.MOPS, Role.AUDITOR)
LEADER = (demo_data.EUDAJMONIA, Role.COORDINATOR)


@dataclass
class Comparison:
    numbers: int = 0
    mismatches: list[str] = field(default_factory=list)

    def check(self, where: str, expected: Any, actual: Any) -> None:
        self.numbers += _leaves(expected)
        if _clean(expected) != _clean(actual):
            self.mismatches.append(f"{where}: expected {expected}, got {actual}")


def _leaves(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values()) or 1
    return 1


def _clean(value: Any) -> Any:
    """Zero counts are the same as absent ones."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v not in (0, {}, None)}
    return value


def _get(api: Api, client: httpx.Client, service: str, path: str, as_: tuple[str, Role]) -> Any:
    return api.send(client, "GET", service, path, as_=as_, ok=(200,), retry_for=60).json()


def numbers(api: Api, workload: Workload, ids: dict[str, str], sessions: dict[str, dict[str, str]]) -> Comparison:
    """Every number the oracle predicts, read from reporting, scheduling and enrolment."""
    result = Comparison()
    expected = oracle.expected(workload)
    with httpx.Client() as client:
        for project in workload.projects:
            pid, wanted = project.project_id, expected[project.project_id]
            report = _get(api, client, "reporting", f"/projects/{pid}/report", AUDITOR)
            shown = {i["code"]: i for i in report["indicators"]}
            for code, values in wanted["report"].items():
                actual = shown.get(code, {})
                for name, value in values.items():
                    shown_value = actual.get(name)
                    if name == "breakdowns" and isinstance(shown_value, dict):
                        # the oracle predicts the splits its workload varies on purpose; the funder's other
                        # splits (labour-market status, education, DEGURBA) are checked by the unit and e2e
                        # tests of reporting, and a split the oracle predicts but the report lacks still fails
                        shown_value = {split: shown_value.get(split) for split in value}
                    result.check(f"{pid} {code} {name}", value, shown_value)
            count = _get(api, client, "reporting", f"/projects/{pid}/participants/count", AUDITOR)
            for name, value in wanted["participants"].items():
                result.check(f"{pid} participants {name}", value, count.get(name))
            for key, value in wanted["sessions"].items():
                session = _get(api, client, "scheduling", f"/sessions/{sessions[pid][key]}", LEADER)
                result.check(
                    f"{pid} session {key}",
                    value,
                    {"confirmed": session["confirmed"], "waitlisted": session["waitlisted"]},
                )
                holders = Counter(b["participant_id"] for b in session["bookings"] if b["state"] == "confirmed")
                result.check(f"{pid} session {key} seats held twice", 0, sum(n - 1 for n in holders.values()))
            _enrolment_state(api, client, project, ids, result)
    return result


def _final_status(p: Person) -> set[str]:
    if p.erased:
        return {"erased"}
    if p.fate in ("withdrawn", "withdrawn_after_support"):
        return {"withdrawn"}
    return {"enrolled", "active", "completed"}


def _enrolment_state(api: Api, client: httpx.Client, project: Project, ids: dict[str, str], result: Comparison) -> None:
    """Enrolment holds every person once (0 lost enrolments), each in the state the workload left them."""
    stored: dict[str, str] = {}
    page = 1
    while True:
        path = f"/projects/{project.project_id}/participants?page={page}&page_size=200"
        answer = _get(api, client, "enrolment", path, LEADER)
        stored.update({item["participant_id"]: item["status"] for item in answer["items"]})
        if page * 200 >= answer["total"]:
            break
        page += 1
    mine = {ids[p.key]: p for p in project.people if p.key in ids}
    result.check(f"{project.project_id} enrolment: participants stored", len(project.people), len(stored))
    result.check(f"{project.project_id} enrolment: enrolments lost", 0, len(set(mine) - set(stored)))
    result.check(f"{project.project_id} enrolment: participants not in the workload", 0, len(set(stored) - set(mine)))
    wrong = [f"{p.key} is {stored.get(pid)}" for pid, p in mine.items() if stored.get(pid) not in _final_status(p)]
    result.check(f"{project.project_id} enrolment: participants in a wrong state", [], wrong)


@dataclass
class EventCheck:
    published: int = 0
    #: the same event id more than once: the outbox is at-least-once by design (a crash between the
    #: broker's acknowledgement and the removal of the entry publishes it again; consumers skip it by
    #: its id). Reported with the ids, not a failure; a command's effect published twice is ``extra``.
    duplicated: int = 0
    lost: int = 0  # an event the workload caused that is not on Kafka
    extra: int = 0  # more events of a kind than the workload caused
    details: list[str] = field(default_factory=list)


def _support_expected(project: Project, p: Person) -> tuple[int, int]:
    """(SupportStarted, SupportCompleted) scheduling must publish for ``p``: at most one start, and one
    completion per activity whose rule the attendance met."""
    started = int(oracle.support_started_on(project, p) is not None)
    hours: Counter[str] = Counter()
    completed: set[str] = set()
    for key, status in p.attendance:
        session = project.sessions[key]
        activity = project.activities[session.activity_key]
        if status != "present":
            continue
        hours[activity.key] += int(session.hours * 60)
        if activity.form == "individual_meeting" or hours[activity.key] >= 0.8 * activity.planned_hours * 60:
            completed.add(activity.key)
    return started, len(completed)


def _tally_events(records: list[Record]) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """Events of each type per participant, and declarations per project (each event id once)."""
    unique = {r.event()["event_id"]: r.event() for r in records}.values()
    by_participant: Counter[tuple[str, str]] = Counter()
    declarations: Counter[str] = Counter()
    for event in unique:
        payload = event.get("payload", {})
        if "participant_id" in payload:
            by_participant[(str(payload["participant_id"]), event["type"])] += 1
        if event["type"] == "DeclarationRecorded":
            declarations[event["project_id"]] += 1
    return by_participant, declarations


def _person_events(project: Project, p: Person, pid: str, got: Counter[tuple[str, str]], result: EventCheck) -> None:
    started, completed = _support_expected(project, p)
    wanted = {
        "ParticipantEnrolled": 2 if p.fate == "re_enrolled" else 1,
        "ParticipantWithdrawn": int(p.fate != "stays"),
        "ParticipantErased": int(p.erased),
        "SupportStarted": started,
        "SupportCompleted": completed,
    }
    for kind, n in wanted.items():
        have = got[(pid, kind)]
        if have != n:
            result.details.append(f"{p.key}: {have} {kind}, expected {n}")
        result.lost += max(0, n - have)
        result.extra += max(0, have - n)


def events(records: list[Record], workload: Workload, ids: dict[str, str]) -> EventCheck:
    """Outboxes of enrolment and scheduling: each event once by id, none of the workload's missing."""
    result = EventCheck(published=len(records))
    seen = Counter(r.event()["event_id"] for r in records)
    result.duplicated = sum(n - 1 for n in seen.values())
    for r in records:
        event = r.event()
        if seen[event["event_id"]] > 1:
            result.details.append(
                f"published more than once: {event['type']} {event['event_id']} ({event['producer']}) "
                f"at {r.topic}[{r.partition}]@{r.offset}"
            )
    by_participant, declarations = _tally_events(records)
    for project in workload.projects:
        for p in project.people:
            pid = ids.get(p.key)
            if pid is None:
                result.lost += 1
                result.details.append(f"{p.key} was never enrolled")
            else:
                _person_events(project, p, pid, by_participant, result)
        got, sent = declarations[project.project_id], len(project.declarations)
        if got < sent:
            result.lost += sent - got
            result.details.append(f"{project.project_id}: {got} DeclarationRecorded of {sent}")
        elif got > sent:
            result.details.append(
                f"{project.project_id}: {got} DeclarationRecorded for {sent} declarations "
                "(a declaration sent again after a lost answer is stored again: the API has no idempotency key)"
            )
    return result
