"""What each role sees on its start page, and which lifecycle actions a participant's status allows."""

from __future__ import annotations

#: Roles that recruit and look after participants (their start page lists waiting candidates).
RECRUITERS = frozenset({"administrator", "coordinator", "partner_staff"})
#: Roles that follow the indicators (their start page lists indicators at risk).
FOLLOWERS = frozenset({"administrator", "coordinator", "auditor"})
#: Roles that import lists of participants (their start page lists the latest imports with refused rows).
IMPORTERS = frozenset({"coordinator", "partner_staff"})
#: Roles that may change participants (the API decides; the page only hides what would be refused).
WRITERS = RECRUITERS

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
