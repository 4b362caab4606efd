"""Background processes of the stack: started with a pid file and a log file, stopped for sure."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ManagedProcess:
    """One long-running process of the stack (broker, database or service).

    Its pid lives in ``<state>/<name>.pid`` and its output in ``<state>/logs/<name>.log`` so that
    `stop` and `status` work from another shell, and so that nothing is left behind by `make down`.
    """

    def __init__(self, name: str, state_dir: Path) -> None:
        self.name = name
        self.pid_file = state_dir / f"{name}.pid"
        self.log_file = state_dir / "logs" / f"{name}.log"

    def start(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        bound_to_parent: bool = False,
    ) -> int:
        """Start ``argv`` in its own session; with ``bound_to_parent`` it dies with this process."""
        if self.running():
            raise RuntimeError(f"{self.name} is already running (pid {self.pid()}); stop it first")
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - argv is built by the stack, not from input
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_die_with_parent if bound_to_parent else None,  # noqa: PLW1509
            )
        self.pid_file.write_text(str(proc.pid))
        return proc.pid

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def running(self) -> bool:
        pid = self.pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not _is_zombie(pid)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM the process group, wait, then SIGKILL; removes the pid file."""
        pid = self.pid()
        if pid is not None and self.running():
            _signal_group(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while self.running() and time.monotonic() < deadline:
                _reap(pid)
                time.sleep(0.1)
            if self.running():
                _signal_group(pid, signal.SIGKILL)
                while self.running():
                    _reap(pid)
                    time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL at once, as a crash would (used by fault tests)."""
        pid = self.pid()
        if pid is not None and self.running():
            _signal_group(pid, signal.SIGKILL)
            while self.running():
                _reap(pid)
                time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log yet)"


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, proc: ManagedProcess) -> float:
    """Poll ``check`` until it is true; the seconds it took, or an error with the log's tail."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if not proc.running():
            raise RuntimeError(f"{what} exited during start-up; last lines of {proc.log_file}:\n{proc.log_tail()}")
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s; last lines of {proc.log_file}:\n{proc.log_tail()}")


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"
