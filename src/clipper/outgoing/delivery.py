"""The worker's side of the outbox: claim due deliveries fairly, send each once, record the outcome.

Claiming is one short unit of work: it counts what is in flight (rows `sending` under a live lease) and
takes due rows, at most PER_ENDPOINT_IN_FLIGHT per endpoint and IN_FLIGHT in all, each with a
conditional UPDATE (so two dispatchers never take the same row). A slow endpoint thus holds only its own
few slots while the others' deliveries go on. Each claimed row is sent by a task of its own with no
transaction open, and its outcome written under the same lease; a worker that dies mid-send leaves a
lease that expires, and the row is taken again (an attempt counts when it is claimed).

A send that delivered claims the endpoint's next due delivery at once (`jobs.deliver`), so a healthy
endpoint's backlog drains as fast as it answers, each chain holding one of its slots, while an endpoint
that fails waits for the next pass.

Finished deliveries are kept KEEP_FINISHED for the delivery log, then pruned (`jobs.prune`).

A failed attempt is retried after BACKOFF_BASE_SECONDS·2^(attempts−1) (capped at BACKOFF_MAX_SECONDS,
±20 % jitter) as long as the next try falls within RETRY_WINDOW of the event; then the row is `failed`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.observability import OUTGOING_WEBHOOK_ATTEMPTS
from clipper.outgoing import sender, signing
from clipper.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from clipper.security import TokenCipher, TokenDecryptError

IN_FLIGHT = 50
PER_ENDPOINT_IN_FLIGHT = 4
LEASE_SECONDS = 60  # well past the 10 s an attempt may take
RETRY_WINDOW = timedelta(hours=24)
BACKOFF_BASE_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0
KEEP_FINISHED = timedelta(days=30)
PRUNE_BATCH = 5000
SECRET_UNREADABLE = "The endpoint's secret cannot be decrypted with FERNET_KEY: rotate its secret."


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    lease_until: datetime
    endpoint_id: int


def backoff_seconds(attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt, jittered ±20 %."""
    delay = min(BACKOFF_BASE_SECONDS * 2.0 ** max(0, attempts - 1), BACKOFF_MAX_SECONDS)
    return delay * random.uniform(0.8, 1.2)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now),
        and_(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.lease_until <= now),
    )


async def _in_flight(session: AsyncSession, now: datetime) -> dict[int, int]:
    rows = await session.execute(
        select(WebhookDelivery.endpoint_id, func.count())
        .where(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.lease_until > now)
        .group_by(WebhookDelivery.endpoint_id)
    )
    return {int(endpoint_id): int(count) for endpoint_id, count in rows}


async def _candidates(
    session: AsyncSession, now: datetime, room: int, endpoint_id: int | None
) -> list[tuple[int, int]]:
    """(delivery id, endpoint id) of due rows, oldest first, at most PER_ENDPOINT_IN_FLIGHT per endpoint."""
    due = _due(now) if endpoint_id is None else and_(_due(now), WebhookDelivery.endpoint_id == endpoint_id)
    ranked = (
        select(
            WebhookDelivery.id,
            WebhookDelivery.endpoint_id,
            WebhookDelivery.next_attempt_at,
            func.row_number()
            .over(
                partition_by=WebhookDelivery.endpoint_id,
                order_by=(WebhookDelivery.next_attempt_at, WebhookDelivery.id),
            )
            .label("rank"),
        )
        .where(due)
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.id, ranked.c.endpoint_id)
        .where(ranked.c.rank <= PER_ENDPOINT_IN_FLIGHT)
        .order_by(ranked.c.next_attempt_at, ranked.c.id)
        .limit(room * PER_ENDPOINT_IN_FLIGHT)
    )
    return [(delivery_id, endpoint_id) for delivery_id, endpoint_id in rows]


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime | None = None,
    endpoint_id: int | None = None,
    limit: int = IN_FLIGHT,
) -> list[Claimed]:
    """Lease the deliveries to send now (at most `limit`, only `endpoint_id`'s if given), within the
    in-flight bounds."""
    now = now or utcnow()
    busy = await _in_flight(session, now)
    room = min(limit, IN_FLIGHT - sum(busy.values()))
    claimed: list[Claimed] = []
    if room <= 0:
        return claimed
    lease = now + timedelta(seconds=LEASE_SECONDS)
    for delivery_id, endpoint in await _candidates(session, now, room, endpoint_id):
        if len(claimed) >= room or busy.get(endpoint, 0) >= PER_ENDPOINT_IN_FLIGHT:
            continue
        result = await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, _due(now))
            .values(status=DeliveryStatus.SENDING, lease_until=lease, attempts=WebhookDelivery.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            busy[endpoint] = busy.get(endpoint, 0) + 1
            claimed.append(Claimed(delivery_id, lease, endpoint))
    return claimed


@dataclass(frozen=True)
class _Work:
    url: str
    enabled: bool
    secret: str | None  # None: no key in FERNET_KEY reads it (rotating the secret mends it)
    body: bytes
    event_id: str
    event_type: str
    attempts: int
    created_at: datetime


async def _load(
    factory: async_sessionmaker[AsyncSession], claimed: Claimed, cipher: TokenCipher
) -> _Work | None:
    async with factory() as session:
        row = await session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.id == claimed.delivery_id, WebhookDelivery.lease_until == claimed.lease_until
            )
        )
        found = row.first()
    if found is None:
        return None
    delivery, endpoint = found
    try:
        secret: str | None = cipher.decrypt(endpoint.secret_enc)
    except TokenDecryptError:
        secret = None
    return _Work(
        url=endpoint.url,
        enabled=endpoint.enabled,
        secret=secret,
        body=delivery.body.encode("utf-8"),
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        attempts=delivery.attempts,
        created_at=delivery.created_at,
    )


