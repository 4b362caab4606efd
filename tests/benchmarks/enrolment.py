"""Benchmark of the enrolment service on the real stack: HTTP enrolments/s and bulk-import rows/s.

    uv run python -m tests.benchmarks.enrolment [--requests 1000] [--concurrency 8] [--import-rows 10000]

Starts Kafka, the database and the enrolment service (embedded unless KAFKA_BOOTSTRAP_SERVERS and
MONGODB_URI are set), registers a project, then prints one table. Figures are what this machine
did in this run: compare them only with figures measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from aktywni_shared.auth import Principal, Role, Tokens
from aktywni_stack import demo_data
from aktywni_stack.embedded import StackPorts
from aktywni_stack.ports import free_port
from aktywni_stack.selection import select
from aktywni_stack.services import ServiceProcess, local_secret
from enrolment.cli import import_cli
from enrolment.domain.importing import COLUMNS
from tests.support.people import person

HEADERS = [c.header for c in COLUMNS]


def _trainee(n: int, rng: random.Random) -> dict[str, object]:
    return demo_data.staff_trainee(**{**person(rng, n), "organisation_id": demo_data.EUDAJMONIA})


def http_enrolments(url: str, token: str, project: str, count: int, concurrency: int) -> dict[str, float]:
    rng = random.Random(1)
    bodies = [_trainee(n, rng) for n in range(count)]
    latencies: list[float] = []

    def enrol(body: dict[str, object]) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            started = time.perf_counter()
            response = client.post(f"/projects/{project}/participants", json=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text}")

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(enrol, bodies))
    seconds = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
    }


def import_rows(url: str, token: str, project: str, rows: int, workdir: Path) -> dict[str, float]:
    rng = random.Random(2)
    lines = [";".join(HEADERS)]
    for n in range(rows):
        who = person(rng, 50_000 + n)
        values = {
            "Organizacja": demo_data.EUDAJMONIA,
            "Kategoria uczestnika": "staff_trainee",
            "Imię": who["first_name"],
            "Nazwisko": who["last_name"],
            "PESEL": who["pesel"],
            "Data rozpoczęcia udziału w projekcie": "2012-09-10",
            "Data zgody na przetwarzanie danych": "2012-09-01",
            "Województwo": "dolnośląskie",
            "Powiat": "Wrocław",
            "Gmina": "Wrocław",
            "DEGURBA": "1",
        }
        lines.append(";".join(values.get(h, "") for h in HEADERS))
    source = workdir / "lista.csv"
    source.write_text("\n".join(lines) + "\n", encoding="cp1250")
    started = time.perf_counter()
    totals = import_cli.run(source, project, url, token)
    seconds = time.perf_counter() - started
    if totals["errors"] or totals["enrolled"] + totals["already_enrolled"] != rows:
        raise RuntimeError(f"imported {totals['enrolled']} of {rows}: {totals['errors'][:3]}")
    # The made-up PESELs may repeat now and then; a repeat is "already enrolled", as in real lists.
    return {"rows": rows, "seconds": seconds, "per_second": rows / seconds, "repeats": totals["already_enrolled"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aktywni-bench-") as tmp:
        workdir = Path(tmp)
        infra = select(workdir / "stack", ports=StackPorts.free(), bound_to_parent=True)
        service = ServiceProcess("enrolment", workdir, free_port())
        try:
            service.launch(infra.kafka_bootstrap_servers, infra.mongodb_uri, bound_to_parent=True)
            service.wait_ready()
            tokens = Tokens(local_secret(workdir, "AKTYWNI_JWT_SECRET"))
            admin = tokens.issue(Principal(user="bench", organisation_id=demo_data.MOPS, role=Role.ADMINISTRATOR))
            leader = tokens.issue(Principal(user="bench", organisation_id=demo_data.EUDAJMONIA, role=Role.COORDINATOR))
            with httpx.Client(base_url=service.url, timeout=30) as client:
                for organisation in demo_data.ORGANISATIONS:
                    client.post("/organisations", json=organisation, headers={"Authorization": f"Bearer {admin}"})
                for project in ("BENCH-HTTP", "BENCH-IMPORT"):
                    client.post(
                        "/projects", json=demo_data.ta_project(project), headers={"Authorization": f"Bearer {leader}"}
                    ).raise_for_status()
            http = http_enrolments(service.url, leader, "BENCH-HTTP", args.requests, args.concurrency)
            print(f"HTTP: {http}", flush=True)
            imported = import_rows(service.url, leader, "BENCH-IMPORT", args.import_rows, workdir)
        finally:
            service.stop()
            infra.stop()
    print(f"\nenrolment benchmark ({infra.source} stack)")
    print(f"{'measure':38} {'value':>12}")
    print(f"{'HTTP enrolments/s (' + str(args.concurrency) + ' clients)':38} {http['per_second']:12.1f}")
    print(f"{'HTTP enrolment latency p50 (ms)':38} {http['p50_ms']:12.1f}")
    print(f"{'HTTP enrolment latency p99 (ms)':38} {http['p99_ms']:12.1f}")
    print(f"{'import rows/s (' + str(args.import_rows) + ' rows, CSV)':38} {imported['per_second']:12.1f}")
    print(f"{'import time for all rows (s)':38} {imported['seconds']:12.1f}")


if __name__ == "__main__":
    main()
