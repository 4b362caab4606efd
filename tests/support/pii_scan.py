"""Looking for people's personal data where it must not be: Kafka topics and the services' databases.

A *needle* is a piece of text that identifies one of the made-up people of ``tests/support/people.py``
(PESEL, full name, phone, e-mail, street with number). The scans read raw bytes, not models:

- ``scan_topics`` (a coroutine, it speaks Kafka through aiokafka) reads every topic of the cluster,
  dead-letter and internal ones included, from offset 0 to the end, and searches each record's key,
  value and header values;
- ``scan_databases`` reads every collection of every database except enrolment's (the only one
  allowed to hold personal data, encrypted) as BSON bytes;
- ``enrolment_plaintext`` reads enrolment's raw documents: a needle in clear is a hit, and so is
  any personal field (``participants.pii.*``) that is not ``v1:`` ciphertext.

Each needle is searched as UTF-8 and also as it looks inside JSON written with ASCII escapes
(``"Łucja"`` → ``"\\u0141ucja"``), so a leak through ``json.dumps`` is not missed.
"""

from __future__ import annotations

import bisect
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from bson.raw_bson import RawBSONDocument
from pymongo import MongoClient

from tests.support.people import LAST

#: Where enrolment keeps its data (``aktywni_<service>``, see ``aktywni_shared.settings``).
ENROLMENT_DATABASE = "aktywni_enrolment"
#: The prefix of enrolment's ciphertext (``enrolment.store.crypto.PREFIX``).
CIPHERTEXT_PREFIX = "v1:"
#: The generator's surnames: too common to be searched alone.
COMMON_SURNAMES = frozenset(LAST)
#: Needles shorter than this are not searched: they would match unrelated text.
MIN_NEEDLE = 8


@dataclass(frozen=True)
class Hit:
    """One finding: ``where`` (topic/partition@offset or database.collection/_id) and ``what`` was found."""

    where: str
    what: str


def needles(people: Iterable[Mapping[str, Any]]) -> list[str]:
    """What identifies each person: PESEL, full name, phone, e-mail and street, when the person has them.

    Left out on purpose, because they would match text that is no leak:

    - a first name alone, and a last name alone when it is one of the generator's eight surnames:
      "Anna", "Jan", "Nowak" occur in user names, other people's data and words ("Jan" in
      "January"); the full name, in both orders, is what identifies a person (a last name the
      generator does not make, such as a test's own double-barrelled one, is searched alone too);
    - birth date and sex: dates and ``K``/``M`` appear everywhere (enrolment dates, session days);
    - anything shorter than ``MIN_NEEDLE`` characters (a short e-mail or phone would be a fragment).

    A phone is also searched with its digits only (``+48 600 100 200`` → ``48600100200``), in case a
    service normalises it.
    """
    found: dict[str, None] = {}
    for who in people:
        first, last = who.get("first_name"), who.get("last_name")
        candidates = [who.get("pesel"), who.get("email"), who.get("street")]
        if first and last:
            candidates += [f"{first} {last}", f"{last} {first}"]
        if last and str(last).removesuffix("a") not in COMMON_SURNAMES:
            candidates.append(last)
        phone = who.get("phone")
        if phone:
            candidates += [phone, "".join(c for c in str(phone) if c.isdigit())]
        for candidate in candidates:
            if candidate and len(str(candidate)) >= MIN_NEEDLE:
                found[str(candidate)] = None
    return list(found)


def _patterns(needle: str) -> list[bytes]:
    """The needle as UTF-8 and, if different, as it reads inside ASCII-escaped JSON."""
    plain = needle.encode()
    escaped = json.dumps(needle)[1:-1].encode()
    return [plain] if escaped == plain else [plain, escaped]


def _search(blobs: list[bytes], places: list[str], needles_: Iterable[str]) -> list[Hit]:
    """Each needle in each blob (at most one hit per needle and place), searched in one joined buffer."""
    joined = b"\x00".join(blobs)
    starts: list[int] = []
    position = 0
    for blob in blobs:
        starts.append(position)
        position += len(blob) + 1
    hits: list[Hit] = []
    for needle in needles_:
        seen: set[int] = set()
        for pattern in _patterns(needle):
            at = joined.find(pattern)
            while at != -1:
                index = bisect.bisect_right(starts, at) - 1
                if index not in seen:
                    seen.add(index)
                    hits.append(Hit(places[index], needle))
                at = joined.find(pattern, starts[index] + len(blobs[index]) + 1)
    return hits


