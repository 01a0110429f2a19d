"""Periodic cleanup of ended login sessions, so the table holds only live ones (plus a day of history)."""

from __future__ import annotations

import structlog

from clipper import worker
from clipper.db import unit_of_work
from clipper.users.sessions import purge_ended_sessions

PURGE_EVERY_SECONDS = 6 * 3600
log = structlog.get_logger(__name__)


async def purge_sessions(ctx: worker.JobContext) -> None:
    """Delete expired and revoked sessions in one unit of work."""
    async with unit_of_work(ctx.session_factory) as session:
        purged = await purge_ended_sessions(session)
    log.info("ended sessions purged", count=purged)


worker.register_periodic("users.purge_sessions", PURGE_EVERY_SECONDS, purge_sessions)
