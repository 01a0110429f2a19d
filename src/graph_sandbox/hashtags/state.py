"""The hashtag half of the world: hashtags, the public media tagged with them, and who searched what when.

Kept in `World.extra["hashtags"]` and seeded on first use, so a reset (a new World) starts it afresh.
Sources, Meta's documentation:
- IG Hashtag Search, https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-hashtag-search
- IG Hashtag, https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-hashtag
- Hashtag Search guide, https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/hashtag-search
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from graph_sandbox import assets
from graph_sandbox.world import World, register_lookup

if TYPE_CHECKING:
    from graph_sandbox.state import Sandbox

# "You can query a maximum of 30 unique hashtags on behalf of an Instagram Business or Creator Account
# within a rolling, 7 day period" (Hashtag Search guide, Limitations).
UNIQUE_HASHTAGS_PER_WINDOW = 30
WINDOW = timedelta(days=7)
# recent_media: "Only returns media objects published within 24 hours of query execution"
# (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-hashtag/recent-media).
RECENT_WINDOW = timedelta(hours=24)
_KEY = "hashtags"


@dataclass
class Hashtag:
    id: str
    name: str


@dataclass
class HashtagMedia:
    """A public IG Media of some other account, seen through a hashtag (never readable by id)."""

    id: str
    media_type: str  # IMAGE, VIDEO, CAROUSEL_ALBUM
    timestamp: datetime
    permalink: str
    caption: str
    like_count: int
    comments_count: int
    media_url: str | None = None
    like_count_hidden: bool = False
    children: list[HashtagMedia] = field(default_factory=list)


@dataclass
class HashtagWorld:
    hashtags: dict[str, Hashtag] = field(default_factory=dict)  # by id
    media: dict[str, list[HashtagMedia]] = field(default_factory=dict)  # by hashtag id
    # ig user id → hashtag id → when it was first queried in the current window
    searches: dict[str, dict[str, datetime]] = field(default_factory=dict)


def hashtag_id(name: str) -> str:
    """The hashtag's id: "IDs are both static and global (i.e, the ID for #bluebottle will always be
    17843857450040591 for all apps and all app users)" (IG Hashtag Search reference)."""
    digits = str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:14]
    return f"178{digits}"


def hashtags_of(sandbox: Sandbox) -> HashtagWorld:
    """The current world's hashtag state, seeded on first use."""
    world = sandbox.world
    found = world.extra.get(_KEY)
    if isinstance(found, HashtagWorld):
        return found
    state = HashtagWorld()
    world.extra[_KEY] = state
    _seed(sandbox, state)
    return state


def ensure_hashtag(state: HashtagWorld, name: str) -> Hashtag:
    """The hashtag with this (lower-case) name; any valid name has one, with or without media."""
    tag_id = hashtag_id(name)
    found = state.hashtags.get(tag_id)
    if found is None:
        found = state.hashtags[tag_id] = Hashtag(tag_id, name)
    return found


def note_query(state: HashtagWorld, ig_user_id: str, tag_id: str, now: datetime) -> bool:
    """Count a query of the hashtag for the account; False when it would be a 31st unique one.

    "Subsequent queries on the same hashtag within this time frame will not count against your limit, and
    will not reset its initial query 7 day timer" (Hashtag Search guide)."""
    window = state.searches.setdefault(ig_user_id, {})
    for old_id, first in list(window.items()):
        if now - first >= WINDOW:
            del window[old_id]
    if tag_id in window:
        return True
    if len(window) >= UNIQUE_HASHTAGS_PER_WINDOW:
        return False
    window[tag_id] = now
    return True


def searched(state: HashtagWorld, ig_user_id: str, now: datetime) -> list[Hashtag]:
    """The hashtags the account queried within the last 7 days, oldest first."""
    window = state.searches.get(ig_user_id, {})
    live = sorted((first, tag_id) for tag_id, first in window.items() if now - first < WINDOW)
    return [state.hashtags[tag_id] for _, tag_id in live]


def _lookup(world: World, node_id: str) -> tuple[str, Any] | None:
    state = world.extra.get(_KEY)
    if isinstance(state, HashtagWorld) and node_id in state.hashtags:
        return "hashtag", state.hashtags[node_id]
    return None


register_lookup(_lookup)

# name → (number of media, colour of their pictures)
_SEEDED: dict[str, tuple[int, tuple[int, int, int]]] = {
    "photography": (60, (70, 90, 160)),
    "travel": (12, (30, 150, 120)),
    "foodie": (8, (200, 110, 40)),
    "sunset": (6, (230, 120, 80)),
    "sandbox": (4, (120, 120, 120)),
}


def _seed(sandbox: Sandbox, state: HashtagWorld) -> None:
    rng = random.Random(f"{sandbox.config.seed}:hashtags")
    now = sandbox.clock.now()
    for name, (count, color) in _SEEDED.items():
        tag = ensure_hashtag(state, name)
        image = sandbox.cdn.put(assets.jpeg(320, 320, color, name[:3]), "image/jpeg")
        state.media[tag.id] = [_one(sandbox, rng, name, index, now, image) for index in range(count)]


def _one(
    sandbox: Sandbox, rng: random.Random, name: str, index: int, now: datetime, image: str
) -> HashtagMedia:
    world = sandbox.world
    shortcode = world.ids.shortcode()
    # A third of them fresh (recent_media shows only the last 24 h), the rest up to a month old.
    age = timedelta(hours=rng.randint(1, 20)) if index % 3 == 0 else timedelta(days=rng.randint(2, 30))
    kind = "VIDEO" if index % 5 == 4 else "IMAGE"
    return HashtagMedia(
        id=world.ids.media(),
        media_type=kind,
        timestamp=now - age,
        permalink=f"{sandbox.config.base_url}/p/{shortcode}/",
        caption=f"Moment {index + 1} #{name}",
        like_count=rng.randint(5, 5000),
        comments_count=rng.randint(0, 300),
        # media_url "will be omitted" for video with copyrighted audio (IG Hashtag Top Media reference):
        # every seeded video is such a video, so clients meet the omission.
        media_url=None if kind == "VIDEO" else image,
        # like_count "will be omitted if the media owner has hidden like counts" (Recent Media reference).
        like_count_hidden=index % 7 == 6,
    )
