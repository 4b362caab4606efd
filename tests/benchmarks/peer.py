"""The peer: the MongoDB Kafka Connector (a sink in Kafka Connect standalone) materialising the same topics.

What a user would deploy to copy a topic into MongoDB: Kafka Connect 4.3 standalone with
``com.mongodb.kafka.connect.MongoSinkConnector``, the values read as schemaless JSON, written into
one collection of a fresh database on the same FerretDB. The time measured runs from starting
Connect until the collection holds every record (counted in the database), start-up included.
FerretDB 1.24 stalls on write commands of more than 100 statements, hence ``max.batch.size=50``.
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

CONNECTOR = "com.mongodb.kafka.connect.MongoSinkConnector"
COLLECTION = "events"


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


def _properties(values: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in values.items())


def mongo_sink(bootstrap: str, mongodb_uri: str, topics: list[str], records: int, workdir: Path) -> dict[str, float]:
    """Seconds and records/s for the sink to write ``records`` records of ``topics`` into an empty collection."""
    class_path = f"{artefacts.kafka_lib()}/*:{artefacts.kafka_connect_lib()}/*"
    run = uuid.uuid4().hex[:8]
    database = f"bench_peer_{run}"
    workdir.mkdir(parents=True, exist_ok=True)
    worker = workdir / f"connect-{run}.properties"
    sink = workdir / f"mongo-sink-{run}.properties"
    worker.write_text(
        _properties(
            {
                "bootstrap.servers": bootstrap,
                "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable": "false",
                "offset.storage.file.filename": str(workdir / f"connect-{run}.offsets"),
                "offset.flush.interval.ms": "1000",
                "listeners": "http://127.0.0.1:0",
                "plugin.discovery": "only_scan",
                "consumer.auto.offset.reset": "earliest",
                "consumer.max.poll.records": "500",
            }
        )
    )
    sink.write_text(
        _properties(
            {
                "name": f"bench-mongo-sink-{run}",
                "connector.class": CONNECTOR,
                "tasks.max": "1",
                "topics": ",".join(topics),
                "connection.uri": mongodb_uri,
                "database": database,
                "collection": COLLECTION,
                "max.batch.size": "50",
            }
        )
    )
    argv = [
        require("java"),
        "-Xmx768m",
        f"-Dlog4j2.configurationFile={paths.KAFKA_RECIPE / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={workdir}",
        "-cp",
        class_path,
        "org.apache.kafka.connect.cli.ConnectStandalone",
        str(worker),
        str(sink),
    ]
    client: MongoClient[dict[str, object]] = MongoClient(mongodb_uri)
    log = (workdir / f"connect-{run}.log").open("wb")
    started = time.perf_counter()
    connect = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        written = 0
        deadline = time.monotonic() + max(120.0, records / 200)
        while written < records:
            if connect.poll() is not None or time.monotonic() > deadline:
                tail = (workdir / f"connect-{run}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the MongoDB sink wrote {written} of {records} documents:\n{tail}")
            time.sleep(0.2)
            written = client[database][COLLECTION].estimated_document_count()
        seconds = time.perf_counter() - started
    finally:
        connect.terminate()
        try:
            connect.wait(timeout=20)
        except subprocess.TimeoutExpired:
            connect.kill()
            connect.wait()
        log.close()
        client.drop_database(database)
        client.close()
    return {"records": written, "seconds": seconds, "per_second": records / seconds}
