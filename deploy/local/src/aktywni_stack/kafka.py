"""The embedded Kafka broker: Apache Kafka 4.x in KRaft combined mode, one node, on 127.0.0.1."""

from __future__ import annotations

import base64
import subprocess
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from aktywni_stack import artefacts, paths
from aktywni_stack.process import ManagedProcess, wait_until
from aktywni_stack.readiness import kafka_ready
from aktywni_stack.tools import require

HEAP = ["-Xms256m", "-Xmx768m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError"]
PARTITIONS = 6


def server_properties(
    port: int, controller_port: int, log_dir: Path, overrides: Mapping[str, str] | None = None
) -> str:
    """A single-node broker+controller with the dynamic (bootstrap-servers) KRaft quorum.

    ``overrides`` replace or add properties (listeners and security for a secured broker).
    """
    return _with_overrides(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={log_dir}",
            f"num.partitions={PARTITIONS}",
            # Topics are created by the services with their partition counts (shared.contracts.topics).
            "auto.create.topics.enable=false",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=6",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "message.max.bytes=2097152",
            "log.retention.hours=-1",
            "num.network.threads=2",
            "num.io.threads=4",
            "",
        ],
        overrides or {},
    )


def _with_overrides(lines: list[str], overrides: Mapping[str, str]) -> str:
    kept = [line for line in lines if line.split("=", 1)[0] not in overrides]
    added = [f"{key}={value}" for key, value in overrides.items()]
    return "\n".join([*kept[:-1], *added, kept[-1]] if added else kept)


def new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes in URL-safe base64 without padding (as `random-uuid`)."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


class EmbeddedKafka:
    """The broker; by default plaintext. ``overrides`` change its properties, ``format_args`` are
    added to the storage format (e.g. ``--add-scram``), ``ready`` replaces the plaintext readiness check."""

    def __init__(
        self,
        state_dir: Path,
        port: int,
        controller_port: int,
        *,
        overrides: Mapping[str, str] | None = None,
        format_args: Sequence[str] = (),
        ready: Callable[[], bool] | None = None,
    ) -> None:
        self.dir = state_dir / "kafka"
        self.port = port
        self.controller_port = controller_port
        self.overrides = dict(overrides or {})
        self.format_args = list(format_args)
        self.ready = ready
        self.process = ManagedProcess("kafka", state_dir)

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _java(self, lib: Path, main: str, *args: str, heap: list[str] | None = None) -> list[str]:
        return [
            require("java"),
            *(heap or ["-Xmx256m"]),
            f"-Dlog4j2.configurationFile={paths.KAFKA_RECIPE / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={self.process.log_file.parent}",
            "-cp",
            f"{lib}/*",
            main,
            *args,
        ]

    def start(self, *, bound_to_parent: bool = False, timeout: float = 120.0) -> float:
        """Format the storage on first start, start the broker, wait until it serves metadata."""
        lib = artefacts.kafka_lib()
        data = self.dir / "data"
        config = self.dir / "server.properties"
        self.dir.mkdir(parents=True, exist_ok=True)
        config.write_text(server_properties(self.port, self.controller_port, data, self.overrides))
        self.process.log_file.parent.mkdir(parents=True, exist_ok=True)
        if not (data / "meta.properties").exists():
            fmt = subprocess.run(  # noqa: S603 - fixed argv
                self._java(
                    lib,
                    "kafka.tools.StorageTool",
                    "format",
                    "--standalone",
                    "-t",
                    new_cluster_id(),
                    "-c",
                    str(config),
                    *self.format_args,
                ),
                capture_output=True,
                text=True,
                check=False,
            )
            if fmt.returncode != 0:
                raise RuntimeError(f"formatting Kafka's storage failed:\n{fmt.stdout}\n{fmt.stderr}")
        self.process.start(
            self._java(lib, "kafka.Kafka", str(config), heap=HEAP),
            bound_to_parent=bound_to_parent,
        )
        return wait_until(
            self.ready or (lambda: kafka_ready(self.bootstrap_servers)),
            timeout=timeout,
            what=f"Kafka on {self.bootstrap_servers}",
            proc=self.process,
        )

    def stop(self) -> None:
        self.process.stop(timeout=30.0)
