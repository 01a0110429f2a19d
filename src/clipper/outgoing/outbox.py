"""Record events for the user's endpoints in the caller's unit of work (the transactional outbox).

The domains call `record` in the same transaction as the change they report (a post's new status, a
stored comment or message, an account's health), so an event exists exactly when its change was
committed: a process that dies before the commit loses both, one that dies after it loses neither, as
the worker sends whatever is pending. Each subscribed, enabled endpoint gets its own row carrying the
exact body it will receive: `{"id", "type", "created_at", "data"}`, at most MAX_BODY_BYTES.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

POST_PUBLISHED = "post.published"
POST_FAILED = "post.failed"
POST_UNCONFIRMED = "post.unconfirmed"
COMMENT_CREATED = "comment.created"
MESSAGE_CREATED = "message.created"
ACCOUNT_UPDATED = "account.updated"
EVENT_TYPES = (
    POST_PUBLISHED,
    POST_FAILED,
    POST_UNCONFIRMED,
    COMMENT_CREATED,
    MESSAGE_CREATED,
    ACCOUNT_UPDATED,
)
# Sent only by "send test", to one endpoint, whatever it subscribes to.
PING = "ping"

MAX_BODY_BYTES = 16 * 1024
MAX_TEXT_CHARS = 2200  # Instagram's longest text (a caption); a comment or DM is shorter


def new_event_id() -> str:
    """A unique event id (the same for every endpoint that receives the event)."""
    return f"evt_{uuid.uuid4().hex}"


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_TEXT_CHARS]
    if isinstance(value, Mapping):
        return {str(key): _bounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_bounded(item) for item in value[:100]]
    return value


def envelope(event_type: str, data: Mapping[str, Any], *, event_id: str, at: datetime) -> str:
    """The JSON body of an event; a body past MAX_BODY_BYTES keeps only the object's id."""
    body = {"id": event_id, "type": event_type, "created_at": at.isoformat(), "data": _bounded(data)}
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
    if len(text.encode("utf-8")) > MAX_BODY_BYTES:
        body["data"] = {"id": data.get("id"), "truncated": True}
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
    return text


async def subscribed(session: AsyncSession, *, user_id: int, event_type: str) -> list[int]:
    """The user's enabled endpoints subscribed to `event_type` (at most MAX_ENDPOINTS_PER_USER rows)."""
    rows = await session.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.events).where(
            WebhookEndpoint.user_id == user_id, WebhookEndpoint.enabled.is_(True)
        )
    )
    return [endpoint_id for endpoint_id, events in rows if event_type in (events or ())]


def enqueue(
    session: AsyncSession, *, endpoint_ids: list[int], event_type: str, data: Mapping[str, Any]
) -> list[WebhookDelivery]:
    """Add one pending delivery of a new event per endpoint (flushed with the caller's unit of work)."""
    if not endpoint_ids:
        return []
    now = utcnow()
    event_id = new_event_id()
    body = envelope(event_type, data, event_id=event_id, at=now)
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event_id=event_id,
            event_type=event_type,
            body=body,
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
        for endpoint_id in endpoint_ids
    ]
    session.add_all(rows)
    return rows


async def record(session: AsyncSession, *, user_id: int, event_type: str, data: Mapping[str, Any]) -> int:
    """Record the event for each of the user's endpoints subscribed to it; → how many deliveries."""
    endpoint_ids = await subscribed(session, user_id=user_id, event_type=event_type)
    enqueue(session, endpoint_ids=endpoint_ids, event_type=event_type, data=data)
    return len(endpoint_ids)
