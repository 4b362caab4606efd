"""Fuzzing a service's HTTP API from its own OpenAPI document (schemathesis + hypothesis), with a tally.

Every operation is called with generated data (valid and invalid) and a valid token; path parameters
are, three times out of four, ids of things that exist (a project, participants, a session...), so the
calls reach past "not found" into the handlers. What a person really sends and the schema's formats
never produce is added on top: each operation that takes such an input first gets it as an explicit
example (``explicit_cases``: a day and a wall-clock time without an offset in its date or time query
parameters, the import template's file with a refused environment row), then half of the generated
cases get more of them (``_realistic``). What each request that went out carried is tallied by kind
(``sent_kinds``), so a run shows it sent each of them. Each answer is checked: no 5xx, and status code,
content type, headers and body as the document promises. Failures are collected, not raised one by one,
so a run reports every broken operation at once.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, example, given, reject, settings
from hypothesis import strategies as st
from requests import PreparedRequest, RequestException
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation as AnyOperation
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aktywni_shared.auth import Role
from aktywni_stack import demo_data, demo_scheduling
from tests.e2e.conftest import RunningSystem, eventually
from tests.e2e.test_import import HEADERS, _csv, _row
from tests.support.people import person
from tests.support.scheduling import coordinator, enrol, known_to_scheduling, people, project_known

#: Any operation of an OpenAPI document.
APIOperation = AnyOperation[Any, Any, Any, Any]
#: Examples per operation and generation mode; ``AKTYWNI_FUZZ_EXAMPLES`` raises it for a long run.
DEFAULT_EXAMPLES = 3
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: Operations that are not request/response: an endless server-sent-event stream.
STREAMING = {"GET /projects/{project_id}/stream"}
REQUEST_TIMEOUT = 30.0


def examples_per_operation() -> int:
    raw = os.environ.get("AKTYWNI_FUZZ_EXAMPLES", str(DEFAULT_EXAMPLES))
    count = int(raw)
    if count < 1:
        raise ValueError(f"AKTYWNI_FUZZ_EXAMPLES must be at least 1, not {raw}")
    return count


@dataclass
class World:
    """Ids of things that exist, by the name path parameters give them."""

    ids: dict[str, list[str]]

    def path_parameters(self, operation: APIOperation, rng: random.Random) -> dict[str, str]:
        names = [p.name for p in operation.path_parameters]
        return {name: rng.choice(self.ids[name]) for name in names if name in self.ids}

    def query_ids(self, operation: APIOperation, rng: random.Random) -> dict[str, str]:
        """Real ids for the query parameters named like a world's id (the audit log's ``project_id``): a
        case that sets its own query must keep them, or it stops at 422 before the handler."""
        return {p.name: rng.choice(self.ids[p.name]) for p in operation.query if p.name in self.ids}


@dataclass
class Tally:
    operations: int = 0
    cases: int = 0
    server_errors: int = 0
    violations: int = 0
    network_errors: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    #: The kinds of real input (``KINDS``) each operation must be sent, by its label.
    expected: dict[str, list[str]] = field(default_factory=dict)
    #: Requests that carried a kind of real input, by (label, kind, status of the answer).
    sent: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    def record(self, label: str, problem: str) -> None:
        self.failures.setdefault(label, problem)

    def sent_count(self, label: str, kind: str) -> int:
        return sum(
            count for (sent_to, sent_kind, _), count in self.sent.items() if (sent_to, sent_kind) == (label, kind)
        )

    def unsent(self) -> list[str]:
        """Each operation and kind of real input it should have been sent but was not."""
        return [
            f"{label} was never sent {kind}"
            for label, kinds in self.expected.items()
            for kind in kinds
            if not self.sent_count(label, kind)
        ]

    def real_inputs(self) -> list[str]:
        """How often each operation was sent each kind of real input, and what it answered."""
        lines = []
        for label, kinds in self.expected.items():
            for kind in kinds:
                answers = sorted((status, n) for (to, k, status), n in self.sent.items() if (to, k) == (label, kind))
                statuses = ", ".join(f"{status}: {n}" for status, n in answers)
                lines.append(
                    f"{label} sent {kind}: {self.sent_count(label, kind)} cases (answers {statuses or 'none'})"
                )
        return lines

    def summary(self, service: str) -> str:
        return (
            f"{service}: {self.operations} operations, {self.cases} cases, {self.server_errors} server errors, "
            f"{self.violations} schema violations, {self.network_errors} network errors; answers by status: "
            + ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
            + "; slowest: "
            + ", ".join(f"{label} {self.seconds[label]:.1f} s" for label in self.slowest())
        )

    def slowest(self, count: int = 3) -> list[str]:
        return sorted(self.seconds, key=self.seconds.__getitem__, reverse=True)[:count]


def load(system: RunningSystem, service: str) -> BaseSchema:
    schema = schemathesis.openapi.from_url(f"{system.url(service)}/openapi.json", timeout=REQUEST_TIMEOUT)
    # A generated body or query must be sendable (no NUL bytes, which no HTTP client sends as they are);
    # the token is always a valid one (what a missing or bad one gets is tests/e2e/test_authorisation*.py's job).
    schema.config.generation.update(allow_x00=False, with_security_parameters=False)
    return schema


def token_for(system: RunningSystem, operation: APIOperation) -> str:
    """An administrator for registering organisations, else the leading organisation's coordinator."""
    if operation.method.upper() == "POST" and operation.path == "/organisations":
        return system.token(demo_data.MOPS, Role.ADMINISTRATOR)
    return system.token(demo_data.EUDAJMONIA, Role.COORDINATOR)


