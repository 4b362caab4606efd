"""Calendar feeds: who may read whose, and which sessions go in (from the owners' timelines).

A user may also subscribe to a feed by a secret link (calendar programs cannot send a token): the link
gives exactly what the user's own token would get from that feed, checked anew on every read, until the
user rotates or revokes it. Only a hash of the secret is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from aktywni_shared.identity import Principal
from scheduling.domain import access
from scheduling.domain.bookings import StoredSession
from scheduling.domain.calendars import Feed, participant_status, session_status
from scheduling.domain.errors import NotFound
from scheduling.domain.subscriptions import Subscription
from scheduling.domain.timelines import participant_key, room_key, staff_key
from scheduling.domain.venues import Venue
from scheduling.use_cases.context import Stores
from scheduling.use_cases.ports import SubscriptionStore


@dataclass
class Calendars:
    stores: Stores
    subscriptions: SubscriptionStore = field(kw_only=True)

    async def _venues(self, sessions: list[StoredSession]) -> dict[str, Venue]:
        """The sessions' venues by their keys."""
        venues: dict[str, Venue] = {}
        for key in {s.session.place_key for s in sessions if s.session.place_key}:
            venue = await self.stores.venues.by_key(key)
            if venue is not None:
                venues[key] = venue
        return venues

    async def participant(self, principal: Principal, participant_id: str) -> Feed:
        await self.stores.visible_participant(principal, participant_id)
        ids = await self.stores.timelines.sessions(participant_key(participant_id))
        sessions = await self.stores.sessions.many(ids)
        status = participant_status(participant_id)
        name = f"Uczestnik {participant_id}"
        return Feed(name, sessions, await self._venues(sessions), status, self.stores.clock.now())

    async def staff(self, principal: Principal, staff_id: str) -> Feed:
        member = await self.stores.staff.get(staff_id)
        if member is None or not access.may_read_staff_calendar(principal, member.user, member.organisation_id):
            raise NotFound(f"staff {staff_id} not found", "staff_id")
        sessions = await self.stores.sessions.many(await self.stores.timelines.sessions(staff_key(staff_id)))
        venues = await self._venues(sessions)
        return Feed(f"Zajęcia: {staff_id}", sessions, venues, session_status, self.stores.clock.now())

    async def venue(self, principal: Principal, venue_id: str) -> Feed:
        # any signed-in user of the venue's organisation: a venue's sessions carry no personal data
        found_venue = await self.stores.venues.find(principal.organisation_id, venue_id)
        if found_venue is None:
            raise NotFound(f"venue {venue_id} not found", "venue_id")
        key, venue = found_venue
        ids: list[str] = []
        for room in venue.rooms:
            ids += await self.stores.timelines.sessions(room_key(key, room.room_id))
        found = await self.stores.sessions.many(list(dict.fromkeys(ids)))
        sessions = [s for s in found if s.session.place_key == key]  # not those moved elsewhere
        return Feed(venue.name, sessions, {key: venue}, session_status, self.stores.clock.now())

    # --- secret subscription links ---------------------------------------------------------------

    async def feed(self, principal: Principal, kind: FeedKind, feed_id: str) -> Feed:
        if kind == "participant":
            return await self.participant(principal, feed_id)
        if kind == "staff":
            return await self.staff(principal, feed_id)
        return await self.venue(principal, feed_id)

    async def subscribe(self, principal: Principal, kind: FeedKind, feed_id: str) -> tuple[Subscription, str]:
        """A new link to a feed the user may read now (404 otherwise); its secret, given only this once."""
        await self.feed(principal, kind, feed_id)
        return await self.subscriptions.add(principal, kind, feed_id, self.stores.clock.now())

    async def subscription(self, principal: Principal, subscription_id: str) -> Subscription:
        for subscription in await self.subscriptions.of_user(principal):
            if subscription.subscription_id == subscription_id:
                return subscription
        raise NotFound(f"subscription {subscription_id} not found", "subscription_id")

    async def rotate(self, principal: Principal, subscription_id: str) -> tuple[Subscription, str]:
        rotated = await self.subscriptions.rotate(principal, subscription_id, self.stores.clock.now())
        if rotated is None:
            raise NotFound(f"subscription {subscription_id} not found", "subscription_id")
        return rotated

    async def revoke(self, principal: Principal, subscription_id: str) -> None:
        if not await self.subscriptions.revoke(principal, subscription_id):
            raise NotFound(f"subscription {subscription_id} not found", "subscription_id")

    async def by_link(self, secret: str) -> Feed:
        """The feed behind a link, as its user would read it now; an unknown or revoked link is not found."""
        subscription = await self.subscriptions.by_secret(secret)
        if subscription is None:
            raise NotFound("calendar not found", "secret")
        kind: FeedKind = "participant"
        if subscription.kind in ("staff", "venue"):
            kind = "staff" if subscription.kind == "staff" else "venue"
        try:
            return await self.feed(subscription.principal, kind, subscription.feed_id)
        except NotFound as error:
            raise NotFound("calendar not found", "secret") from error


FeedKind = Literal["participant", "staff", "venue"]
