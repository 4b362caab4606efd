"""The web application's sessions: Warsaw times, periods, booking lists, the attendance sheet, conflicts
in Polish; and the pages on fakes (CSRF, names only where enrolment gives them, one POST per sheet)."""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx
import pypdf
import pytest

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_shared.clock import WARSAW, FixedClock
from tests.support.web import FakeEnrolment, FakeReporting, FakeScheduling, person
from web.app import build
from web.domain import sessions as rules
from web.domain import venues as places
from web.routes.deps import Services
from web.settings import WebSettings
from web.use_cases import sessions as cases
from web.use_cases.ports import Json, Refused

pytestmark = pytest.mark.unit
SECRET = "y" * 40
SESSION_ID = str(uuid.UUID(int=7))
ANNA, BOB, CEZ = (str(uuid.UUID(int=n)) for n in (1, 2, 3))


def _booking(pid: str, state: str, minute: int, **more: Any) -> Json:
    return {
        "booking_id": str(uuid.UUID(int=100 + minute)),
        "session_id": SESSION_ID,
        "participant_id": pid,
        "state": state,
        "from_waitlist": False,
        "requested_at": f"2026-03-01T10:{minute:02d}:00+00:00",
        "confirm_by": None,
        "attendance": None,
        **more,
    }


def _session(**more: Any) -> Json:
    return {
        "session_id": SESSION_ID,
        "activity_id": str(uuid.UUID(int=8)),
        "project_id": "TA-2026",
        "organisation_id": "fundacja-eudajmonia",
        "form": "workshop",
        "title": "Warsztaty aktywizacyjne",
        "starts_at": "2026-03-02T09:00:00+00:00",  # 10:00 in Warsaw (winter time)
        "ends_at": "2026-03-02T11:30:00+00:00",
        "venue_id": "centrum",
        "room_id": "duza",
        "off_site": False,
        "staff_ids": ["trener-nowak"],
        "capacity": 1,
        "status": "scheduled",
        "free": 0,
        "confirmed": 1,
        "offered": 0,
        "waitlisted": 1,
        "bookings": [_booking(BOB, "waitlisted", 5), _booking(ANNA, "confirmed", 1)],
        **more,
    }


def test_times_are_shown_in_warsaw_with_the_weekday_and_the_hours() -> None:
    assert rules.when(_session()) == "poniedziałek 2026-03-02, 10:00–12:30"
    assert rules.hours(_session()) == 2.5
    summer = _session(starts_at="2026-07-01T08:00:00+00:00", ends_at="2026-07-01T09:00:00+00:00")
    assert rules.when(summer) == "środa 2026-07-01, 10:00–11:00"


def test_a_week_runs_monday_to_sunday_and_steps_by_seven_days() -> None:
    week = rules.Period.of(date(2026, 3, 4), week=True)
    assert (week.first, week.last, week.before, week.after) == (
        date(2026, 3, 2),
        date(2026, 3, 8),
        date(2026, 2, 23),
        date(2026, 3, 9),
    )
    day = rules.Period.of(date(2026, 3, 4), week=False)
    assert (day.first, day.last, day.before, day.after) == (date(2026, 3, 4),) * 2 + (
        date(2026, 3, 3),
        date(2026, 3, 5),
    )
    assert rules.parse_day("nonsense", date(2026, 1, 1)) == date(2026, 1, 1)
    assert rules.parse_day("2026-05-06", date(2026, 1, 1)) == date(2026, 5, 6)


def test_sessions_are_grouped_by_their_warsaw_day_in_starting_order() -> None:
    late = _session(session_id="b", starts_at="2026-03-03T15:00:00+00:00", ends_at="2026-03-03T16:00:00+00:00")
    early = _session(session_id="a", starts_at="2026-03-03T07:00:00+00:00", ends_at="2026-03-03T08:00:00+00:00")
    # 23:30 UTC on the 3rd is already the 4th in Warsaw
    night = _session(session_id="c", starts_at="2026-03-03T23:30:00+00:00", ends_at="2026-03-04T00:30:00+00:00")
    days = dict(rules.by_day([late, night, early], rules.Period.of(date(2026, 3, 3), week=True)))
    assert len(days) == 7
    assert [s["session_id"] for s in days[date(2026, 3, 3)]] == ["a", "b"]
    assert [s["session_id"] for s in days[date(2026, 3, 4)]] == ["c"]


