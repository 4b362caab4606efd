"""`aktywni-reporting-replay`: rebuild the reporting view from the topics from the beginning.

    KAFKA_BOOTSTRAP_SERVERS=... MONGODB_URI=... .venv/bin/aktywni-reporting-replay

Safe while the service runs (a fresh generation is filled, then switched to; see reporting.events.replay).
Prints a progress bar on stderr and a summary line on stdout.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import ClassVar, TextIO

from aktywni_shared import mongo
from aktywni_shared.contracts.topics import ALL, dead_letter
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_shared.settings import command_parser, from_environment
from reporting.events.consumer import SOURCE_TOPICS
from reporting.events.replay import GRACE_SECONDS, ReplayResult, replay
from reporting.settings import NAME, ReportingSettings
from reporting.store.view import View


class ReplaySettings(ReportingSettings):
    """The service's settings; no identity provider (nor token key) is needed to replay."""

    verifies_tokens: ClassVar[bool] = False


class ProgressBar:
    def __init__(self, out: TextIO = sys.stderr, width: int = 30) -> None:
        self.out, self.width = out, width
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // max(total, 1)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} records, {rate:.0f}/s")
        self.out.flush()


async def run(settings: ReportingSettings, grace: float) -> ReplayResult:
    security = settings.kafka_security()
    await ensure_topics(settings.kafka_bootstrap_servers, [*ALL, dead_letter(NAME)], security)
    client = mongo.connect(settings.mongodb_uri)
    try:
        view = View(client[settings.database_name(NAME)])
        bar = ProgressBar()
        result = await replay(
            view, settings.kafka_bootstrap_servers, SOURCE_TOPICS, bar, grace=grace, security=security
        )
        sys.stderr.write("\n")
        return result
    finally:
        await client.close()


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("aktywni-reporting-replay", __doc__, ReplaySettings)
    parser.add_argument(
        "--grace", type=float, default=GRACE_SECONDS, help="seconds to wait before dropping the old view"
    )
    args = parser.parse_args(argv)
    result = asyncio.run(run(from_environment(ReplaySettings, "aktywni-reporting-replay"), args.grace))
    print(
        f"view rebuilt as generation {result.generation} (was {result.previous_generation}): "
        f"{result.events} events applied, {result.skipped} invalid records skipped, {result.seconds} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
