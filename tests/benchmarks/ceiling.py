"""The ceiling: Kafka's own consumer performance tool reading reporting's topics on the same broker.

It runs org.apache.kafka.tools.ConsumerPerformance (kafka-tools, in the cached Kafka jars) in a
fresh consumer group from offset 0 until it has read ``records`` records, and returns what the tool
itself measured: the most a consumer can read from this broker on this machine (it decodes nothing
and writes nothing).
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from aktywni_stack import artefacts, paths
from aktywni_stack.tools import require


def consumer_performance(bootstrap: str, topics: list[str], records: int, workdir: Path) -> dict[str, float]:
    """Records/s and MB/s of ConsumerPerformance reading ``records`` records of ``topics`` from the start."""
    lib = artefacts.kafka_lib()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "ceiling-consumer.properties"
    config.write_text("auto.offset.reset=earliest\nenable.auto.commit=false\n")
    argv = [
        require("java"),
        "-Xmx512m",
        f"-Dlog4j2.configurationFile={paths.KAFKA_RECIPE / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={workdir}",
        "-cp",
        f"{lib}/*",
        "org.apache.kafka.tools.ConsumerPerformance",
        "--bootstrap-server",
        bootstrap,
        "--include",
        "|".join(t.replace(".", "\\.") for t in topics),
        "--num-records",
        str(records),
        "--group",
        f"bench-ceiling-{uuid.uuid4().hex[:8]}",
        "--command-config",
        str(config),
        "--timeout",
        "120000",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    header = next((n for n, line in enumerate(lines) if line.startswith("start.time")), None)
    if done.returncode != 0 or header is None or header + 1 >= len(lines):
        raise RuntimeError(
            f"ConsumerPerformance failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    names = [n.strip() for n in lines[header].split(",")]
    row = dict(zip(names, (v.strip() for v in lines[header + 1].split(",")), strict=False))
    consumed = int(float(row["data.consumed.in.nMsg"]))
    if consumed < records:
        raise RuntimeError(f"ConsumerPerformance read {consumed} of {records} records:\n{done.stdout[-2000:]}")
    return {
        "records": consumed,
        "per_second": float(row["nMsg.sec"]),
        "mb_per_second": float(row["MB.sec"]),
        "fetch_per_second": float(row["fetch.nMsg.sec"]),
        "rebalance_ms": float(row["rebalance.time.ms"]),
        "seconds": consumed / float(row["nMsg.sec"]) if float(row["nMsg.sec"]) else 0.0,
    }
