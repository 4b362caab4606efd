"""`make demo`'s launcher brings the whole system up, and Ctrl-C leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from aktywni_stack.ports import free_port


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z")


def test_demo_starts_everything_enrols_the_examples_and_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")}
    env.update(
        AKTYWNI_STATE_DIR=str(tmp_path),
        AKTYWNI_NO_DOCKER="1",
        AKTYWNI_KAFKA_PORT=str(free_port()),
        AKTYWNI_KAFKA_CONTROLLER_PORT=str(free_port()),
        AKTYWNI_FERRETDB_PORT=str(free_port()),
        AKTYWNI_ENROLMENT_PORT=str(free_port()),
        AKTYWNI_SCHEDULING_PORT=str(free_port()),
        AKTYWNI_REPORTING_PORT=str(free_port()),
    )
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
        deadline = time.monotonic() + 180
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
        assert set(pids) == {"kafka", "ferretdb", "enrolment", "scheduling", "reporting"}
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
    assert "stopped" in rest
    assert [name for name, pid in pids.items() if _alive(pid)] == [], "no stray process"
    assert list(tmp_path.glob("*.pid")) == []