def test_booking_lists_keep_the_waitlist_in_the_order_people_asked() -> None:
    lists = rules.booking_lists(
        [
            _booking(CEZ, "waitlisted", 9),
            _booking(BOB, "waitlisted", 3),
            _booking(ANNA, "offered", 2, confirm_by="2026-03-02T10:00:00+00:00"),
            _booking("x", "cancelled", 1),
        ]
    )
    assert [b["participant_id"] for b in lists.waitlisted] == [BOB, CEZ]
    assert [b["participant_id"] for b in lists.seated] == [ANNA]
    assert lists.confirmed == []


def test_people_without_a_readable_name_are_numbered_never_shown_by_their_id_alone() -> None:
    people = rules.numbered([ANNA, BOB], {ANNA: "Anna Nowak"})
    assert people[ANNA].handle == "Anna Nowak"
    assert people[BOB].handle.startswith("Osoba nr 2 (identyfikator ")


def test_the_sheet_sends_only_marked_people_with_a_known_status() -> None:
    form = {f"obecnosc-{ANNA}": "present", f"obecnosc-{BOB}": "maybe", "csrf_token": "t"}
    records, unmarked = rules.attendance_records(form, [ANNA, BOB, CEZ])
    assert records == [{"participant_id": ANNA, "status": "present"}]
    assert unmarked == [BOB, CEZ]


def test_scheduling_conflicts_are_said_in_polish_once_each() -> None:
    body = {
        "detail": [
            {"loc": ["body", "participant_id"], "msg": "no step-free", "type": "conflict.not_step_free"},
            {"loc": ["body", "participant_id"], "msg": "again", "type": "conflict.not_step_free"},
            {"loc": ["body", "participant_id"], "msg": "x", "type": "conflict.participant_double_booked"},
        ]
    }
    assert [e.message for e in rules.refusal(409, body)] == [
        rules.CONFLICTS["not_step_free"],
        rules.CONFLICTS["participant_double_booked"],
    ]
    assert [e.message for e in rules.refusal(404, {"detail": [{"loc": ["path"], "type": "not_found"}]})] == [
        rules.NOT_FOUND
    ]
    assert [e.message for e in rules.refusal(403, {"detail": "forbidden"})] == [rules.FORBIDDEN]
    assert rules.refusal(409, {"detail": [{"type": "conflict.something_new"}]})[0].message == rules.UNKNOWN


