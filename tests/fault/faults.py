"""Faults injected while the workload runs: SIGKILL of a service (then started again), and a stop and
restart of the Kafka broker and of the database. One thread, one fault at a time, at random moments."""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from aktywni_stack.embedded import EmbeddedStack
from aktywni_stack.services import ServiceProcess

READY_TIMEOUT = 180.0
DOWN_FOR = (1.0, 4.0)  # seconds the broker or the database stays stopped


@dataclass
class FaultLog:
    done: Counter[str] = field(default_factory=Counter)
    while_commands_ran: Counter[str] = field(default_factory=Counter)
    recovery_seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _say(text: str) -> None:
    print(f"[fault] {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def plan(rng: random.Random, services: list[str], kills_per_service: int, broker: int, database: int) -> list[str]:
    """The faults in the order they happen: kills shuffled, the broker and database restarts spread out."""
    kills = [f"kill {name}" for name in services for _ in range(kills_per_service)]
    rng.shuffle(kills)
    others = ["restart kafka"] * broker + ["restart database"] * database
    rng.shuffle(others)
    for n, fault in enumerate(others):
        kills.insert((n + 1) * len(kills) // (len(others) + 1), fault)
    return kills


class FaultInjector(threading.Thread):
    def __init__(
        self,
        stack: EmbeddedStack,
        services: dict[str, ServiceProcess],
        faults: list[str],
        rng: random.Random,
        pause: tuple[float, float],
        workload_running: threading.Event,
    ) -> None:
        super().__init__(name="faults", daemon=True)
        self.stack = stack
        self.services = services
        self.faults = faults
        self.rng = rng
        self.pause = pause
        self.workload_running = workload_running
        self.log = FaultLog()

    @property
    def share_done(self) -> float:
        return sum(self.log.done.values()) / max(len(self.faults), 1)

    def run(self) -> None:
        for fault in self.faults:
            time.sleep(self.rng.uniform(*self.pause))
            mid_stream = self.workload_running.is_set()
            started = time.monotonic()
            try:
                self._inject(fault)
            except Exception as error:  # noqa: BLE001 - recorded and reported: the run then fails
                self.log.errors.append(f"{fault}: {type(error).__name__}: {error}")
                _say(f"{fault} failed: {error}")
                return
            _say(f"{fault}: back in {time.monotonic() - started:.1f} s{'' if mid_stream else ' (commands done)'}")
            self.log.done[fault] += 1
            self.log.while_commands_ran[fault] += int(mid_stream)
            self.log.recovery_seconds.setdefault(fault, []).append(time.monotonic() - started)

    def _inject(self, fault: str) -> None:
        action, target = fault.split(" ", 1)
        if action == "kill":
            service = self.services[target]
            service.process.kill()
            self._relaunch(service)
        elif target == "kafka":
            self.stack.kafka.stop()
            time.sleep(self.rng.uniform(*DOWN_FOR))
            self.stack.kafka.start()
            self._wait_all_ready()
        else:
            self.stack.ferretdb.stop()
            time.sleep(self.rng.uniform(*DOWN_FOR))
            self.stack.ferretdb.start()
            self._wait_all_ready()

    def _relaunch(self, service: ServiceProcess) -> None:
        # Not bound to this thread: the kernel's parent-death signal follows the thread that started a
        # process, so a child of this thread would be stopped when the thread ends. The runner stops them.
        service.launch(self.stack.kafka_bootstrap_servers, self.stack.mongodb_uri)
        service.wait_ready(timeout=READY_TIMEOUT)

    def _wait_all_ready(self) -> None:
        for service in self.services.values():
            if not service.process.running():
                self.log.notes.append(f"{service.name} exited while the broker or database was down: restarted")
                self._relaunch(service)
            service.wait_ready(timeout=READY_TIMEOUT)
