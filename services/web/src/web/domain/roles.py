"""What each role is offered (the start page's lists, the sessions' and registers' forms) and which lifecycle
actions a participant's status allows. Every role decision of the pages is here; the APIs decide again."""

from __future__ import annotations

#: Roles that recruit and look after participants (their start page lists waiting candidates).
RECRUITERS = frozenset({"administrator", "coordinator", "partner_staff"})
#: Roles that follow the indicators (their start page lists indicators at risk).
FOLLOWERS = frozenset({"administrator", "coordinator", "auditor"})
#: Roles that import lists of participants (their start page lists the latest imports with refused rows).
IMPORTERS = frozenset({"coordinator", "partner_staff"})
#: Roles that may change participants (the API decides; the page only hides what would be refused).
WRITERS = RECRUITERS
#: Roles that book participants into sessions (scheduling checks again).
BOOKERS = frozenset({"coordinator", "partner_staff"})
#: Roles that plan activities and sessions (scheduling checks again: a coordinator of an organisation
#: of the project).
PLANNERS = frozenset({"coordinator"})
#: Roles that record attendance (scheduling checks again: a trainer only for their own sessions).
RECORDERS = frozenset({"trainer", "coordinator", "administrator"})
#: Roles that register venues and staff (scheduling checks again).
KEEPERS = frozenset({"coordinator", "administrator"})
#: The roles whose start page lists today's sessions.
SESSION_ROLES = frozenset({"trainer", *RECRUITERS})
#: The role that leads sessions (its session page shows its own attendance list first).
TRAINER = "trainer"

#: The actions a participant's card offers in each status (the enrolment API checks them again).
ACTIONS: dict[str, tuple[str, ...]] = {
    "candidate": ("qualify", "erase"),
    "qualified": ("enrol", "erase"),
    "enrolled": ("withdraw", "complete", "erase"),
    "active": ("withdraw", "complete", "erase"),
    "withdrawn": ("re-enrol", "erase"),
    "completed": ("erase",),
    "erased": (),
}


def actions(status: str, role: str) -> tuple[str, ...]:
    return ACTIONS.get(status, ()) if role in WRITERS else ()
