"""The embedded database: FerretDB 1.x (MongoDB wire protocol) with its SQLite backend."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from aktywni_stack import artefacts
from aktywni_stack.process import ManagedProcess, wait_until
from aktywni_stack.readiness import mongodb_ready

#: How our proxy serialises write commands: per database (the default) or one lock for all.
WriteLock = Literal["database", "global"]


class EmbeddedFerretDB:
    """The stack's database process; ``write_lock``, ``binary`` and ``postgresql_url`` are for benchmarks."""

    def __init__(
        self,
        state_dir: Path,
        port: int,
        *,
        name: str = "ferretdb",
        write_lock: WriteLock | None = None,
        binary: Path | None = None,
        postgresql_url: str | None = None,
    ) -> None:
        self.data_dir = state_dir / name
        self.port = port
        self.process = ManagedProcess(name, state_dir)
        self.write_lock = write_lock
        self.binary = binary
        self.postgresql_url = postgresql_url

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, *, bound_to_parent: bool = False, timeout: float = 60.0) -> float:
        binary = self.binary or artefacts.ferretdb_binary()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        argv = [str(binary), f"--listen-addr=127.0.0.1:{self.port}", f"--data-dir={self.data_dir}", "--log-level=warn"]
        if self.write_lock:
            argv.append(f"--write-lock={self.write_lock}")
        if self.postgresql_url:
            argv.append(f"--postgresql-url={self.postgresql_url}")
        self.process.start(argv, bound_to_parent=bound_to_parent)
        return wait_until(
            lambda: mongodb_ready(self.uri), timeout=timeout, what=f"FerretDB on {self.uri}", proc=self.process
        )

    def stop(self) -> None:
        self.process.stop(timeout=15.0)
