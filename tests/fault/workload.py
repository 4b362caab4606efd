"""A seeded, realistic mixed workload of "Trener Aktywności"-shaped projects, as plain data.

Every project has persons with disabilities (ON), persons of their environment and staff trainees,
enrolled by the leader's coordinator for the leader or the partner. Each person gets a fate drawn
from the seed: supported, never supported, withdrawn before support, withdrawn and re-enrolled,
withdrawn after support, erased at the end; bookings (some cancelled again), attendance (present,
absent) in date order, a few duplicate enrolment requests sent at once; a workshop whose four seats
every remaining ON and environment person races for; institutional declarations (some repeated with
other spacing and capitals) and the delivered model. The same seed gives the same workload.

Nothing here talks to a service: the driver sends it, the oracle derives the expected numbers from it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aktywni_stack import demo_data
from tests.support.people import person

WARSAW = ZoneInfo("Europe/Warsaw")
#: Mondays of the weeks the projects' trainings take place (meetings the week after): the projects share
#: venues and staff, so their weeks never overlap; the week of 1 November (a holiday) is left out.
FIRST_MONDAYS = (date(2012, 10, 1), date(2012, 10, 15), date(2012, 11, 5), date(2012, 11, 19))
RACE_SEATS = 4
MEETING_SLOTS_PER_DAY = 12
ORGANISATIONS = (demo_data.EUDAJMONIA, demo_data.FRDL)
DISABILITY_DEGREES = ("light", "moderate", "severe")
STREETS = ("ul. Legnicka", "ul. Grabiszyńska", "ul. Kasprowicza", "ul. Żmigrodzka", "ul. Ślężna", "ul. Hallera")


@dataclass(frozen=True)
class Activity:
    key: str
    form: str
    title: str
    target_categories: tuple[str, ...]
    planned_hours: float
    capacity: int

    def body(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "title": self.title,
            "target_categories": list(self.target_categories),
            "planned_hours": self.planned_hours,
            "capacity": self.capacity,
        }


@dataclass(frozen=True)
class Session:
    key: str
    activity_key: str
    day: date
    start: str
    hours: float
    venue_id: str
    room_id: str
    staff_id: str

    def body(self) -> dict[str, Any]:
        begins = datetime.combine(self.day, time.fromisoformat(self.start), WARSAW)
        return {
            "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=self.hours)).isoformat(),
            "venue_id": self.venue_id,
            "room_id": self.room_id,
            "staff_ids": [self.staff_id],
        }


@dataclass
class Person:
    """One made-up person and everything the workload does with them, in order."""

    key: str
    project_id: str
    kind: str  # "on", "environment", "trainee"
    body: dict[str, Any]  # the enrolment body (an environment person's link is filled in when sent)
    sex: str
    birth_date: date  # the oracle's age band is the age in full years on the first support's day
    fate: str  # "stays", "withdrawn", "re_enrolled", "withdrawn_after_support"
    erased: bool
    link_to: str | None = None
    withdrawn_on: date | None = None
    re_enrolled_on: date | None = None
    bookings: list[str] = field(default_factory=list)  # session keys booked and kept
    cancelled: list[str] = field(default_factory=list)  # session keys booked, then cancelled
    attendance: list[tuple[str, str]] = field(default_factory=list)  # (session key, status), in date order
    racer: bool = False
    duplicate_requests: int = 1  # enrolment requests sent at once for this person

    @property
    def category(self) -> str:
        return str(self.body["category"])

    @property
    def organisation_id(self) -> str:
        return str(self.body["organisation_id"])

    @property
    def disability_degree(self) -> str | None:
        value = self.body.get("disability_degree")
        return None if value is None else str(value)

    @property
    def mops_employee(self) -> bool:
        return bool(self.body.get("mops_employee", False))

    def personal(self) -> dict[str, Any]:
        """What identifies the person (for the scan of where personal data must not be)."""
        return {
            "first_name": self.body["first_name"],
            "last_name": self.body["last_name"],
            "pesel": self.body.get("pesel"),
            "phone": self.body.get("phone"),
            "email": self.body.get("email"),
            "street": (self.body.get("residence") or {}).get("street"),
        }


@dataclass(frozen=True)
class Declaration:
    kind: str
    institution_name: str
    institution_kind: str
    declared_on: date

    def body(self, reference: str) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "institution_name": self.institution_name,
            "institution_kind": self.institution_kind,
            "declared_on": self.declared_on.isoformat(),
            "document_reference": reference,
        }


@dataclass
class Project:
    project_id: str
    leader: str
    starts_on: date
    ends_on: date
    activities: dict[str, Activity]
    sessions: dict[str, Session]
    people: list[Person]
    declarations: list[Declaration]
    model_delivered_on: date

    def body(self) -> dict[str, Any]:
        # No rule of path completion: no one's path closes on its own, so every "stays" or
        # "re_enrolled" person may still race for the workshop (the oracle predicts bookings, not
        # paths; path completion has its own tests over Kafka and HTTP).
        return demo_data.ta_project(self.project_id) | {"path_completion": {}}

    def person(self, key: str) -> Person:
        return next(p for p in self.people if p.key == key)


@dataclass
class Workload:
    seed: int
    projects: list[Project]

    @property
    def people(self) -> list[Person]:
        return [p for project in self.projects for p in project.people]

    def command_count(self) -> int:
        """How many commands the workload sends (each at least once; retries not included)."""
        count = 0
        for project in self.projects:
            count += 2 + len(project.declarations)  # the indicator template and the model entry
            for p in project.people:
                lifecycle = {"stays": 0, "withdrawn": 1, "re_enrolled": 2, "withdrawn_after_support": 1}[p.fate]
                count += p.duplicate_requests + lifecycle + int(p.erased) + int(p.racer)
                count += len(p.bookings) + 2 * len(p.cancelled) + len(p.attendance)
        return count


def _activities() -> dict[str, Activity]:
    return {
        "ta_training": Activity("ta_training", "training", "Szkolenie Trenerów Aktywności", ("staff_trainee",), 12, 15),
        "on_training": Activity("on_training", "training", "Szkolenie dla ON", ("person_with_disability",), 6, 30),
        "environment_training": Activity(
            "environment_training", "training", "Szkolenie dla otoczenia ON", ("environment_person",), 6, 30
        ),
        "meetings": Activity(
            "meetings", "individual_meeting", "Spotkanie ze specjalistą", ("person_with_disability",), 0.5, 1
        ),
        "workshop": Activity(
            "workshop",
            "workshop",
            "Warsztat aktywizacyjny",
            ("person_with_disability", "environment_person"),
            2,
            RACE_SEATS,
        ),
    }


def _sessions(monday: date, meetings: int) -> dict[str, Session]:
    strzegomska, namyslowska = "mops-strzegomska-6", "mops-namyslowska-8"
    day = [monday + timedelta(days=n) for n in range(5)]
    sessions = [
        Session("ta_1", "ta_training", day[0], "08:00", 6, strzegomska, "sala-konferencyjna", "trener-ta-kowalska"),
        Session("ta_2", "ta_training", day[1], "08:00", 6, strzegomska, "sala-konferencyjna", "trener-ta-kowalska"),
        Session("on_1", "on_training", day[2], "08:00", 3, namyslowska, "sala-szkoleniowa", "trener-nowak"),
        Session("on_2", "on_training", day[3], "08:00", 3, namyslowska, "sala-szkoleniowa", "trener-nowak"),
        Session("env_1", "environment_training", day[2], "11:30", 3, namyslowska, "sala-szkoleniowa", "trener-nowak"),
        Session("env_2", "environment_training", day[3], "12:00", 3, namyslowska, "sala-szkoleniowa", "trener-nowak"),
        Session("workshop", "workshop", day[4], "08:00", 2, strzegomska, "pokoj-26", "trener-nowak"),
    ]
    for n in range(meetings):
        minutes = 30 * (n % MEETING_SLOTS_PER_DAY)
        adviser = "doradca-zawodowy-wisniewska" if n % 2 == 0 else "psycholog-zielinski"
        sessions.append(
            Session(
                f"meeting_{n}",
                "meetings",
                monday + timedelta(days=7 + n // MEETING_SLOTS_PER_DAY),
                f"{8 + minutes // 60:02d}:{minutes % 60:02d}",
                0.5,
                "zon-pl-solidarnosci",
                "316",
                adviser,
            )
        )
    return {s.key: s for s in sessions}


class _Identities:
    """Made-up people, none twice (PESEL, and name with birth date, are unique in the workload)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = 0
        self.seen: set[str] = set()

    def next(self) -> dict[str, str]:
        while True:
            self.n += 1
            who = person(self.rng, self.n)
            keys = {who["pesel"], f"{who['first_name']}|{who['last_name']}|{who['birth_date']}"}
            if not keys & self.seen:
                self.seen |= keys
                return who