@st.composite
def _drawable(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    """A case of ``strategy``, skipping the rare negative case schemathesis cannot build (an InvalidSchema:
    "Cannot generate an array with 1 demanded elements" for some invalid ``POST /venues`` bodies)."""
    try:
        return draw(strategy)
    except InvalidSchema:
        reject()


#: What a person types for a day or a time: a bare day, or a wall-clock time without an offset. The
#: "date-time" format's strategy only ever makes RFC 3339 times with an offset, so neither was ever sent.
MOMENTS: st.SearchStrategy[str] = st.one_of(
    st.dates(min_value=date(2012, 1, 1), max_value=date(2016, 12, 31)).map(date.isoformat),
    st.datetimes(min_value=datetime(2012, 1, 1), max_value=datetime(2016, 12, 31)).map(
        lambda moment: moment.isoformat(timespec="minutes")
    ),
)
LINKED = "PESEL osoby z niepełnosprawnością (dla otoczenia)"
ENVIRONMENT = "Otoczenie ON (rodzina, opiekun)"

#: The kinds of real input a run must send to each operation that takes one.
DAY = "a day"
LOCAL_TIME = "a local time without an offset"
IMPORT_FILE = "the template's file with a refused environment row"
KINDS = (DAY, LOCAL_TIME, IMPORT_FILE)
#: The explicit examples' bounds: the days of the request that was a 500, and local times on them.
DAYS = ("2026-03-01", "2026-03-31")
LOCAL_TIMES = ("2026-03-01T10:00", "2026-03-31T18:00")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOCAL_TIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?")
_TEMPLATE_HEADER = ";".join(HEADERS).encode()


def _moment_parameters(operation: APIOperation) -> list[str]:
    """The query parameters the document types as a date or a date-time (also inside anyOf)."""
    return [
        p.name
        for p in operation.query
        if '"format": "date-time"' in json.dumps(p.definition) or '"format": "date"' in json.dumps(p.definition)
    ]


def _takes_an_import_file(operation: APIOperation) -> bool:
    return operation.method.upper() == "POST" and operation.path.endswith("/imports")


def expected_kinds(operation: APIOperation) -> list[str]:
    """The kinds of real input ``operation`` takes (and must be sent in a run)."""
    return ([DAY, LOCAL_TIME] if _moment_parameters(operation) else []) + (
        [IMPORT_FILE] if _takes_an_import_file(operation) else []
    )


def sent_kinds(operation: APIOperation, request: PreparedRequest) -> set[str]:
    """The kinds of real input the request that went out carried: read from its URL and body, not from the
    case, so what is counted is what the server got."""
    kinds = set()
    names = set(_moment_parameters(operation))
    query = parse_qs(urlsplit(request.url or "").query, keep_blank_values=True)
    values = [value for name, given in query.items() if name in names for value in given]
    if any(_DAY_RE.fullmatch(value) for value in values):
        kinds.add(DAY)
    if any(_LOCAL_TIME_RE.fullmatch(value) for value in values):
        kinds.add(LOCAL_TIME)
    body = request.body
    is_template_file = isinstance(body, bytes) and _TEMPLATE_HEADER in body and ENVIRONMENT.encode() in body
    if _takes_an_import_file(operation) and is_template_file:
        kinds.add(IMPORT_FILE)
    return kinds


def import_file(seed: int) -> bytes:
    """A CSV in the template's columns whose rows are valid but one: an environment person linked to
    nobody of the project (refused, so the environment rows' batch has no valid row)."""
    rng = random.Random(seed)
    on, stranger, carer = person(rng, 1), person(rng, 2), person(rng, 3)
    disabled = {"Stopień niepełnosprawności": "umiarkowany", "Klient pomocy społecznej": "Tak"}
    rows = [
        _row(on, demo_data.EUDAJMONIA, "Osoba niepełnosprawna (ON)", **disabled),
        _row(carer, demo_data.EUDAJMONIA, ENVIRONMENT, **{LINKED: stranger["pesel"]}),
    ]
    return bytes(_csv(rows))


@st.composite
def _realistic(draw: st.DrawFn, strategy: st.SearchStrategy[Any], operation: APIOperation, world: World) -> Any:
    """Half of the cases, on real ids: days and offset-less times in date/time query parameters, and
    for an import a real file (generated bytes never have the template's header, so every one of
    them stopped at "wrong columns")."""
    case = draw(strategy)
    moments = _moment_parameters(operation)
    imports = _takes_an_import_file(operation)
    if not (moments or imports) or not draw(st.booleans()):
        return case
    rng = random.Random(draw(st.integers(0, 2**16)))
    case.path_parameters = world.path_parameters(operation, rng)
    if moments:
        bounds = {name: draw(MOMENTS) for name in moments if draw(st.booleans())} or {moments[0]: draw(MOMENTS)}
        case.query = {**world.query_ids(operation, rng), **bounds}
    if imports:
        case.query = {}
        case.body = {"file": import_file(draw(st.integers(0, 2**32)))}
    return case


def explicit_cases(operation: APIOperation, world: World, rng: random.Random) -> list[schemathesis.Case[Any]]:
    """The cases every run sends first (hypothesis's explicit examples, as schemathesis adds its own), on
    real ids: the days, then the local times, in all of the operation's date or time query parameters, and
    for an import the template's file with a refused environment row. Generated cases may or may not be
    such inputs; these always are."""
    moments = _moment_parameters(operation)
    path = world.path_parameters(operation, rng)
    ids = world.query_ids(operation, rng)
    cases = [
        operation.Case(path_parameters=path, query={**ids, **{name: bounds[i % 2] for i, name in enumerate(moments)}})
        for bounds in (DAYS, LOCAL_TIMES)
        if moments
    ]
    if _takes_an_import_file(operation):
        body = {"file": import_file(rng.randrange(2**32))}
        cases.append(operation.Case(path_parameters=path, body=body, media_type="multipart/form-data"))
    return cases


def _strategies(operation: APIOperation, world: World, rng: random.Random) -> Any:
    """Generated cases of both modes; most of them on real ids (a different real id per strategy)."""
    choices = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        generated = operation.as_strategy(generation_mode=mode)
        real = [
            operation.as_strategy(generation_mode=mode, path_parameters=world.path_parameters(operation, rng))
            for _ in range(3)
        ]
        choices.extend([*real, generated] if operation.path_parameters else [generated])
    return _realistic(_drawable(st.one_of(choices)), operation, world)


def fuzz_operation(system: RunningSystem, service: str, operation: APIOperation, world: World, tally: Tally) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    base_url = system.url(service)
    examples = examples_per_operation()
    headers = {"Authorization": f"Bearer {token_for(system, operation)}"}
    rng = random.Random(label)
    tally.operations += 1
    kinds = expected_kinds(operation)
    if kinds:
        tally.expected[label] = kinds

    @settings(
        max_examples=examples * 2,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
    )
    @given(case=_strategies(operation, world, rng))
    def run(case: schemathesis.Case[Any]) -> None:
        tally.cases += 1
        try:
            response = case.call(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT)
        except RequestException as error:
            tally.network_errors += 1
            tally.record(label, f"network error: {error!r}")
            return
        tally.statuses[response.status_code] += 1
        for kind in sent_kinds(operation, response.request):
            tally.sent[(label, kind, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as failure:
            problem = f"{failure}\n  reproduce: {case.as_curl_command(headers={})}"
            if response.status_code >= 500:
                tally.server_errors += 1
            else:
                tally.violations += 1
            tally.record(label, problem)

    # Hypothesis runs explicit examples in reverse order of attachment: reversed, they run in order.
    for case in reversed(explicit_cases(operation, world, rng)):
        run = example(case=case)(run)
    started = time.monotonic()
    run()
    tally.seconds[label] = time.monotonic() - started


def fuzz(system: RunningSystem, service: str, world: World) -> Tally:
    """Fuzz every operation of ``service`` (``AKTYWNI_FUZZ_ONLY``: only those whose label contains it)."""
    schema = load(system, service)
    only = os.environ.get("AKTYWNI_FUZZ_ONLY", "")
    tally = Tally()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"{service}'s OpenAPI document has an operation schemathesis cannot read"
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in STREAMING or only not in label:
            continue
        fuzz_operation(system, service, operation, world, tally)
    return tally


def report(tallies: dict[str, Tally]) -> str:
    lines = [tally.summary(service) for service, tally in tallies.items()]
    total = Tally(
        operations=sum(t.operations for t in tallies.values()),
        cases=sum(t.cases for t in tallies.values()),
        server_errors=sum(t.server_errors for t in tallies.values()),
        violations=sum(t.violations for t in tallies.values()),
        network_errors=sum(t.network_errors for t in tallies.values()),
        statuses=sum((t.statuses for t in tallies.values()), Counter()),
    )
    lines.append(total.summary("total"))
    lines.extend(f"[{service}] {line}" for service, tally in tallies.items() for line in tally.real_inputs())
    for service, tally in tallies.items():
        lines.extend(f"\n[{service}] {label}\n{problem}" for label, problem in tally.failures.items())
    return "\n".join(lines)


# --- the world the fuzzer's path parameters point into -------------------------------------------------


def _venue() -> dict[str, Any]:
    return {
        "venue_id": f"fuzz-{uuid.uuid4().hex[:8]}",
        "name": "Sala do testów",
        "address": {"street": "ul. Testowa 1", "postal_code": "50-001", "city": "Wrocław"},
        "step_free_entrance": True,
        "lift": False,
        "rooms": [{"room_id": "duza", "name": "Duża sala", "capacity": 40, "floor": 0}],
        "opening_hours": {d: [{"opens": "08:00", "closes": "18:00"}] for d in ("mon", "tue", "wed", "thu", "fri")},
    }


def _indicators_applied(system: RunningSystem, project_id: str) -> bool:
    with system.client("reporting", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        body = {"template": "trener-aktywnosci"}
        return bool(
            eventually(lambda: leader.post(f"/projects/{project_id}/indicators/template", json=body).is_success)
        )


def build_world(system: RunningSystem) -> World:
    """A project led by Fundacja EUDAJMONIA with participants, a venue, staff, an activity and sessions."""
    project_id = f"FUZZ-{uuid.uuid4().hex[:10]}"
    with system.client("enrolment", demo_data.EUDAJMONIA, Role.COORDINATOR) as leader:
        response = leader.post("/projects", json=demo_data.ta_project(project_id))
        assert response.status_code == 201, response.text
    participants = enrol(system, project_id, people("on", 4, seed=random.randrange(10, 99)))
    assert project_known(system, project_id), f"scheduling never learned of project {project_id}"
    venue = _venue()
    with coordinator(system) as client:
        assert client.post("/venues", json=venue).status_code == 201
        for member in demo_scheduling.STAFF:
            assert client.post("/staff", json=member).status_code in (201, 409)
        activity = {
            "form": "workshop",
            "title": "Warsztaty",
            "target_categories": ["person_with_disability"],
            "planned_hours": 4,
            "capacity": 40,
        }
        response = client.post(f"/projects/{project_id}/activities", json=activity)
        assert response.status_code == 201, response.text
        activity_id = str(response.json()["activity_id"])
        sessions = []
        for day in (date(2012, 11, 5), date(2012, 11, 6)):
            session = {**demo_scheduling.at(day, "10:00", 2), "venue_id": venue["venue_id"], "room_id": "duza"}
            response = client.post(f"/activities/{activity_id}/sessions", json=session)
            assert response.status_code == 201, response.text
            sessions.append(str(response.json()["session_id"]))
    assert known_to_scheduling(system, project_id, participants), "scheduling never learned of the participants"
    assert _indicators_applied(system, project_id), f"reporting never took indicators for {project_id}"
    return World(
        ids={
            "project_id": [project_id],
            "participant_id": participants,
            "session_id": sessions,
            "activity_id": [activity_id],
            "venue_id": [venue["venue_id"]],
            "staff_id": [str(m["staff_id"]) for m in demo_scheduling.STAFF],
            "code": ["TA-MODEL", "TA-ON-SUPPORTED"],
        }
    )
