"""Outgoing webhook delivery in the worker: a frequent pass claims due deliveries, a task sends each."""

from __future__ import annotations

from datetime import datetime

from clipper import worker
from clipper.db import unit_of_work
from clipper.outgoing import delivery

DISPATCH_EVERY_SECONDS = 2.0
PRUNE_EVERY_SECONDS = 3600


async def dispatch(ctx: worker.JobContext) -> None:
    """Claim what is due (within the in-flight bounds) and queue one send task per delivery."""
    async with unit_of_work(ctx.session_factory) as session:
        claimed = await delivery.claim_due(session)
    await _send_each(ctx, claimed)


async def _send_each(ctx: worker.JobContext, claimed: list[delivery.Claimed]) -> None:
    for item in claimed:
        lease = item.lease_until.isoformat()
        await ctx.enqueue(
            "outgoing.deliver", delivery_id=item.delivery_id, lease=lease, endpoint_id=item.endpoint_id
        )


@worker.task("outgoing.deliver")
async def deliver(ctx: worker.JobContext, *, delivery_id: int, lease: str, endpoint_id: int) -> None:
    """Send one claimed delivery, record its outcome; once delivered, take the endpoint's next due one."""
    claimed = delivery.Claimed(delivery_id, datetime.fromisoformat(lease), endpoint_id)
    outcome = await delivery.attempt(ctx.session_factory, claimed, cipher=ctx.cipher, settings=ctx.settings)
    if outcome is not None and outcome.delivered:
        async with unit_of_work(ctx.session_factory) as session:
            following = await delivery.claim_due(session, endpoint_id=endpoint_id, limit=1)
        await _send_each(ctx, following)


async def prune(ctx: worker.JobContext) -> None:
    """Forget finished deliveries past their retention, a batch at a time."""
    async with unit_of_work(ctx.session_factory) as session:
        await delivery.prune(session)


worker.register_periodic("outgoing.dispatch", DISPATCH_EVERY_SECONDS, dispatch)
worker.register_periodic("outgoing.prune", PRUNE_EVERY_SECONDS, prune)
