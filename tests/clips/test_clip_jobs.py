"""The job side of conform/trim: abandoned jobs are failed by the sweep; covers are checked like Meta does."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.clips.models import ClipKind, ClipStatus
from clipper.clips.processing import INTERRUPTED, fail_stale
from clipper.clips.service import cover_reasons
from clipper.db import utcnow
from tests.fixtures.factories import create_clip, create_user


class TestFailStale:
    async def test_only_silent_processing_clips_fail(self, session: AsyncSession) -> None:
        user = await create_user(session)
        old = utcnow() - timedelta(minutes=6)
        abandoned = await create_clip(session, user=user, status=ClipStatus.PROCESSING, updated_at=old)
        running = await create_clip(session, user=user, status=ClipStatus.PROCESSING)
        finished = await create_clip(session, user=user, updated_at=old)
        assert await fail_stale(session) == 1
        for clip in (abandoned, running, finished):
            await session.refresh(clip)
        assert (abandoned.status, abandoned.error_message) == (ClipStatus.FAILED, INTERRUPTED)
        assert running.status is ClipStatus.PROCESSING
        assert finished.status is ClipStatus.READY


class TestCoverReasons:
    async def test_a_cover_is_a_jpeg_of_any_aspect(self, session: AsyncSession) -> None:
        user = await create_user(session)
        tall = await create_clip(session, user=user, width=1080, height=1920, probe={"format": "JPEG"})
        png = await create_clip(session, user=user, probe={"format": "PNG"})
        video = await create_clip(session, user=user, kind=ClipKind.VIDEO)
        assert cover_reasons(tall) == []
        assert cover_reasons(png) == ["image is PNG; Instagram takes JPEG only — conform it"]
        assert cover_reasons(video) == ["a reel cover must be a ready image clip"]