@dataclass
class Scheduling(FakeScheduling):
    """Scheduling's API for one session, with a seat for one (the next goes to the waitlist)."""

    stored: Json = field(default_factory=_session)
    recorded: list[list[Json]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    async def sessions(self, token: str, project_id: str, first: str, last: str) -> list[Json]:
        self.tokens.append(token)
        if project_id != "TA-2026":
            raise Refused(404, {"detail": [{"loc": ["path", "project_id"], "type": "not_found"}]})
        return [self.stored] if first <= self.stored["starts_at"][:10] <= last else []

    async def session(self, token: str, session_id: str) -> Json:
        if session_id != SESSION_ID:
            raise Refused(404, {"detail": [{"loc": ["path", "session_id"], "type": "not_found"}]})
        return self.stored

    async def book(self, token: str, session_id: str, participant_id: str) -> Json:
        if participant_id == CEZ:
            raise Refused(409, {"detail": [{"loc": ["body", "participant_id"], "type": "conflict.not_step_free"}]})
        seated = sum(b["state"] == "confirmed" for b in self.stored["bookings"])
        booking = _booking(participant_id, "confirmed" if seated < self.stored["capacity"] else "waitlisted", 30)
        self.stored["bookings"].append(booking)
        return booking

    async def cancel_booking(self, token: str, session_id: str, participant_id: str) -> Json:
        for booking in self.stored["bookings"]:
            if booking["participant_id"] == participant_id:
                booking["state"] = "cancelled"
        waiting = [b for b in self.stored["bookings"] if b["state"] == "waitlisted"]
        if waiting:
            waiting[0]["state"] = "offered"
        return {"state": "cancelled"}

    async def activities(self, token: str, project_id: str) -> list[Json]:
        return [{"activity_id": "a-1", "title": "Warsztaty", "form": "workshop"}]

    async def schedule(self, token: str, activity_id: str, body: Json) -> Json:
        if datetime.fromisoformat(body["starts_at"]).weekday() == 6:
            detail = [{"loc": ["body", "starts_at"], "msg": "closed", "type": "conflict.outside_opening_hours"}]
            raise Refused(409, {"detail": detail})
        self.planned.append(body)
        return {**self.stored, "session_id": SESSION_ID}

    async def confirm_offer(self, token: str, session_id: str, participant_id: str) -> Json:
        for booking in self.stored["bookings"]:
            if booking["participant_id"] == participant_id and booking["state"] == "offered":
                booking["state"] = "confirmed"
                return booking
        raise Refused(409, {"detail": [{"loc": ["body", "participant_id"], "type": "conflict.no_offer"}]})

    async def record_attendance(self, token: str, session_id: str, records: list[Json]) -> list[Json]:
        self.recorded.append(records)
        return [{**r, "changed": True, "hours_attended": 2.5, "completed": False} for r in records]

    async def bookable(self, token: str, project_id: str) -> list[Json]:
        return [{"participant_id": pid, "status": "enrolled"} for pid in (ANNA, BOB, CEZ)]

    async def venue(self, token: str, venue_id: str) -> Json:
        rooms = [{"room_id": "duza", "name": "Duża sala", "capacity": 20}]
        return {
            "venue_id": venue_id,
            "name": "Centrum Aktywności",
            "address": {"street": "ul. Długa 1", "city": "Wrocław"},
            "rooms": rooms,
        }

    links: list[Json] = field(default_factory=list)
    planned: list[Json] = field(default_factory=list)

    async def venues(self, token: str) -> list[Json]:
        return [await self.venue(token, "centrum")]

    async def staff(self, token: str) -> list[Json]:
        return [{"staff_id": "trener-nowak"}]

    async def subscriptions(self, token: str) -> list[Json]:
        return [{k: v for k, v in link.items() if k != "url"} for link in self.links]

    async def subscribe(self, token: str, kind: str, feed_id: str) -> Json:
        secret = "s" * 43
        link = {"subscription_id": str(uuid.uuid4()), "kind": kind, "id": feed_id, "created_at": "2026-03-02T09:00:00Z"}
        self.links.append({**link, "url": f"http://scheduling.test/calendars/links/{secret}.ics"})
        return self.links[-1]

    async def revoke(self, token: str, subscription_id: str) -> None:
        self.links = [link for link in self.links if link["subscription_id"] != subscription_id]


def _enrolment() -> FakeEnrolment:
    people = {ANNA: person(ANNA), BOB: person(BOB), CEZ: person(CEZ)}
    people[BOB]["personal"] = {"first_name": "Bogdan", "last_name": "Zieliński"}
    people[CEZ]["personal"] = {"first_name": "Cezary", "last_name": "Wójcik"}
    return FakeEnrolment(people=people)


def _app(enrolment: FakeEnrolment, scheduling: Scheduling) -> httpx.AsyncClient:
    app = build(WebSettings(session_secret=SECRET, test_sign_in=True, insecure_cookies=True))  # type: ignore[call-arg]
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=WARSAW))
    app.state.services = Services(enrolment, FakeReporting(), scheduling, None, clock, "")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def _sign_in(client: httpx.AsyncClient, role: Role) -> str:
    page = await client.get("/sign-in")
    token = Tokens(SECRET).issue(Principal(user="ewa", organisation_id="fundacja-eudajmonia", role=role))
    answer = await client.post("/test/sign-in", data={"csrf_token": _csrf(page.text), "access_token": token})
    assert answer.status_code == 303
    return _csrf((await client.get("/")).text)


