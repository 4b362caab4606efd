"""Restart time: a service killed with SIGKILL, relaunched, until it is ready and consuming again.

    uv run python -m tests.benchmarks.restart [--runs 3] [--services enrolment,scheduling,reporting]

For each service and each way of joining its consumer group (dynamic membership, and static
membership with a stable ``<PREFIX>_INSTANCE_ID``), the service is started on the embedded stack,
killed with SIGKILL and started again; the time from the kill is split into:

- ``import``: the interpreter loads the service's code (``python -c "import <service>.app"``);
- ``ready``: until ``/ready`` answers 200 (process start, settings, topics, indexes, broker start);
- ``consuming``: until the consumer group is ``Stable`` with the new process as its only member
  holding partitions (a killed member that did not leave is waited for by the group coordinator
  until its session times out, unless static membership lets the new process take its place).

Prints one table (median, min and max of ``--runs``). Asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from aktywni_shared.contracts.topics import ALL
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_stack.embedded import StackPorts
from aktywni_stack.ports import free_port
from aktywni_stack.selection import select
from aktywni_stack.services import SECRETS, ServiceProcess, local_secret

SERVICES = ("enrolment", "scheduling", "reporting")


async def _members(bootstrap: str, group: str) -> tuple[str, list[tuple[str, int]]]:
    """The group's state and, per member, (member id, number of partitions assigned)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        described = (await admin.describe_consumer_groups([group]))[0].to_object()["groups"][0]
    finally:
        await admin.close()
    members = []
    for member in described["members"]:
        raw = member["member_assignment"]
        parts = ConsumerProtocolMemberAssignment.decode(raw).partitions() if raw else []
        members.append((str(member["member_id"]), len(parts)))
    return str(described["state"]), members


def _consuming(bootstrap: str, group: str, not_member: set[str], timeout: float = 60.0) -> str:
    """Wait until the group is Stable with one member, not one of ``not_member``, owning partitions."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state, members = asyncio.run(_members(bootstrap, group))
        if state == "Stable" and len(members) == 1 and members[0][1] > 0 and members[0][0] not in not_member:
            return members[0][0]
        time.sleep(0.05)
    raise RuntimeError(f"group {group} did not settle within {timeout:.0f} s")


def import_seconds(service: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", f"import {service}.app"], check=True)
    return time.monotonic() - started


def one_restart(bootstrap: str, mongodb_uri: str, workdir: Path, service: str, *, static: bool) -> dict[str, float]:
    group = f"restart_{service}_{uuid.uuid4().hex[:8]}"
    prefix = service.upper()
    env = {
        f"{prefix}_GROUP_ID": group,
        f"{prefix}_DATABASE": group,
        **{name: local_secret(workdir, name) for name in SECRETS},
    }
    if static:
        env[f"{prefix}_INSTANCE_ID"] = f"{service}-0"
    process = ServiceProcess(service, workdir / group, free_port(), env)
    process.launch(bootstrap, mongodb_uri, bound_to_parent=True)
    try:
        process.wait_ready()
        first = _consuming(bootstrap, group, set())
        killed = time.monotonic()
        process.process.kill()
        process.launch(bootstrap, mongodb_uri, bound_to_parent=True)
        process.wait_ready()
        ready = time.monotonic() - killed
        _consuming(bootstrap, group, set() if static else {first})
        return {"ready": ready, "consuming": time.monotonic() - killed}
    finally:
        process.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--services", default=",".join(SERVICES))
    args = parser.parse_args()
    services = [s for s in args.services.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="aktywni-restart-") as tmp:
        workdir = Path(tmp)
        infra = select(workdir / "stack", ports=StackPorts.free(), bound_to_parent=True)
        try:
            asyncio.run(ensure_topics(infra.kafka_bootstrap_servers, ALL))
            rows = []
            for service in services:
                imports = [import_seconds(service) for _ in range(args.runs)]
                for static in (False, True):
                    runs = [
                        one_restart(infra.kafka_bootstrap_servers, infra.mongodb_uri, workdir, service, static=static)
                        for _ in range(args.runs)
                    ]
                    rows.append((service, "static" if static else "dynamic", imports, runs))
        finally:
            infra.stop()

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):5.2f} ({min(values):.2f}-{max(values):.2f})"

    print(f"{'service':<11} {'membership':<10} {'import s':<19} {'ready s':<19} {'consuming s':<19}")
    for service, membership, imports, runs in rows:
        print(
            f"{service:<11} {membership:<10} {cell(imports):<19} "
            f"{cell([r['ready'] for r in runs]):<19} {cell([r['consuming'] for r in runs]):<19}"
        )


if __name__ == "__main__":
    main()
