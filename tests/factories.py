"""Small async builders for test data: each takes a session, fills sensible defaults, and flushes."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.clips.models import Clip, ClipKind
from clipper.db import utcnow
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.users import api_tokens
from clipper.users.models import User

_sequence = itertools.count(1)
# A well-formed argon2 hash that no password matches: the user exists but cannot sign in by password.
UNUSABLE_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$AAAAAAAAAAAAAAAAAAAAAA$" + "A" * 43


async def create_user(session: AsyncSession, *, email: str | None = None, **fields: Any) -> User:
    """A user with a unique email."""
    fields.setdefault("password_hash", UNUSABLE_PASSWORD_HASH)
    user = User(email=email or f"user{next(_sequence)}@example.com", **fields)
    session.add(user)
    await session.flush()
    return user


async def create_account(session: AsyncSession, *, user: User | None = None, **fields: Any) -> Account:
    """A connected Instagram account with a unique IG business id (tokens only if given)."""
    user = user or await create_user(session)
    number = next(_sequence)
    fields.setdefault("platform", "instagram")
    fields.setdefault("platform_account_id", f"178414{number:011d}")
    fields.setdefault("account_username", f"creator{number}")
    fields.setdefault("token_expires_at", utcnow() + timedelta(days=60))
    fields.setdefault("granted_permissions", ["instagram_basic", "instagram_content_publish"])
    fields.setdefault(
        "meta_info", {"facebook_page_id": f"10{number:013d}", "facebook_page_name": f"Page {number}"}
    )
    account = Account(user_id=user.id, **fields)
    session.add(account)
    await session.flush()
    return account


async def create_clip(session: AsyncSession, *, user: User | None = None, **fields: Any) -> Clip:
    """A ready clip: a 1080x1350 JPEG unless told otherwise."""
    user = user or await create_user(session)
    number = next(_sequence)
    kind = ClipKind(fields.pop("kind", ClipKind.IMAGE))
    image = kind is ClipKind.IMAGE
    defaults: dict[str, Any] = {
        "title": f"Clip {number}",
        "filename": f"clip{number}.{'jpg' if image else 'mp4'}",
        "storage_key": f"clips/{user.id}/{number}.{'jpg' if image else 'mp4'}",
        "content_type": "image/jpeg" if image else "video/mp4",
        "width": 1080,
        "height": 1350 if image else 1920,
        "size_bytes": 250_000 if image else 5_000_000,
        "checksum_sha256": f"{number:064x}",
    }
    if not image:
        defaults |= {"duration_seconds": 12.0, "fps": 30.0, "video_codec": "h264", "audio_codec": "aac"}
        defaults["has_audio"] = True
    # What probing would have stored, so the defaults qualify (clipper.clips.qualify reads these facts).
    defaults["probe"] = (
        {"format": "JPEG", "mode": "RGB", "icc_profile": False, "frames": 1}
        if image
        else {
            "container": "mp4",
            "coded_width": 1080,
            "coded_height": 1920,
            "pix_fmt": "yuv420p",
            "bitrate": 3_000_000,
            "audio_rate": 44_100,
            "audio_channels": 2,
            "moov_first": True,
        }
    )
    clip = Clip(user_id=user.id, kind=kind, **(defaults | fields))
    session.add(clip)
    await session.flush()
    return clip


async def create_post(
    session: AsyncSession,
    *,
    user: User | None = None,
    account: Account | None = None,
    clip: Clip | None = None,
    carousel: list[Clip] | None = None,
    hashtags: list[str] | None = None,
    **fields: Any,
) -> SocialPost:
    """A draft post for `account` (created for `user` if missing); `carousel` adds ordered items."""
    if user is None:
        user = await create_user(session) if account is None else await session.get_one(User, account.user_id)
    account = account or await create_account(session, user=user)
    fields.setdefault("media_type", MediaType.CAROUSEL if carousel else MediaType.IMAGE)
    fields.setdefault("status", PostStatus.DRAFT)
    fields.setdefault("caption", "A caption")
    post = SocialPost(
        user_id=user.id,
        account_id=account.id,
        clip_id=clip.id if clip else None,
        hashtags=json.dumps(hashtags) if hashtags is not None else None,
        **fields,
    )
    session.add(post)
    await session.flush()
    for position, item in enumerate(carousel or []):
        session.add(SocialPostMedia(post_id=post.id, clip_id=item.id, position=position))
    await session.flush()
    return post


async def create_auth_headers(session: AsyncSession, *, user: User | None = None) -> dict[str, str]:
    """`Authorization: Bearer` headers acting as `user` (a fresh one if missing), via a personal API token."""
    user = user or await create_user(session)
    issued = await api_tokens.create_api_token(session, user=user, name="tests", expires_in_days=None)
    return {"Authorization": f"Bearer {issued.token}"}
