"""Sends a workload to the three services over HTTP, with a few workers, as coordinators would.

Phases: reference data and projects; then every family (a person with a disability and their
environment) and every trainee on its own worker — enrolment (some people by several requests at
once), withdrawal, re-enrolment, bookings, cancellations, attendance in date order, withdrawal after
support — with the declarations and the delivered model alongside; then, per project, every
remaining ON and environment person races (two requests each, all at once) for the workshop's four
seats; then the erasures. Each command is retried until it gets a final answer (see ``http``).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

import httpx

from aktywni_shared.auth import Role
from aktywni_stack import demo_data, demo_scheduling
from tests.fault.http import RETRY_FOR, Api, CommandFailed
from tests.fault.workload import Person, Project, Workload

ADMIN = (demo_data.MOPS, Role.ADMINISTRATOR)
LEADER = (demo_data.EUDAJMONIA, Role.COORDINATOR)
SCHEDULING_WAITS_FOR = 120.0  # seconds for scheduling to learn of an enrolment event


def _status(code: int) -> Callable[[httpx.Response], bool]:
    return lambda r: r.status_code == code


def _says(code: int, text: str) -> Callable[[httpx.Response], bool]:
    return lambda r: r.status_code == code and text in r.text


#: enrolment's answer when a participant changed between reading and writing it (e.g. made active by
#: scheduling's SupportStarted meanwhile): the command is to be sent again.
CHANGED_MEANWHILE = _says(409, "changed meanwhile")


class Driver:
    def __init__(
        self, api: Api, workload: Workload, workers: int = 4, pace: Callable[[float], None] | None = None
    ) -> None:
        self.api = api
        self.pace = pace or (lambda _: None)  # called with the share of the work started, may hold it back
        self.started = 0
        self.workload = workload
        self.workers = workers
        self.ids: dict[str, str] = {}  # person key → participant id
        self.sessions: dict[str, dict[str, str]] = {}  # project id → session key → session id
        self.findings: list[str] = []
        self.lock = threading.Lock()
        self.local = threading.local()

    # --- plumbing ---------------------------------------------------------------------------------
    def client(self) -> httpx.Client:
        if not hasattr(self.local, "client"):
            self.local.client = httpx.Client()
        return self.local.client  # type: ignore[no-any-return]

    def send(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.api.send(self.client(), method, service, path, **kwargs)

    def finding(self, text: str) -> None:
        with self.lock:
            self.findings.append(text)

    def _run_all(self, tasks: list[Callable[[], None]], workers: int | None = None) -> None:
        with ThreadPoolExecutor(max_workers=workers or self.workers) as pool:
            futures: list[Future[None]] = [pool.submit(task) for task in tasks]
            for future in futures:
                error = future.exception()
                if error is not None:
                    self.finding(f"{type(error).__name__}: {error}")

    # --- phase 1: reference data ------------------------------------------------------------------
    def set_up(self) -> None:
        for organisation in demo_data.ORGANISATIONS:
            self.send("POST", "enrolment", "/organisations", as_=ADMIN, json=organisation, ok=(201, 409))
        for venue in demo_scheduling.VENUES:
            self.send("POST", "scheduling", "/venues", as_=LEADER, json=venue, ok=(201, 409))
        for member in demo_scheduling.STAFF:
            self.send("POST", "scheduling", "/staff", as_=LEADER, json=member, ok=(201, 409))
        for project in self.workload.projects:
            self._set_up_project(project)

    def _set_up_project(self, project: Project) -> None:
        pid = project.project_id
        self.send("POST", "enrolment", "/projects", as_=LEADER, json=project.body(), ok=(201, 409))
        self.send("GET", "scheduling", f"/projects/{pid}/activities", as_=LEADER, wait_if=_status(404), ok=(200,))
        self.send(
            "POST",
            "reporting",
            f"/projects/{pid}/indicators/template",
            as_=LEADER,
            json={"template": "trener-aktywnosci"},
            wait_if=_status(404),
        )
        activity_ids = {}
        for key, activity in project.activities.items():
            created = self.send("POST", "scheduling", f"/projects/{pid}/activities", as_=LEADER, json=activity.body())
            activity_ids[key] = created.json()["activity_id"]
        self.sessions[pid] = {}
        for key, session in project.sessions.items():
            path = f"/activities/{activity_ids[session.activity_key]}/sessions"
            created = self.send("POST", "scheduling", path, as_=LEADER, json=session.body(), ok=(201,))
            self.sessions[pid][key] = created.json()["session_id"]

    # --- phase 2: people --------------------------------------------------------------------------
    def people(self) -> None:
        tasks: list[Callable[[], None]] = []
        for project in self.workload.projects:
            families: dict[str, list[Person]] = {}
            for p in project.people:
                families.setdefault(p.link_to or p.key, []).append(p)
            for members in families.values():
                tasks.append(partial(self._family, members))
            tasks.append(partial(self._declarations, project))
        self._run_all(tasks)

    def _family(self, members: list[Person]) -> None:
        with self.lock:
            self.started += len(members)
            share = self.started / len(self.workload.people)
        self.pace(share)
        members = sorted(members, key=lambda p: p.link_to is not None)  # the linked person first
        for p in members:
            self.enrol(p)
        for p in members:
            self._path(p)

    def enrol(self, p: Person) -> str:
        body = dict(p.body)
        if p.link_to is not None:
            body["linked_participant_id"] = self.ids[p.link_to]
        answers: list[str] = []

        def one() -> None:
            answers.append(self._enrol_once(p, body))

        threads = [threading.Thread(target=one) for _ in range(p.duplicate_requests)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if len(answers) != p.duplicate_requests or len(set(answers)) != 1:
            raise CommandFailed(f"enrolling {p.key} by {p.duplicate_requests} requests gave participants {answers}")
        with self.lock:
            self.ids[p.key] = answers[0]
        return answers[0]

    def _enrol_once(self, p: Person, body: dict[str, Any]) -> str:
        """The participant id: from a 201, or from the 409 naming the person's existing enrolment."""
        deadline = time.monotonic() + RETRY_FOR
        while time.monotonic() < deadline:
            response = self.send(
                "POST", "enrolment", f"/projects/{p.project_id}/participants", as_=LEADER, json=body, ok=(201, 409)
            )
            if response.status_code == 201:
                self.api.stats.add("enrolments created")
                return str(response.json()["participant_id"])
            existing = response.json().get("existing_participant_id")
            if existing:
                self.api.stats.add("enrolments answered 409 (the same person)")
                return str(existing)
            self.api.stats.add("enrolments answered 409 (being enrolled meanwhile)")
            time.sleep(1.0)
        raise CommandFailed(f"enrolling {p.key}: still 'being enrolled by another request' after {RETRY_FOR} s")

    def _path(self, p: Person) -> None:
        pid, sessions = self.ids[p.key], self.sessions[p.project_id]
        if p.fate in ("withdrawn", "re_enrolled"):
            self.withdraw(p, str(p.withdrawn_on))
        if p.fate == "re_enrolled":
            self._wait_scheduling_status(p, "withdrawn")
            self.send(
                "POST",
                "enrolment",
                f"/participants/{pid}/re-enrolment",
                as_=LEADER,
                json={"enrolled_on": str(p.re_enrolled_on)},
                ok=(200,),
                wait_if=CHANGED_MEANWHILE,
                done=_says(422, "re-enrolled, not"),
            )
            self._wait_scheduling_status(p, "enrolled")
        for key in [*p.bookings, *p.cancelled]:
            self.book(p, sessions[key], expect="confirmed")
        for key in p.cancelled:
            self.send(
                "DELETE", "scheduling", f"/sessions/{sessions[key]}/bookings/{pid}", as_=LEADER, done=_status(404)
            )
        for key, status in p.attendance:
            body = {"records": [{"participant_id": pid, "status": status}]}
            self.send("POST", "scheduling", f"/sessions/{sessions[key]}/attendance", as_=LEADER, json=body, ok=(200,))
        if p.fate == "withdrawn_after_support":
            self.withdraw(p, str(p.withdrawn_on))

    def withdraw(self, p: Person, on: str) -> None:
        self.send(
            "POST",
            "enrolment",
            f"/participants/{self.ids[p.key]}/withdrawal",
            as_=LEADER,
            json={"withdrawn_on": on, "reason": "own_decision"},
            ok=(200,),
            wait_if=CHANGED_MEANWHILE,
            done=_says(422, "withdrawn cannot withdraw"),
        )

    def book(self, p: Person, session_id: str, expect: str | None) -> str:
        """Book (retried while scheduling has not learned of the participant yet); the booking's state."""
        response = self.send(
            "POST",
            "scheduling",
            f"/sessions/{session_id}/bookings",
            as_=LEADER,
            json={"participant_id": self.ids[p.key]},
            ok=(200, 201),
            wait_if=lambda r: r.status_code == 404 or (r.status_code == 409 and "conflict.busy" in r.text),
            retry_for=SCHEDULING_WAITS_FOR,
        )
        state = str(response.json()["state"])
        if expect is not None and state != expect:
            raise CommandFailed(f"booking of {p.key} in {session_id} is {state}, not {expect}")
        return state

    def _wait_scheduling_status(self, p: Person, status: str) -> None:
        """Until scheduling shows the participant in ``status`` (its events are applied in order)."""
        pid = self.ids[p.key]
        deadline = time.monotonic() + SCHEDULING_WAITS_FOR
        while True:
            response = self.send("GET", "scheduling", f"/projects/{p.project_id}/participants", as_=LEADER, ok=(200,))
            if any(x["participant_id"] == pid and x["status"] == status for x in response.json()):
                return
            if time.monotonic() > deadline:
                raise CommandFailed(f"scheduling does not show {p.key} as {status} after {SCHEDULING_WAITS_FOR} s")
            time.sleep(0.5)

    def _declarations(self, project: Project) -> None:
        for n, declaration in enumerate(project.declarations):
            body = declaration.body(f"Deklaracja {n + 1}/{project.project_id}")
            self.send("POST", "enrolment", f"/projects/{project.project_id}/declarations", as_=LEADER, json=body)
        entry = {
            "entry_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"model/{project.project_id}")),
            "quantity": 1,
            "on": str(project.model_delivered_on),
            "note": "Model TA przekazany",
        }
        path = f"/projects/{project.project_id}/indicators/TA-MODEL/entries"
        self.send("POST", "reporting", path, as_=LEADER, json=entry, ok=(200, 201), wait_if=_status(404))

    # --- phase 3: the race for the workshop's seats ------------------------------------------------
    def race(self) -> None:
        tasks: list[Callable[[], None]] = []
        for project in self.workload.projects:
            session_id = self.sessions[project.project_id]["workshop"]
            for p in project.people:
                if p.racer:
                    tasks += [partial(self._race_one, p, session_id) for _ in range(2)]
        self._run_all(tasks, workers=max(8, len(tasks)))

    def _race_one(self, p: Person, session_id: str) -> None:
        self.book(p, session_id, expect=None)

    # --- phase 4: erasures ------------------------------------------------------------------------
    def erasures(self) -> None:
        self._run_all([partial(self.erase, p) for p in self.workload.people if p.erased])

    def erase(self, p: Person) -> None:
        self.send(
            "DELETE",
            "enrolment",
            f"/participants/{self.ids[p.key]}/personal-data",
            as_=LEADER,
            ok=(204,),
            wait_if=CHANGED_MEANWHILE,
            done=lambda r: r.status_code == 404 or (r.status_code == 422 and "already erased" in r.text),
        )

    def run(self) -> None:
        self.people()
        self.race()
        self.erasures()
