"""How long the staff web application takes to render each page, with 1 000 participants in the project.

    uv run python -m tests.benchmarks.web_pages [--participants 1000] [--requests 40]

Starts Kafka, the database, the three services and the web application (embedded unless
KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are set), registers a "Trener Aktywności" project led by
Fundacja EUDAJMONIA, imports ``--participants`` people into it and waits until reporting counts
them. Then it signs in to the web application as the leader's coordinator and asks for each page
``--requests`` times, one after another, after three unmeasured requests, then makes each of the
participant searches staff make (by surname, its first letters, a name nobody has, a PESEL, a
surname with a status) as many times. A page's time runs from
the request to the last byte of the HTML on the loopback interface: the web application's own work
and every call it makes to the services, with no browser. Tokens are the services' local HS256 ones
(verifying them costs what a provider's cached RS256 key does, see ``tests.benchmarks.tokens``).

Prints p50, p95 and the slowest time per page against the 300 ms goal at p95. Asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_stack import assets, demo_data
from aktywni_stack.embedded import StackPorts
from aktywni_stack.ports import free_port
from aktywni_stack.selection import select
from aktywni_stack.services import DEMO_ENV, SERVICES, WEB, ServiceProcess, local_secret, start_all, web_process
from tests.benchmarks.enrolment import import_rows

GOAL_P95_MS = 300.0
PROJECT = "BENCH-WEB"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def pages(project: str, participant_id: str) -> dict[str, str]:
    """The pages a coordinator opens in a working day, by name."""
    return {
        "start page": "/",
        "projects": "/projects",
        "project": f"/projects/{project}",
        "participants (1st page)": f"/projects/{project}/participants",
        "participant's card": f"/participants/{participant_id}",
        "enrolment form": f"/projects/{project}/enrolment",
        "import wizard": f"/projects/{project}/import",
        "indicators": f"/projects/{project}/indicators",
        "reports": f"/projects/{project}/reports",
        "audit log": f"/projects/{project}/audit",
        "sessions (week)": f"/projects/{project}/sessions",
        "calendar": "/calendar",
        "venues": "/venues",
    }


def signed_in(web_url: str, token: str) -> httpx.Client:
    client = httpx.Client(base_url=web_url, timeout=60, follow_redirects=False)
    form = client.get("/sign-in")
    found = CSRF.search(form.text)
    if found is None:
        raise RuntimeError(f"no sign-in form: HTTP {form.status_code}")
    answer = client.post("/test/sign-in", data={"csrf_token": found.group(1), "access_token": token, "next": "/"})
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in refused: HTTP {answer.status_code}")
    return client


def wait_until_counted(reporting_url: str, token: str, participants: int, timeout: float = 300.0) -> float:
    """Seconds until reporting counts every imported participant (pages are timed in the steady state)."""
    started = time.monotonic()
    with httpx.Client(base_url=reporting_url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as api:
        while time.monotonic() - started < timeout:
            answer = api.get(f"/projects/{PROJECT}/participants/count")
            if answer.status_code == 200 and answer.json()["participants"] >= participants:
                return time.monotonic() - started
            time.sleep(0.5)
    raise RuntimeError(f"reporting did not count {participants} participants within {timeout:.0f} s")


def searches(person: dict[str, str]) -> dict[str, dict[str, str]]:
    """The participant searches staff make (a POST form: no name or PESEL in the address), by name."""
    last_name = person["last_name"]
    return {
        "search: surname": {"name": last_name},
        "search: its first 3 letters": {"name": last_name[:3]},
        "search: nobody of the name": {"name": "Żadnegotakiego"},
        "search: PESEL": {"pesel": person["pesel"]},
        "search: surname and status": {"name": last_name, "status": "enrolled"},
    }


def time_page(client: httpx.Client, path: str, requests: int, form: dict[str, str] | None = None) -> list[float]:
    """Milliseconds per request of ``path``: a GET, or a POST of ``form`` with the page's CSRF token."""

    def ask() -> httpx.Response:
        if form is None:
            return client.get(path)
        return client.post(path, data={**form, "csrf_token": csrf})

    csrf = ""
    if form is not None:
        found = CSRF.search(client.get(path).text)
        if found is None:
            raise RuntimeError(f"{path}: no form")
        csrf = found.group(1)
    for _ in range(3):
        ask()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = ask()
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="aktywni-web-bench-") as tmp:
        workdir = Path(tmp)
        infra = select(workdir / "stack", ports=StackPorts.free(), bound_to_parent=True)
        services = {name: ServiceProcess(name, workdir, free_port(), DEMO_ENV.get(name)) for name in SERVICES}
        try:
            start_all(list(services.values()), infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
            services[WEB] = web_process(workdir, free_port(), dict(services), assets.web_assets(), test_sign_in=True)
            start_all([services[WEB]], infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
            tokens = Tokens(local_secret(workdir, "AKTYWNI_JWT_SECRET"))
            admin = tokens.issue(Principal(user="bench", organisation_id=demo_data.MOPS, role=Role.ADMINISTRATOR))
            leader = tokens.issue(
                Principal(user="koordynator", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR)
            )
            enrolment = services["enrolment"].url
            with httpx.Client(base_url=enrolment, timeout=60) as api:
                for organisation in demo_data.ORGANISATIONS:
                    api.post("/organisations", json=organisation, headers={"Authorization": f"Bearer {admin}"})
                api.post(
                    "/projects", json=demo_data.ta_project(PROJECT), headers={"Authorization": f"Bearer {leader}"}
                ).raise_for_status()
            imported = import_rows(enrolment, leader, PROJECT, args.participants, workdir)
            print(f"imported {args.participants} participants in {imported['seconds']:.1f} s", flush=True)
            with httpx.Client(base_url=enrolment, timeout=60, headers={"Authorization": f"Bearer {leader}"}) as api:
                first = api.get(f"/projects/{PROJECT}/participants", params={"page_size": 1}).json()["items"][0]
            counted = wait_until_counted(services["reporting"].url, leader, args.participants)
            print(f"reporting counted them {counted:.1f} s after the import", flush=True)
            client = signed_in(services[WEB].url, leader)
            try:
                asked: list[tuple[str, str, dict[str, str] | None]] = [
                    (name, path, None) for name, path in pages(PROJECT, str(first["participant_id"])).items()
                ]
                search_path = f"/projects/{PROJECT}/participants"
                asked += [(name, search_path, form) for name, form in searches(first["personal"]).items()]
                for name, path, form in asked:
                    results[name] = time_page(client, path, args.requests, form)
                    print(f"  {name}: p95 {statistics.quantiles(results[name], n=20)[18]:.0f} ms", flush=True)
            finally:
                client.close()
        finally:
            for service in services.values():
                service.stop()
            infra.stop()
    print(f"\nweb pages ({args.participants} participants, {args.requests} requests each, {infra.source} stack)")
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal p95 <= {GOAL_P95_MS:.0f} ms")
    for name, times in results.items():
        p95 = statistics.quantiles(times, n=20)[18]
        verdict = "met" if p95 <= GOAL_P95_MS else "MISSED"
        print(f"{name:28} {statistics.median(times):8.0f} {p95:8.0f} {max(times):8.0f}  {verdict}")


if __name__ == "__main__":
    main()
