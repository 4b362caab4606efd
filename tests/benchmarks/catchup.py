"""Reporting's catch-up alone, at each size of the cost curve, optionally against another checkout's reporting.

    uv run python -m tests.benchmarks.catchup [--sizes 10000,100000,1000000] [--runs 1] [--before DIR]
        [--profile DIR]

The same stream and the same measure as ``make bench``'s cost curve (``tests.benchmarks.bench``: a
fresh reporting process catching up from offset 0 into an empty view, from its start until its
group's committed offsets reach the end of every topic; the counts checked on the first run), and
Kafka's ConsumerPerformance on the same topics, without the peer and without the services' part.

``--before DIR`` runs, in the same stack and on the same topics, the reporting service of another
checkout as well (for instance a git worktree of an earlier commit: its ``services/reporting/src``
comes first on the process's module path), alternating with this checkout's, so that before and
after are measured side by side. ``--profile DIR`` samples this checkout's process with py-spy (if
it is on the PATH) into ``DIR/<size>.txt``. Prints a table; asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from aktywni_shared.auth import Tokens
from aktywni_shared.contracts.topics import ALL
from aktywni_shared.messaging.kafka import ensure_topics
from aktywni_stack.embedded import StackPorts
from aktywni_stack.selection import select
from aktywni_stack.services import SECRETS, ServiceProcess, local_secret
from tests.benchmarks import bench, ceiling


class CatchUp(bench.Bench):
    """``bench.Bench`` whose reporting process may come from another checkout, or run under a profiler."""

    source: Path | None = None
    profile: Path | None = None

    def service(self, name: str, **env: str) -> ServiceProcess:
        if self.source is not None:
            env["PYTHONPATH"] = str(self.source / "services" / "reporting" / "src")
        process = super().service(name, **env)
        if self.profile is not None and (spy := shutil.which("py-spy")):
            pid = process.process.pid()
            self.profile.parent.mkdir(parents=True, exist_ok=True)
            subprocess.Popen(
                [spy, "record", "--pid", str(pid), "--format", "raw", "--output", str(self.profile), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        return process


def measure(bench_: CatchUp, stream: bench.Stream, verify: bool, source: Path | None, profile: Path | None) -> Any:
    bench_.source, bench_.profile = source, profile
    try:
        return bench_.ours(stream, verify=verify)
    finally:
        bench_.source = bench_.profile = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="sizes of the curve, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="runs of each consumer per size")
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--before", type=Path, default=None, help="another checkout whose reporting runs too")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy samples of this checkout's runs")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="aktywni-catchup-") as tmp:
        workdir = Path(tmp)
        infra = select(workdir / "stack", ports=StackPorts.free(), bound_to_parent=True)
        secrets = {name: local_secret(workdir, name) for name in SECRETS}
        tokens = Tokens(secrets["AKTYWNI_JWT_SECRET"])
        runner = CatchUp(infra, workdir, args.runs, time.monotonic() + 86400, secrets, tokens)
        try:
            asyncio.run(ensure_topics(infra.kafka_bootstrap_servers, ALL))
            stream = bench.Stream(args.projects)
            for size in sizes:
                stream.grow_to(infra.kafka_bootstrap_servers, size)
                print(f"[catch-up] {stream.published} events on the topics", flush=True)
                top = ceiling.consumer_performance(
                    infra.kafka_bootstrap_servers, bench.SOURCE, stream.published, workdir
                )
                row: dict[str, Any] = {"events": stream.published, "ceiling_per_second": top["per_second"]}
                for run in range(args.runs):
                    variants = [("before", args.before), ("after", None)] if args.before else [("after", None)]
                    for label, source in variants:
                        profile = args.profile / f"{size}.txt" if args.profile and label == "after" else None
                        got = measure(runner, stream, run == 0, source, profile)
                        row.setdefault(label, []).append(got)
                        print(
                            f"[catch-up]   {label}: {got['seconds']:.1f} s, {got['per_second']:.0f} events/s, "
                            f"peak RSS {got['rss']:.0f} MiB "
                            f"({got['rss_after_reports']:.0f} after every project's report)",
                            flush=True,
                        )
                rows.append(row)
        finally:
            infra.stop()
    print(table(rows))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=2) + "\n")


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'events':>9} {'variant':8} {'seconds':>8} {'events/s':>9} {'µs/event':>9} {'÷ first':>8} "
        f"{'peak MiB':>9} {'+reports':>9} {'/ ceiling':>10}"
    ]
    first: dict[str, float] = {}
    for row in rows:
        for label in ("before", "after"):
            if label not in row:
                continue
            seconds = sorted(r["seconds"] for r in row[label])[len(row[label]) // 2]
            rss = max(r["rss"] for r in row[label])
            reports = max(r.get("rss_after_reports", 0) for r in row[label])
            per_event = seconds / row["events"] * 1e6
            first.setdefault(label, per_event)
            rate = row["events"] / seconds
            lines.append(
                f"{row['events']:>9} {label:8} {seconds:>8.1f} {rate:>9.0f} {per_event:>9.0f} "
                f"{per_event / first[label]:>8.2f} {rss:>9.0f} {reports:>9.0f} "
                f"{rate / row['ceiling_per_second']:>10.3f}"
            )
        lines.append(f"{row['events']:>9} {'ceiling':8} {'':>8} {row['ceiling_per_second']:>9.0f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
