"""Calendar subscription links: a user's secret link to one feed, kept only as a hash of the secret."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from aktywni_shared.identity import Principal, Role
from aktywni_shared.mongo import Document
from scheduling.domain.subscriptions import Subscription

#: Bytes of randomness in a link's secret (256 bits, URL-safe base64: 43 characters).
SECRET_BYTES = 32


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def _subscription(doc: Document) -> Subscription:
    principal = Principal(user=doc["user"], organisation_id=doc["organisation_id"], role=Role(doc["role"]))
    return Subscription(str(doc["_id"]), principal, str(doc["kind"]), str(doc["feed_id"]), doc["created_at"])


class SubscriptionStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection: AsyncCollection[Document] = db["calendar_subscriptions"]

    async def create_indexes(self) -> None:
        await self.collection.create_index([("secret_hash", ASCENDING)], unique=True)
        await self.collection.create_index([("user", ASCENDING), ("organisation_id", ASCENDING)])

    async def add(self, principal: Principal, kind: str, feed_id: str, now: datetime) -> tuple[Subscription, str]:
        """A new link for the user; the secret (only this once: the store keeps its hash)."""
        secret = new_secret()
        doc: Document = {
            "_id": str(uuid.uuid4()),
            "user": principal.user,
            "organisation_id": principal.organisation_id,
            "role": principal.role.value,
            "kind": kind,
            "feed_id": feed_id,
            "secret_hash": secret_hash(secret),
            "created_at": now,
        }
        await self.collection.insert_one(doc)
        return _subscription(doc), secret

    def _own(self, principal: Principal, subscription_id: str) -> Document:
        return {"_id": subscription_id, "user": principal.user, "organisation_id": principal.organisation_id}

    async def of_user(self, principal: Principal) -> list[Subscription]:
        query = {"user": principal.user, "organisation_id": principal.organisation_id}
        return [_subscription(doc) async for doc in self.collection.find(query).sort("created_at", ASCENDING)]

    async def rotate(
        self, principal: Principal, subscription_id: str, now: datetime
    ) -> tuple[Subscription, str] | None:
        """A new secret for the user's link (the old one stops working at once)."""
        secret = new_secret()
        doc = await self.collection.find_one_and_update(
            self._own(principal, subscription_id),
            {"$set": {"secret_hash": secret_hash(secret), "created_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else (_subscription(doc), secret)

    async def revoke(self, principal: Principal, subscription_id: str) -> bool:
        result = await self.collection.delete_one(self._own(principal, subscription_id))
        return result.deleted_count == 1

    async def by_secret(self, secret: str) -> Subscription | None:
        doc = await self.collection.find_one({"secret_hash": secret_hash(secret)})
        return None if doc is None else _subscription(doc)
