"""Other people's Instagram accounts, reachable only through Business Discovery (see `discovery`).

They belong to nobody who uses the app: no Page of the sandbox's users links to them and no token can
read them directly, so they live in `World.extra` (not in `World.ig_users` / `World.media`, which hold
the accounts people connect). The default world has three professional competitors and one personal
account; `/_admin/discovery/...` changes their numbers so that successive reads differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from graph_sandbox import assets
from graph_sandbox.cdn import CdnStore
from graph_sandbox.world import World

_KEY = "discovery"


@dataclass
class DiscoveredMedia:
    """A published feed post of an outside account, with the public counts Business Discovery shows."""

    id: str
    owner_id: str
    caption: str
    timestamp: datetime
    permalink: str
    media_url: str
    like_count: int
    comments_count: int
    media_type: str = "IMAGE"
    media_product_type: str = "FEED"
    hide_like_count: bool = False


@dataclass
class OutsideAccount:
    """An Instagram account of someone outside the app (BUSINESS, CREATOR or PERSONAL)."""

    id: str
    ig_id: int
    username: str
    name: str
    account_type: str
    biography: str
    website: str
    profile_picture_url: str
    followers_count: int
    follows_count: int
    media: list[DiscoveredMedia] = field(default_factory=list)  # newest first


@dataclass
class Discovery:
    """Outside accounts by lower-cased username."""

    accounts: dict[str, OutsideAccount] = field(default_factory=dict)


def discovery(world: World) -> Discovery:
    """This world's outside accounts (an empty set when the world was built without them)."""
    state = world.extra.get(_KEY)
    if not isinstance(state, Discovery):
        state = Discovery()
        world.extra[_KEY] = state
    return state


@dataclass(frozen=True)
class _Spec:
    username: str
    name: str
    account_type: str
    followers: int
    posts: int
    likes: int  # likes on the newest post; older posts get a little fewer
    hides_likes: bool
    color: tuple[int, int, int]


_SPECS = (
    _Spec("rival.studio", "Rival Studio", "BUSINESS", 12_400, 6, 420, False, (30, 90, 150)),
    _Spec("lens.and.light", "Lens & Light", "CREATOR", 3_150, 5, 160, True, (160, 120, 40)),
    _Spec("daily.frames", "Daily Frames", "BUSINESS", 87_000, 8, 2_300, False, (90, 30, 120)),
    _Spec("just.a.friend", "Just A Friend", "PERSONAL", 210, 3, 25, False, (120, 120, 120)),
)


def seed_outside_accounts(world: World, cdn: CdnStore, *, now: datetime) -> None:
    """Add the competitors (and one personal account) with a few posts each."""
    state = discovery(world)
    for spec in _SPECS:
        account = OutsideAccount(
            id=world.ids.ig_user(),
            ig_id=int(world.ids.page()),
            username=spec.username,
            name=spec.name,
            account_type=spec.account_type,
            biography=f"{spec.name} on Instagram.",
            website=f"https://{spec.username.replace('.', '-')}.example.com/",
            profile_picture_url=cdn.put(assets.jpeg(150, 150, spec.color, spec.username[:1]), "image/jpeg"),
            followers_count=spec.followers,
            follows_count=spec.followers // 40,
        )
        image = cdn.put(assets.jpeg(320, 320, spec.color, spec.username[:2]), "image/jpeg")
        for index in range(spec.posts):
            add_post(
                world,
                account,
                cdn_base=cdn.base_url,
                media_url=image,
                when=now - timedelta(days=2 * index + 1),
                like_count=spec.likes - 17 * index,
                comments_count=max(0, spec.likes // 30 - index),
                hide_like_count=spec.hides_likes and index % 2 == 0,
            )
        state.accounts[account.username.lower()] = account


def add_post(
    world: World,
    account: OutsideAccount,
    *,
    cdn_base: str,
    media_url: str,
    when: datetime,
    like_count: int,
    comments_count: int,
    hide_like_count: bool = False,
    caption: str | None = None,
) -> DiscoveredMedia:
    """Publish one post on an outside account (kept newest first)."""
    shortcode = world.ids.shortcode()
    media = DiscoveredMedia(
        id=world.ids.media(),
        owner_id=account.id,
        caption=caption or f"{account.name}: post {len(account.media) + 1}",
        timestamp=when,
        permalink=f"{cdn_base}/p/{shortcode}/",
        media_url=media_url,
        like_count=max(0, like_count),
        comments_count=max(0, comments_count),
        hide_like_count=hide_like_count,
    )
    account.media.append(media)
    account.media.sort(key=lambda m: (m.timestamp, m.id), reverse=True)
    return media