async def test_the_week_and_the_start_page_list_the_sessions_with_the_callers_token() -> None:
    scheduling = Scheduling()
    async with _app(_enrolment(), scheduling) as client:
        await _sign_in(client, Role.TRAINER)
        start = await client.get("/")
        assert "Dzisiejsze zajęcia" in start.text
        assert "poniedziałek 2026-03-02, 10:00–12:30: Warsztaty aktywizacyjne" in start.text
        week = await client.get("/projects/TA-2026/sessions?day=2026-03-04")
        assert week.status_code == 200
        assert "Tydzień 2026-03-02 – 2026-03-08" in week.text
        assert f'href="/sessions/{SESSION_ID}"' in week.text
        assert (await client.get("/projects/NIEZNANY/sessions")).status_code == 404
    assert scheduling.tokens
    assert all(t == scheduling.tokens[0] for t in scheduling.tokens)


async def test_a_coordinator_books_is_refused_in_polish_and_a_cancellation_offers_the_seat() -> None:
    scheduling = Scheduling()
    async with _app(_enrolment(), scheduling) as client:
        csrf = await _sign_in(client, Role.COORDINATOR)
        page = await client.get(f"/sessions/{SESSION_ID}")
        assert "Anna Przykładowa" in page.text
        assert "Bogdan Zieliński" in page.text
        assert "Centrum Aktywności" in page.text
        assert "Duża sala" in page.text
        assert '<option value="' + CEZ + '">Cezary Wójcik</option>' in page.text
        forged = await client.post(f"/sessions/{SESSION_ID}/bookings", data={"participant_id": CEZ})
        assert forged.status_code == 403
        refused = await client.post(
            f"/sessions/{SESSION_ID}/bookings", data={"participant_id": CEZ, "csrf_token": csrf}
        )
        assert refused.status_code == 409
        assert rules.CONFLICTS["not_step_free"] in refused.text
        cancelled = await client.post(
            f"/sessions/{SESSION_ID}/cancellation", data={"participant_id": ANNA, "csrf_token": csrf}
        )
        assert cancelled.status_code == 303
        after = await client.get(cancelled.headers["location"])
        assert "Zaproponowane miejsca (1)" in after.text
        assert ANNA not in cancelled.headers["location"]
        confirmed = await client.post(
            f"/sessions/{SESSION_ID}/offer-confirmation", data={"participant_id": BOB, "csrf_token": csrf}
        )
        assert confirmed.status_code == 303
        assert "Potwierdzone miejsca (1)" in (await client.get(confirmed.headers["location"])).text
        again = await client.post(
            f"/sessions/{SESSION_ID}/offer-confirmation", data={"participant_id": BOB, "csrf_token": csrf}
        )
        assert again.status_code == 409
        assert rules.CONFLICTS["no_offer"] in again.text


async def test_a_trainer_records_the_whole_sheet_in_one_request_and_sees_numbers_not_names() -> None:
    scheduling = Scheduling()
    enrolment = _enrolment()

    async def refused(token: str, participant_id: str) -> Json:
        raise Refused(404, {"detail": "participant not found"})

    enrolment.participant = refused  # type: ignore[method-assign]  # a trainer reads no personal data
    async with _app(enrolment, scheduling) as client:
        csrf = await _sign_in(client, Role.TRAINER)
        sheet = await client.get(f"/sessions/{SESSION_ID}/attendance")
        assert "Osoba nr 1" in sheet.text
        assert "Przykładowa" not in sheet.text
        assert f'name="obecnosc-{ANNA}" value="present"' in sheet.text
        empty = await client.post(f"/sessions/{SESSION_ID}/attendance", data={"csrf_token": csrf})
        assert empty.status_code == 422
        assert "Zaznacz obecność" in empty.text
        done = await client.post(
            f"/sessions/{SESSION_ID}/attendance", data={"csrf_token": csrf, f"obecnosc-{ANNA}": "present"}
        )
        assert done.status_code == 200
        assert "Zapisano obecność: 1 osoba" in done.text
    # the waitlisted person is not on the sheet; the seated one sent once
    assert scheduling.recorded == [[{"participant_id": ANNA, "status": "present"}]]


