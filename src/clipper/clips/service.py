"""The clip library: upload and probe, read, delete, derive (conform, trim), and what publishing needs."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.clips import isolation, media, storage
from clipper.clips.models import Clip, ClipKind, ClipStatus
from clipper.clips.plans import TranscodeError, plan_conform
from clipper.clips.probe import Probed, UnsupportedMedia
from clipper.clips.qualify import MEDIA_TYPES, Qualification, cover_reasons, qualifies_for, qualify
from clipper.clips.upload import MULTIPART_OVERHEAD, Staged, stage_upload
from clipper.config import Settings
from clipper.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable
from clipper.kv import KeyValueStore
from clipper.social.models import PostStatus, SocialPost, SocialPostMedia
from clipper.users.models import User

__all__ = [
    "MEDIA_TYPES",
    "Qualification",
    "clip_path",
    "cover_reasons",
    "create_clip",
    "delete_clip",
    "get_clip",
    "get_clips",
    "list_clips",
    "posts_using",
    "public_url",
    "qualifies_for",
    "qualify",
    "start_conform",
    "staging_path",
    "start_trim",
    "stored_file",
    "thumbnail_url",
    "upload_clip",
]

MAX_PAGE = 100
JOBS_RETRY_SECONDS = 30
# An upload waits this long for a free probe slot (MEDIA_JOBS_TOTAL on the server) before it is refused.
PROBE_SLOT_WAIT_SECONDS = 15.0
PROBE_SLOTS_KEY = "media:probes"
_JOBS_LOCK_KEY = 0x636C6970  # "clip": the PostgreSQL advisory lock serialising job starts


async def get_clip(session: AsyncSession, *, user: User, clip_id: int) -> Clip:
    """The user's clip `clip_id`; NotFound when it does not exist or belongs to someone else."""
    clip = await session.scalar(select(Clip).where(Clip.id == clip_id, Clip.user_id == user.id))
    if clip is None:
        raise NotFound(f"Clip {clip_id} was not found.")
    return clip


async def get_clips(session: AsyncSession, *, user: User, clip_ids: Sequence[int]) -> list[Clip]:
    """The user's clips in the order asked; NotFound naming every id that is missing or not theirs."""
    rows = await session.scalars(select(Clip).where(Clip.id.in_(set(clip_ids)), Clip.user_id == user.id))
    found = {clip.id: clip for clip in rows}
    missing = [clip_id for clip_id in dict.fromkeys(clip_ids) if clip_id not in found]
    if missing:
        raise NotFound(f"Clips not found: {', '.join(str(clip_id) for clip_id in missing)}.")
    return [found[clip_id] for clip_id in clip_ids]


async def list_clips(
    session: AsyncSession, *, user: User, limit: int = 50, cursor: int | None = None
) -> tuple[list[Clip], int | None]:
    """A page of the user's clips, newest first, and the cursor of the next page."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Clip).where(Clip.user_id == user.id).order_by(Clip.id.desc()).limit(limit + 1)
    if cursor is not None:
        query = query.where(Clip.id < cursor)
    clips = list(await session.scalars(query))
    next_cursor = clips[limit - 1].id if len(clips) > limit else None
    return clips[:limit], next_cursor


def clip_path(clip: Clip, *, settings: Settings) -> Path:
    """The local file of a clip (what rupload sends)."""
    return storage.path_for(settings, clip.storage_key)


def public_url(clip: Clip, *, settings: Settings, ttl_seconds: int | None = None) -> str:
    """An absolute, signed, expiring URL under BACKEND_URL serving the clip's file (HTTP Range aware)."""
    return media.signed_url(settings, clip.storage_key, ttl_seconds=ttl_seconds)


def thumbnail_url(clip: Clip, *, settings: Settings, ttl_seconds: int | None = None) -> str | None:
    """A signed URL of the clip's JPEG thumbnail; None while the clip has none (processing, failed)."""
    if clip.status is not ClipStatus.READY:
        return None
    return media.signed_url(settings, storage.thumbnail_key(clip.storage_key), ttl_seconds=ttl_seconds)


def stored_file(settings: Settings, key: str, *, expires: int, signature: str) -> tuple[Path, str]:
    """The file a signed URL names, with its content type; Forbidden for a forged or expired link."""
    if not media.verify(settings, key, expires=expires, signature=signature):
        raise Forbidden("This media link is invalid or has expired: ask for a fresh one.")
    try:
        path = storage.path_for(settings, key)
    except ValueError:
        raise Forbidden("This media link is invalid.") from None
    if not path.is_file():
        raise NotFound("The file no longer exists.")
    return path, media.content_type_of(Path(key))


async def posts_using(session: AsyncSession, *, clip: Clip) -> list[tuple[int, PostStatus]]:
    """The posts not yet published that use the clip: alone, in a carousel or as a reel cover."""
    as_item = exists().where(SocialPostMedia.post_id == SocialPost.id, SocialPostMedia.clip_id == clip.id)
    as_cover = SocialPost.options["cover_clip_id"].as_integer() == clip.id
    query = (
        select(SocialPost.id, SocialPost.status)
        .where(
            SocialPost.user_id == clip.user_id,
            SocialPost.status != PostStatus.PUBLISHED,
            or_(SocialPost.clip_id == clip.id, as_item, as_cover),
        )
        .order_by(SocialPost.id)
    )
    return [(post_id, status) for post_id, status in await session.execute(query)]


