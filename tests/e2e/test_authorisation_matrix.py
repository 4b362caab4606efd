"""The authorisation matrix: every operation of every service's OpenAPI × every role × three organisations.

The policy (who may call what, for whose organisation) is the table in ``tests/support/authorisation.py``.
An operation a service publishes without a policy entry, or an entry whose operation is gone, fails
``test_every_published_operation_has_a_policy``, naming it: that is how new endpoints join the matrix.

Each cell calls one operation with real path parameters (a project led by the "own" organisation,
its participants, venue, staff, activity, sessions and bookings) and a minimal valid body. An allowed
caller gets a success (409 where a write is the same as an earlier cell's); anyone else gets 401, 403
or 404, and no answer carries personal data or a participant id the caller may not see. Writes that
change a resource's state for good (withdrawal, erasure, cancellation, ...) get a resource of their
own for every allowed caller, so the other cells keep theirs.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_stack import demo_data
from tests.e2e.conftest import OTHER_ORGANISATION, RunningSystem, eventually
from tests.support.authorisation import (
    ORGANISATION_OF,
    PARTICIPANT_ROLES,
    PERSONAL_DATA_ROLES,
    POLICY,
    Context,
    Operation,
    Unauthenticated,
    leaked,
    missing_and_stale,
    operations_of,
    readable_text,
    refusals,
    with_body,
)
from tests.support.people import pesel

SERVICES = ("enrolment", "scheduling", "reporting")
Caller = tuple[Role, Context] | Unauthenticated
assert OTHER_ORGANISATION["organisation_id"] == ORGANISATION_OF[Context.OTHER]


# --- the cells ---------------------------------------------------------------------------------------------


def _cells() -> list[Any]:
    cells = []
    for operation in POLICY:
        service, method, path = operation
        callers: list[Caller] = [(role, context) for role in Role for context in Context]
        callers += list(Unauthenticated)
        for caller in callers:
            who = caller.value if isinstance(caller, Unauthenticated) else f"{caller[0].value} {caller[1].value}"
            cells.append(pytest.param(operation, caller, id=f"{service} {method} {path} {who}"))
    return cells


CELLS = _cells()


# --- the data the cells act on -----------------------------------------------------------------------------


WORKDAY = {day: [{"opens": "07:00", "closes": "20:00"}] for day in ("mon", "tue", "wed", "thu", "fri")}
FIRST_DAY = date(2012, 10, 1)  # a Monday within the project's period


def _slot(n: int) -> dict[str, str]:
    """The n-th free hour for a session: 9:00-10:00 on the n-th working day from FIRST_DAY (Warsaw time)."""
    day = FIRST_DAY
    while n > 0 or day.weekday() > 4:
        day += timedelta(days=1)
        if day.weekday() <= 4:
            n -= 1
    return {"starts_at": f"{day.isoformat()}T09:00:00+02:00", "ends_at": f"{day.isoformat()}T10:00:00+02:00"}


@dataclass
class World:
    """Real data owned by the "own" organisation (it leads the project), and the callers' clients."""

    system: RunningSystem
    run: str
    project_id: str = ""
    participant_id: str = ""  # enrolled, booked into ``session_id``, its personal data known to the test
    second_id: str = ""  # another enrolled participant (waits for seats in the offer sessions)
    venue: dict[str, Any] = field(default_factory=dict)
    staff_id: str = ""  # a trainer of the own organisation; their token's user is the default one
    activity_id: str = ""
    offer_activity_id: str = ""  # one seat per session, freed seats offered for a day
    session_id: str = ""
    indicators: list[dict[str, Any]] = field(default_factory=list)
    import_template: str = ""
    subscription: dict[str, str] = field(default_factory=dict)  # the leader's link to the venue's feed
    partner_to_add: str = ""
    personal: dict[str, list[str]] = field(default_factory=dict)  # participant id -> their personal values
    throwaway: dict[Operation, dict[str, str]] = field(default_factory=dict)
    slots: int = 0
    people: int = 0
    clients: dict[tuple[str, str], httpx.Client] = field(default_factory=dict)

    # --- clients ---

    def client(self, service: str, caller: Caller) -> httpx.Client:
        key = (service, caller.value if isinstance(caller, Unauthenticated) else f"{caller[0]}:{caller[1]}")
        if key not in self.clients:
            headers = {}
            token = self._token(caller)
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            self.clients[key] = httpx.Client(base_url=self.system.url(service), headers=headers, timeout=30)
        return self.clients[key]

    def _token(self, caller: Caller) -> str | None:
        leader = Principal(user="coordinator@matrix", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR)
        if caller is Unauthenticated.NONE:
            return None
        if caller is Unauthenticated.EXPIRED:
            return self.system.tokens.issue(leader, ttl_seconds=-10)
        if caller is Unauthenticated.FORGED:
            return Tokens("a-secret-that-is-not-the-stacks-own-32-bytes").issue(leader)
        assert not isinstance(caller, Unauthenticated)
        role, context = caller
        return self.system.token(ORGANISATION_OF[context], role)

    def leader(self, service: str) -> httpx.Client:
        return self.client(service, (Role.COORDINATOR, Context.OWN))

    def close(self) -> None:
        for client in self.clients.values():
            client.close()

    # --- participants ---

    def person(self, **changes: Any) -> dict[str, Any]:
        """An enrolment body of a new made-up person of the own organisation, remembering their personal data."""
        self.people += 1
        rng = random.Random(f"{self.run}-{self.people}")
        born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 9000))
        tag = f"{self.run}{self.people:03d}"
        body = demo_data.person_with_disability(
            first_name=f"Eufrozyna{tag}",
            last_name=f"Macierzowska{tag}",
            pesel=pesel(born, rng.randint(0, 999), female=True),
            phone=f"+48 601 {self.people:03d} {rng.randint(100, 999)}",
            email=f"eufrozyna.{tag}@example.org",
            residence={**demo_data.WROCLAW, "street": f"ul. Tajemnicza {tag}"},
            **changes,
        )
        return body

    def _remember(self, participant_id: str, body: dict[str, Any]) -> str:
        values = [body["first_name"], body["last_name"], body["pesel"], body["phone"], body["email"]]
        self.personal[participant_id] = [*values, body["residence"]["street"]]
        return participant_id

    def enrolled(self) -> str:
        body = self.person()
        response = self.leader("enrolment").post(f"/projects/{self.project_id}/participants", json=body)
        assert response.status_code == 201, response.text
        return self._remember(str(response.json()["participant_id"]), body)

    def candidate(self) -> str:
        body = self.person(enrolled_on="2012-05-25")
        response = self.leader("enrolment").post(f"/projects/{self.project_id}/candidates", json=body)
        assert response.status_code == 201, response.text
        return self._remember(str(response.json()["participant_id"]), body)

    def qualified(self) -> str:
        participant_id = self.candidate()
        url = f"/participants/{participant_id}/qualification"
        response = self.leader("enrolment").post(url, json={"qualified_on": "2012-05-28"})
        assert response.status_code == 200, response.text
        return participant_id

    def withdrawn(self) -> str:
        participant_id = self.enrolled()
        url = f"/participants/{participant_id}/withdrawal"
        response = self.leader("enrolment").post(url, json={"withdrawn_on": "2012-07-01", "reason": "health"})
        assert response.status_code == 200, response.text
        return participant_id

    def refused_callers_resource(self, operation: Operation) -> dict[str, str]:
        """The one resource of their own that the refused callers of a state-changing operation share."""
        if operation not in self.throwaway:
            self.throwaway[operation] = FRESH[operation](self)
        return self.throwaway[operation]

    # --- scheduling ---

    def subscribed(self) -> dict[str, str]:
        """A new calendar link of the leader's coordinator to the matrix venue's feed: its id and secret."""
        response = self.leader("scheduling").post(
            "/calendars/subscriptions", json={"kind": "venue", "id": self.venue["venue_id"]}
        )
        assert response.status_code == 201, response.text
        link = response.json()
        secret = str(link["url"]).rsplit("/", 1)[-1].removesuffix(".ics")
        return {"subscription_id": str(link["subscription_id"]), "secret": secret}

    def session(self, activity_id: str, **changes: Any) -> str:
        body = {**_slot(self.slots), "venue_id": self.venue["venue_id"], "room_id": "sala-matrycy", **changes}
        self.slots += 1
        response = self.leader("scheduling").post(f"/activities/{activity_id}/sessions", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["session_id"])

    def book(self, session_id: str, participant_id: str) -> dict[str, Any]:
        url = f"/sessions/{session_id}/bookings"
        response = self.leader("scheduling").post(url, json={"participant_id": participant_id})
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    def offered(self) -> dict[str, str]:
        """A session of one seat whose freed seat is offered to the main participant, waiting for them."""
        session_id = self.session(self.offer_activity_id)
        assert self.book(session_id, self.second_id)["state"] == "confirmed"
        assert self.book(session_id, self.participant_id)["state"] == "waitlisted"
        freed = self.leader("scheduling").delete(f"/sessions/{session_id}/bookings/{self.second_id}")
        assert freed.status_code == 200, freed.text
        return {"session_id": session_id, "participant_id": self.participant_id}