def _contact(rng: random.Random, n: int) -> dict[str, Any]:
    street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}/{rng.randint(1, 40)}"
    return {
        "phone": f"+48 {rng.randint(500, 799)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
        "email": f"osoba.{n:05d}.{rng.randint(1000, 9999)}@example.org",
        "address": f"{street}, 50-{rng.randint(100, 999)} Wrocław",
        "residence": {**demo_data.WROCLAW, "street": street},
    }


def _fate(rng: random.Random) -> tuple[str, bool]:
    fate = rng.choices(["stays", "withdrawn", "re_enrolled", "withdrawn_after_support"], weights=[60, 12, 14, 14], k=1)[
        0
    ]
    return fate, rng.random() < 0.2


def _dates(rng: random.Random, p: Person, monday: date) -> None:
    enrolled_on = date(2012, 3, 1) + timedelta(days=rng.randint(0, 150))
    p.body["enrolled_on"] = enrolled_on.isoformat()
    p.body["consent"] = {**demo_data.CONSENT, "given_on": enrolled_on.isoformat()}
    if p.fate in ("withdrawn", "re_enrolled"):
        p.withdrawn_on = enrolled_on + timedelta(days=rng.randint(1, 20))
    if p.fate == "re_enrolled":
        assert p.withdrawn_on is not None
        p.re_enrolled_on = p.withdrawn_on + timedelta(days=rng.randint(1, 20))
    if p.fate == "withdrawn_after_support":
        p.withdrawn_on = monday + timedelta(days=21)