def _stored_name(filename: str | None) -> str:
    name = Path(filename or "").name.strip()
    return name[:255] or "upload"


async def _isolated(task: str, settings: Settings, **kwargs: Any) -> Any:
    """Run a media task in a limited child process; its refusal or death is the user's InvalidInput."""
    try:
        return await asyncio.to_thread(isolation.run, task, kwargs, limits=isolation.probe_limits(settings))
    except (UnsupportedMedia, isolation.MediaJobFailed) as exc:
        raise InvalidInput(str(exc)) from None


def staging_path(*, user: User, settings: Settings) -> Path:
    """A fresh temporary path in storage for an upload in progress."""
    return storage.path_for(settings, storage.new_key(user.id, ".upload"))


@asynccontextmanager
async def _probe_slot(kv: KeyValueStore, settings: Settings) -> AsyncIterator[None]:
    """Hold one of the server's MEDIA_JOBS_TOTAL upload-probe slots (shared by every API process)."""
    holder = uuid.uuid4().hex
    # A probe and a thumbnail each stop after MEDIA_PROBE_SECONDS: only a dead process's slot outlives this.
    lease = int(2 * settings.media_probe_seconds) + 30
    deadline = time.monotonic() + PROBE_SLOT_WAIT_SECONDS
    while not await kv.acquire_slot(
        PROBE_SLOTS_KEY, holder, limit=settings.media_jobs_total, lease_seconds=lease
    ):
        if time.monotonic() >= deadline:
            raise ServiceUnavailable(
                f"The server is already checking {settings.media_jobs_total} uploads (MEDIA_JOBS_TOTAL): "
                f"upload this file again in {JOBS_RETRY_SECONDS} seconds.",
                retry_after=JOBS_RETRY_SECONDS,
            )
        await asyncio.sleep(0.25)
    try:
        yield
    finally:
        with contextlib.suppress(ServiceUnavailable):
            await asyncio.shield(kv.release_slot(PROBE_SLOTS_KEY, holder))


async def upload_clip(
    session: AsyncSession,
    *,
    user: User,
    body: AsyncIterator[bytes],
    content_type: str,
    content_length: int,
    settings: Settings,
    kv: KeyValueStore,
) -> Clip:
    """Stage a multipart upload's `file` (and `title`), then keep it as the user's clip (`create_clip`).

    A declared length over MAX_UPLOAD_BYTES is refused before a byte is read.
    """
    if content_length > settings.max_upload_bytes + MULTIPART_OVERHEAD:
        raise storage.PayloadTooLarge(storage.limit_message(settings.max_upload_bytes))
    staged = await stage_upload(
        body,
        content_type=content_type,
        target=staging_path(user=user, settings=settings),
        max_bytes=settings.max_upload_bytes,
    )
    title = staged.fields.get("title")
    return await create_clip(session, user=user, staged=staged, title=title, settings=settings, kv=kv)


async def create_clip(
    session: AsyncSession,
    *,
    user: User,
    staged: Staged,
    title: str | None,
    settings: Settings,
    kv: KeyValueStore,
) -> Clip:
    """Probe a staged upload, keep it with a thumbnail as the user's clip; nothing stays on failure.

    An MP4 or MOV whose index comes after its media is rewritten with the index first (streams copied),
    so it qualifies without a conform; the clip's `upload_fixes` say so. The probe waits up to
    PROBE_SLOT_WAIT_SECONDS for a free slot among the server's MEDIA_JOBS_TOTAL, then is refused (503).
    """
    try:
        async with _probe_slot(kv, settings):
            return await _create_clip(session, user=user, staged=staged, title=title, settings=settings)
    finally:
        staged.path.unlink(missing_ok=True)


async def _create_clip(
    session: AsyncSession, *, user: User, staged: Staged, title: str | None, settings: Settings
) -> Clip:
    remuxed = staged.path.with_suffix(".faststart")
    try:
        probed: Probed = await _isolated("probe", settings, path=str(staged.path), remux_to=str(remuxed))
        fixed = bool(probed.facts.get("upload_fixes"))
        key = storage.new_key(user.id, probed.suffix)
        final = storage.path_for(settings, key)
        await asyncio.to_thread((remuxed if fixed else staged.path).rename, final)
    finally:
        staged.path.unlink(missing_ok=True)
        remuxed.unlink(missing_ok=True)
    try:
        size, checksum = (
            await asyncio.to_thread(storage.file_digest, final) if fixed else (staged.size, staged.sha256)
        )
        thumbnail = storage.path_for(settings, storage.thumbnail_key(key))
        await _isolated("thumbnail", settings, source=str(final), target=str(thumbnail))
        clip = Clip(
            user_id=user.id,
            title=(title or "").strip()[:255] or Path(_stored_name(staged.filename)).stem,
            filename=_stored_name(staged.filename),
            storage_key=key,
            size_bytes=size,
            checksum_sha256=checksum,
            **probed.columns(),
        )
        session.add(clip)
        await session.flush()
    except BaseException:
        await asyncio.to_thread(storage.remove, settings, key)
        raise
    return clip


