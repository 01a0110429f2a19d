"""Which container a `POST /{ig-user-id}/media` asks for, and the §3.1 rules on its parameters.

Pure functions over the merged parameters; errors are `GraphError`s with Meta's codes. A parameter
that does not apply to the media type (e.g. `caption` on a carousel child) is refused with
`(#100) Param <name> is not supported for <what>`: Meta's exact wording there is undocumented.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph_sandbox.errors import GraphError, invalid_parameter, missing_parameter
from graph_sandbox.publishing.meta_errors import (
    caption_too_long,
    thumb_offset_out_of_range,
    unknown_media_type,
)

CREATE_PARAMS: tuple[str, ...] = (
    "image_url",
    "video_url",
    "media_type",
    "is_carousel_item",
    "children",
    "caption",
    "alt_text",
    "location_id",
    "user_tags",
    "product_tags",
    "collaborators",
    "share_to_feed",
    "cover_url",
    "thumb_offset",
    "audio_name",
    "trial_params",
    "upload_type",
    "branded_content_sponsor_ids",
    "is_paid_partnership",
    "is_ai_generated",
    "audio_configuration",
)


class Kind(StrEnum):
    """The seven kinds of container."""

    IMAGE = "IMAGE"
    REELS = "REELS"
    STORY_IMAGE = "STORY_IMAGE"
    STORY_VIDEO = "STORY_VIDEO"
    CAROUSEL = "CAROUSEL"
    CHILD_IMAGE = "CHILD_IMAGE"
    CHILD_VIDEO = "CHILD_VIDEO"


VIDEO_KINDS = frozenset({Kind.REELS, Kind.STORY_VIDEO, Kind.CHILD_VIDEO})
_FEED = frozenset({Kind.IMAGE, Kind.REELS, Kind.CAROUSEL})
_STORIES = frozenset({Kind.STORY_IMAGE, Kind.STORY_VIDEO})
_CHILDREN = frozenset({Kind.CHILD_IMAGE, Kind.CHILD_VIDEO})

APPLIES: dict[str, frozenset[Kind]] = {
    "image_url": frozenset({Kind.IMAGE, Kind.STORY_IMAGE, Kind.CHILD_IMAGE}),
    "video_url": VIDEO_KINDS,
    "upload_type": VIDEO_KINDS,
    "children": frozenset({Kind.CAROUSEL}),
    "caption": _FEED | _STORIES,
    "alt_text": frozenset({Kind.IMAGE, Kind.CHILD_IMAGE}),
    "location_id": _FEED,
    "user_tags": frozenset({Kind.IMAGE, Kind.REELS, Kind.CHILD_IMAGE}) | _STORIES,
    "product_tags": frozenset({Kind.IMAGE, Kind.REELS}) | _CHILDREN,
    "collaborators": _FEED,
    "share_to_feed": frozenset({Kind.REELS}),
    "cover_url": frozenset({Kind.REELS}),
    "thumb_offset": frozenset({Kind.REELS, Kind.CHILD_VIDEO}),
    "audio_name": frozenset({Kind.REELS}),
    "trial_params": frozenset({Kind.REELS}),
    "audio_configuration": frozenset({Kind.REELS}),
    "is_ai_generated": _FEED | _STORIES,
    "branded_content_sponsor_ids": _FEED | _STORIES,
    "is_paid_partnership": _FEED | _STORIES,
}

_LABELS = {
    Kind.IMAGE: "single image posts",
    Kind.REELS: "reels",
    Kind.STORY_IMAGE: "stories",
    Kind.STORY_VIDEO: "stories",
    Kind.CAROUSEL: "carousel albums",
    Kind.CHILD_IMAGE: "carousel items",
    Kind.CHILD_VIDEO: "carousel items",
}

_HASHTAG = re.compile(r"(?<![\w#])#\w+")
_MENTION = re.compile(r"(?<![\w@])@[\w.]+")
MAX_CAPTION = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20


@dataclass
class ContainerSpec:
    """The validated request: its kind and parsed structured parameters."""

    kind: Kind
    media_type: str | None
    children: list[str] = field(default_factory=list)
    user_tags: list[dict[str, Any]] = field(default_factory=list)
    collaborators: list[str] = field(default_factory=list)
    trial_params: dict[str, Any] | None = None
    thumb_offset: int | None = None
    share_to_feed: bool | None = None


def _flag(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name)
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered not in ("true", "false", "1", "0"):
        raise invalid_parameter(f"(#100) Param {name} must be a boolean")
    return lowered in ("true", "1")


def _json(params: Mapping[str, str], name: str) -> Any:
    try:
        return json.loads(params[name])
    except json.JSONDecodeError:
        raise invalid_parameter(f"(#100) Param {name} must be a JSON object or array") from None


def _story_kind(params: Mapping[str, str]) -> Kind:
    has_image, has_video = "image_url" in params, "video_url" in params or "upload_type" in params
    if has_image and has_video:
        raise invalid_parameter("(#100) A story takes either image_url or video_url, not both")
    if not has_image and not has_video:
        raise missing_parameter("video_url")
    return Kind.STORY_IMAGE if has_image else Kind.STORY_VIDEO


def classify(params: Mapping[str, str]) -> Kind:
    """The container kind from `media_type` and `is_carousel_item`."""
    media_type = params.get("media_type", "").strip().upper() or None
    child = bool(_flag(params, "is_carousel_item"))
    if media_type is None:
        if "image_url" not in params and ("video_url" in params or "upload_type" in params):
            raise unknown_media_type("Videos need media_type=REELS (or VIDEO for a carousel item).")
        return Kind.CHILD_IMAGE if child else Kind.IMAGE
    if media_type == "VIDEO":
        if not child:
            raise unknown_media_type(
                "The VIDEO media type is no longer supported for feed videos. Use media_type=REELS."
            )
        return Kind.CHILD_VIDEO
    standalone = {"REELS": Kind.REELS, "CAROUSEL": Kind.CAROUSEL, "STORIES": None}
    if media_type not in standalone:
        raise unknown_media_type(f"The media type {media_type} is not supported.")
    if child:
        raise unknown_media_type(f"{media_type} cannot be a carousel item. Use VIDEO or an image.")
    return standalone[media_type] or _story_kind(params)


def check_applicable(params: Mapping[str, str], kind: Kind) -> None:
    """Refuse any parameter that does not apply to this kind of container."""
    for name, kinds in APPLIES.items():
        if name in params and kind not in kinds:
            raise invalid_parameter(f"(#100) Param {name} is not supported for {_LABELS[kind]}")
    if kind in VIDEO_KINDS and "video_url" not in params and params.get("upload_type") != "resumable":
        raise missing_parameter("video_url")
    if kind in (Kind.IMAGE, Kind.STORY_IMAGE, Kind.CHILD_IMAGE) and not params.get("image_url"):
        raise missing_parameter("image_url")
    if "upload_type" in params and params["upload_type"] != "resumable":
        raise invalid_parameter("(#100) Param upload_type must be one of {resumable}")


def check_caption(caption: str) -> None:
    """≤ 2200 characters and ≤ 30 hashtags (36004/2207010), ≤ 20 @mentions (100/2207040)."""
    if len(caption) > MAX_CAPTION:
        raise caption_too_long(f"The caption must be at most {MAX_CAPTION} characters long.")
    if len(_HASHTAG.findall(caption)) > MAX_HASHTAGS:
        raise caption_too_long(f"The caption must contain at most {MAX_HASHTAGS} hashtags.")
    if len(_MENTION.findall(caption)) > MAX_MENTIONS:
        raise GraphError(
            100,
            "Invalid parameter",
            subcode=2207040,
            error_user_title="Too many tags",
            error_user_msg=f"Cannot use more than {MAX_MENTIONS} tags per created media.",
        )


def _unit(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0


def parse_user_tags(params: Mapping[str, str], kind: Kind) -> list[dict[str, Any]]:
    """`[{username, x, y}]`: x/y in 0..1, required on images, optional on stories, ignored on video."""
    tags = _json(params, "user_tags")
    if not isinstance(tags, list):
        raise invalid_parameter("(#100) Param user_tags must be an array")
    needs_position = kind in (Kind.IMAGE, Kind.CHILD_IMAGE)
    for tag in tags:
        if not isinstance(tag, dict) or not isinstance(tag.get("username"), str) or not tag["username"]:
            raise invalid_parameter("(#100) Each user tag needs a username")
        has_position = "x" in tag or "y" in tag
        if (needs_position or has_position) and not (_unit(tag.get("x")) and _unit(tag.get("y"))):
            raise invalid_parameter("(#100) User tag coordinates x and y must be numbers between 0.0 and 1.0")
    return tags


def parse_collaborators(params: Mapping[str, str]) -> list[str]:
    """A JSON array of at most 3 usernames."""
    names = _json(params, "collaborators")
    if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
        raise invalid_parameter("(#100) Param collaborators must be an array of usernames")
    if len(names) > 3:
        raise invalid_parameter("(#100) A post can have at most 3 collaborators")
    return names


def parse_trial_params(params: Mapping[str, str]) -> dict[str, Any]:
    """`{"graduation_strategy": "MANUAL" | "SS_PERFORMANCE"}`."""
    trial = _json(params, "trial_params")
    if not isinstance(trial, dict) or trial.get("graduation_strategy") not in ("MANUAL", "SS_PERFORMANCE"):
        raise invalid_parameter(
            "(#100) Param trial_params.graduation_strategy must be MANUAL or SS_PERFORMANCE"
        )
    return trial


def parse_thumb_offset(params: Mapping[str, str]) -> int:
    """Milliseconds ≥ 0 (checked against the duration once the video is processed)."""
    try:
        offset = int(params["thumb_offset"])
    except ValueError:
        raise invalid_parameter("(#100) Param thumb_offset must be an integer") from None
    if offset < 0:
        raise thumb_offset_out_of_range("the video duration")
    return offset


def _check_small_lists(params: Mapping[str, str]) -> None:
    if "product_tags" in params:
        tags = _json(params, "product_tags")
        if not isinstance(tags, list) or len(tags) > 5 or not all(isinstance(t, dict) for t in tags):
            raise invalid_parameter(
                "(#100) Param product_tags must be an array of at most 5 tags", subcode=2207036
            )
    if "branded_content_sponsor_ids" in params:
        sponsors = _json(params, "branded_content_sponsor_ids")
        if not isinstance(sponsors, list) or len(sponsors) > 2:
            raise GraphError(
                100, "INSTAGRAM_PLATFORM_API__INVALID_PARAM", error_user_msg="At most 2 sponsors."
            )
    if "alt_text" in params and len(params["alt_text"]) > 1000:
        raise invalid_parameter("(#100) Param alt_text must be at most 1000 characters")
    if "audio_configuration" in params and not isinstance(_json(params, "audio_configuration"), dict):
        raise invalid_parameter("(#100) Param audio_configuration must be a JSON object")


def validate(params: Mapping[str, str]) -> ContainerSpec:
    """Classify the request and check every parameter it carries."""
    kind = classify(params)
    check_applicable(params, kind)
    spec = ContainerSpec(kind=kind, media_type=params.get("media_type", "").upper() or None)
    if "caption" in params:
        check_caption(params["caption"])
    if "user_tags" in params:
        spec.user_tags = parse_user_tags(params, kind)
    if "collaborators" in params:
        spec.collaborators = parse_collaborators(params)
    if "trial_params" in params:
        spec.trial_params = parse_trial_params(params)
    if "thumb_offset" in params:
        spec.thumb_offset = parse_thumb_offset(params)
    spec.share_to_feed = _flag(params, "share_to_feed")
    for name in ("is_paid_partnership", "is_ai_generated"):
        _flag(params, name)
    _check_small_lists(params)
    return spec