def _build(system: RunningSystem) -> World:
    world = World(system, run=uuid.uuid4().hex[:8])
    admin = world.client("enrolment", (Role.ADMINISTRATOR, Context.OWN))
    world.partner_to_add = f"matrix-partner-{world.run}"
    joined = admin.post("/organisations", json={"organisation_id": world.partner_to_add, "name": "Nowy", "kind": "ngo"})
    assert joined.status_code == 201, joined.text

    world.project_id = f"MATRIX-{world.run}"
    registered = world.leader("enrolment").post("/projects", json=demo_data.ta_project(world.project_id))
    assert registered.status_code == 201, registered.text
    body = world.person()
    enrolled = world.leader("enrolment").post(f"/projects/{world.project_id}/participants", json=body)
    assert enrolled.status_code == 201, enrolled.text
    world.participant_id = world._remember(str(enrolled.json()["participant_id"]), body)
    world.second_id = world.enrolled()
    shown = world.leader("enrolment").get(f"/participants/{world.participant_id}").text
    unseen = [value for value in world.personal[world.participant_id] if value not in shown]
    assert not unseen, f"the leader does not see {unseen} as sent: the leak checks would look for the wrong text"
    template = world.leader("enrolment").get("/imports/template.csv")
    assert template.status_code == 200, template.text
    world.import_template = template.text

    scheduler = world.leader("scheduling")
    world.venue = {
        "venue_id": f"matrix-{world.run}",
        "name": "Sala testowa",
        "address": {"street": "ul. Testowa 1", "postal_code": "50-001", "city": "Wrocław"},
        "step_free_entrance": True,
        "lift": True,
        "rooms": [{"room_id": "sala-matrycy", "name": "Sala", "capacity": 30, "floor": 0}],
        "opening_hours": WORKDAY,
        "closed_on_public_holidays": False,
    }
    assert scheduler.post("/venues", json=world.venue).status_code == 201
    world.staff_id = f"trener-matrix-{world.run}"
    trainer = {
        "staff_id": world.staff_id,
        "user": f"{Role.TRAINER.value}@{demo_data.EUDAJMONIA}",
        "roles": ["trainer"],
        "competences": ["training"],
        "availability": WORKDAY,
    }
    assert scheduler.post("/staff", json=trainer).status_code == 201
    known = eventually(lambda: scheduler.get(f"/projects/{world.project_id}/activities").status_code == 200, timeout=60)
    assert known, f"scheduling did not learn project {world.project_id} within 60 s"
    world.activity_id = _plan(world, capacity=30, offer_window_hours=None)
    world.offer_activity_id = _plan(world, capacity=1, offer_window_hours=24)
    wanted = {world.participant_id, world.second_id}
    learned = eventually(
        lambda: (
            wanted <= {p["participant_id"] for p in scheduler.get(f"/projects/{world.project_id}/participants").json()}
        ),
        timeout=60,
    )
    assert learned, "scheduling did not learn the test participants within 60 s"
    world.session_id = world.session(world.activity_id, staff_ids=[world.staff_id])
    world.book(world.session_id, world.participant_id)
    world.subscription = world.subscribed()

    reporter = world.leader("reporting")
    templates = reporter.get("/indicator-templates")
    assert templates.status_code == 200, templates.text
    world.indicators = templates.json()["trener-aktywnosci"]
    known = eventually(lambda: reporter.get(f"/projects/{world.project_id}/report").status_code == 200, timeout=60)
    assert known, f"reporting did not learn project {world.project_id} within 60 s"
    defined = reporter.put(f"/projects/{world.project_id}/indicators", json={"indicators": world.indicators})
    assert defined.status_code == 200, defined.text  # TA-MODEL, for the manual entries, in any order of the cells
    return world


