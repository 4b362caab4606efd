"""`make demo`'s launcher brings the whole system up, and Ctrl-C leaves no process behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aktywni_shared.auth import Role, Tokens
from aktywni_shared.clock import today_in_warsaw
from aktywni_stack import demo_data, demo_support, keycloak
from aktywni_stack.http_client import JsonApi
from aktywni_stack.ports import free_port
from tests.e2e.conftest import RunningSystem

#: An HTTP 409 in the demo's output: the number alone, not digits of a port or an id.
HTTP_409 = re.compile(r"(?<![\d:.])409(?!\d)")

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z")


def _demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")}
    env.update(
        AKTYWNI_STATE_DIR=str(tmp_path),
        AKTYWNI_NO_DOCKER="1",
        AKTYWNI_KAFKA_PORT=str(free_port()),
        AKTYWNI_KAFKA_CONTROLLER_PORT=str(free_port()),
        AKTYWNI_FERRETDB_PORT=str(free_port()),
        AKTYWNI_KEYCLOAK_PORT=str(free_port()),
        AKTYWNI_ENROLMENT_PORT=str(free_port()),
        AKTYWNI_SCHEDULING_PORT=str(free_port()),
        AKTYWNI_REPORTING_PORT=str(free_port()),
        AKTYWNI_WEB_PORT=str(free_port()),
    )
    return env


def test_demo_starts_everything_enrols_the_examples_and_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    env = _demo_env(tmp_path)
    demo = subprocess.Popen(
        [sys.executable, "-m", "aktywni_stack.demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert demo.stdout is not None
        deadline = time.monotonic() + 240  # Kafka, FerretDB, Keycloak, three services, the seeding
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        output = "".join(lines)
        assert "Press Ctrl-C" in output, output
        pids = {p.stem: int(p.read_text()) for p in tmp_path.glob("*.pid")}
        assert set(pids) == {"kafka", "ferretdb", "keycloak", "enrolment", "scheduling", "reporting", "web"}
        assert all(_alive(pid) for pid in pids.values())

        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=90)
    finally:
        if demo.poll() is None:
            demo.kill()

    assert demo.returncode == 0, output + rest
    assert "HTTP 201" in output
    assert "reporting counts 3 participants in TA-2012" in output, output
    assert output.count("attendance recorded: HTTP 200") == 3, output
    assert "reporting shows 2 persons supported (ON and environment) in TA-2012" in output, output
    assert "/dashboard/TA-2012?token=" in output
    for variable in demo_data.EXAMPLE_TOKENS:
        assert f"  export {variable}=ey" in output, output
    assert "  export ENROLMENT=http://127.0.0.1:" in output
    assert f"  export ISSUER=http://127.0.0.1:{env['AKTYWNI_KEYCLOAK_PORT']}/realms/aktywni" in output, output
    assert f"Staff web application: http://127.0.0.1:{env['AKTYWNI_WEB_PORT']}/" in output, output
    year = today_in_warsaw().year
    assert f"({year}-01-01 – {year}-12-31): http://127.0.0.1:" in output, output
    # 409 as a status, not inside a port number the demo happened to pick (127.0.0.1:34097)
    assert not HTTP_409.search(output), output
    assert f"Sign-in (OpenID Connect): issuer http://127.0.0.1:{env['AKTYWNI_KEYCLOAK_PORT']}/realms/aktywni" in output
    assert f"password '{keycloak.DEMO_PASSWORD}' for each" in output, output
    assert all(f"    {user.username} " in output for user in keycloak.DEMO_USERS), output
    assert "stopped" in rest
    assert [name for name, pid in pids.items() if _alive(pid)] == [], "no stray process"
    assert list(tmp_path.glob("*.pid")) == []


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            with_children = {int(c) for c in task.read_text().split()}
            todo += list(with_children - found)
            found |= with_children
    return found


def _wait_for_line(process: subprocess.Popen[str], text: str, timeout: float = 240) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return "".join(lines)
    raise AssertionError(f"no {text!r} in:\n{''.join(lines)}")


STOPS = [("make", "SIGINT"), ("make", "SIGTERM"), ("make", "make down"), ("demo", "SIGTERM")]


def _start_and_stop(state_dir: Path, target: str, how: str) -> None:
    """`make demo` stopped by a signal to make's pid or the demo's, or by `make down` from elsewhere."""
    state_dir.mkdir()
    env = _demo_env(state_dir)
    make = subprocess.Popen(
        ["make", "--no-print-directory", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = _wait_for_line(make, "Press Ctrl-C", timeout=360)
        tree = _descendants(make.pid)
        pids = {p.stem: int(p.read_text()) for p in state_dir.glob("*.pid")}
        assert set(pids) == {"kafka", "ferretdb", "keycloak", "enrolment", "scheduling", "reporting", "web"}
        everything = tree | set(pids.values())
        demo_pid = next(
            pid
            for pid in tree
            if "aktywni-demo" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            and "uv" not in Path(f"/proc/{pid}/comm").read_text()
        )
        if how == "make down":
            down = subprocess.run(["make", "--no-print-directory", "down"], cwd=ROOT, env=env, check=False, timeout=120)
            assert down.returncode == 0
        else:
            os.kill(make.pid if target == "make" else demo_pid, getattr(signal, how))
        rest, _ = make.communicate(timeout=120)
    finally:
        if make.poll() is None:
            make.kill()
    assert make.returncode is not None
    deadline = time.monotonic() + 30
    while (left := [pid for pid in everything if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == [], f"left running after {how} to {target}: {left}\n{output}{rest}"
    assert "stopped" in rest, output + rest
    assert list(state_dir.glob("*.pid")) == []


@pytest.mark.timeout(900)  # four whole demos, one after another
def test_make_demo_stops_entirely_however_it_is_stopped(tmp_path: Path) -> None:
    """Each way of stopping runs its own demo (own ports, own state), one after another: demos side by
    side took free ports another demo's process was about to bind (or had as a client's source port)."""
    failed: dict[str, str] = {}
    for n, (target, how) in enumerate(STOPS):
        try:
            _start_and_stop(tmp_path / f"{target}-{n}", target, how)
        except AssertionError as error:
            failed[f"{how} to {target}"] = str(error)
    assert not failed, "\n\n".join(f"{name}: {error}" for name, error in failed.items())


def _counts(system: RunningSystem, tokens: Tokens) -> tuple[int, int, int, int]:
    auditor = demo_data.token(tokens, demo_data.MOPS, Role.AUDITOR)
    coordinator = demo_data.token(tokens, demo_data.EUDAJMONIA, Role.COORDINATOR)
    reporting = JsonApi(system.url("reporting"), auditor)
    scheduling = JsonApi(system.url("scheduling"), coordinator)
    enrolment = JsonApi(system.url("enrolment"), coordinator)
    _, count = reporting.get("/projects/TA-2012/participants/count")
    _, activities = scheduling.get("/projects/TA-2012/activities")
    _, sessions = scheduling.get("/projects/TA-2012/sessions")
    _, venues = scheduling.get("/venues")
    assert enrolment.get("/projects/TA-2012")[0] == 200
    return int(count["participants"]), len(activities), len(sessions), len(venues)


def test_seeding_twice_changes_nothing_and_says_so_quietly(system: RunningSystem) -> None:
    tokens = system.tokens
    enrolment = JsonApi(system.url("enrolment"))
    scheduling, reporting = JsonApi(system.url("scheduling")), JsonApi(system.url("reporting"))
    first = demo_data.set_up(enrolment, tokens) + demo_support.set_up(scheduling, reporting, tokens)
    assert not any("refused" in line for line in first), first
    assert any("HTTP 201" in line for line in first), first
    after_first = _counts(system, tokens)
    assert after_first[1] >= 4  # the four TA activities (docs examples may add one)
    assert after_first[2] >= 36

    second = demo_data.set_up(enrolment, tokens) + demo_support.set_up(scheduling, reporting, tokens)
    text = "\n".join(second)
    assert not HTTP_409.search(text), text
    assert "refused" not in text
    assert "HTTP 201" not in text, text  # nothing created again
    assert len(second) <= len(first), text
    assert "(0 new)" in text
    assert _counts(system, tokens) == after_first


def test_the_live_project_runs_in_the_current_year() -> None:
    live = demo_data.wma_project()
    year = today_in_warsaw().year
    assert (live["starts_on"], live["ends_on"]) == (f"{year}-01-01", f"{year}-12-31")