async def delete_clip(session: AsyncSession, *, user: User, clip_id: int, settings: Settings) -> None:
    """Delete the user's clip and its files; Conflict naming every unpublished post that uses it.

    Drafts count too: the database would otherwise drop the clip from a draft silently (a carousel item
    row cascades away, a single clip becomes null) and the draft would no longer be what its owner wrote.
    """
    clip = await get_clip(session, user=user, clip_id=clip_id)
    users = await posts_using(session, clip=clip)
    if users:
        named = ", ".join(f"post {post_id} ({status.value})" for post_id, status in users)
        which, them = ("that post", "it") if len(users) == 1 else ("those posts", "them")
        raise Conflict(
            f"Clip {clip_id} is used by {named}: delete {which} or change {them} to another clip first."
        )
    await session.delete(clip)
    await session.flush()
    await asyncio.to_thread(storage.remove, settings, clip.storage_key)


def _derived(source: Clip, *, job: dict[str, Any], title: str) -> Clip:
    image = source.kind is ClipKind.IMAGE
    suffix = ".jpg" if image else ".mp4"
    return Clip(
        user_id=source.user_id,
        title=title[:255],
        filename=f"{Path(source.filename).stem}-{job['op']}{suffix}",
        storage_key=storage.new_key(source.user_id, suffix),
        content_type="image/jpeg" if image else "video/mp4",
        kind=source.kind,
        width=source.width,
        height=source.height,
        parent_clip_id=source.id,
        status=ClipStatus.PROCESSING,
        progress=0,
        probe={"job": job},
    )


def _require_ready(clip: Clip) -> None:
    if clip.status is not ClipStatus.READY:
        raise Conflict(f"Clip {clip.id} is {clip.status.value}: wait until it is ready.")


async def _require_a_free_job(session: AsyncSession, *, user: User, max_jobs: int, max_total: int) -> None:
    # One person's jobs must not take every transcoding slot on the server, nor everyone's the machine.
    # A processing clip is a running (or queued) job in any process; the stale sweep fails abandoned ones.
    if session.get_bind().dialect.name == "postgresql":
        # Count and insert as one step across processes (SQLite's up-front write lock already does that).
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _JOBS_LOCK_KEY})
    processing = select(func.count()).select_from(Clip).where(Clip.status == ClipStatus.PROCESSING)
    running = await session.scalar(processing.where(Clip.user_id == user.id))
    if (running or 0) >= max_jobs:
        clips = "clip is" if max_jobs == 1 else "clips are"
        raise Conflict(
            f"{max_jobs} {clips} already processing for you (MEDIA_JOBS_PER_USER): "
            "wait until one is ready or failed, then start this one."
        )
    if (await session.scalar(processing) or 0) >= max_total:
        clips = "clip" if max_total == 1 else "clips"
        raise ServiceUnavailable(
            f"The server is already processing {max_total} {clips} for its users (MEDIA_JOBS_TOTAL): "
            f"try again in {JOBS_RETRY_SECONDS} seconds.",
            retry_after=JOBS_RETRY_SECONDS,
        )


async def start_conform(
    session: AsyncSession,
    *,
    user: User,
    clip_id: int,
    media_type: str,
    fit: str,
    max_jobs: int,
    max_total: int,
) -> Clip:
    """Create a processing copy of the clip that will meet `media_type`'s spec (the job fills it in)."""
    source = await get_clip(session, user=user, clip_id=clip_id)
    _require_ready(source)
    await _require_a_free_job(session, user=user, max_jobs=max_jobs, max_total=max_total)
    try:
        plan_conform(source, media_type=media_type, fit=fit)
    except TranscodeError as exc:
        raise InvalidInput(str(exc)) from None
    job = {"op": "conform", "media_type": media_type, "fit": fit}
    clip = _derived(source, job=job, title=f"{source.title} ({media_type.lower()}, {fit})")
    session.add(clip)
    await session.flush()
    return clip


async def start_trim(
    session: AsyncSession,
    *,
    user: User,
    clip_id: int,
    start: float,
    end: float,
    max_jobs: int,
    max_total: int,
) -> Clip:
    """Create a processing copy holding `start`…`end` seconds of a video (the job fills it in)."""
    source = await get_clip(session, user=user, clip_id=clip_id)
    _require_ready(source)
    await _require_a_free_job(session, user=user, max_jobs=max_jobs, max_total=max_total)
    duration = source.duration_seconds or 0.0
    if source.kind is not ClipKind.VIDEO:
        raise InvalidInput("Only videos can be trimmed.")
    if not 0 <= start < end <= duration + 0.001:
        raise InvalidInput(f"start and end must satisfy 0 ≤ start < end ≤ {duration:g} (the video's length).")
    job = {"op": "trim", "start": start, "end": end}
    clip = _derived(source, job=job, title=f"{source.title} ({start:g}–{end:g} s)")
    session.add(clip)
    await session.flush()
    return clip
