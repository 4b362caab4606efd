"""How the demo learns that it should stop, whichever way it is asked to.

A signal to the demo itself is handled directly. Two other ways reach nobody by default:

* ``make demo`` stopped by a SIGINT to make's own pid (not to the terminal's process group): GNU
  make does not forward SIGINT to its recipe, it only waits for it. It does reset its handler of
  the signal to the default first, which ``/proc/<pid>/status`` shows (``SigCgt``); so the demo
  watches the pid make gave it (``AKTYWNI_DEMO_SUPERVISOR``) and stops when make stops catching
  a signal it caught before, or is gone.
* ``make down`` (``aktywni-stack stop``) in another terminal stops the demo's processes: the demo
  notices that one of the processes it started is gone and stops the rest.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

SUPERVISOR_VARIABLE = "AKTYWNI_DEMO_SUPERVISOR"
FATAL = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def caught_signals(pid: int) -> set[int] | None:
    """The signals ``pid`` has a handler for, or None when it is gone (or a zombie)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields.get("State", "").strip().startswith("Z"):
        return None
    mask = int(fields.get("SigCgt", "0").strip(), 16)
    return {number for number in range(1, 65) if mask & (1 << (number - 1))}


def supervisor_pid() -> int | None:
    value = os.environ.get(SUPERVISOR_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 1 else None


def watch(still_running: Callable[[], str | None], interval: float = 0.5) -> threading.Thread:
    """A thread that sends SIGTERM to this process when the supervisor is stopping or gone, or
    when ``still_running`` names something that stopped (it answers None while all is well)."""
    supervisor = supervisor_pid()
    watched = {int(s) for s in FATAL} & (caught_signals(supervisor) or set()) if supervisor else set()

    def loop() -> None:
        while True:
            time.sleep(interval)
            reason = still_running()
            if supervisor is not None and reason is None:
                caught = caught_signals(supervisor)
                if caught is None:
                    reason = f"the process that started the demo ({supervisor}) is gone"
                elif watched - caught:
                    reason = f"the process that started the demo ({supervisor}) was told to stop"
            if reason is not None:
                print(f"{reason}; stopping everything", flush=True)
                os.kill(os.getpid(), signal.SIGTERM)
                return

    thread = threading.Thread(target=loop, name="demo-supervision", daemon=True)
    thread.start()
    return thread
