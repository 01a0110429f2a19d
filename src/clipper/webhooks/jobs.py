"""Webhook jobs: process one stored update; a periodic sweep re-queues updates a lost job left pending."""

from __future__ import annotations

import structlog

from clipper import worker
from clipper.accounts.graph import AccountGraph
from clipper.db import unit_of_work
from clipper.webhooks import processing, service
from clipper.webhooks.models import EventStatus, WebhookEvent

log = structlog.get_logger(__name__)

SWEEP_SECONDS = 60.0


async def _record_failure(ctx: worker.JobContext, event_id: int, error: Exception) -> None:
    async with unit_of_work(ctx.session_factory) as session:
        event = await session.get(WebhookEvent, event_id)
        if event is not None:
            event.attempts += 1
            event.error = type(error).__name__
            event.status = EventStatus.FAILED if event.attempts >= service.MAX_ATTEMPTS else event.status


@worker.task(service.PROCESS_EVENTS)
async def process_events(ctx: worker.JobContext, *, event_ids: list[int]) -> None:
    """Process stored webhook updates in order, each in its own unit of work (a failure is recorded).

    Units of work run one after the other, never one inside another: on SQLite each takes the write
    lock up front, so a nested one would wait on its own task. Meta is only called once an update's
    unit of work committed (comments moderated, mentions read), never under the write lock.
    """
    access = AccountGraph.of(ctx.resources)
    factory = ctx.session_factory
    for event_id in event_ids:
        later = processing.Deferred()
        try:
            async with unit_of_work(factory) as session:
                await processing.process_event(session, event_id=event_id, hub=ctx.events, later=later)
        except Exception as exc:
            log.warning("webhook event failed", event_id=event_id, error_type=type(exc).__name__)
            await _record_failure(ctx, event_id, exc)
            continue
        await _moderate(ctx, later.comments, access)
        await processing.read_mentions(factory, later.mentions, access=access, hub=ctx.events)
    await _fill_details(ctx, event_ids, access)


async def _moderate(ctx: worker.JobContext, new: list[processing.NewComment], access: AccountGraph) -> None:
    # The comments are stored whatever happens here: a failure only costs their moderation.
    try:
        await processing.moderate_and_announce(ctx.session_factory, new, access=access, hub=ctx.events)
    except Exception as exc:
        log.warning("webhook comments not moderated", error_type=type(exc).__name__, comments=len(new))


async def _fill_details(ctx: worker.JobContext, event_ids: list[int], access: AccountGraph) -> None:
    """After the events: one batched read per account and kind for the whole delivery, each on its own."""
    factory = ctx.session_factory
    async with factory() as session:
        wanted = await processing.wanted_details(session, event_ids=event_ids)
        targets = [
            (part, account.id)
            for item in wanted
            for account in await service.accounts_for(session, item.ig_user_id)
            for part in item.parts()
        ]
    for item, account_id in targets:
        try:
            # A failure here cannot undo a stored message.
            filled = await processing.fill_account(factory, account_id=account_id, wanted=item, access=access)
        except Exception as exc:
            log.warning("webhook details not read", account_id=account_id, error_type=type(exc).__name__)
            continue
        # After the commit: a UI that re-reads on the event must see the new values.
        if filled is not None:
            await processing.announce(ctx.events, [filled])


async def sweep(ctx: worker.JobContext) -> None:
    """Re-queue pending updates (a process died between storing and processing them)."""
    async with unit_of_work(ctx.session_factory, immediate=False) as session:
        # Younger events still have their own job queued.
        event_ids = await service.pending_events(session, limit=500, min_age_seconds=SWEEP_SECONDS)
    if event_ids:
        await ctx.enqueue(service.PROCESS_EVENTS, event_ids=list(event_ids))


worker.register_periodic("webhooks.sweep", SWEEP_SECONDS, sweep)
