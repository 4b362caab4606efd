"""A calendar subscription link: whose it is, which feed it serves, since when (its secret is never kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aktywni_shared.identity import Principal


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    principal: Principal
    kind: str
    feed_id: str
    created_at: datetime
