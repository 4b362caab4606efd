"""The web application's planning: venue, staff and activity forms as scheduling's bodies, its refusals
in Polish next to their fields, a session's conflicts told with their details, the week's filters;
and the pages on fakes (CSRF, the caller's token, nothing saved on a refusal)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

import pytest

from aktywni_shared.auth import Role
from tests.unit.test_web_sessions import SESSION_ID, Scheduling, _app, _enrolment, _session, _sign_in
from web.domain import planning as forms
from web.use_cases.ports import Json, Refused

pytestmark = pytest.mark.unit


def _conflict(code: str, field: str, msg: str) -> Json:
    return {"loc": ["body", field], "msg": msg, "type": f"conflict.{code}"}


def test_the_venue_form_becomes_scheduling_s_body_empty_rows_and_closed_days_left_out() -> None:
    form = {
        "venue_id": "centrum",
        "name": "Centrum Aktywności",
        "address.street": "ul. Długa 1",
        "address.postal_code": "50-001",
        "address.city": "Wrocław",
        "step_free_entrance": "on",
        "rooms.0.room_id": "",
        "rooms.0.step_free": "on",  # an empty row (the box is ticked by default)
        "rooms.1.room_id": "duza",
        "rooms.1.name": "Duża sala",
        "rooms.1.capacity": "30",
        "rooms.1.step_free": "on",
        "rooms.2.room_id": "gora",
        "rooms.2.name": "Sala na piętrze",
        "rooms.2.capacity": "10",
        "rooms.2.floor": "2",
        "opening_hours.mon.opens": "08:00",
        "opening_hours.mon.closes": "15:30",
        "opening_hours.tue.opens": "08:00",  # no closing hour: the API names it
        "exceptions": "2026-12-31 inwentaryzacja\n\n2027-01-02\n",
    }
    shaped = forms.venue_body(form)
    assert shaped.rows == {"rooms": [1, 2]}
    assert shaped.body == {
        "venue_id": "centrum",
        "name": "Centrum Aktywności",
        "address": {"street": "ul. Długa 1", "postal_code": "50-001", "city": "Wrocław"},
        "step_free_entrance": True,
        "lift": False,
        "closed_on_public_holidays": False,
        "rooms": [
            {"room_id": "duza", "name": "Duża sala", "capacity": "30", "step_free": True},
            {"room_id": "gora", "name": "Sala na piętrze", "capacity": "10", "floor": "2", "step_free": False},
        ],
        "opening_hours": {"mon": [{"opens": "08:00", "closes": "15:30"}], "tue": [{"opens": "08:00"}]},
        "exceptions": [
            {"kind": "date", "on": "2026-12-31", "hours": [], "note": "inwentaryzacja"},
            {"kind": "date", "on": "2027-01-02", "hours": []},
        ],
    }


def test_the_api_s_refusals_land_next_to_the_form_s_fields_in_polish() -> None:
    detail = [
        {"loc": ["body", "venue_id"], "msg": "String should match pattern", "type": "string_pattern_mismatch"},
        {"loc": ["body", "address", "postal_code"], "msg": "pattern", "type": "string_pattern_mismatch"},
        {"loc": ["body", "rooms", 1, "capacity"], "msg": "Input should be a valid integer", "type": "int_parsing"},
        {"loc": ["body", "opening_hours", "tue", 0, "closes"], "msg": "Field required", "type": "missing"},
        {
            "loc": ["body", "opening_hours", "wed", 0],
            "msg": "Value error, closes is not after opens",
            "type": "value_error",
        },
        {"loc": ["body", "exceptions", 1, "date", "on"], "msg": "Input should be a valid date", "type": "date_parsing"},
    ]
    errors = forms.form_errors(422, {"detail": detail}, forms.VENUE_LABELS, {"rooms": [0, 2]})
    assert [(e.field, e.label, e.message) for e in errors] == [
        ("venue_id", "Identyfikator placówki", forms.PATTERNS["venue_id"]),
        ("address.postal_code", "Kod pocztowy", "Podaj kod pocztowy w formacie 00-000."),
        ("rooms.2.capacity", "Sala 3: liczba miejsc", "Podaj liczbę całkowitą."),  # the form's third row
        ("opening_hours.tue", "Godziny otwarcia: wtorek", "To pole jest wymagane."),
        ("opening_hours.wed", "Godziny otwarcia: środa", "Godzina zamknięcia musi być późniejsza niż otwarcia."),
        ("exceptions", "Dni zamknięte", "Wiersz 2: Podaj datę w formacie RRRR-MM-DD."),
    ]
    exists = forms.form_errors(409, {"detail": [_conflict("exists", "staff_id", "staff x exists")]}, forms.STAFF_LABELS)
    assert [(e.field, e.message) for e in exists] == [("staff_id", forms.EXISTS["staff_id"])]
    assert [e.message for e in forms.form_errors(403, {"detail": "role trainer may not do this"}, {})] == [
        "Nie masz uprawnień do tej czynności."
    ]
    too_few = [{"loc": ["body", "rooms"], "msg": "List should have at least 1 item", "type": "too_short"}]
    assert forms.form_errors(422, {"detail": too_few}, forms.VENUE_LABELS)[0].field == "rooms"


def test_the_staff_and_activity_forms_become_scheduling_s_bodies() -> None:
    staff = forms.staff_body(
        {"staff_id": "anna-nowak", "user": "trainer-testowy", "availability.sat.opens": "09:00"},
        {"roles": ["trainer"], "competences": ["workshop", "training"]},
    )
    assert staff == {
        "staff_id": "anna-nowak",
        "user": "trainer-testowy",
        "roles": ["trainer"],
        "competences": ["workshop", "training"],
        "availability": {"sat": [{"opens": "09:00"}]},
    }
    form = {"form": "workshop", "title": "Warsztaty", "planned_hours": "1,5", "capacity": "12"}
    body, errors = forms.activity_body(
        {**form, "completion_rule": "attendance_share", "completion_rule.min_share": "75", "offer_window_hours": "24"},
        {"target_categories": ["person_with_disability"]},
    )
    assert errors == []
    assert body == {
        "form": "workshop",
        "title": "Warsztaty",
        "target_categories": ["person_with_disability"],
        "planned_hours": 1.5,
        "capacity": "12",
        "offer_window_hours": "24",
        "completion_rule": {"kind": "attendance_share", "min_share": 0.75},
    }
    assert forms.rule_text(body["completion_rule"]) == "udział w co najmniej 75 % godzin"
    _, wrong = forms.activity_body(
        {**form, "completion_rule": "attendance_share", "completion_rule.min_share": "150"}, {}
    )
    assert [(e.field, e.message) for e in wrong] == [("completion_rule.min_share", "Podaj liczbę od 1 do 100.")]
    one = forms.activity_body({**form, "completion_rule": "any_attendance"}, {})[0]
    assert one["completion_rule"] == {"kind": "any_attendance"}
    individual = [
        {"loc": ["body"], "msg": "Value error, capacity of an individual meeting is 1", "type": "value_error"}
    ]
    told = forms.form_errors(422, {"detail": individual}, forms.ACTIVITY_LABELS)
    assert [(e.field, e.label) for e in told] == [("capacity", "Liczba miejsc na zajęciach")]


def test_a_session_s_conflicts_are_told_with_their_details_and_no_participant_id() -> None:
    pid = str(uuid.uuid4())
    detail = [
        _conflict(
            "outside_opening_hours", "starts_at", "Centrum is closed on 2026-12-06 (sun); 10:00–12:00 is outside"
        ),
        _conflict(
            "outside_opening_hours",
            "starts_at",
            "Centrum is closed on 2026-12-25 (public holiday (Boże Narodzenie (pierwszy dzień))); "
            "10:00–12:00 is outside",
        ),
        _conflict(
            "outside_opening_hours",
            "starts_at",
            "Centrum is open 08:00–15:30 on 2026-12-07 (mon); 15:00–17:00 is outside",
        ),
        _conflict(
            "staff_unavailable",
            "staff_ids",
            "staff anna is available 09:00–12:00 on Monday 2026-12-07; 15:00–17:00 is outside",
        ),
        _conflict(
            "staff_unavailable", "staff_ids", "staff anna is available closed on Sunday 2026-12-06; x is outside"
        ),
        _conflict("staff_not_competent", "staff_ids", "staff anna does not lead workshop (competences: training)"),
        _conflict(
            "room_double_booked", "room_id", f"room duza is already booked 2026-12-07 10:00–12:00 (session {pid})"
        ),
        _conflict(
            "participant_double_booked", "starts_at", f"participant {pid} is already booked 2026-12-07 10:00–11:00"
        ),
        _conflict("not_step_free", "participant_id", f"participant {pid} needs step-free access; room gora has none"),
        _conflict(
            "outside_project_period", "starts_at", "project TA runs 2026-01-01..2027-06-30; 2011-01-03 is outside"
        ),
    ]
    errors = forms.session_conflicts(409, {"detail": detail})
    assert [(e.field, e.message) for e in errors] == [
        ("day", "Placówka Centrum jest zamknięta w niedzielę (2026-12-06)."),
        ("day", "Placówka Centrum jest zamknięta 2026-12-25: to święto (Boże Narodzenie (pierwszy dzień))."),
        ("day", "Placówka Centrum jest 2026-12-07 czynna 08:00–15:30; godziny 15:00–17:00 wykraczają poza nie."),
        (None, "Prowadzący anna jest 2026-12-07 dostępny 09:00–12:00; godziny 15:00–17:00 wykraczają poza to."),
        (None, "Prowadzący anna jest niedostępny 2026-12-06."),
        (None, "Prowadzący anna nie prowadzi tej formy wsparcia (warsztaty)."),
        ("room", "Sala duza jest już zajęta 2026-12-07 10:00–12:00."),
        ("day", "Osoba zapisana na te zajęcia ma w tym czasie inne zajęcia (2026-12-07 10:00–11:00)."),
        (None, "Na zajęcia zapisano osobę, która potrzebuje dostępu bez schodów, a ta sala go nie ma."),
        (
            "day",
            "Termin poza okresem realizacji projektu. Projekt trwa od 2026-01-01 do 2027-06-30, "
            "a wybrany dzień to 2011-01-03.",
        ),
    ]
    assert all(pid not in e.message for e in errors)
    assert errors[0].label == "Data"
    unknown = forms.session_conflicts(409, {"detail": [_conflict("outside_opening_hours", "starts_at", "closed")]})
    assert [e.message for e in unknown] == ["Placówka jest wtedy zamknięta (godziny otwarcia, dzień wolny lub święto)."]


def test_the_reschedule_form_is_warsaw_time_and_the_week_narrows_to_a_venue_staff_or_activity() -> None:
    body, errors = forms.placement_body({"day": "2026-07-01", "starts": "10:00", "ends": "12:00", "room": "c/duza"})
    assert errors == []
    assert body == {
        "starts_at": "2026-07-01T10:00:00+02:00",
        "ends_at": "2026-07-01T12:00:00+02:00",
        "venue_id": "c",
        "room_id": "duza",
    }
    _, wrong = forms.placement_body({"day": "2026-07-01", "starts": "12:00", "ends": "10:00"})
    assert [e.field for e in wrong] == ["ends", "room"]
    assert forms.placement_values(_session()) == {
        "day": "2026-03-02",
        "starts": "10:00",
        "ends": "12:30",
        "room": "centrum/duza",
    }
    a = _session(session_id="a", venue_id="centrum", staff_ids=["anna"], activity_id="x")
    b = _session(session_id="b", venue_id="filia", staff_ids=["bob", "anna"], activity_id="y")
    chosen = forms.filters({"venue": "", "staff": "anna", "day": "2026-03-02"})
    assert chosen == {"staff": "anna"}
    assert [s["session_id"] for s in forms.matching([a, b], chosen)] == ["a", "b"]
    assert [s["session_id"] for s in forms.matching([a, b], {"venue": "filia"})] == ["b"]
    assert [s["session_id"] for s in forms.matching([a, b], {"activity": "x", "staff": "bob"})] == []
    assert forms.week_query(date(2026, 3, 9), True, {"venue": "c d"}) == "?day=2026-03-09&view=week&venue=c+d"


@dataclass
class Planning(Scheduling):
    """Scheduling that registers venues, staff and activities, and refuses a Sunday for a session."""

    created: list[tuple[str, Json]] = field(default_factory=list)

    async def add_venue(self, token: str, body: Json) -> Json:
        if not body.get("rooms"):
            too_few = [{"loc": ["body", "rooms"], "msg": "List should have at least 1 item", "type": "too_short"}]
            raise Refused(422, {"detail": too_few})
        self.created.append(("venue", body))
        return body

    async def add_staff(self, token: str, body: Json) -> Json:
        self.created.append(("staff", body))
        return body

    async def plan_activity(self, token: str, project_id: str, body: Json) -> Json:
        self.created.append(("activity", body))
        return {**body, "activity_id": str(uuid.uuid4())}

    async def reschedule(self, token: str, session_id: str, body: Json) -> Json:
        if datetime.fromisoformat(body["starts_at"]).weekday() == 6:
            said = "Centrum is closed on 2026-03-08 (sun); 10:00–12:00 is outside"
            raise Refused(409, {"detail": [_conflict("outside_opening_hours", "starts_at", said)]})
        self.stored.update(starts_at=body["starts_at"], ends_at=body["ends_at"])
        return self.stored

    async def cancel_session(self, token: str, session_id: str, reason: str) -> Json:
        self.stored["status"] = "cancelled"
        return self.stored


async def test_a_coordinator_registers_a_venue_staff_and_an_activity_from_the_forms() -> None:
    scheduling = Planning()
    async with _app(_enrolment(), scheduling) as client:
        csrf = await _sign_in(client, Role.COORDINATOR)
        form = await client.get("/venues/new")
        assert form.status_code == 200
        assert 'value="15:30"' in form.text  # weekdays' hours filled in at first
        no_rooms = {"csrf_token": csrf, "venue_id": "centrum", "name": "Centrum"}
        refused = await client.post("/venues/new", data=no_rooms)
        assert refused.status_code == 422
        assert 'id="blad-rooms"' in refused.text
        assert "Zaznacz albo podaj co najmniej jedną pozycję." in refused.text
        assert 'value="Centrum"' in refused.text  # kept
        saved = await client.post(
            "/venues/new", data={**no_rooms, "rooms.0.room_id": "duza", "rooms.0.name": "Duża", "rooms.0.capacity": "9"}
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == "/venues/centrum?dodano=1"
        assert (await client.post("/venues/new", data=no_rooms | {"csrf_token": "x"})).status_code == 403
        member = {"csrf_token": csrf, "staff_id": "anna", "user": "anna-login", "roles": "trainer"}
        answer = await client.post("/staff/new", data={**member, "competences": ["workshop", "training"]})
        assert answer.status_code == 303
        activities = await client.get("/projects/TA-2026/activities")
        assert "Nowa forma wsparcia" in activities.text
        planned = await client.post(
            "/projects/TA-2026/activities",
            data={"csrf_token": csrf, "form": "workshop", "title": "W", "target_categories": "client_at_risk"},
        )
        assert planned.status_code == 303
    kinds = [kind for kind, _ in scheduling.created]
    assert kinds == ["venue", "staff", "activity"]
    assert scheduling.created[1][1]["competences"] == ["workshop", "training"]


async def test_a_session_is_moved_a_sunday_refused_with_nothing_saved_then_called_off() -> None:
    scheduling = Planning()
    async with _app(_enrolment(), scheduling) as client:
        csrf = await _sign_in(client, Role.COORDINATOR)
        page = await client.get(f"/sessions/{SESSION_ID}")
        assert "Zmień termin lub salę" in page.text
        assert 'value="2026-03-02"' in page.text
        move = {"csrf_token": csrf, "starts": "10:00", "ends": "12:00", "room": "centrum/duza"}
        sunday = await client.post(f"/sessions/{SESSION_ID}/reschedule", data={**move, "day": "2026-03-08"})
        assert sunday.status_code == 409
        assert "Placówka Centrum jest zamknięta w niedzielę (2026-03-08)." in sunday.text
        assert "nic nie zapisano" in sunday.text
        assert scheduling.stored["starts_at"] == "2026-03-02T09:00:00+00:00"
        monday = await client.post(f"/sessions/{SESSION_ID}/reschedule", data={**move, "day": "2026-03-09"})
        assert monday.status_code == 303
        assert scheduling.stored["starts_at"] == "2026-03-09T10:00:00+01:00"
        empty = await client.post(f"/sessions/{SESSION_ID}/call-off", data={"csrf_token": csrf, "reason": " "})
        assert empty.status_code == 422
        assert "Podaj powód odwołania zajęć." in empty.text
        called_off = await client.post(
            f"/sessions/{SESSION_ID}/call-off", data={"csrf_token": csrf, "reason": "choroba"}
        )
        assert called_off.status_code == 303
        after = await client.get(called_off.headers["location"])
        assert "Zajęcia odwołano" in after.text
        assert "Zmień termin lub salę" not in after.text
    trainer_view = Planning()
    async with _app(_enrolment(), trainer_view) as client:
        await _sign_in(client, Role.TRAINER)
        assert "Zmień termin lub salę" not in (await client.get(f"/sessions/{SESSION_ID}")).text


async def test_the_week_is_narrowed_by_a_filter_kept_when_paging() -> None:
    scheduling = Planning()
    async with _app(_enrolment(), scheduling) as client:
        await _sign_in(client, Role.COORDINATOR)
        week = await client.get("/projects/TA-2026/sessions?day=2026-03-02")
        assert '<label for="filtr-venue">Pokaż tylko placówkę</label>' in week.text
        assert f'href="/sessions/{SESSION_ID}"' in week.text
        other = await client.get("/projects/TA-2026/sessions?day=2026-03-02&venue=filia")
        assert f'href="/sessions/{SESSION_ID}"' not in other.text
        assert "day=2026-03-09&amp;view=week&amp;venue=filia" in other.text
        same = await client.get("/projects/TA-2026/sessions?day=2026-03-02&staff=trener-nowak")
        assert f'href="/sessions/{SESSION_ID}"' in same.text


async def test_the_organisation_s_week_at_a_venue_or_with_a_staff_member_spans_its_projects() -> None:
    scheduling = Planning()
    async with _app(_enrolment(), scheduling) as client:
        await _sign_in(client, Role.COORDINATOR)
        venue = await client.get("/calendar/week?venue=centrum&day=2026-03-04")
        assert venue.status_code == 200
        assert "Tydzień zajęć: placówka Centrum Aktywności" in venue.text
        assert f'href="/sessions/{SESSION_ID}"' in venue.text
        assert "(Trener Aktywności; warsztaty;" in venue.text  # the project's title with each session
        assert "/calendar/week?day=2026-03-09&amp;view=week&amp;venue=centrum" in venue.text
        other = await client.get("/calendar/week?staff=ktos-inny&day=2026-03-04")
        assert f'href="/sessions/{SESSION_ID}"' not in other.text
        later = await client.get("/calendar/week?venue=centrum&day=2028-03-06")  # after the project: not asked
        assert f'href="/sessions/{SESSION_ID}"' not in later.text
    assert scheduling.tokens  # each project asked with the caller's token
    assert len(set(scheduling.tokens)) == 1
