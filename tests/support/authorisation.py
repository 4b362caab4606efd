"""The authorisation policy of every HTTP operation, as data: which role may call it, for whose organisation.

The matrix test (``tests/e2e/test_authorisation_matrix.py``) compares this table with the operations
the services publish in their OpenAPI documents: an operation without an entry here, or an entry for
an operation that no longer exists, fails it by name. Every entry is then tried by every role from
three organisations, and without a valid token:

- ``own-org``: the organisation that leads the test project and owns every piece of test data
  (its participants, venue, staff, activity and sessions);
- ``partner-org``: a partner of the project, owning none of that data;
- ``other-org``: an organisation that takes no part in the project.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import httpx

from aktywni_shared.auth import Role
from aktywni_stack import demo_data

OTHER_ORGANISATION_ID = "stowarzyszenie-obce"  # the e2e suite's organisation outside every test project


class Context(StrEnum):
    """Whose user calls: the data owner's (and project leader's), a partner's, or an outsider's."""

    OWN = "own-org"
    PARTNER = "partner-org"
    OTHER = "other-org"


ORGANISATION_OF: dict[Context, str] = {
    Context.OWN: demo_data.EUDAJMONIA,
    Context.PARTNER: demo_data.FRDL,
    Context.OTHER: OTHER_ORGANISATION_ID,
}


class Unauthenticated(StrEnum):
    """Callers without a valid token: every protected operation answers them 401."""

    NONE = "no-token"
    EXPIRED = "expired-token"
    FORGED = "forged-token"


class Whose(StrEnum):
    """For which organisations a role may call an operation."""

    ANY = "any organisation (answers are limited to what that organisation may see)"
    PROJECT = "an organisation taking part in the project"
    LEADER = "the organisation leading the project"
    OWNER = "the organisation owning the resource (a participant, venue, staff member or session)"

    def admits(self, context: Context) -> bool:
        if self is Whose.ANY:
            return True
        if self is Whose.PROJECT:
            return context in (Context.OWN, Context.PARTNER)
        return context is Context.OWN


#: Roles whose users may see the (pseudonymous) ids of their own organisation's participants.
PARTICIPANT_ROLES = frozenset({Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER})
#: Roles that may see personal data (names, PESEL, contact) of their own organisation's participants.
PERSONAL_DATA_ROLES = frozenset({Role.COORDINATOR, Role.PARTNER_STAFF})


@dataclass(frozen=True)
class Rule:
    """Who may call one operation; everyone else gets 401, 403 or 404 and learns nothing."""

    allowed: dict[Role, Whose] = field(default_factory=dict)
    public: bool = False  # no token needed (health, readiness, documents, static pages)
    reveals_personal_data: bool = False  # the allowed callers of the owning organisation see personal data
    conflict_ok: bool = False  # 409 counts as allowed: the same write repeated by another allowed caller
    stream: bool = False  # server-sent events: only the first event is read
    project_in_query: bool = False  # the project is named by the query's project_id (outsiders: 404)
    reveals_participant_ids: bool = False  # every allowed caller sees participant ids (an audit log), no data

    def project_scoped(self, path: str) -> bool:
        return self.project_in_query or any(p in path for p in PROJECT_SCOPED)

    def whose(self, role: Role) -> Whose | None:
        return self.allowed.get(role)

    def admits(self, role: Role, context: Context) -> bool:
        if self.public:
            return True
        whose = self.allowed.get(role)
        return whose is not None and whose.admits(context)

    def success(self, status: int) -> bool:
        return 200 <= status < 300 or (self.conflict_ok and status == 409)


Operation = tuple[str, str, str]  # (service, METHOD, path template)

EVERYONE_ANYWHERE = dict.fromkeys(Role, Whose.ANY)
PUBLIC = Rule(public=True)
#: Who may read a project and what hangs off it: auditors and administrators every project, others their own.
PROJECT_READERS = {
    Role.ADMINISTRATOR: Whose.ANY,
    Role.AUDITOR: Whose.ANY,
    Role.COORDINATOR: Whose.PROJECT,
    Role.PARTNER_STAFF: Whose.PROJECT,
    Role.TRAINER: Whose.PROJECT,
}
#: The owning organisation's coordinator and staff, who see its participants (the leader's coordinator all).
PARTICIPANT_OWNERS = {Role.COORDINATOR: Whose.OWNER, Role.PARTNER_STAFF: Whose.OWNER}
LEADERS_COORDINATOR = {Role.COORDINATOR: Whose.LEADER}
#: Every role of the organisation that registered a venue (venue ids are per organisation).
VENUE_OWNERS = dict.fromkeys(Role, Whose.OWNER)
#: The one user who made a calendar subscription link (the matrix's links belong to the leader's coordinator).
SUBSCRIBER = {Role.COORDINATOR: Whose.OWNER}

POLICY: dict[Operation, Rule] = {
    # --- enrolment ---------------------------------------------------------------------------------------
    ("enrolment", "GET", "/health"): PUBLIC,
    ("enrolment", "GET", "/ready"): PUBLIC,
    ("enrolment", "GET", "/asyncapi.json"): PUBLIC,
    ("enrolment", "GET", "/organisations"): Rule(EVERYONE_ANYWHERE),
    ("enrolment", "POST", "/organisations"): Rule({Role.ADMINISTRATOR: Whose.ANY}, conflict_ok=True),
    ("enrolment", "GET", "/projects"): Rule(EVERYONE_ANYWHERE),
    ("enrolment", "POST", "/projects"): Rule({Role.COORDINATOR: Whose.ANY}, conflict_ok=True),
    ("enrolment", "GET", "/projects/{project_id}"): Rule(PROJECT_READERS),
    ("enrolment", "PATCH", "/projects/{project_id}"): Rule(LEADERS_COORDINATOR),
    ("enrolment", "POST", "/projects/{project_id}/partners"): Rule(LEADERS_COORDINATOR),
    ("enrolment", "POST", "/projects/{project_id}/participants"): Rule(PARTICIPANT_OWNERS, conflict_ok=True),
    ("enrolment", "GET", "/projects/{project_id}/participants"): Rule(
        {Role.COORDINATOR: Whose.PROJECT, Role.PARTNER_STAFF: Whose.PROJECT}, reveals_personal_data=True
    ),
    ("enrolment", "GET", "/participants/{participant_id}"): Rule(PARTICIPANT_OWNERS, reveals_personal_data=True),
    ("enrolment", "PATCH", "/participants/{participant_id}"): Rule(PARTICIPANT_OWNERS, reveals_personal_data=True),
    ("enrolment", "POST", "/participants/{participant_id}/withdrawal"): Rule(PARTICIPANT_OWNERS),
    ("enrolment", "POST", "/participants/{participant_id}/re-enrolment"): Rule(PARTICIPANT_OWNERS),
    ("enrolment", "DELETE", "/participants/{participant_id}/personal-data"): Rule(PARTICIPANT_OWNERS),
    ("enrolment", "POST", "/projects/{project_id}/candidates"): Rule(
        PARTICIPANT_OWNERS, reveals_personal_data=True, conflict_ok=True
    ),
    ("enrolment", "POST", "/participants/{participant_id}/qualification"): Rule(PARTICIPANT_OWNERS),
    ("enrolment", "POST", "/participants/{participant_id}/enrolment"): Rule(PARTICIPANT_OWNERS),
    ("enrolment", "POST", "/participants/{participant_id}/completion"): Rule({Role.COORDINATOR: Whose.OWNER}),
    ("enrolment", "POST", "/projects/{project_id}/declarations"): Rule({Role.COORDINATOR: Whose.PROJECT}),
    ("enrolment", "GET", "/projects/{project_id}/declarations"): Rule(PROJECT_READERS),
    ("enrolment", "GET", "/imports/template.csv"): Rule(EVERYONE_ANYWHERE),
    ("enrolment", "GET", "/imports/template.xlsx"): Rule(EVERYONE_ANYWHERE),
    ("enrolment", "POST", "/projects/{project_id}/imports"): Rule(
        {Role.COORDINATOR: Whose.PROJECT, Role.PARTNER_STAFF: Whose.PROJECT}
    ),
    # the summaries of imports (counts, no personal data): a partner reads its own organisation's
    ("enrolment", "GET", "/projects/{project_id}/imports"): Rule(
        {Role.AUDITOR: Whose.ANY, Role.COORDINATOR: Whose.PROJECT, Role.PARTNER_STAFF: Whose.PROJECT}
    ),
    ("enrolment", "GET", "/projects/{project_id}/exports/participants.csv"): Rule(
        LEADERS_COORDINATOR, reveals_personal_data=True
    ),
    ("enrolment", "POST", "/projects/{project_id}/participants/search"): Rule(
        {Role.COORDINATOR: Whose.PROJECT, Role.PARTNER_STAFF: Whose.PROJECT}, reveals_personal_data=True
    ),
    # who did what to which participant ids: the auditor of any project, the leader's coordinator of theirs
    ("enrolment", "GET", "/audit"): Rule(
        {Role.AUDITOR: Whose.ANY, Role.COORDINATOR: Whose.LEADER},
        project_in_query=True,
        reveals_participant_ids=True,
    ),
    # --- scheduling --------------------------------------------------------------------------------------
    ("scheduling", "GET", "/health"): PUBLIC,
    ("scheduling", "GET", "/ready"): PUBLIC,
    ("scheduling", "GET", "/asyncapi.json"): PUBLIC,
    ("scheduling", "GET", "/venues"): Rule(EVERYONE_ANYWHERE),
    ("scheduling", "POST", "/venues"): Rule(
        {Role.ADMINISTRATOR: Whose.ANY, Role.COORDINATOR: Whose.ANY}, conflict_ok=True
    ),
    ("scheduling", "PUT", "/venues/{venue_id}"): Rule({Role.ADMINISTRATOR: Whose.OWNER, Role.COORDINATOR: Whose.OWNER}),
    # venue ids are per organisation: another organisation's venue of that id does not exist for its users
    ("scheduling", "GET", "/venues/{venue_id}"): Rule(VENUE_OWNERS),
    ("scheduling", "GET", "/staff"): Rule(EVERYONE_ANYWHERE),
    ("scheduling", "POST", "/staff"): Rule(
        {Role.ADMINISTRATOR: Whose.ANY, Role.COORDINATOR: Whose.ANY}, conflict_ok=True
    ),
    ("scheduling", "POST", "/projects/{project_id}/activities"): Rule({Role.COORDINATOR: Whose.PROJECT}),
    ("scheduling", "GET", "/projects/{project_id}/activities"): Rule(PROJECT_READERS),
    ("scheduling", "POST", "/activities/{activity_id}/sessions"): Rule({Role.COORDINATOR: Whose.OWNER}),
    ("scheduling", "GET", "/projects/{project_id}/sessions"): Rule(PROJECT_READERS),
    ("scheduling", "GET", "/sessions/{session_id}"): Rule({**PROJECT_READERS, Role.TRAINER: Whose.OWNER}),
    ("scheduling", "POST", "/sessions/{session_id}/reschedule"): Rule({Role.COORDINATOR: Whose.OWNER}),
    ("scheduling", "POST", "/sessions/{session_id}/cancellation"): Rule({Role.COORDINATOR: Whose.OWNER}),
    ("scheduling", "PUT", "/sessions/{session_id}/capacity"): Rule({Role.COORDINATOR: Whose.OWNER}),
    ("scheduling", "POST", "/sessions/{session_id}/bookings"): Rule(PARTICIPANT_OWNERS),
    ("scheduling", "POST", "/sessions/{session_id}/bookings/batch"): Rule(PARTICIPANT_OWNERS),
    ("scheduling", "DELETE", "/sessions/{session_id}/bookings/{participant_id}"): Rule(PARTICIPANT_OWNERS),
    ("scheduling", "POST", "/sessions/{session_id}/bookings/{participant_id}/confirmation"): Rule(PARTICIPANT_OWNERS),
    ("scheduling", "POST", "/sessions/{session_id}/attendance"): Rule(
        {Role.COORDINATOR: Whose.OWNER, Role.TRAINER: Whose.OWNER}
    ),
    ("scheduling", "GET", "/participants/{participant_id}/progress"): Rule(PARTICIPANT_OWNERS),
    ("scheduling", "GET", "/participants/{participant_id}/bookings"): Rule(PARTICIPANT_OWNERS),
    ("scheduling", "GET", "/calendars/participants/{participant_id}.ics"): Rule(PARTICIPANT_OWNERS),
    ("scheduling", "GET", "/calendars/staff/{staff_id}.ics"): Rule(
        {Role.ADMINISTRATOR: Whose.OWNER, Role.COORDINATOR: Whose.OWNER, Role.TRAINER: Whose.OWNER}
    ),
    ("scheduling", "GET", "/calendars/venues/{venue_id}.ics"): Rule(VENUE_OWNERS),
    # a subscription link: any user may make one to a feed they may read, and only they manage it
    ("scheduling", "POST", "/calendars/subscriptions"): Rule(VENUE_OWNERS),
    ("scheduling", "GET", "/calendars/subscriptions"): Rule(EVERYONE_ANYWHERE),
    ("scheduling", "GET", "/calendars/subscriptions/{subscription_id}"): Rule(SUBSCRIBER),
    ("scheduling", "POST", "/calendars/subscriptions/{subscription_id}/rotation"): Rule(SUBSCRIBER),
    ("scheduling", "DELETE", "/calendars/subscriptions/{subscription_id}"): Rule(SUBSCRIBER),
    ("scheduling", "GET", "/calendars/links/{secret}.ics"): PUBLIC,  # the secret in the link is the key
    # pseudonymous; a partner lists its own, a trainer the people in their sessions (test_participant_list_scope)
    ("scheduling", "GET", "/projects/{project_id}/participants"): Rule(
        {Role.COORDINATOR: Whose.PROJECT, Role.PARTNER_STAFF: Whose.PROJECT, Role.TRAINER: Whose.PROJECT}
    ),
    # --- reporting ---------------------------------------------------------------------------------------
    ("reporting", "GET", "/health"): PUBLIC,
    ("reporting", "GET", "/ready"): PUBLIC,
    ("reporting", "GET", "/asyncapi.json"): PUBLIC,
    ("reporting", "GET", "/dashboard/{project_id}"): PUBLIC,  # a static page; its data comes from the stream
    ("reporting", "GET", "/projects/{project_id}/report"): Rule(PROJECT_READERS),
    # anonymous counts; a partner counts its own organisation's participants (test_participant_count_scope)
    ("reporting", "GET", "/projects/{project_id}/participants/count"): Rule(PROJECT_READERS),
    ("reporting", "GET", "/indicator-templates"): Rule(EVERYONE_ANYWHERE),
    ("reporting", "GET", "/projects/{project_id}/indicators"): Rule(PROJECT_READERS),
    ("reporting", "PUT", "/projects/{project_id}/indicators"): Rule(LEADERS_COORDINATOR),
    ("reporting", "POST", "/projects/{project_id}/indicators/template"): Rule(LEADERS_COORDINATOR),
    ("reporting", "POST", "/projects/{project_id}/indicators/{code}/entries"): Rule(LEADERS_COORDINATOR),
    ("reporting", "GET", "/projects/{project_id}/exports/indicators.xlsx"): Rule(PROJECT_READERS),
    ("reporting", "GET", "/projects/{project_id}/exports/indicators.csv"): Rule(PROJECT_READERS),
    ("reporting", "GET", "/projects/{project_id}/exports/breakdowns.csv"): Rule(PROJECT_READERS),
    ("reporting", "GET", "/projects/{project_id}/exports/participants.csv"): Rule(LEADERS_COORDINATOR),
    ("reporting", "GET", "/projects/{project_id}/exports/participants.xlsx"): Rule(LEADERS_COORDINATOR),
    ("reporting", "GET", "/projects/{project_id}/stream"): Rule(PROJECT_READERS, stream=True),
}

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: Path parameters naming a project or something inside one: a project an organisation takes no part in
#: does not exist for its users, so they get 404 there, never 403.
PROJECT_SCOPED = ("{project_id}", "{participant_id}", "{activity_id}", "{session_id}")
#: Roles bound to their organisation's projects (auditors and administrators see every project).
ORGANISATION_BOUND = frozenset({Role.COORDINATOR, Role.PARTNER_STAFF, Role.TRAINER})
DENIED = (401, 403, 404)


def refusals(operation: Operation, role: Role, context: Context) -> tuple[int, ...]:
    """The answers a refused caller with a valid token may get.

    A user of an organisation outside the project, in a role that may call the operation in its own
    projects, gets 404 (the project and what is in it do not exist for them); a role that never may
    (a trainer importing participants) may be told so with 403, which says nothing of the project.
    """
    bound = role in ORGANISATION_BOUND and POLICY[operation].whose(role) is not None
    if context is Context.OTHER and bound and POLICY[operation].project_scoped(operation[2]):
        return (404,)
    return DENIED


def operations_of(service: str, openapi: dict[str, object]) -> set[Operation]:
    """Every (service, METHOD, path template) an OpenAPI document describes."""
    paths = openapi.get("paths")
    assert isinstance(paths, dict), f"{service}: the OpenAPI document has no paths"
    return {
        (service, method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method.upper() in HTTP_METHODS
    }


def with_body(service: str, openapi: dict[str, object]) -> set[Operation]:
    """The operations whose OpenAPI entry has a required request body."""
    paths = openapi.get("paths")
    assert isinstance(paths, dict)
    return {
        (service, method.upper(), path)
        for path, item in paths.items()
        for method, spec in item.items()
        if method.upper() in HTTP_METHODS and spec.get("requestBody", {}).get("required", False)
    }


def missing_and_stale(published: set[Operation]) -> tuple[list[Operation], list[Operation]]:
    """Operations without a policy entry, and policy entries whose operation no longer exists."""
    return sorted(published - POLICY.keys()), sorted(POLICY.keys() - published)


def readable_text(response: httpx.Response) -> str:
    """The answer as text to search: an XLSX (a zip of XML files) is unpacked first."""
    content = response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return content.decode("utf-8", "replace")


def leaked(text: str, secrets: Iterable[str], sent: str) -> list[str]:
    """The secrets found in an answer, except those the request itself carried (an echo reveals nothing)."""
    return sorted({secret for secret in secrets if secret and secret in text and secret not in sent})
