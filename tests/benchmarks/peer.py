"""The peer: the Debezium MongoDB sink connector (in Kafka Connect standalone) materialising the same topics.

What a user would deploy to copy topics into MongoDB with off-the-shelf parts: Kafka Connect 4.3
standalone with ``io.debezium.connector.mongodb.MongoDbSinkConnector`` writing every record of the
topics as one document into one collection of a fresh database on the same FerretDB. (The MongoDB
Kafka Connector would be the first choice; see deploy/local/kafka-connect/pom.xml for why it is not.)

The connector takes change events (``{"op": "c", "after": {...}}``) and writes each as a ``replaceOne``
upsert whose filter is built from the record's key: ``{_id: {<key fields>}}``, or a new ObjectId when
the key has no fields. Our records are plain JSON envelopes keyed by participant, so four of Kafka
Connect's own transforms adapt them: ``HoistField`` and ``ReplaceField`` turn the key into an empty
one (keyed by participant, later events would overwrite earlier ones; keyed by ``event_id`` the
``_id`` is a document, which FerretDB 1.24 cannot look up without scanning the collection, so every
batch is slower than the last), ``HoistField`` puts the envelope under ``after``, ``InsertField``
adds ``op=c``. So every record becomes one document holding the whole envelope, under a new ObjectId
(the MongoDB Kafka Connector's default id strategy too).

The time measured runs from starting Connect until the collection holds every record (counted in the
database with ``collStats``), start-up included. FerretDB 1.24 stalls on write commands of more than 100 statements,
hence ``batch.size=50``. The connector's task does not stop on a record it cannot write (it logs
some of these errors and swallows others), so a run fails at the first ERROR line of Connect's log,
or at its deadline with the log's tail.
"""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from pathlib import Path

from pymongo import MongoClient

from aktywni_stack import artefacts, paths
from aktywni_stack.tools import require

NAME = "Debezium MongoDB sink connector"
CONNECTOR = "io.debezium.connector.mongodb.MongoDbSinkConnector"
COLLECTION = "events"
BATCH_SIZE = 50


def available() -> str | None:
    """None if Connect and the connector can be had (fetched into the cache if need be), else why not."""
    try:
        artefacts.kafka_connect_lib()
    except (RuntimeError, FileNotFoundError) as error:
        missing = re.search(r"([\w.-]+:[\w.-]+:[\w:.-]+?) (?:was not found|could not be resolved)", str(error))
        if missing:
            return f"Maven could not resolve {missing.group(1)}"
        return re.sub(r"\x1b\[[0-9;]*m", "", str(error)).splitlines()[0][:300]
    return None


def worker_config(bootstrap: str, offsets: Path) -> dict[str, str]:
    """Connect standalone: string keys, values as schemaless JSON, every topic read from its start."""
    return {
        "bootstrap.servers": bootstrap,
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "offset.storage.file.filename": str(offsets),
        "offset.flush.interval.ms": "1000",
        "listeners": "http://127.0.0.1:0",
        "plugin.discovery": "only_scan",
        "consumer.auto.offset.reset": "earliest",
        "consumer.max.poll.records": "500",
    }


def sink_config(name: str, mongodb_uri: str, database: str, topics: list[str]) -> dict[str, str]:
    """The sink: every record of ``topics`` as one document of ``database.events``."""
    return {
        "name": name,
        "connector.class": CONNECTOR,
        "tasks.max": "1",
        "topics": ",".join(topics),
        "mongodb.connection.string": mongodb_uri,
        "sink.database": database,
        "collection.name.format": COLLECTION,
        "batch.size": str(BATCH_SIZE),
        "transforms": "key,nokey,after,op",
        "transforms.key.type": "org.apache.kafka.connect.transforms.HoistField$Key",
        "transforms.key.field": "key",
        "transforms.nokey.type": "org.apache.kafka.connect.transforms.ReplaceField$Key",
        "transforms.nokey.exclude": "key",
        "transforms.after.type": "org.apache.kafka.connect.transforms.HoistField$Value",
        "transforms.after.field": "after",
        "transforms.op.type": "org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.op.static.field": "op",
        "transforms.op.static.value": "c",
    }


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def _first_error(log: Path) -> str | None:
    """The first ERROR line of Connect's log, if any."""
    if log.exists():
        with log.open(errors="replace") as lines:
            return next((line.rstrip() for line in lines if "] ERROR " in line), None)
    return None


def _count(client: MongoClient[dict[str, object]], database: str) -> int:
    """Documents in the sink's collection (0 before it exists).

    ``collStats`` rather than ``estimated_document_count``: FerretDB 1.24 answers ``count`` by reading
    every document (2.5 s at 10 000), which would slow the very sink being timed; its ``collStats``
    count is exact and takes about a tenth of a second there.
    """
    stats = client[database].command("collStats", COLLECTION)
    return int(stats["count"])


def mongo_sink(bootstrap: str, mongodb_uri: str, topics: list[str], records: int, workdir: Path) -> dict[str, float]:
    """Seconds and records/s for the sink to write ``records`` records of ``topics`` into an empty collection."""
    class_path = f"{artefacts.kafka_lib()}/*:{artefacts.kafka_connect_lib()}/*"
    run = uuid.uuid4().hex[:8]
    database = f"bench_peer_{run}"
    logs = workdir / f"connect-{run}"
    logs.mkdir(parents=True, exist_ok=True)
    worker = logs / "worker.properties"
    sink = logs / "sink.properties"
    worker.write_text(_properties(worker_config(bootstrap, logs / "offsets")))
    sink.write_text(_properties(sink_config(f"bench-mongo-sink-{run}", mongodb_uri, database, topics)))
    argv = [
        require("java"),
        "-Xmx768m",
        f"-Dlog4j2.configurationFile={paths.KAFKA_RECIPE / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={logs}",
        "-cp",
        class_path,
        "org.apache.kafka.connect.cli.ConnectStandalone",
        str(worker),
        str(sink),
    ]
    log = logs / "kafka.log"
    client: MongoClient[dict[str, object]] = MongoClient(mongodb_uri)
    output = (logs / "stdout.log").open("wb")
    started = time.perf_counter()
    connect = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    try:
        written = 0
        deadline = time.monotonic() + max(120.0, records / 100)
        while written < records:
            error = _first_error(log)
            if error or connect.poll() is not None or time.monotonic() > deadline:
                why = error or (log.read_text(errors="replace")[-2000:] if log.exists() else "Connect wrote no log")
                raise RuntimeError(f"the {NAME} wrote {written} of {records} documents: {why}")
            time.sleep(0.2)
            written = _count(client, database)
        seconds = time.perf_counter() - started
    finally:
        connect.terminate()
        try:
            connect.wait(timeout=20)
        except subprocess.TimeoutExpired:
            connect.kill()
            connect.wait()
        output.close()
        client.drop_database(database)
        client.close()
    return {"records": written, "seconds": seconds, "per_second": records / seconds}