async def test_the_printable_list_has_the_project_the_session_and_a_signature_row_per_person() -> None:
    async with _app(_enrolment(), Scheduling()) as client:
        await _sign_in(client, Role.COORDINATOR)
        printed = await client.get(f"/sessions/{SESSION_ID}/list")
        assert printed.status_code == 200
        for text in ("Lista obecności", "Trener Aktywności", "FEDS", "10:00–12:30", "Centrum Aktywności", "Podpis"):
            assert text in printed.text
        assert printed.text.count('class="sign"') == 1  # Anna only: the waitlisted do not sign
        assert (await client.get(f"/sessions/{uuid.uuid4()}/list")).status_code == 404


async def test_names_are_read_only_where_enrolment_answers() -> None:
    enrolment = _enrolment()
    found = await cases.names(enrolment, "t", [ANNA, str(uuid.uuid4())])
    assert found == {ANNA: "Anna Przykładowa"}


def test_scheduling_refusals_of_the_sheet_are_said_in_polish() -> None:
    body = {"detail": [{"loc": ["body", "records"], "msg": "attendance is recorded once the session has started"}]}
    assert [e.message for e in rules.refusal(422, body)] == ["Obecność można zapisać dopiero po rozpoczęciu zajęć."]
    assert rules.refusal(422, {"detail": ["not a dict"]})[0].message == rules.UNKNOWN


def test_a_venue_tells_its_hours_its_exceptions_and_which_rooms_are_step_free() -> None:
    venue = {
        "step_free_entrance": True,
        "lift": False,
        "opening_hours": {"mon": [{"opens": "08:00:00", "closes": "15:30:00"}]},
        "exceptions": [{"kind": "date", "on": "2026-12-24", "hours": [], "note": "Wigilia"}],
        "closed_on_public_holidays": True,
    }
    assert places.opening_hours(venue)[:2] == [("poniedziałek", "08:00–15:30"), ("wtorek", "zamknięte")]
    assert places.exceptions(venue) == ["2026-12-24: zamknięte (Wigilia)", "święta państwowe: zamknięte"]
    assert places.step_free(venue, {"floor": 0})
    assert not places.step_free(venue, {"floor": 2})  # no lift
    assert not places.step_free({**venue, "lift": True}, {"floor": 2, "step_free": False})


async def test_the_calendar_link_is_shown_once_and_revoked_by_a_form() -> None:
    scheduling = Scheduling()
    async with _app(_enrolment(), scheduling) as client:
        csrf = await _sign_in(client, Role.TRAINER)
        venues = await client.get("/venues/centrum")
        assert "Duża sala" in venues.text
        page = await client.get("/calendar")
        assert '<option value="staff:trener-nowak">' in page.text
        created = await client.post("/calendar/subscriptions", data={"csrf_token": csrf, "feed": "staff:trener-nowak"})
        assert created.status_code == 201
        assert "s" * 43 in created.text
        again = await client.get("/calendar")
        assert "s" * 43 not in again.text  # the secret address is shown only when created
        assert "prowadzący: trener-nowak" in again.text
        link_id = scheduling.links[0]["subscription_id"]
        revoked = await client.post("/calendar/revocation", data={"csrf_token": csrf, "subscription_id": link_id})
        assert revoked.status_code == 303
        assert scheduling.links == []


