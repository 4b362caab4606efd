"""The demo's support step: the TA sessions scheduled, the example people booked and attended.

After it, reporting shows their support on the dashboard (one ON and one carer supported, one
trainee whose training started), all of it having travelled enrolment → scheduling → reporting as
events.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aktywni_shared.auth import Role, TokenIssuer
from aktywni_stack import demo_data, demo_scheduling
from aktywni_stack.http_client import JsonApi

#: Which TA activity each example category is booked into.
ACTIVITY_OF = {
    "person_with_disability": "on_training",
    "environment_person": "environment_training",
    "staff_trainee": "ta_training",
}


def _eventually(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.3)
    return result


def set_up(scheduling: JsonApi, reporting: JsonApi, tokens: TokenIssuer, project_id: str = "TA-2012") -> list[str]:
    """Schedule, book and attend; lines describing what happened."""
    coordinator = scheduling.as_user(demo_data.token(tokens, demo_data.EUDAJMONIA, Role.COORDINATOR))

    def bookable() -> list[dict[str, Any]]:
        status, body = coordinator.get(f"/projects/{project_id}/participants")
        return body if status == 200 and len(body) >= 3 else []

    people = _eventually(bookable)
    if not people:
        return ["scheduling has not learned of the example participants; nothing booked"]
    lines, sessions = demo_scheduling.set_up(scheduling, tokens, project_id)
    attended = 0
    for person in people:
        activity = ACTIVITY_OF.get(person["category"])
        if activity is None or not sessions.get(activity):
            continue
        session = sessions[activity][0]
        pid = person["participant_id"]
        status, _ = coordinator.post(f"/sessions/{session}/bookings", {"participant_id": pid})
        lines.append(f"book {person['category']} {pid[:8]}… into {activity}: HTTP {status}")
        status, _ = coordinator.post(
            f"/sessions/{session}/attendance", {"records": [{"participant_id": pid, "status": "present"}]}
        )
        lines.append(f"  attendance recorded: HTTP {status}")
        if status == 200 and person["category"] in ("person_with_disability", "environment_person"):
            attended += 1
    auditor = reporting.as_user(demo_data.token(tokens, demo_data.MOPS, Role.AUDITOR))

    def supported() -> int | None:
        status, body = auditor.get(f"/projects/{project_id}/report")
        if status != 200:
            return 0
        values = {i["code"]: i["value"] for i in body["indicators"]}
        count = int(values.get("TA-ON-SUPPORTED", 0)) + int(values.get("TA-ENV-SUPPORTED", 0))
        return count if count >= attended else None

    shown = _eventually(supported)
    lines.append(
        f"reporting shows {shown or 'not yet all of the'} persons supported (ON and environment) in {project_id}"
    )
    return lines
