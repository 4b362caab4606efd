"""A service killed with SIGKILL and started again takes its place in its consumer group at once.

With dynamic membership the group coordinator keeps the killed member until its session times out
(10 s), and the new process waits for that rebalance; with static membership (the stable
``<PREFIX>_INSTANCE_ID`` the local stack gives every process) the new process replaces the killed
member: the group never holds two members, and it owns the same partitions as before.
``python -m tests.benchmarks.restart`` prints the times side by side.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from aktywni_shared.contracts.topics import ALL
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_stack.ports import free_port
from aktywni_stack.selection import Infrastructure
from aktywni_stack.services import SECRETS, ServiceProcess, local_secret
from tests.benchmarks.restart import _members


def test_a_killed_reporting_process_started_again_replaces_itself_in_its_group(
    infra: Infrastructure, tmp_path: Path
) -> None:
    bootstrap = infra.kafka_bootstrap_servers
    asyncio.run(ensure_topics(bootstrap, ALL))
    group = f"restart_{uuid.uuid4().hex[:8]}"
    env = {
        "REPORTING_GROUP_ID": group,
        "REPORTING_DATABASE": group,
        **{name: local_secret(tmp_path, name) for name in SECRETS},
    }
    process = ServiceProcess("reporting", tmp_path / "reporting", free_port(), env)
    process.launch(bootstrap, infra.mongodb_uri, bound_to_parent=True)
    try:
        process.wait_ready()
        deadline = time.monotonic() + 60
        while True:
            state, members = asyncio.run(_members(bootstrap, group))
            if state == "Stable" and len(members) == 1 and members[0][1] > 0:
                first_member, owned = members[0]
                break
            assert time.monotonic() < deadline, f"the group did not settle: {state} {members}"
            time.sleep(0.1)

        process.process.kill()
        killed = time.monotonic()
        process.launch(bootstrap, infra.mongodb_uri, bound_to_parent=True)
        most_members = 0
        while True:
            state, members = asyncio.run(_members(bootstrap, group))
            most_members = max(most_members, len(members))
            replaced = len(members) == 1 and members[0][0] != first_member and members[0][1] > 0
            if state == "Stable" and replaced:
                break
            assert time.monotonic() - killed < 60, f"the group did not settle again: {state} {members}"
            time.sleep(0.05)
        process.wait_ready()
        assert most_members == 1, "the killed member was replaced, not kept beside the new one"
        assert members[0][1] == owned, "the new process owns what the killed one owned"
    finally:
        process.stop()