def test_people_are_counted_in_polish() -> None:
    assert [rules.persons(n) for n in (1, 2, 5, 12, 22, 25)] == [
        "1 osoba",
        "2 osoby",
        "5 osób",
        "12 osób",
        "22 osoby",
        "25 osób",
    ]


async def test_the_attendance_list_pdf_embeds_a_polish_font_and_reads_back() -> None:
    async with _app(_enrolment(), Scheduling()) as client:
        await _sign_in(client, Role.COORDINATOR)
        answer = await client.get(f"/sessions/{SESSION_ID}/list.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'attachment; filename="lista-obecnosci-2026-03-02.pdf"'
    reader = pypdf.PdfReader(io.BytesIO(answer.content))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    for expected in (
        "Lista obecności",
        "Trener Aktywności (TA-2026)",
        "FEDS",
        "poniedziałek 2026-03-02, 10:00–12:30 (2.5 godz.)",
        "Centrum Aktywności, ul. Długa 1, Wrocław; sala: Duża sala",
        "trener-nowak",
        "Anna Przykładowa",
        "Podpis",
    ):
        assert expected in text, (expected, text)
    assert "Zieliński" not in text  # waitlisted: not on the list
    embedded = [
        page["/Resources"]["/Font"][name].get_object() for page in reader.pages for name in page["/Resources"]["/Font"]
    ]
    assert any("Roboto" in str(font["/BaseFont"]) for font in embedded)


def test_the_planning_form_becomes_scheduling_s_body_in_warsaw_time() -> None:
    form = {"activity_id": "a-1", "day": "2026-07-01", "starts": "10:00", "ends": "12:00", "room": "centrum/duza"}
    activity, body, errors = rules.schedule_body({**form, "staff_id": "trener-nowak", "capacity": "12"})
    assert errors == []
    assert activity == "a-1"
    assert body == {
        "starts_at": "2026-07-01T10:00:00+02:00",
        "ends_at": "2026-07-01T12:00:00+02:00",
        "venue_id": "centrum",
        "room_id": "duza",
        "staff_ids": ["trener-nowak"],
        "capacity": 12,
    }
    _, _, wrong = rules.schedule_body({**form, "ends": "09:00", "room": "", "capacity": "dużo"})
    assert [e.message for e in wrong] == [
        "Zajęcia muszą się kończyć później, niż się zaczynają.",
        "Wybierz salę.",
        "Liczba miejsc to liczba całkowita większa od zera.",
    ]
    assert rules.schedule_body({"activity_id": "a-1", "day": "jutro"})[2][0].message.startswith("Podaj datę")


async def test_a_coordinator_plans_a_session_and_a_sunday_is_refused_in_polish() -> None:
    scheduling = Scheduling()
    async with _app(_enrolment(), scheduling) as client:
        csrf = await _sign_in(client, Role.COORDINATOR)
        week = await client.get("/projects/TA-2026/sessions")
        assert "Zaplanuj zajęcia" in week.text
        assert '<option value="centrum/duza">Centrum Aktywności: Duża sala (20 miejsc, ' in week.text
        form = {"csrf_token": csrf, "activity_id": "a-1", "starts": "10:00", "ends": "12:00", "room": "centrum/duza"}
        sunday = await client.post("/projects/TA-2026/sessions", data={**form, "day": "2026-03-08"})
        assert sunday.status_code == 409
        assert rules.CONFLICTS["outside_opening_hours"] in sunday.text
        assert 'value="2026-03-08"' in sunday.text  # the form keeps what was typed
        monday = await client.post("/projects/TA-2026/sessions", data={**form, "day": "2026-03-09"})
        assert monday.status_code == 303
        assert monday.headers["location"] == f"/sessions/{SESSION_ID}"
    assert [p["starts_at"] for p in scheduling.planned] == ["2026-03-09T10:00:00+01:00"]
    trainer_view = Scheduling()
    async with _app(_enrolment(), trainer_view) as client:
        await _sign_in(client, Role.TRAINER)
        assert "Zaplanuj zajęcia" not in (await client.get("/projects/TA-2026/sessions")).text
