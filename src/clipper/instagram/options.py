"""Media container options (GRAPH_API.md §3.1): which option fits which media type, checked locally."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from clipper.instagram.errors import RequestValidationError

IMAGE, IMAGE_CHILD, VIDEO_CHILD, REELS, STORIES, CAROUSEL = (
    "IMAGE",
    "carousel IMAGE item",
    "carousel VIDEO item",
    "REELS",
    "STORIES",
    "CAROUSEL",
)


class ContainerOptions(TypedDict, total=False):
    """Optional container parameters; each is only valid on some media types."""

    alt_text: str
    location_id: str
    user_tags: Sequence[Mapping[str, Any]]
    product_tags: Sequence[Mapping[str, Any]]
    collaborators: Sequence[str]
    share_to_feed: bool
    cover_url: str
    thumb_offset: int
    audio_name: str
    trial_params: Mapping[str, Any]
    audio_configuration: Mapping[str, Any]
    upload_type: str
    branded_content_sponsor_ids: Sequence[str]
    is_paid_partnership: bool
    is_ai_generated: bool


_FEED = frozenset({IMAGE, REELS, CAROUSEL})
ALLOWED: dict[str, frozenset[str]] = {
    "caption": _FEED,
    "alt_text": frozenset({IMAGE, IMAGE_CHILD}),
    "location_id": _FEED,
    "user_tags": frozenset({IMAGE, IMAGE_CHILD, REELS, STORIES}),
    "product_tags": frozenset({IMAGE, IMAGE_CHILD, REELS, VIDEO_CHILD}),
    "collaborators": _FEED,
    "share_to_feed": frozenset({REELS}),
    "cover_url": frozenset({REELS}),
    "thumb_offset": frozenset({REELS, VIDEO_CHILD}),
    "audio_name": frozenset({REELS}),
    "trial_params": frozenset({REELS}),
    "audio_configuration": frozenset({REELS}),
    "upload_type": frozenset({REELS, STORIES, VIDEO_CHILD}),
    "branded_content_sponsor_ids": _FEED,
    "is_paid_partnership": _FEED,
    "is_ai_generated": _FEED,
}
_LIMITS = {"alt_text": 1000, "collaborators": 3, "product_tags": 5, "branded_content_sponsor_ids": 2}
_GRADUATION = frozenset({"MANUAL", "SS_PERFORMANCE"})


def _fail(option: str, kind: str, why: str) -> RequestValidationError:
    return RequestValidationError(f"'{option}' {why} ({kind} container).", option=option, media_type=kind)


def check_url(option: str, kind: str, url: str | None) -> None:
    """Meta fetches the URL itself: it must be an absolute, plain-ASCII http(s) URL."""
    if url is None:
        return
    if not url.isascii() or not re.match(r"^https?://[^\s]+$", url):
        raise _fail(option, kind, "must be a public http(s) URL in plain ASCII")


def check_caption(kind: str, caption: str | None) -> None:
    """At most 2200 characters, 30 hashtags and 20 @mentions."""
    if caption is None:
        return
    if kind not in ALLOWED["caption"]:
        raise _fail("caption", kind, "is not allowed")
    if len(caption) > 2200:
        raise _fail("caption", kind, "is longer than 2200 characters")
    if len(re.findall(r"#\w", caption)) > 30:
        raise _fail("caption", kind, "has more than 30 hashtags")
    if len(re.findall(r"@\w", caption)) > 20:
        raise _fail("caption", kind, "mentions more than 20 accounts")


def _check_tags(kind: str, tags: Sequence[Mapping[str, Any]]) -> None:
    needs_position = kind in (IMAGE, IMAGE_CHILD)
    for tag in tags:
        if not isinstance(tag, Mapping) or not tag.get("username"):
            raise _fail("user_tags", kind, "entries need a username")
        for axis in ("x", "y"):
            if axis not in tag:
                if needs_position:
                    raise _fail("user_tags", kind, f"entries need '{axis}' on images")
                continue
            if not isinstance(tag[axis], int | float) or not 0.0 <= float(tag[axis]) <= 1.0:
                raise _fail("user_tags", kind, f"'{axis}' must be between 0.0 and 1.0")


def _check_value(option: str, kind: str, value: Any) -> None:
    if option in _LIMITS and len(value) > _LIMITS[option]:
        unit = "characters" if isinstance(value, str) else "entries"
        raise _fail(option, kind, f"allows at most {_LIMITS[option]} {unit}")
    if option == "user_tags":
        _check_tags(kind, value)
    elif option == "product_tags" and not all(isinstance(t, Mapping) and t.get("product_id") for t in value):
        raise _fail(option, kind, "entries need a product_id")
    elif option == "thumb_offset" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise _fail(option, kind, "must be a whole number of milliseconds >= 0")
    elif option == "trial_params" and value.get("graduation_strategy") not in _GRADUATION:
        raise _fail(option, kind, "needs graduation_strategy MANUAL or SS_PERFORMANCE")
    elif option == "upload_type" and value != "resumable":
        raise _fail(option, kind, "must be 'resumable'")
    elif option == "cover_url":
        check_url(option, kind, value)


def container_params(kind: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Check `options` against the media type and return them ready to send (None values dropped)."""
    params: dict[str, Any] = {}
    for option, value in options.items():
        if value is None:
            continue
        allowed = ALLOWED.get(option)
        if allowed is None:
            raise _fail(option, kind, "is not a container option")
        if kind not in allowed:
            raise _fail(option, kind, "is not allowed")
        _check_value(option, kind, value)
        params[option] = list(value) if isinstance(value, tuple) else value
    return params


def check_children(children: Sequence[str]) -> str:
    """2 to 10 container ids, sent as a comma list."""
    if isinstance(children, str) or not 2 <= len(children) <= 10:
        raise _fail("children", CAROUSEL, "needs between 2 and 10 container ids")
    if not all(isinstance(child, str) and child for child in children):
        raise _fail("children", CAROUSEL, "must be container id strings")
    return ",".join(children)
