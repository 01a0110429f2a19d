"""Every reason a post cannot be published as asked, gathered at once (GRAPH_API.md §3.1, §3.6)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from clipper.accounts.models import Account
from clipper.accounts.permissions import PUBLISH
from clipper.clips.models import Clip
from clipper.clips.qualify import cover_reasons, qualifies_for
from clipper.db import utcnow
from clipper.errors import ClipperError, InvalidInput
from clipper.social.models import MediaType
from clipper.social.schemas import PostOptions

MAX_CAPTION = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
MAX_COLLABORATORS = 3
MAX_ALT_TEXT = 1000
CAROUSEL_SIZE = (2, 10)
PUBLISH_PERMISSION = PUBLISH

_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9._]+)")

ALLOWED_OPTIONS: dict[MediaType, frozenset[str]] = {
    MediaType.IMAGE: frozenset({"location_id", "user_tags", "collaborators", "alt_text", "first_comment"}),
    MediaType.REELS: frozenset(
        {
            "share_to_feed",
            "cover_clip_id",
            "thumb_offset_ms",
            "location_id",
            "user_tags",
            "collaborators",
            "first_comment",
            "trial_graduation",
        }
    ),
    MediaType.CAROUSEL: frozenset({"location_id", "collaborators", "first_comment"}),
    MediaType.STORIES: frozenset({"user_tags"}),
}


class Reason(str):
    """A reason a post cannot be published, and the request field it is about (None: the whole post).

    A str, so every place that lists, joins or de-duplicates reasons keeps working with the message.
    """

    field: str | None

    def __new__(cls, message: str, field: str | None = None) -> Reason:
        reason = super().__new__(cls, message)
        reason.field = field
        return reason


def field_of(reason: str) -> str | None:
    """The request field a reason is about (None for a plain string or a whole-post reason)."""
    return reason.field if isinstance(reason, Reason) else None


class PostInvalid(InvalidInput):
    """The post cannot be published as asked: `reasons` lists every problem, `fields` those tied to a field.

    `fields` has the shape of a request validation 422 (`{"field", "message"}`) so a form shows each reason
    next to its input; a whole-post reason is only in `reasons` and `detail`.
    """

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("The post cannot be published as asked: " + "; ".join(self.reasons) + ".")

    def fields(self) -> list[dict[str, str]]:
        return [
            {"field": name, "message": str(reason)}
            for reason in self.reasons
            if (name := field_of(reason)) is not None
        ]

    def body(self) -> dict[str, Any]:
        return {
            **super().body(),
            "reasons": [str(reason) for reason in self.reasons],
            "fields": self.fields(),
        }


@dataclass
class Draft:
    """A post as it would be published: what validation looks at."""

    media_type: MediaType
    caption: str | None
    hashtags: list[str]
    options: PostOptions
    clips: list[Clip | None]
    clip_ids: list[int]
    account: Account | None
    account_id: int | None
    scheduled_for: datetime | None
    cover: Clip | None = None
    # The request field that named the account: `account_ids` when the post goes to several.
    account_field: str = "account_id"
    reasons: list[Reason] = field(default_factory=list)


def hashtags_in(text: str | None) -> list[str]:
    """The hashtags Instagram links in a text, as written (without '#'), in order."""
    return _HASHTAG.findall(text or "")


def full_caption(caption: str | None, hashtags: Sequence[str]) -> str | None:
    """The caption Instagram receives: the text, then the hashtags on their own line."""
    tags = " ".join(f"#{tag}" for tag in hashtags)
    text = "\n\n".join(part for part in ((caption or "").strip(), tags) if part)
    return text or None


def caption_reasons(caption: str | None, hashtags: Sequence[str]) -> list[Reason]:
    """Length, hashtag and mention limits of the caption Instagram would receive."""
    text = full_caption(caption, hashtags) or ""
    reasons: list[Reason] = []
    if len(text) > MAX_CAPTION:
        reasons.append(
            Reason(
                f"caption is {len(text)} characters with its hashtags; at most {MAX_CAPTION} are allowed",
                "caption",
            )
        )
    # The `hashtags` list is part of the caption (full_caption), and Meta counts hashtags and @mentions
    # separately: 30 hashtags and 20 @mentions fit in one caption.
    tags = len(_HASHTAG.findall(text))
    if tags > MAX_HASHTAGS:
        # Blame the hashtags list unless the caption's own text is already over the limit.
        culprit = "caption" if len(_HASHTAG.findall(caption or "")) > MAX_HASHTAGS else "hashtags"
        reasons.append(Reason(f"caption has {tags} hashtags; at most {MAX_HASHTAGS} are allowed", culprit))
    mentions = len(_MENTION.findall(text))
    if mentions > MAX_MENTIONS:
        reasons.append(
            Reason(f"caption has {mentions} @mentions; at most {MAX_MENTIONS} are allowed", "caption")
        )
    return reasons


def option_reasons(media_type: MediaType, options: PostOptions) -> list[Reason]:
    """Options that do not apply to the media type, and malformed option values."""
    given = options.given()
    allowed = ALLOWED_OPTIONS[media_type]
    reasons = [
        Reason(f"option '{name}' is not available for {media_type.value} posts", f"options.{name}")
        for name in given
        if name not in allowed
    ]
    for index, tag in enumerate(options.user_tags or []):
        where = f"user tag {index + 1} (@{tag.username})"
        for axis in ("x", "y"):
            value = getattr(tag, axis)
            if value is not None and not 0.0 <= value <= 1.0:
                reasons.append(Reason(f"{where}: {axis} must be between 0 and 1", "options.user_tags"))
            if value is None and media_type is MediaType.IMAGE:
                reasons.append(Reason(f"{where}: {axis} is required on an image", "options.user_tags"))
    if len(options.collaborators or []) > MAX_COLLABORATORS:
        reasons.append(
            Reason(f"at most {MAX_COLLABORATORS} collaborators can be invited", "options.collaborators")
        )
    if options.alt_text is not None and len(options.alt_text) > MAX_ALT_TEXT:
        reasons.append(Reason(f"alt text is longer than {MAX_ALT_TEXT} characters", "options.alt_text"))
    if options.cover_clip_id is not None and options.thumb_offset_ms is not None:
        reasons.append(
            Reason("give either a cover image or a thumbnail offset, not both", "options.thumb_offset_ms")
        )
    return reasons


def clip_reasons(draft: Draft) -> list[Reason]:
    """Missing, foreign or non-conformant clips, and the carousel's size."""
    reasons = []
    carousel = draft.media_type is MediaType.CAROUSEL
    clip_field = "clip_ids" if carousel else "clip_id"
    if carousel:
        low, high = CAROUSEL_SIZE
        if not low <= len(draft.clip_ids) <= high:
            reasons.append(
                Reason(
                    f"a carousel needs {low} to {high} clips (clip_ids), not {len(draft.clip_ids)}",
                    clip_field,
                )
            )
    elif len(draft.clip_ids) != 1:
        reasons.append(
            Reason(f"a {draft.media_type.value} post needs exactly one clip (clip_id)", clip_field)
        )
    kind = "CAROUSEL_ITEM" if carousel else draft.media_type.value
    for clip_id, clip in zip(draft.clip_ids, draft.clips, strict=True):
        if clip is None:
            reasons.append(Reason(f"clip {clip_id} was not found in your library", clip_field))
            continue
        reasons += [Reason(f"clip {clip_id}: {reason}", clip_field) for reason in qualifies_for(clip, kind)]
    return reasons + _video_option_reasons(draft)