def _plan(world: World, *, capacity: int, offer_window_hours: int | None) -> str:
    activity = {
        "form": "training",
        "title": "Szkolenie testowe",
        "target_categories": ["person_with_disability"],
        "planned_hours": 100,
        "capacity": capacity,
        "offer_window_hours": offer_window_hours,
    }
    response = world.leader("scheduling").post(f"/projects/{world.project_id}/activities", json=activity)
    assert response.status_code == 201, response.text
    return str(response.json()["activity_id"])


# --- path parameters and bodies per operation --------------------------------------------------------------


def _defaults(world: World) -> dict[str, str]:
    return {
        "project_id": world.project_id,
        "participant_id": world.participant_id,
        "venue_id": str(world.venue["venue_id"]),
        "staff_id": world.staff_id,
        "activity_id": world.activity_id,
        "session_id": world.session_id,
        "code": "TA-MODEL",
        **world.subscription,
    }


def _participant(make: Callable[[World], str]) -> Callable[[World], dict[str, str]]:
    return lambda world: {"participant_id": make(world)}


def _own_session(world: World) -> dict[str, str]:
    return {"session_id": world.session(world.activity_id)}


def _booked(world: World) -> dict[str, str]:
    session_id = world.session(world.activity_id)
    world.book(session_id, world.participant_id)
    return {"session_id": session_id}


