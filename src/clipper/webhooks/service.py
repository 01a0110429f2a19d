"""Meta webhooks: the verification handshake, the signature check, storing updates once, processing them.

A delivery is split into updates (one per `changes[]` item, `messaging[]` item or flat entry); each is
stored under the hash of its canonical JSON, so a repeated delivery stores nothing new. Processing is
idempotent too (comments and messages are keyed by their Instagram ids), and routes the update to every
active account with the entry's IG user id — several users may have connected the same account.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from clipper import worker
from clipper.accounts.models import Account
from clipper.db import utcnow
from clipper.errors import Forbidden, InvalidInput
from clipper.webhooks.models import EventStatus, WebhookEvent

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_ATTEMPTS = 5
PROCESS_EVENTS = "webhooks.process_events"  # the job (in `jobs`) that processes stored events in order


@dataclass(frozen=True)
class Update:
    """One update of a delivery: its object, IG user id, field and payload."""

    object: str
    ig_user_id: str
    field: str
    payload: dict[str, Any]

    @property
    def dedupe_key(self) -> str:
        canonical = json.dumps([self.object, self.ig_user_id, self.field, self.payload], sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


def verify_subscription(params: Mapping[str, str], *, verify_token: str) -> str:
    """The challenge to echo for Meta's GET handshake; Forbidden when the token does not match."""
    mode = params.get("hub.mode") or params.get("hub_mode")
    token = params.get("hub.verify_token") or params.get("hub_verify_token") or ""
    challenge = params.get("hub.challenge") or params.get("hub_challenge")
    if mode != "subscribe" or challenge is None or not verify_token:
        raise Forbidden("Webhook verification refused.")
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        raise Forbidden("Webhook verification refused: the verify token does not match.")
    return challenge


def check_signature(body: bytes, header: str | None, *, app_secrets: Sequence[str]) -> None:
    """Forbidden unless `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body under one of the secrets.

    Meta signs "using the app secret" (Instagram Platform, Webhooks, "Validate payloads":
    https://developers.facebook.com/documentation/instagram-platform/webhooks), without saying whether an
    Instagram Login app's deliveries use the Meta app's secret or the Instagram app secret of its
    "API setup with Instagram login" page, which differ. So each configured secret is tried, each with a
    constant-time compare and none skipped on a match, as Chatwoot does (FB_APP_SECRET or
    INSTAGRAM_APP_SECRET: https://github.com/chatwoot/chatwoot/pull/14280).
    """
    given = (header or "").strip().encode()
    matches = [
        hmac.compare_digest(
            given, b"sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()
        )
        for secret in app_secrets
        if secret
    ]
    if not header or not any(matches):
        raise Forbidden("Invalid webhook signature.")


def _entry_updates(kind: str, entry: Mapping[str, Any]) -> list[Update]:
    ig_user_id = str(entry.get("id", ""))
    found = []
    for change in entry.get("changes") or []:
        if isinstance(change, Mapping):
            value = change.get("value")
            payload = dict(value) if isinstance(value, Mapping) else {"value": value}
            found.append(Update(kind, ig_user_id, str(change.get("field", "")), payload))
    for item in entry.get("messaging") or []:
        if isinstance(item, Mapping):
            found.append(Update(kind, ig_user_id, "messages", dict(item)))
    if "field" in entry and "value" in entry:  # the flat form of the Instagram Login docs
        value = entry["value"]
        found.append(
            Update(
                kind,
                ig_user_id,
                str(entry["field"]),
                dict(value) if isinstance(value, Mapping) else {"value": value},
            )
        )
    return found


def parse_delivery(body: bytes) -> list[Update]:
    """Every update in a delivery body (`changes[]`, `messaging[]` and flat entries)."""
    try:
        data = json.loads(body)
    except ValueError:
        raise InvalidInput("The webhook body is not JSON.") from None
    if not isinstance(data, Mapping):
        raise InvalidInput("The webhook body is not a JSON object.")
    kind = str(data.get("object") or "instagram")
    entries = data.get("entry")
    if not isinstance(entries, list):
        return []
    return [
        update for entry in entries if isinstance(entry, Mapping) for update in _entry_updates(kind, entry)
    ]


async def store_updates(session: AsyncSession, *, updates: Sequence[Update]) -> list[int]:
    """Store the updates not seen before; the ids of the new events (to process)."""
    keys = [update.dedupe_key for update in updates]
    known = set(
        (
            await session.scalars(select(WebhookEvent.dedupe_key).where(WebhookEvent.dedupe_key.in_(keys)))
        ).all()
    )
    new_ids = []
    for update in updates:
        if update.dedupe_key in known:
            continue
        known.add(update.dedupe_key)
        event = WebhookEvent(
            dedupe_key=update.dedupe_key,
            object=update.object[:32],
            ig_user_id=update.ig_user_id[:64],
            field=update.field[:64],
            payload=update.payload,
            status=EventStatus.PENDING,
            received_at=utcnow(),
        )
        try:
            async with session.begin_nested():
                session.add(event)
                await session.flush()
        except IntegrityError:
            continue
        new_ids.append(event.id)
    return new_ids


async def receive(
    session: AsyncSession, *, body: bytes, signature: str | None, app_secrets: Sequence[str]
) -> list[int]:
    """Check the signature (any app secret), then store the delivery's new updates; their event ids."""
    check_signature(body, signature, app_secrets=app_secrets)
    return await store_updates(session, updates=parse_delivery(body))


async def enqueue_events(queue: worker.Worker, event_ids: Sequence[int]) -> None:
    """Queue the processing of a delivery's new events (one job: they run in order)."""
    if event_ids:
        await queue.enqueue(PROCESS_EVENTS, event_ids=list(event_ids))


async def accounts_for(session: AsyncSession, ig_user_id: str) -> Sequence[Account]:
    """Every active account connected with this IG user id (any user)."""
    query = (
        select(Account)
        .where(Account.platform_account_id == ig_user_id, Account.is_active)
        .order_by(Account.id)
    )
    return (await session.scalars(query)).all()


async def pending_events(session: AsyncSession, *, limit: int, min_age_seconds: float = 0) -> Sequence[int]:
    """Events still waiting for processing after `min_age_seconds` (their job was lost), oldest first."""
    received_before = utcnow() - timedelta(seconds=min_age_seconds)
    query = (
        select(WebhookEvent.id)
        .where(WebhookEvent.status == EventStatus.PENDING, WebhookEvent.attempts < MAX_ATTEMPTS)
        .where(WebhookEvent.received_at <= received_before)
        .order_by(WebhookEvent.received_at, WebhookEvent.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()