def _plan_support(rng: random.Random, p: Person, first: str, second: str, meeting: str | None) -> None:
    """Bookings and attendance of one person; withdrawn-after-support people complete nothing
    (enrolment refuses to withdraw a participant whose path is completed)."""
    if p.fate == "withdrawn":
        return
    roll = rng.random()
    if roll < 0.15:  # enrolled, never booked: supported nowhere
        return
    p.bookings = [first, second]
    if p.fate == "withdrawn_after_support":
        p.attendance = [(first, "present"), (second, "absent")]
        return
    if roll < 0.3:
        p.attendance = [(first, "absent"), (second, "absent")]  # booked, never came: not supported
    elif roll < 0.5:
        p.bookings, p.cancelled = [first], [second]
        p.attendance = [(first, "present")]
    elif roll < 0.7:
        p.attendance = [(first, "present"), (second, "absent")]
    else:
        p.attendance = [(first, "present"), (second, "present")]
    if meeting is not None and rng.random() < 0.6:
        p.bookings.append(meeting)
        p.attendance.append((meeting, "present"))


def _project(rng: random.Random, ids: _Identities, index: int, size: tuple[int, int, int]) -> Project:
    project_id = f"FAULT-{rng.randrange(16**8):08x}-{index}"
    monday = FIRST_MONDAYS[index % len(FIRST_MONDAYS)]
    n_on, n_env, n_trainees = size
    people: list[Person] = []
    meetings = 0
    for kind, count in (("on", n_on), ("environment", n_env), ("trainee", n_trainees)):
        for n in range(count):
            who = ids.next()
            fate, erased = _fate(rng)
            org = rng.choice(ORGANISATIONS)
            common = {
                "first_name": who["first_name"],
                "last_name": who["last_name"],
                "organisation_id": org,
                **_contact(rng, ids.n),
            }
            if kind == "on":
                body = demo_data.person_with_disability(
                    **common, pesel=who["pesel"], disability_degree=rng.choice(DISABILITY_DEGREES)
                )
            elif kind == "environment":
                body = demo_data.environment_person("", **common, birth_date=who["birth_date"], sex=who["sex"])
            else:
                body = demo_data.staff_trainee(
                    **common, birth_date=who["birth_date"], sex=who["sex"], mops_employee=rng.random() < 0.6
                )
            p = Person(
                key=f"{project_id}/{kind}-{n}",
                project_id=project_id,
                kind=kind,
                body=body,
                sex=who["sex"],
                birth_date=date.fromisoformat(who["birth_date"]),
                fate=fate,
                erased=erased,
            )
            if kind == "environment":
                p.link_to = f"{project_id}/on-{n % n_on}"
            _dates(rng, p, monday)
            if kind == "on":
                meeting = f"meeting_{meetings}"
                before = len(p.bookings)
                _plan_support(rng, p, "on_1", "on_2", meeting)
                meetings += int(meeting in p.bookings[before:])
            elif kind == "environment":
                _plan_support(rng, p, "env_1", "env_2", None)
            else:
                _plan_support(rng, p, "ta_1", "ta_2", None)
            # withdrawn before the race (at the end of their path, or before support): not bookable
            p.racer = kind != "trainee" and p.fate in ("stays", "re_enrolled")
            p.duplicate_requests = 3 if rng.random() < 0.15 else 1
            people.append(p)
    return Project(
        project_id=project_id,
        leader=demo_data.EUDAJMONIA,
        starts_on=date(2012, 2, 1),
        ends_on=date(2015, 1, 31),
        activities=_activities(),
        sessions=_sessions(monday, meetings),
        people=people,
        declarations=_declarations(rng),
        model_delivered_on=date(2014, 12, 15),
    )


