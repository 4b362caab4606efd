"""The embedded database: FerretDB 1.x (MongoDB wire protocol) with its SQLite backend."""

from __future__ import annotations

from pathlib import Path

from aktywni_stack import artefacts
from aktywni_stack.process import ManagedProcess, wait_until
from aktywni_stack.readiness import mongodb_ready


class EmbeddedFerretDB:
    def __init__(self, state_dir: Path, port: int) -> None:
        self.data_dir = state_dir / "ferretdb"
        self.port = port
        self.process = ManagedProcess("ferretdb", state_dir)

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def start(self, *, bound_to_parent: bool = False, timeout: float = 60.0) -> float:
        binary = artefacts.ferretdb_binary()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process.start(
            [str(binary), f"--listen-addr=127.0.0.1:{self.port}", f"--data-dir={self.data_dir}", "--log-level=warn"],
            bound_to_parent=bound_to_parent,
        )
        return wait_until(
            lambda: mongodb_ready(self.uri), timeout=timeout, what=f"FerretDB on {self.uri}", proc=self.process
        )

    def stop(self) -> None:
        self.process.stop(timeout=15.0)