async def _partitions(bootstrap: str) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = sorted(await admin.list_topics())
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    partitions = [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]
    if {p.topic for p in partitions} != set(topics):
        raise RuntimeError(f"could not describe every topic: {sorted(set(topics) - {p.topic for p in partitions})}")
    return sorted(partitions)


def _record_bytes(key: bytes | None, value: bytes | None, headers: Iterable[tuple[str, bytes]]) -> bytes:
    parts = [key or b"", value or b""]
    parts += [name.encode() + b"=" + (header or b"") for name, header in headers]
    return b"\x01".join(parts)


async def scan_topics(bootstrap: str, needles: Iterable[str], *, timeout: float = 120.0) -> list[Hit]:
    """Every record of every topic (internal ones too) from offset 0 to the end: key, value, headers.

    Reads without a consumer group (nothing is committed) and uncommitted (aborted transactions are
    read too). Raises if the end of some partition is not reached within ``timeout`` seconds.
    """
    wanted = list(needles)
    partitions = await _partitions(bootstrap)
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_uncommitted",
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    blobs: list[bytes] = []
    places: list[str] = []
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        left = {tp for tp in partitions if await consumer.position(tp) < ends[tp]}
        deadline = time.monotonic() + timeout
        while left:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the end of {sorted(str(tp) for tp in left)[:5]} not reached in {timeout} s")
            for tp, records in (await consumer.getmany(*left, timeout_ms=500, max_records=5000)).items():
                for record in records:
                    if record.offset < ends[tp]:
                        blobs.append(_record_bytes(record.key, record.value, record.headers))
                        places.append(f"{tp.topic}[{tp.partition}]@{record.offset}")
            left = {tp for tp in left if await consumer.position(tp) < ends[tp]}
    finally:
        await consumer.stop()
    return _search(blobs, places, wanted)


def _collection_hits(client: MongoClient[RawBSONDocument], database: str, needles_: list[str]) -> list[Hit]:
    hits: list[Hit] = []
    for name in sorted(client[database].list_collection_names()):
        blobs: list[bytes] = []
        places: list[str] = []
        for document in client[database][name].find():
            blobs.append(bytes(document.raw))
            places.append(f"{database}.{name}/{document.get('_id')}")
        hits += _search(blobs, places, needles_)
    return hits


def _raw_client(mongodb_uri: str) -> MongoClient[RawBSONDocument]:
    return MongoClient(mongodb_uri, document_class=RawBSONDocument, serverSelectionTimeoutMS=10_000)


def _skipped(database: str, skip: Iterable[str]) -> bool:
    return any(database in (name, f"aktywni_{name}") for name in skip)


def scan_databases(mongodb_uri: str, needles: Iterable[str], *, skip: Iterable[str] = ("enrolment",)) -> list[Hit]:
    """Every document of every collection of every database but those in ``skip``, as raw BSON.

    ``skip`` names databases either in full or by service (``"enrolment"`` → ``aktywni_enrolment``).
    """
    wanted, skipped = list(needles), list(skip)
    with _raw_client(mongodb_uri) as client:
        databases = [name for name in sorted(client.list_database_names()) if not _skipped(name, skipped)]
        return [hit for database in databases for hit in _collection_hits(client, database, wanted)]


def enrolment_plaintext(mongodb_uri: str, needles: Iterable[str], *, database: str = ENROLMENT_DATABASE) -> list[Hit]:
    """Enrolment's raw documents: every needle in clear, and every personal field not ``v1:`` ciphertext."""
    wanted = list(needles)
    with _raw_client(mongodb_uri) as client:
        if database not in client.list_database_names():
            raise LookupError(f"there is no database {database!r} to scan")
        hits = _collection_hits(client, database, wanted)
        for document in client[database]["participants"].find({"pii": {"$exists": True}}):
            for field, token in (document["pii"] or {}).items():
                if not (isinstance(token, str) and token.startswith(CIPHERTEXT_PREFIX)):
                    hits.append(Hit(f"{database}.participants/{document['_id']}", f"pii.{field} not ciphertext"))
    return hits


def scan_metrics(urls: Mapping[str, str], needles_: Iterable[str]) -> list[Hit]:
    """Each needle in each service's ``/metrics`` scrape (metric names, label values and all)."""
    names = list(urls)
    blobs = [httpx.get(f"{urls[name]}/metrics", timeout=15).content for name in names]
    return _search(blobs, [f"{name}/metrics" for name in names], needles_)
