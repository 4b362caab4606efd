"""HTTP commands that survive a service being killed: sent again until they get a final answer.

A request that got no answer (connection refused or reset, timeout) or a 5xx may or may not have been
applied. It is sent again as it was; the APIs make that safe (an enrolment of the same person is a
409 naming the existing participant, a booking that exists is answered 200, attendance repeats
harmlessly, a manual entry is keyed by its ``entry_id``). Whether a 4xx after such a retry means
"done already" is decided by the caller (``done``).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from aktywni_shared.auth import Principal, Role, Tokens

RETRY_FOR = 240.0  # seconds a command keeps being retried (a restart of Kafka or the database included)
TRANSIENT = (httpx.TransportError,)


class CommandFailed(Exception):
    """A command got an answer it should not have (a finding), or no final answer in time."""


@dataclass
class Stats:
    """Counts shared by the workers: commands sent, retries, and unexpected answers."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counts[name] += n


@dataclass
class Api:
    """One caller (organisation and role) of the three services."""

    urls: dict[str, str]
    tokens: Tokens
    stats: Stats

    def headers(self, organisation_id: str, role: Role) -> dict[str, str]:
        principal = Principal(user=f"{role.value}@{organisation_id}", organisation_id=organisation_id, role=role)
        return {"Authorization": f"Bearer {self.tokens.issue(principal)}"}

    def send(
        self,
        client: httpx.Client,
        method: str,
        service: str,
        path: str,
        *,
        as_: tuple[str, Role],
        json: Any = None,
        ok: Iterable[int] = (200, 201, 204),
        wait_if: Callable[[httpx.Response], bool] | None = None,
        done: Callable[[httpx.Response], bool] | None = None,
        retry_for: float = RETRY_FOR,
    ) -> httpx.Response:
        """Send until an ``ok`` answer; answers ``wait_if`` accepts are retried too (e.g. a participant a
        service has not learned of yet); after a lost answer, a response ``done`` accepts counts as success."""
        accepted = set(ok)
        deadline = time.monotonic() + retry_for
        lost = False
        delay = 0.2
        self.stats.add("commands")
        last = "no answer"
        while True:
            try:
                response = client.request(
                    method, self.urls[service] + path, json=json, headers=self.headers(*as_), timeout=20.0
                )
            except TRANSIENT as error:
                lost, last = True, f"{type(error).__name__}: {error}"
                self.stats.add("retries after no answer")
            else:
                if response.status_code in accepted:
                    return response
                if lost and done is not None and done(response):
                    self.stats.add("retries answered 'done already'")
                    return response
                last = f"HTTP {response.status_code} {response.text[:300]}"
                if response.status_code >= 500:
                    lost = True
                    self.stats.add("retries after 5xx")
                elif wait_if is not None and wait_if(response):
                    self.stats.add(f"waits for HTTP {response.status_code}")
                else:
                    raise CommandFailed(f"{method} {service}{path}: {last}")
            if time.monotonic() > deadline:
                raise CommandFailed(f"{method} {service}{path}: no final answer in {retry_for:.0f} s ({last})")
            time.sleep(delay)
            delay = min(delay * 1.5, 2.0)