#: Operations that change their resource for good: a fresh one for each allowed caller (and one, shared,
#: for the refused callers of the operation).
FRESH: dict[Operation, Callable[[World], dict[str, str]]] = {
    ("enrolment", "POST", "/participants/{participant_id}/withdrawal"): _participant(World.enrolled),
    ("enrolment", "POST", "/participants/{participant_id}/re-enrolment"): _participant(World.withdrawn),
    ("enrolment", "DELETE", "/participants/{participant_id}/personal-data"): _participant(World.enrolled),
    ("enrolment", "POST", "/participants/{participant_id}/qualification"): _participant(World.candidate),
    ("enrolment", "POST", "/participants/{participant_id}/enrolment"): _participant(World.qualified),
    ("enrolment", "POST", "/participants/{participant_id}/completion"): _participant(World.enrolled),
    ("scheduling", "POST", "/sessions/{session_id}/reschedule"): _own_session,
    ("scheduling", "POST", "/sessions/{session_id}/cancellation"): _own_session,
    ("scheduling", "PUT", "/sessions/{session_id}/capacity"): _own_session,
    ("scheduling", "DELETE", "/sessions/{session_id}/bookings/{participant_id}"): _booked,
    ("scheduling", "POST", "/sessions/{session_id}/bookings/{participant_id}/confirmation"): World.offered,
    # a rotated or revoked link is gone: the link cell and the other cells keep the world's own
    ("scheduling", "POST", "/calendars/subscriptions/{subscription_id}/rotation"): World.subscribed,
    ("scheduling", "DELETE", "/calendars/subscriptions/{subscription_id}"): World.subscribed,
}


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    media_type: str


Body = dict[str, Any] | Upload

#: The query of operations that name their project in it.
QUERIES: dict[Operation, Callable[[World], dict[str, str]]] = {
    ("enrolment", "GET", "/audit"): lambda w: {"project_id": w.project_id},
}

