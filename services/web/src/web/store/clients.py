"""HTTP clients of enrolment, scheduling and reporting, each call with the caller's bearer token."""

from __future__ import annotations

from typing import Any

import httpx

from web.use_cases.ports import Download, Json, Refused

#: Paths of the lifecycle actions on ``/participants/{id}/...`` and the date field each one sends.
ACTION_PATHS = {
    "qualify": "qualification",
    "enrol": "enrolment",
    "withdraw": "withdrawal",
    "re-enrol": "re-enrolment",
    "complete": "completion",
}


def _refuse(response: httpx.Response) -> None:
    """A 4xx or 5xx answer as :class:`Refused`, with the service's body (its ``detail``)."""
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = {"detail": response.reason_phrase}
        raise Refused(response.status_code, body)


class ServiceClient:
    def __init__(self, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=15, transport=transport)

    async def close(self) -> None:
        await self.http.aclose()

    async def _request(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        """One call; a service that cannot be reached (or hangs up) is a 503 the page explains."""
        try:
            headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
            return await self.http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as error:
            raise Refused(503, {"detail": f"usługa niedostępna ({type(error).__name__})"}) from error

    async def call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        response = await self._request(method, path, token, **kwargs)
        _refuse(response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def download(self, token: str, path: str) -> Download:
        response = await self._request("GET", path, token)
        _refuse(response)
        disposition = response.headers.get("content-disposition", "")
        filename = (
            disposition.split("filename=", 1)[1].strip('"')
            if "filename=" in disposition
            else path.rsplit("/", maxsplit=1)[-1]
        )
        return Download(response.content, response.headers.get("content-type", "application/octet-stream"), filename)


class EnrolmentClient(ServiceClient):
    async def organisations(self, token: str) -> list[Json]:
        return list(await self.call("GET", "/organisations", token))

    async def projects(self, token: str) -> list[Json]:
        return list(await self.call("GET", "/projects", token))

    async def project(self, token: str, project_id: str) -> Json:
        return dict(await self.call("GET", f"/projects/{project_id}", token))

    async def create_project(self, token: str, body: Json) -> Json:
        return dict(await self.call("POST", "/projects", token, json=body))

    async def change_project(self, token: str, project_id: str, body: Json, *, revision: str | None = None) -> Json:
        """The change, made on ``revision`` when given (``If-Match``: refused with 412 if the project moved on)."""
        headers = {} if revision is None else {"If-Match": f'"{revision}"'}
        return dict(await self.call("PATCH", f"/projects/{project_id}", token, json=body, headers=headers))

    async def add_partner(self, token: str, project_id: str, body: Json) -> Json:
        return dict(await self.call("POST", f"/projects/{project_id}/partners", token, json=body))

    async def declarations(self, token: str, project_id: str) -> list[Json]:
        return list(await self.call("GET", f"/projects/{project_id}/declarations", token))

    async def declare(self, token: str, project_id: str, body: Json) -> Json:
        return dict(await self.call("POST", f"/projects/{project_id}/declarations", token, json=body))

    async def participants(self, token: str, project_id: str, filters: dict[str, str | int]) -> Json:
        # server to server: the PESEL filter travels in the query to enrolment, whose access log
        # records route templates only; it never appears in the browser's address
        return dict(await self.call("GET", f"/projects/{project_id}/participants", token, params=filters))

    async def search_participants(self, token: str, project_id: str, body: dict[str, str | int]) -> Json:
        # name and PESEL travel in the body: no address (and so no access log) carries them
        return dict(await self.call("POST", f"/projects/{project_id}/participants/search", token, json=body))

    async def audit(self, token: str, filters: dict[str, str | int]) -> Json:
        return dict(await self.call("GET", "/audit", token, params=filters))

    async def participant(self, token: str, participant_id: str) -> Json:
        return dict(await self.call("GET", f"/participants/{participant_id}", token))

    async def enrol(self, token: str, project_id: str, body: Json, *, candidate: bool) -> Json:
        path = f"/projects/{project_id}/{'candidates' if candidate else 'participants'}"
        return dict(await self.call("POST", path, token, json=body))

    async def act(self, token: str, participant_id: str, action: str, body: Json) -> Json:
        return dict(await self.call("POST", f"/participants/{participant_id}/{ACTION_PATHS[action]}", token, json=body))

    async def import_file(
        self, token: str, project_id: str, filename: str, content: bytes, *, dry_run: bool = False
    ) -> Json:
        files = {"file": (filename, content)}
        params = {"dry_run": "true"} if dry_run else {}
        path = f"/projects/{project_id}/imports"
        return dict(await self.call("POST", path, token, files=files, params=params, timeout=120))

    async def imports(self, token: str, project_id: str, filters: dict[str, str | int]) -> Json:
        return dict(await self.call("GET", f"/projects/{project_id}/imports", token, params=filters))

    async def erase(self, token: str, participant_id: str) -> None:
        await self.call("DELETE", f"/participants/{participant_id}/personal-data", token)


class ReportingClient(ServiceClient):
    async def report(self, token: str, project_id: str) -> Json:
        return dict(await self.call("GET", f"/projects/{project_id}/report", token))

    async def indicators(self, token: str, project_id: str) -> Json:
        return dict(await self.call("GET", f"/projects/{project_id}/indicators", token))

    async def templates(self, token: str) -> Json:
        return dict(await self.call("GET", "/indicator-templates", token))

    async def apply_template(self, token: str, project_id: str, template: str) -> Json:
        path = f"/projects/{project_id}/indicators/template"
        return dict(await self.call("POST", path, token, json={"template": template}))

    async def define(self, token: str, project_id: str, body: Json) -> Json:
        return dict(await self.call("PUT", f"/projects/{project_id}/indicators", token, json=body))


class SchedulingClient(ServiceClient):
    async def ready(self) -> bool:
        return (await self.http.get("/ready")).status_code == 200

    async def sessions(self, token: str, project_id: str, first: str, last: str) -> list[Json]:
        params = {"from": first, "to": last}
        return list(await self.call("GET", f"/projects/{project_id}/sessions", token, params=params))

    async def session(self, token: str, session_id: str) -> Json:
        return dict(await self.call("GET", f"/sessions/{session_id}", token))

    async def book(self, token: str, session_id: str, participant_id: str) -> Json:
        body = {"participant_id": participant_id}
        return dict(await self.call("POST", f"/sessions/{session_id}/bookings", token, json=body))

    async def cancel_booking(self, token: str, session_id: str, participant_id: str) -> Json:
        return dict(await self.call("DELETE", f"/sessions/{session_id}/bookings/{participant_id}", token))

    async def confirm_offer(self, token: str, session_id: str, participant_id: str) -> Json:
        path = f"/sessions/{session_id}/bookings/{participant_id}/confirmation"
        return dict(await self.call("POST", path, token))

    async def record_attendance(self, token: str, session_id: str, records: list[Json]) -> list[Json]:
        body = {"records": records}
        return list(await self.call("POST", f"/sessions/{session_id}/attendance", token, json=body))

    async def bookable(self, token: str, project_id: str) -> list[Json]:
        return list(await self.call("GET", f"/projects/{project_id}/participants", token))

    async def venue(self, token: str, venue_id: str) -> Json:
        return dict(await self.call("GET", f"/venues/{venue_id}", token))

    async def participant_bookings(self, token: str, participant_id: str) -> list[Json]:
        return list(await self.call("GET", f"/participants/{participant_id}/bookings", token))

    async def participant_progress(self, token: str, participant_id: str) -> list[Json]:
        return list(await self.call("GET", f"/participants/{participant_id}/progress", token))

    async def venues(self, token: str) -> list[Json]:
        return list(await self.call("GET", "/venues", token))

    async def activities(self, token: str, project_id: str) -> list[Json]:
        return list(await self.call("GET", f"/projects/{project_id}/activities", token))

    async def schedule(self, token: str, activity_id: str, body: Json) -> Json:
        return dict(await self.call("POST", f"/activities/{activity_id}/sessions", token, json=body))

    async def staff(self, token: str) -> list[Json]:
        return list(await self.call("GET", "/staff", token))

    async def subscriptions(self, token: str) -> list[Json]:
        return list(await self.call("GET", "/calendars/subscriptions", token))

    async def subscribe(self, token: str, kind: str, feed_id: str) -> Json:
        body = {"kind": kind, "id": feed_id}
        return dict(await self.call("POST", "/calendars/subscriptions", token, json=body))

    async def revoke(self, token: str, subscription_id: str) -> None:
        await self.call("DELETE", f"/calendars/subscriptions/{subscription_id}", token)

    async def add_venue(self, token: str, body: Json) -> Json:
        return dict(await self.call("POST", "/venues", token, json=body))

    async def add_staff(self, token: str, body: Json) -> Json:
        return dict(await self.call("POST", "/staff", token, json=body))

    async def plan_activity(self, token: str, project_id: str, body: Json) -> Json:
        return dict(await self.call("POST", f"/projects/{project_id}/activities", token, json=body))

    async def reschedule(self, token: str, session_id: str, body: Json) -> Json:
        return dict(await self.call("POST", f"/sessions/{session_id}/reschedule", token, json=body))

    async def cancel_session(self, token: str, session_id: str, reason: str) -> Json:
        body = {"reason": reason}
        return dict(await self.call("POST", f"/sessions/{session_id}/cancellation", token, json=body))
