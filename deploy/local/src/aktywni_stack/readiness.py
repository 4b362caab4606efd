"""Readiness probes: a broker that answers metadata requests, a database that answers `ping`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from aiokafka.admin import AIOKafkaAdminClient
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from aktywni_stack.ports import is_listening


def mongodb_ready(uri: str) -> bool:
    client: MongoClient[dict[str, object]] = MongoClient(uri, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000)
    try:
        client.admin.command("ping")
    except PyMongoError:
        return False
    finally:
        client.close()
    return True


#: Makes the admin client a probe asks with (a secured broker needs its own credentials).
AdminFactory = Callable[[], AIOKafkaAdminClient]


async def _kafka_metadata(make_admin: AdminFactory) -> bool:
    admin = make_admin()  # made in the loop that uses it
    try:
        await admin.start()
        await admin.list_topics()
    except Exception:  # noqa: BLE001 - any failure means "not ready yet"
        return False
    finally:
        await admin.close()
    return True


def kafka_ready(bootstrap: str, admin: AdminFactory | None = None) -> bool:
    """The broker listens and answers a metadata request (asked with ``admin()`` if given)."""
    host, _, port = bootstrap.split(",", maxsplit=1)[0].rpartition(":")
    if not is_listening(int(port), host or "127.0.0.1"):
        return False
    make_admin = admin or (lambda: AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_kafka_metadata(make_admin))
    # Called from async code (a test, a launcher): probe on a thread with its own event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _kafka_metadata(make_admin)).result()