#: A minimal valid body of every operation that takes one.
BODIES: dict[Operation, Callable[[World], Body]] = {
    ("enrolment", "POST", "/organisations"): lambda w: {
        "organisation_id": f"matrix-org-{w.run}",
        "name": "Fundacja Macierzy",
        "kind": "foundation",
    },
    ("enrolment", "POST", "/projects"): lambda w: {**demo_data.wma_project(f"MATRIX-NEW-{w.run}")},
    # the project's settings as they are (no rule of path completion changes the other cells' outcomes)
    ("enrolment", "PATCH", "/projects/{project_id}"): lambda w: {},
    ("enrolment", "POST", "/projects/{project_id}/partners"): lambda w: {
        "organisation_id": w.partner_to_add,
        "role": "partner",
    },
    ("enrolment", "POST", "/projects/{project_id}/participants"): lambda w: _one_body(w, "enrolee"),
    ("enrolment", "PATCH", "/participants/{participant_id}"): lambda w: {"labour_market_status": "inactive"},
    ("enrolment", "POST", "/participants/{participant_id}/withdrawal"): lambda w: {
        "withdrawn_on": "2012-07-01",
        "reason": "own_decision",
    },
    ("enrolment", "POST", "/participants/{participant_id}/re-enrolment"): lambda w: {"enrolled_on": "2012-08-01"},
    ("enrolment", "POST", "/projects/{project_id}/candidates"): lambda w: _one_body(w, "candidate"),
    ("enrolment", "POST", "/participants/{participant_id}/qualification"): lambda w: {"qualified_on": "2012-05-28"},
    ("enrolment", "POST", "/participants/{participant_id}/enrolment"): lambda w: {"enrolled_on": "2012-06-04"},
    ("enrolment", "POST", "/participants/{participant_id}/completion"): lambda w: {"completed_on": "2012-09-03"},
    ("enrolment", "POST", "/projects/{project_id}/declarations"): lambda w: {
        "kind": "cooperate",
        "institution_name": "Fundacja Współpracy",
        "institution_kind": "foundation",
        "declared_on": "2012-07-01",
        "document_reference": "DEKL/1/2012",
    },
    ("enrolment", "POST", "/projects/{project_id}/participants/search"): lambda w: {"page": 1, "page_size": 50},
    ("enrolment", "POST", "/projects/{project_id}/imports"): lambda w: Upload(
        "uczestnicy.csv", w.import_template.encode(), "text/csv"
    ),
    ("scheduling", "POST", "/venues"): lambda w: {**w.venue, "venue_id": f"matrix-new-{w.run}"},
    ("scheduling", "PUT", "/venues/{venue_id}"): lambda w: w.venue,
    ("scheduling", "POST", "/calendars/subscriptions"): lambda w: {"kind": "venue", "id": w.venue["venue_id"]},
    ("scheduling", "POST", "/staff"): lambda w: {
        "staff_id": f"doradca-matrix-{w.run}",
        "user": f"doradca-matrix-{w.run}",
        "roles": ["career_adviser"],
        "competences": ["individual_meeting"],
        "availability": WORKDAY,
    },
    ("scheduling", "POST", "/projects/{project_id}/activities"): lambda w: {
        "form": "workshop",
        "title": "Warsztat",
        "target_categories": ["person_with_disability"],
        "planned_hours": 2,
        "capacity": 10,
    },
    ("scheduling", "POST", "/activities/{activity_id}/sessions"): lambda w: {
        **_slot(500),
        "venue_id": w.venue["venue_id"],
        "room_id": "sala-matrycy",
    },
    ("scheduling", "POST", "/sessions/{session_id}/reschedule"): lambda w: {
        **_slot(501),
        "venue_id": w.venue["venue_id"],
        "room_id": "sala-matrycy",
    },
    ("scheduling", "POST", "/sessions/{session_id}/cancellation"): lambda w: {"reason": "choroba prowadzącego"},
    ("scheduling", "PUT", "/sessions/{session_id}/capacity"): lambda w: {"capacity": 12},
    ("scheduling", "POST", "/sessions/{session_id}/bookings"): lambda w: {"participant_id": w.participant_id},
    ("scheduling", "POST", "/sessions/{session_id}/bookings/batch"): lambda w: {"participant_ids": [w.participant_id]},
    ("scheduling", "POST", "/sessions/{session_id}/attendance"): lambda w: {
        "records": [{"participant_id": w.participant_id, "status": "present"}]
    },
    ("reporting", "PUT", "/projects/{project_id}/indicators"): lambda w: {"indicators": w.indicators},
    ("reporting", "POST", "/projects/{project_id}/indicators/template"): lambda w: {"template": "trener-aktywnosci"},
    ("reporting", "POST", "/projects/{project_id}/indicators/{code}/entries"): lambda w: {
        "entry_id": str(uuid.UUID(int=int(w.run, 16))),
        "quantity": 1,
        "on": "2013-01-15",
    },
}