def _declarations(rng: random.Random) -> list[Declaration]:
    units = ["MOPS Wrocław", "GOPS Kobierzyce", "MOPS Oleśnica", "OPS Długołęka", "GOPS Siechnice"]
    bodies = [
        ("Fundacja Razem", "foundation"),
        ("Stowarzyszenie Na Rzecz Osób", "ngo"),
        ("Firma Ślusarska", "employer"),
    ]
    declarations = []
    for name in rng.sample(units, k=rng.randint(2, 4)):
        declarations.append(Declaration("implement_model", name, "social_assistance_centre", _day(rng)))
    for name, kind in rng.sample(bodies, k=rng.randint(1, 3)):
        declarations.append(Declaration("cooperate", name, kind, _day(rng)))
    again = rng.choice(declarations)  # the same institution again, spaced and capitalised differently
    declarations.append(
        Declaration(
            again.kind,
            f"  {again.institution_name.upper().replace(' ', '  ')} ",
            again.institution_kind,
            again.declared_on,
        )
    )
    return declarations


def _day(rng: random.Random) -> date:
    return date(2013, 1, 1) + timedelta(days=rng.randint(0, 600))


def generate(seed: int, projects: int, size: tuple[int, int, int]) -> Workload:
    """``projects`` projects of ``size`` = (persons with disabilities, environment persons, trainees)."""
    if not 1 <= projects <= len(FIRST_MONDAYS):
        raise ValueError(f"between 1 and {len(FIRST_MONDAYS)} projects (their weeks share venues and staff)")
    if size[0] < 1 or size[0] > 2 * MEETING_SLOTS_PER_DAY or size[2] > 15 or size[1] > 30:
        raise ValueError("1-24 persons with disabilities, up to 30 environment persons and 15 trainees per project")
    rng = random.Random(seed)
    ids = _Identities(rng)
    return Workload(seed, [_project(rng, ids, index, size) for index in range(projects)])
