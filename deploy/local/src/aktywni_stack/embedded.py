"""The embedded stack: Kafka, FerretDB (and Keycloak) as local processes, their ports remembered in the state dir."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from aktywni_stack.ferretdb import EmbeddedFerretDB
from aktywni_stack.kafka import EmbeddedKafka
from aktywni_stack.keycloak import EmbeddedKeycloak
from aktywni_stack.ports import free_port

DEMO_PORTS = {"kafka": 19092, "kafka_controller": 19093, "ferretdb": 27027, "keycloak": 18080}


@dataclass(frozen=True)
class StackPorts:
    kafka: int
    kafka_controller: int
    ferretdb: int
    keycloak: int = DEMO_PORTS["keycloak"]

    @classmethod
    def from_env(cls) -> StackPorts:
        """Demo ports, each overridable (AKTYWNI_KAFKA_PORT, AKTYWNI_KAFKA_CONTROLLER_PORT, AKTYWNI_FERRETDB_PORT,
        AKTYWNI_KEYCLOAK_PORT)."""
        return cls(
            kafka=int(os.environ.get("AKTYWNI_KAFKA_PORT", DEMO_PORTS["kafka"])),
            kafka_controller=int(os.environ.get("AKTYWNI_KAFKA_CONTROLLER_PORT", DEMO_PORTS["kafka_controller"])),
            ferretdb=int(os.environ.get("AKTYWNI_FERRETDB_PORT", DEMO_PORTS["ferretdb"])),
            keycloak=int(os.environ.get("AKTYWNI_KEYCLOAK_PORT", DEMO_PORTS["keycloak"])),
        )

    @classmethod
    def free(cls) -> StackPorts:
        return cls(kafka=free_port(), kafka_controller=free_port(), ferretdb=free_port(), keycloak=free_port())


class EmbeddedStack:
    """Kafka and FerretDB; Keycloak too when ``start(with_keycloak=True)`` (stop and status always cover it)."""

    def __init__(self, state_dir: Path, ports: StackPorts | None = None) -> None:
        self.state_dir = state_dir
        remembered = self._remembered_ports()
        self.ports = ports or remembered or StackPorts.from_env()
        self.kafka = EmbeddedKafka(state_dir, self.ports.kafka, self.ports.kafka_controller)
        self.ferretdb = EmbeddedFerretDB(state_dir, self.ports.ferretdb)
        self.keycloak = EmbeddedKeycloak(state_dir, self.ports.keycloak)

    def _remembered_ports(self) -> StackPorts | None:
        try:
            return StackPorts(**json.loads((self.state_dir / "ports.json").read_text()))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    @property
    def kafka_bootstrap_servers(self) -> str:
        return self.kafka.bootstrap_servers

    @property
    def mongodb_uri(self) -> str:
        return self.ferretdb.uri

    def start(self, *, bound_to_parent: bool = False, with_keycloak: bool = False) -> dict[str, float]:
        """Start whatever is not running yet; the seconds each took to become ready."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "ports.json").write_text(json.dumps(self.ports.__dict__))
        timings: dict[str, float] = {}
        try:
            if not self.ferretdb.process.running():
                timings["ferretdb"] = self.ferretdb.start(bound_to_parent=bound_to_parent)
            if not self.kafka.process.running():
                timings["kafka"] = self.kafka.start(bound_to_parent=bound_to_parent)
            if with_keycloak and not self.keycloak.process.running():
                timings["keycloak"] = self.keycloak.start(bound_to_parent=bound_to_parent)
        except BaseException:
            self.stop()
            raise
        return timings

    def stop(self) -> None:
        self.keycloak.stop()
        self.kafka.stop()
        self.ferretdb.stop()

    def status(self) -> dict[str, str]:
        return {
            "kafka": f"{'running' if self.kafka.process.running() else 'stopped'} {self.kafka_bootstrap_servers}",
            "ferretdb": f"{'running' if self.ferretdb.process.running() else 'stopped'} {self.mongodb_uri}",
            "keycloak": f"{'running' if self.keycloak.process.running() else 'stopped'} {self.keycloak.issuer}",
        }