_same_bodies: dict[str, dict[str, Any]] = {}


def _one_body(world: World, name: str) -> dict[str, Any]:
    """The same new person for every caller of an operation (the second allowed caller gets 409)."""
    key = f"{world.run}-{name}"
    if key not in _same_bodies:
        _same_bodies[key] = world.person(enrolled_on="2012-05-25" if name == "candidate" else "2012-06-04")
    return _same_bodies[key]


# --- calling -------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    text: str
    sent: str


def _call(client: httpx.Client, method: str, url: str, body: Body | None, stream: bool) -> Answer:
    if isinstance(body, Upload):
        sent = url
        request = client.build_request(method, url, files={"file": (body.name, body.content, body.media_type)})
    else:
        sent = url + (json.dumps(body, ensure_ascii=False) if body is not None else "")
        request = client.build_request(method, url, json=body)
    response = client.send(request, stream=stream)
    try:
        if stream and response.status_code == 200:
            seen = []
            for line in response.iter_lines():
                seen.append(line)
                if line.startswith("data:"):
                    break
            return Answer(response.status_code, "\n".join(seen), sent)
        response.read()
        return Answer(response.status_code, readable_text(response), sent)
    finally:
        response.close()


# --- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(system: RunningSystem) -> dict[str, dict[str, Any]]:
    """Every service's OpenAPI document, fetched from the running service."""
    documents = {}
    for service in SERVICES:
        response = httpx.get(system.url(service) + "/openapi.json", timeout=30)
        assert response.status_code == 200, f"{service}: /openapi.json answered {response.status_code}"
        documents[service] = response.json()
    return documents


@pytest.fixture(scope="module")
def world(system: RunningSystem) -> Iterator[World]:
    built = _build(system)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    """Counts of the cells run, printed when the module ends (past the output capture)."""
    counts: Counter[str] = Counter()
    yield counts
    summary = ", ".join(f"{name}: {n}" for name, n in sorted(counts.items()))
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nauthorisation matrix: {len(POLICY)} operations, {sum(counts.values())} cells ({summary})")


# --- the tests -----------------------------------------------------------------------------------------------


def test_every_published_operation_has_a_policy(published: dict[str, dict[str, Any]]) -> None:
    operations = set().union(*(operations_of(service, document) for service, document in published.items()))

    missing, stale = missing_and_stale(operations)

    assert not missing, "operations without an entry in tests/support/authorisation.py POLICY: " + ", ".join(
        " ".join(op) for op in missing
    )
    assert not stale, "POLICY entries for operations no service publishes any more: " + ", ".join(
        " ".join(op) for op in stale
    )


def test_every_operation_with_a_body_has_an_example(published: dict[str, dict[str, Any]]) -> None:
    needing = set().union(*(with_body(service, document) for service, document in published.items()))

    assert not sorted(needing - BODIES.keys()), f"no example body in BODIES for: {sorted(needing - BODIES.keys())}"
    assert not sorted(BODIES.keys() - needing), f"BODIES for operations without one: {sorted(BODIES.keys() - needing)}"


