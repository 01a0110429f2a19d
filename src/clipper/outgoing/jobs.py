"""Outgoing webhook delivery in the worker: a frequent pass claims due deliveries, a task sends each."""

from __future__ import annotations

from datetime import datetime

from clipper import worker
from clipper.db import unit_of_work
from clipper.outgoing import delivery

DISPATCH_EVERY_SECONDS = 2.0


async def dispatch(ctx: worker.JobContext) -> None:
    """Claim what is due (within the in-flight bounds) and queue one send task per delivery."""
    async with unit_of_work(ctx.session_factory) as session:
        claimed = await delivery.claim_due(session)
    for item in claimed:
        await ctx.enqueue(
            "outgoing.deliver", delivery_id=item.delivery_id, lease=item.lease_until.isoformat()
        )


@worker.task("outgoing.deliver")
async def deliver(ctx: worker.JobContext, *, delivery_id: int, lease: str) -> None:
    """Send one claimed delivery and record its outcome."""
    claimed = delivery.Claimed(delivery_id, datetime.fromisoformat(lease))
    await delivery.attempt(ctx.session_factory, claimed, cipher=ctx.cipher, settings=ctx.settings)


worker.register_periodic("outgoing.dispatch", DISPATCH_EVERY_SECONDS, dispatch)
