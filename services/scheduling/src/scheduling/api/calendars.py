"""iCalendar feeds (text/calendar): a participant's, a staff member's, a venue's; and secret subscription
links to them for calendar programs, which cannot send an Authorization header."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scheduling.api import ics
from scheduling.api.deps import CalendarsUse, Caller, Slug
from scheduling.domain.subscriptions import Subscription
from scheduling.domain.venues import SLUG
from scheduling.use_cases.calendars import FeedKind

#: A link's secret: 32 random bytes, URL-safe base64.
Secret = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{43}$", description="the link's secret")]
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class SubscribeIn(BaseModel):
    """Which feed to subscribe to: a participant's (by id), a staff member's or a venue's."""

    model_config = ConfigDict(extra="forbid")

    kind: FeedKind
    id: str = Field(min_length=1, max_length=100, examples=["mops-strzegomska-6"])

    @model_validator(mode="after")
    def _id_of_its_kind(self) -> SubscribeIn:
        pattern = UUID_PATTERN if self.kind == "participant" else SLUG
        if not re.match(pattern, self.id):
            raise ValueError(f"id: not a {self.kind} id")
        return self


class SubscriptionOut(BaseModel):
    subscription_id: str
    kind: FeedKind
    id: str
    created_at: datetime


class SubscriptionLink(SubscriptionOut):
    url: str = Field(description="the secret feed address; shown only when created or rotated")


def _out(subscription: Subscription) -> SubscriptionOut:
    return SubscriptionOut(
        subscription_id=subscription.subscription_id,
        kind=_kind(subscription.kind),
        id=subscription.feed_id,
        created_at=subscription.created_at,
    )


def _kind(value: str) -> FeedKind:
    return "participant" if value == "participant" else "staff" if value == "staff" else "venue"


def _link(request: Request, subscription: Subscription, secret: str) -> SubscriptionLink:
    url = str(request.url_for("subscribed_feed", secret=secret))
    return SubscriptionLink(**_out(subscription).model_dump(), url=url)


ICS = "text/calendar; charset=utf-8"
ICS_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {}}, "description": "an iCalendar (RFC 5545) feed"}
}


router = APIRouter(tags=["calendars"])


@router.get("/calendars/participants/{participant_id}.ics", responses=ICS_RESPONSE, summary="A participant's sessions")
async def participant(participant_id: uuid.UUID, caller: Caller, calendars: CalendarsUse) -> Response:
    return Response(ics.render(await calendars.participant(caller, str(participant_id))), media_type=ICS)


@router.get("/calendars/staff/{staff_id}.ics", responses=ICS_RESPONSE, summary="The sessions a staff member leads")
async def staff(staff_id: Slug, caller: Caller, calendars: CalendarsUse) -> Response:
    return Response(ics.render(await calendars.staff(caller, staff_id)), media_type=ICS)


@router.get("/calendars/venues/{venue_id}.ics", responses=ICS_RESPONSE, summary="The sessions held at a venue")
async def venue(venue_id: Slug, caller: Caller, calendars: CalendarsUse) -> Response:
    return Response(ics.render(await calendars.venue(caller, venue_id)), media_type=ICS)


@router.post(
    "/calendars/subscriptions",
    status_code=201,
    summary="A secret link to a feed you may read, for calendar programs (its address is shown only now)",
)
async def subscribe(
    request: Request, command: SubscribeIn, caller: Caller, calendars: CalendarsUse
) -> SubscriptionLink:
    subscription, secret = await calendars.subscribe(caller, command.kind, command.id)
    return _link(request, subscription, secret)


@router.get("/calendars/subscriptions", summary="Your subscription links (without their secret addresses)")
async def subscriptions(caller: Caller, calendars: CalendarsUse) -> list[SubscriptionOut]:
    return [_out(s) for s in await calendars.subscriptions.of_user(caller)]


@router.get("/calendars/subscriptions/{subscription_id}", summary="One of your subscription links")
async def subscription(subscription_id: uuid.UUID, caller: Caller, calendars: CalendarsUse) -> SubscriptionOut:
    return _out(await calendars.subscription(caller, str(subscription_id)))


@router.post(
    "/calendars/subscriptions/{subscription_id}/rotation",
    summary="A new secret address for your link; the old one stops working at once",
)
async def rotate(
    request: Request, subscription_id: uuid.UUID, caller: Caller, calendars: CalendarsUse
) -> SubscriptionLink:
    subscription, secret = await calendars.rotate(caller, str(subscription_id))
    return _link(request, subscription, secret)


@router.delete(
    "/calendars/subscriptions/{subscription_id}",
    status_code=204,
    summary="Revoke your link: its address answers 404 from now on",
)
async def revoke(subscription_id: uuid.UUID, caller: Caller, calendars: CalendarsUse) -> Response:
    await calendars.revoke(caller, str(subscription_id))
    return Response(status_code=204)


@router.get(
    "/calendars/links/{secret}.ics",
    name="subscribed_feed",
    responses=ICS_RESPONSE,
    summary="A subscribed feed by its secret link (no token: the link is the key); 404 once revoked",
)
async def subscribed(secret: Secret, calendars: CalendarsUse) -> Response:
    return Response(ics.render(await calendars.by_link(secret)), media_type=ICS)