@pytest.mark.parametrize(("operation", "caller"), CELLS)
def test_cell(
    operation: Operation,
    caller: Caller,
    world: World,
    published: dict[str, dict[str, Any]],
    tally: Counter[str],
) -> None:
    service, method, template = operation
    assert operation in operations_of(service, published[service]), f"{operation} is no longer published"
    rule = POLICY[operation]
    role, context = (None, None) if isinstance(caller, Unauthenticated) else caller
    allowed = rule.public or (role is not None and context is not None and rule.admits(role, context))

    params = _defaults(world)
    if operation in FRESH:
        if allowed:
            params |= FRESH[operation](world)
        else:
            params |= world.refused_callers_resource(operation)
    url = template.format(**params)
    if operation in QUERIES:
        url += "?" + urlencode(QUERIES[operation](world))
    body = BODIES[operation](world) if operation in BODIES else None
    answer = _call(world.client(service, caller), method, url, body, rule.stream)

    if allowed:
        assert rule.success(answer.status), f"allowed, but answered {answer.status}: {answer.text[:500]}"
        tally["allowed"] += 1
    else:
        expected = refusals(operation, role, context) if role is not None and context is not None else (401,)
        assert answer.status in expected, f"refused expected {expected}, answered {answer.status}: {answer.text[:500]}"
        tally["refused"] += 1

    owner = allowed and context is Context.OWN
    involved = {params["participant_id"], world.participant_id, world.second_id}
    secrets: list[str] = []
    if not (owner and rule.reveals_personal_data and role in PERSONAL_DATA_ROLES):
        secrets += [value for pid in involved for value in world.personal.get(pid, [])]
    if not ((owner and role in PARTICIPANT_ROLES) or (allowed and rule.reveals_participant_ids)):
        secrets += sorted(involved)
    found = leaked(answer.text, secrets, answer.sent)
    assert not found, f"answer {answer.status} reveals {found}: {answer.text[:500]}"


# --- what the allowed callers of a count or list see -----------------------------------------------------


def test_participant_count_scope(world: World) -> None:
    """The leader, auditors and administrators count the whole project; a partner its own organisation's."""
    partner = world.client("enrolment", (Role.COORDINATOR, Context.PARTNER))
    trainee = demo_data.staff_trainee(last_name=f"Partnerski{world.run}", birth_date="1981-03-15")
    assert partner.post(f"/projects/{world.project_id}/participants", json=trainee).status_code == 201
    url = f"/projects/{world.project_id}/participants/count"

    def count(role: Role, context: Context) -> httpx.Response:
        return world.client("reporting", (role, context)).get(url)

    counted = eventually(lambda: count(Role.COORDINATOR, Context.PARTNER).json()["participants"] == 1, timeout=60)
    assert counted, count(Role.COORDINATOR, Context.PARTNER).text

    leader = count(Role.COORDINATOR, Context.OWN).json()
    for role in (Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER):
        own = count(role, Context.PARTNER).json()
        assert own["organisation"] == demo_data.FRDL
        assert (own["participants"], own["by_category"]) == (1, {"staff_trainee": 1})
        assert count(role, Context.OTHER).status_code == 404
    assert leader["organisation"] is None
    assert leader["participants"] >= 3  # the two of the own organisation and the partner's trainee
    assert leader["by_category"]["staff_trainee"] == 1
    for role in (Role.AUDITOR, Role.ADMINISTRATOR):
        assert count(role, Context.OTHER).json() == leader


def test_participant_list_scope(world: World) -> None:
    """Scheduling's list: the leader's coordinator every participant, a trainer the people in their sessions."""
    unbooked = world.enrolled()
    url = f"/projects/{world.project_id}/participants"

    def listed(role: Role, context: Context) -> set[str]:
        answer = world.client("scheduling", (role, context)).get(url)
        assert answer.status_code == 200, answer.text
        return {p["participant_id"] for p in answer.json()}

    assert eventually(lambda: unbooked in listed(Role.COORDINATOR, Context.OWN), timeout=60)
    trainees = listed(Role.TRAINER, Context.OWN)
    assert world.participant_id in trainees  # booked into the session the trainer leads
    assert unbooked not in trainees
    assert unbooked in listed(Role.PARTNER_STAFF, Context.OWN)  # their organisation's, booked or not
    assert not listed(Role.TRAINER, Context.PARTNER)  # leads no session
    assert world.participant_id not in listed(Role.COORDINATOR, Context.PARTNER)
    for role in (Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER):
        assert world.client("scheduling", (role, Context.OTHER)).get(url).status_code == 404
