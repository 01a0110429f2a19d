"""Benchmark: outgoing webhook delivery with one slow endpoint among fast ones (a figure, not a test).

A migrated SQLite database holds `--fast` pending deliveries spread over 4 endpoints that answer at once
and `--slow` deliveries to one endpoint that answers after `--slow-seconds`, all on local receivers (real
sockets). A worker (in process, as in `make run`) runs the dispatch pass every 2 s: it claims what is
due within the in-flight bounds and queues one send task per delivery; a delivered send takes its
endpoint's next one. Printed: how long the fast endpoints' deliveries took from the start (p50, p99, all
done), how many slow ones were in flight at most, and the time of one claim pass over the backlog.

    .venv/bin/python bench/outgoing_webhooks.py
    .venv/bin/python bench/outgoing_webhooks.py --fast 2000 --slow 400 --slow-seconds 8
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper import migrate
from clipper.config import Settings
from clipper.db import unit_of_work
from clipper.outgoing import delivery, jobs, outbox, signing
from clipper.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from clipper.resources import open_resources
from clipper.security import TokenCipher
from clipper.worker import Worker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, for the `tests` package
from tests.fixtures.factories import create_user  # noqa: E402
from tests.outgoing.receiver import Receiver  # noqa: E402

Factory = async_sessionmaker[AsyncSession]


class SlowReceiver(Receiver):
    """Answers every request after a delay (a slow endpoint holding its connections)."""

    delay: float = 0.0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:  # the run is over: leave without an answer, quietly
            writer.close()
            return
        await super()._handle(reader, writer)


async def _seed(factory: Factory, cipher: TokenCipher, origins: list[str], counts: list[int]) -> list[int]:
    async with unit_of_work(factory) as session:
        user = await create_user(session)
        ids = []
        for origin, count in zip(origins, counts, strict=True):
            endpoint = WebhookEndpoint(
                user_id=user.id, url=f"{origin}/in", events=["post.published"],
                secret_enc=cipher.encrypt(signing.generate_secret()),
            )  # fmt: skip
            session.add(endpoint)
            await session.flush()
            ids.append(endpoint.id)
            for number in range(count):
                outbox.enqueue(
                    session, endpoint_ids=[endpoint.id], event_type="post.published", data={"id": number}
                )
    return ids


async def _delivered_at(factory: Factory, endpoint_ids: list[int]) -> list[float]:
    async with factory() as session:
        rows = await session.scalars(
            select(WebhookDelivery.delivered_at).where(
                WebhookDelivery.endpoint_id.in_(endpoint_ids),
                WebhookDelivery.status == DeliveryStatus.DELIVERED,
            )
        )
        return [when.timestamp() for when in rows if when is not None]


async def main(args: argparse.Namespace) -> None:
    # The worker's stop cancels the slow endpoint's sends still waiting: taskiq reports each at length.
    logging.getLogger("taskiq").setLevel(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp())
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{folder / 'bench.db'}",
        data_dir=folder,
        fernet_key=[TokenCipher.generate_key()],
        outgoing_webhooks_allow_http=True,
        outgoing_webhooks_allow_private=True,
    )
    await asyncio.to_thread(migrate.upgrade, settings.database_url)  # Alembic runs its own event loop
    slow = SlowReceiver()
    slow.delay = args.slow_seconds
    async with AsyncExitStack() as stack:
        resources = await stack.enter_async_context(open_resources(settings))
        worker = await stack.enter_async_context(Worker(resources, consume=False).running())
        factory = resources.session_factory
        fast = [await stack.enter_async_context(Receiver().running()) for _ in range(4)]
        await stack.enter_async_context(slow.running())
        per_fast = args.fast // 4
        origins = [r.origin for r in [*fast, slow]]
        ids = await _seed(factory, resources.cipher, origins, [per_fast] * 4 + [args.slow])
        async with unit_of_work(factory) as session:
            started = time.monotonic()
            await delivery.claim_due(session)
            claim_ms = (time.monotonic() - started) * 1000
            await session.rollback()
        start, peak_slow = time.time(), 0
        # What the worker does: the dispatch pass every DISPATCH_EVERY_SECONDS, its tasks in this process.
        while len(await _delivered_at(factory, ids[:-1])) < per_fast * 4:
            await worker.run_periodic_once("outgoing.dispatch")
            async with factory() as session:
                sending = select(func.count()).where(
                    WebhookDelivery.endpoint_id == ids[-1], WebhookDelivery.status == DeliveryStatus.SENDING
                )
                peak_slow = max(peak_slow, await session.scalar(sending) or 0)
            await asyncio.sleep(jobs.DISPATCH_EVERY_SECONDS)
        took = sorted(when - start for when in await _delivered_at(factory, ids[:-1]))
        # The slow endpoint's backlog would take long to drain: the worker's stop cancels its sends.
    print(f"claim pass over {args.fast + args.slow:,} due deliveries: {claim_ms:.0f} ms")
    print(
        f"{len(took):,} fast deliveries with {args.slow} to a {args.slow_seconds:.0f} s endpoint: "
        f"p50 {statistics.median(took):.2f} s, p99 {took[int(len(took) * 0.99) - 1]:.2f} s, "
        f"all {took[-1]:.2f} s ({len(took) / took[-1]:.0f}/s); "
        f"slow endpoint in flight at most {peak_slow} (bound {delivery.PER_ENDPOINT_IN_FLIGHT})"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--fast", type=int, default=1000, help="deliveries to the 4 fast endpoints")
    parser.add_argument("--slow", type=int, default=200, help="deliveries to the slow endpoint")
    parser.add_argument("--slow-seconds", type=float, default=8.0, help="how long the slow endpoint takes")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