def _video_option_reasons(draft: Draft) -> list[Reason]:
    reasons = []
    options = draft.options
    if options.cover_clip_id is not None:
        cover = draft.cover
        where = f"cover clip {options.cover_clip_id}"
        if cover is None:
            reasons.append(Reason(f"{where} was not found in your library", "options.cover_clip_id"))
        else:
            reasons += [
                Reason(f"{where}: {reason}", "options.cover_clip_id") for reason in cover_reasons(cover)
            ]
    clip = draft.clips[0] if len(draft.clips) == 1 else None
    if options.thumb_offset_ms is not None and clip is not None and clip.duration_seconds is not None:
        if options.thumb_offset_ms >= clip.duration_seconds * 1000:
            reasons.append(
                Reason(
                    f"thumbnail offset {options.thumb_offset_ms} ms is past the end of the video "
                    f"({int(clip.duration_seconds * 1000)} ms)",
                    "options.thumb_offset_ms",
                )
            )
    return reasons


def account_reasons(draft: Draft) -> list[Reason]:
    """The account exists, is yours, is connected and may publish."""
    from clipper.accounts import service as accounts

    if draft.account is None:
        return [
            Reason(
                f"account {draft.account_id} was not found among your connected accounts", draft.account_field
            )
        ]
    reasons = []
    for check in (accounts.require_active, lambda a: accounts.require_permission(a, PUBLISH_PERMISSION)):
        try:
            check(draft.account)
        except ClipperError as error:
            reasons.append(Reason(error.message.rstrip("."), draft.account_field))
    return reasons


# A time that passed while the form was being sent is taken as "now" rather than refused.
SCHEDULE_GRACE = timedelta(seconds=60)


def schedule_reasons(scheduled_for: datetime | None) -> list[Reason]:
    """A scheduled time must say which time zone it is in and not lie in the past (beyond the grace)."""
    if scheduled_for is not None and scheduled_for.utcoffset() is None:
        return [
            Reason(
                f"scheduled_for {scheduled_for.isoformat()} has no UTC offset: add one, "
                "e.g. 2026-05-01T09:00:00+02:00 or 2026-05-01T07:00:00Z",
                "scheduled_for",
            )
        ]
    if scheduled_for is not None and scheduled_for < utcnow() - SCHEDULE_GRACE:
        return [
            Reason(
                "scheduled_for is in the past: pick a time in the future (ISO 8601 with a UTC offset)",
                "scheduled_for",
            )
        ]
    return []


def reasons_for(draft: Draft) -> list[Reason]:
    """Every reason the draft cannot be published (empty when it can)."""
    return (
        account_reasons(draft)
        + clip_reasons(draft)
        + caption_reasons(draft.caption, draft.hashtags)
        + option_reasons(draft.media_type, draft.options)
        + schedule_reasons(draft.scheduled_for)
    )