def headers_for(work: _Work, secret: str, delivery_id: int, timestamp: int) -> dict[str, str]:
    """The delivery's headers: the signature (with its timestamp) and what the event is."""
    return {
        signing.SIGNATURE_HEADER: signing.signature_header(secret, timestamp, work.body),
        "Clipper-Event-Id": work.event_id,
        "Clipper-Event-Type": work.event_type,
        "Clipper-Delivery-Id": str(delivery_id),
    }


def _after(work: _Work, outcome: sender.Outcome, now: datetime) -> dict[str, object]:
    """The row's new columns after an attempt."""
    values: dict[str, object] = {
        "lease_until": None,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:500] if outcome.error else None,
        "last_duration_ms": outcome.duration_ms,
    }
    if outcome.delivered:
        return values | {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
    retry_at = now + timedelta(seconds=backoff_seconds(work.attempts))
    if retry_at > work.created_at + RETRY_WINDOW:
        return values | {"status": DeliveryStatus.FAILED}
    return values | {"status": DeliveryStatus.PENDING, "next_attempt_at": retry_at}


async def _send(work: _Work, delivery_id: int, settings: Settings) -> sender.Outcome:
    if work.secret is None:
        return sender.Outcome(None, SECRET_UNREADABLE, 0)
    return await sender.send(
        work.url,
        body=work.body,
        headers=headers_for(work, work.secret, delivery_id, int(time.time())),
        allow_http=settings.outgoing_webhooks_allow_http,
        allow_private=settings.outgoing_webhooks_allow_private,
    )


async def attempt(
    factory: async_sessionmaker[AsyncSession],
    claimed: Claimed,
    *,
    cipher: TokenCipher,
    settings: Settings,
    now: datetime | None = None,
) -> sender.Outcome | None:
    """Send one claimed delivery and record the outcome; None when the lease was lost or the row is gone.

    A task that waited in the queue until too little of its lease is left does nothing: the row is
    claimed again when the lease ends, and sending now could overlap that second attempt.
    """
    if utcnow() > claimed.lease_until - timedelta(seconds=sender.TIMEOUT_SECONDS + 5):
        return None
    work = await _load(factory, claimed, cipher)
    if work is None:
        return None
    if work.enabled:
        outcome = await _send(work, claimed.delivery_id, settings)
        values = _after(work, outcome, now or utcnow())
    else:
        outcome = sender.Outcome(None, "The endpoint is disabled.", 0)
        values = {"status": DeliveryStatus.FAILED, "lease_until": None, "last_error": outcome.error}
    status = str(values["status"])
    OUTGOING_WEBHOOK_ATTEMPTS.labels(result="retry" if status == DeliveryStatus.PENDING else status).inc()
    async with unit_of_work(factory) as session:
        await session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == claimed.delivery_id, WebhookDelivery.lease_until == claimed.lease_until
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return outcome


async def run_due(
    factory: async_sessionmaker[AsyncSession],
    *,
    cipher: TokenCipher,
    settings: Settings,
    now: datetime | None = None,
) -> list[sender.Outcome | None]:
    """Claim what is due and send it here, one after the other (CLI, tests); the worker sends in parallel."""
    async with unit_of_work(factory) as session:
        claimed = await claim_due(session, now=now)
    return [await attempt(factory, item, cipher=cipher, settings=settings, now=now) for item in claimed]


async def prune(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Delete up to PRUNE_BATCH delivered or failed deliveries older than KEEP_FINISHED; → how many."""
    cutoff = (now or utcnow()) - KEEP_FINISHED
    oldest = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status.in_((DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)),
            WebhookDelivery.created_at < cutoff,
        )
        .order_by(WebhookDelivery.id)
        .limit(PRUNE_BATCH)
    )
    ids = list(await session.scalars(oldest))
    if ids:
        await session.execute(
            delete(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
    return len(ids)
