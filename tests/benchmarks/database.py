"""The database's own ceiling: the operations the write path is made of, through our proxy.

    uv run python -m tests.benchmarks.database [--seconds 3] [--locks] [--ferretdb NAME=BINARY ...]
                                               [--postgresql]

``ceiling(uri)`` times, serially and with 8 concurrent clients, each for a few seconds on a
collection of 1 000 documents: insert_one; update_one by ``_id``; a conditional update whose filter
has more than ``_id`` (a seat taken while ``seats < capacity``, as bookings do); find_one by ``_id``;
insert_many of 100 (counted in documents/s). Operations/s, p50 and p99 of each. ``make bench`` runs
it on the stack's database in the same run and prints every write-path figure as a ratio to it.

``locks()`` shows what the proxy's write lock per database buys: two databases (two services)
written at once by 4 clients each, on a proxy with one lock for every database (``--write-lock
global``, the former behaviour) and on one with a lock per database, side by side.

As a command it starts its own FerretDB(s) and prints the ceiling of each build given (``--ferretdb
v1.24.0=path/to/binary``; default: the project's build), with ``--postgresql`` also the same build
on FerretDB's PostgreSQL backend (a throw-away cluster; needs PostgreSQL's binaries), and with
``--locks`` the lock comparison. Asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection

from aktywni_stack.ferretdb import EmbeddedFerretDB, WriteLock
from aktywni_stack.ports import free_port

OPERATIONS = ("insert_one", "update_by_id", "update_conditional", "find_by_id", "insert_many_100")
LABELS = {
    "insert_one": "insert_one",
    "update_by_id": "update_one by _id",
    "update_conditional": "conditional update (filter: _id and seats < capacity)",
    "find_by_id": "find_one by _id",
    "insert_many_100": "insert_many of 100, documents/s",
}
DOCUMENTS = 1_000
BATCH = 100
CONCURRENCY = 8
PAD = "x" * 200

Document = dict[str, Any]


def _timed(operation: Callable[[random.Random], None], clients: int, seconds: float) -> dict[str, float]:
    """Run ``operation`` in ``clients`` threads for ``seconds``; calls/s and latency quantiles."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(n: int) -> None:
        rng = random.Random(n)
        mine = latencies[n]
        start.wait()
        try:
            while (began := time.perf_counter()) < stop_at[0]:
                operation(rng)
                mine.append(time.perf_counter() - began)
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"database ceiling: {type(errors[0]).__name__}: {errors[0]}") from errors[0]
    every = sorted(x for mine in latencies for x in mine)
    if len(every) < 2:
        return {"per_second": len(every) / elapsed, "calls": len(every), "p50_ms": 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles(every, n=100, method="inclusive")
    return {
        "per_second": len(every) / elapsed,
        "calls": len(every),
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
    }


def _operations(
    seats: Collection[Document], inserts: Collection[Document], bulk: Collection[Document], ids: list[str]
) -> dict[str, Callable[[random.Random], None]]:
    """The timed operations, each one call of the client."""

    def insert_one(rng: random.Random) -> None:
        inserts.insert_one({"_id": uuid.uuid4().hex, "n": rng.random(), "pad": PAD})

    def update_by_id(rng: random.Random) -> None:
        seats.update_one({"_id": rng.choice(ids)}, {"$inc": {"n": 1}})

    def update_conditional(rng: random.Random) -> None:
        result = seats.update_one({"_id": rng.choice(ids), "seats": {"$lt": 10**9}}, {"$inc": {"seats": 1}})
        if result.matched_count != 1:
            raise RuntimeError("the conditional update matched no document")

    def find_by_id(rng: random.Random) -> None:
        if seats.find_one({"_id": rng.choice(ids)}) is None:
            raise RuntimeError("find_one by _id found nothing")

    def insert_many(rng: random.Random) -> None:
        bulk.insert_many([{"_id": uuid.uuid4().hex, "n": rng.random(), "pad": PAD} for _ in range(BATCH)])

    return {
        "insert_one": insert_one,
        "update_by_id": update_by_id,
        "update_conditional": update_conditional,
        "find_by_id": find_by_id,
        "insert_many_100": insert_many,
    }


def ceiling(uri: str, *, seconds: float = 3.0, documents: int = DOCUMENTS) -> dict[str, dict[str, dict[str, float]]]:
    """Each operation, serially and with CONCURRENCY clients: {operation: {"serial"|"concurrent": figures}}."""
    name = f"bench_ceiling_{uuid.uuid4().hex[:8]}"
    client: MongoClient[Document] = MongoClient(uri, maxPoolSize=CONCURRENCY * 2, serverSelectionTimeoutMS=30_000)
    try:
        db = client[name]
        seats: Collection[Document] = db.seats
        inserts: Collection[Document] = db.inserts
        bulk: Collection[Document] = db.bulk
        ids = [f"s{n:05d}" for n in range(documents)]
        for first in range(0, documents, 50):
            seats.insert_many(
                [{"_id": i, "n": 0, "seats": 0, "capacity": 10**9, "pad": PAD} for i in ids[first : first + 50]]
            )
        inserts.insert_one({"_id": "first", "pad": PAD})
        bulk.insert_one({"_id": "first", "pad": PAD})
        time.sleep(1.0)  # the embedded build indexes a new collection's _id lookups within 200 ms

        operations = _operations(seats, inserts, bulk, ids)
        out: dict[str, dict[str, dict[str, float]]] = {}
        for key, operation in operations.items():
            figures = {"serial": _timed(operation, 1, seconds), "concurrent": _timed(operation, CONCURRENCY, seconds)}
            if key == "insert_many_100":
                for mode in figures.values():
                    mode["calls_per_second"] = mode["per_second"]
                    mode["per_second"] *= BATCH
            out[key] = figures
        return out
    finally:
        client.drop_database(name)
        client.close()


def two_databases(uri: str, *, seconds: float = 3.0, clients_per_database: int = 4) -> dict[str, float]:
    """Two databases updated by _id at once (as two services write), ``clients_per_database`` each: writes/s."""
    names = [f"bench_locks_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    client: MongoClient[Document] = MongoClient(uri, maxPoolSize=4 * clients_per_database)
    try:
        ids = [f"d{n:04d}" for n in range(200)]
        collections: list[Collection[Document]] = [client[name].docs for name in names]
        for collection in collections:
            for first in range(0, len(ids), 50):
                collection.insert_many([{"_id": i, "n": 0, "pad": PAD} for i in ids[first : first + 50]])
        time.sleep(1.0)
        counter = iter(range(1 << 62))
        lock = threading.Lock()

        def write(rng: random.Random) -> None:
            with lock:
                n = next(counter)
            collections[n % 2].update_one({"_id": rng.choice(ids)}, {"$inc": {"n": 1}})

        figures = _timed(write, 2 * clients_per_database, seconds)
        return {"per_second": figures["per_second"], "p99_ms": figures["p99_ms"]}
    finally:
        for name in names:
            client.drop_database(name)
        client.close()


@contextmanager
def ferretdb(
    workdir: Path,
    *,
    name: str = "ferretdb",
    write_lock: WriteLock | None = None,
    binary: Path | None = None,
    postgresql_url: str | None = None,
) -> Iterator[str]:
    """A FerretDB of our build on a free port for the duration; its URI."""
    database = EmbeddedFerretDB(
        workdir, free_port(), name=name, write_lock=write_lock, binary=binary, postgresql_url=postgresql_url
    )
    database.start(bound_to_parent=True)
    try:
        yield database.uri
    finally:
        database.stop()


def locks(workdir: Path, *, seconds: float = 3.0, binary: Path | None = None) -> dict[str, dict[str, float]]:
    """Two services' databases written at once: one write lock for all (before) and one per database (after)."""
    out: dict[str, dict[str, float]] = {}
    for mode in ("global", "database"):
        with ferretdb(workdir, name=f"ferretdb-locks-{mode}", write_lock=mode, binary=binary) as uri:
            out[mode] = two_databases(uri, seconds=seconds)
    return out


@contextmanager
def postgresql(workdir: Path) -> Iterator[str]:
    """A throw-away PostgreSQL cluster (Debian's binaries) on a free port; its URL for FerretDB.

    PostgreSQL refuses to run as root: run as root, the cluster belongs to the ``nobody`` account.
    """
    bindir = _postgresql_bindir()
    data = workdir / "postgresql"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(data, nobody.pw_uid, nobody.pw_gid)
        os.chmod(workdir, 0o755)
        as_user = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "ferretdb", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=on"
    subprocess.run(
        [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(data / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [*as_user, str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "ferretdb", "ferretdb"],
            check=True,
            capture_output=True,
        )
        yield f"postgres://ferretdb@127.0.0.1:{port}/ferretdb"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], check=False)


def _postgresql_bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        raise RuntimeError("PostgreSQL's binaries (pg_ctl, initdb) are not installed")
    return versions[-1].parent


def rows(figures: dict[str, dict[str, dict[str, float]]], prefix: str = "database ceiling") -> list[tuple[str, str]]:
    """Table rows: per operation, serial / 8 clients per second, p50 / p99 ms."""
    out: list[tuple[str, str]] = []
    for key in OPERATIONS:
        if key not in figures:
            continue
        serial, concurrent = figures[key]["serial"], figures[key]["concurrent"]
        out.append(
            (
                f"{prefix}: {LABELS[key]}, serial / {CONCURRENCY} clients",
                f"{serial['per_second']:.0f} / {concurrent['per_second']:.0f} per s"
                f" (p50 {serial['p50_ms']:.1f} / {concurrent['p50_ms']:.1f} ms,"
                f" p99 {serial['p99_ms']:.0f} / {concurrent['p99_ms']:.0f} ms)",
            )
        )
    return out


def lock_rows(figures: dict[str, dict[str, float]]) -> list[tuple[str, str]]:
    before, after = figures["global"], figures["database"]
    return [
        (
            "two databases written at once (2 × 4 clients), writes/s: one lock / a lock per database",
            f"{before['per_second']:.0f} / {after['per_second']:.0f}"
            f" (× {after['per_second'] / before['per_second']:.2f};"
            f" p99 {before['p99_ms']:.0f} / {after['p99_ms']:.0f} ms)",
        )
    ]


def _print(title: str, table: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in table) + 2
    print(f"\n{title}")
    for name, value in table:
        print(f"{name:{width}}{value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="per operation and mode")
    parser.add_argument("--ferretdb", action="append", default=[], metavar="NAME=BINARY", help="a build to measure")
    parser.add_argument("--postgresql", action="store_true", help="also the first build on PostgreSQL")
    parser.add_argument("--locks", action="store_true", help="one write lock for all against one per database")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    builds: list[tuple[str, Path | None]] = [
        (name, Path(path)) for name, _, path in (spec.partition("=") for spec in args.ferretdb)
    ] or [("this build", None)]
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="aktywni-database-bench-") as tmp:
        workdir = Path(tmp)
        for name, binary in builds:
            with ferretdb(workdir, name=f"ferretdb-{len(result)}", binary=binary) as uri:
                result[f"{name}, SQLite"] = ceiling(uri, seconds=args.seconds)
            _print(f"{name}, SQLite", rows(result[f"{name}, SQLite"], "ceiling"))
        if args.postgresql:
            name, binary = builds[0]
            with (
                postgresql(workdir) as url,
                ferretdb(workdir, name="ferretdb-pg", binary=binary, postgresql_url=url) as uri,
            ):
                result[f"{name}, PostgreSQL"] = ceiling(uri, seconds=args.seconds)
            _print(f"{name}, PostgreSQL", rows(result[f"{name}, PostgreSQL"], "ceiling"))
        if args.locks:
            result["locks"] = locks(workdir, seconds=args.seconds, binary=builds[0][1])
            _print(f"write locks ({builds[0][0]})", lock_rows(result["locks"]))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
