"""The default world: "Sandbox Creator" manages three Pages (two linked to IG accounts, one not).

Also two Facebook users for failure paths: "Nora Nopages" (no Pages) and "Uma Unlinked" (one Page
without an IG account); `add_personal_account_user` adds a third on demand, "Pia Personal", whose Page
is linked to a personal (not professional) IG account. Each IG account has feed images, a reel and a
carousel with comments and replies, two conversations (one inside the 24 h window, one whose last
user message is 3 days old) and 90 days of account insight series. Outside the app, three competitor
professional accounts and one personal account answer Business Discovery (`discovery_seed`). Variant
`empty` keeps the people and Pages but no content and no outside accounts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from graph_sandbox import assets
from graph_sandbox.cdn import CdnStore
from graph_sandbox.clock import Clock
from graph_sandbox.config import SandboxConfig
from graph_sandbox.content_seed import seed_account_content
from graph_sandbox.discovery_seed import seed_outside_accounts
from graph_sandbox.ids import IdFactory
from graph_sandbox.world import App, Business, FacebookUser, InstagramUser, Page, World

VARIANTS = ("default", "empty")


@dataclass(frozen=True)
class _AccountSpec:
    page_name: str
    category: str
    category_id: str
    username: str
    name: str
    followers: int
    follows: int
    account_type: str
    biography: str
    color: tuple[int, int, int]


_ACCOUNTS = (
    _AccountSpec(
        "Sandbox Creator",
        "Digital creator",
        "2700",
        "sandbox.creator",
        "Sandbox Creator",
        1_250,
        310,
        "CREATOR",
        "Short clips about making things. 🎬",
        (200, 80, 60),
    ),
    _AccountSpec(
        "Sandbox Studio",
        "Camera/Photo",
        "2208",
        "sandbox.studio",
        "Sandbox Studio",
        48_000,
        120,
        "BUSINESS",
        "A photo studio that posts every day.",
        (40, 110, 170),
    ),
)


def seed_world(
    config: SandboxConfig, clock: Clock, *, cdn: CdnStore | None = None, variant: str = "default"
) -> World:
    """Build the seeded world; unknown variants fall back to `default`."""
    store = cdn if cdn is not None else CdnStore(config)
    world = World(ids=IdFactory(config.seed), app=App(config.app_id, config.app_name))
    rng = random.Random(config.seed)
    now = clock.now()
    creator = _fb_user(world, store, "Sandbox Creator", "sandbox.creator@example.com")
    world.default_fb_user_id = creator.id
    for spec in _ACCOUNTS:
        page = _page(world, store, creator, spec.page_name, spec.category, spec.category_id)
        ig = _ig_user(world, store, page, spec)
        if variant != "empty":
            seed_account_content(world, store, ig, rng=rng, now=now, color=spec.color)
    _page(world, store, creator, "Sandbox Bakery", "Bakery", "1500")
    _fb_user(world, store, "Nora Nopages", "nora.nopages@example.com")
    uma = _fb_user(world, store, "Uma Unlinked", "uma.unlinked@example.com")
    _page(world, store, uma, "Uma's Corner", "Local business", "2500")
    if variant != "empty":
        seed_outside_accounts(world, store, now=now)
    return world


def _fb_user(world: World, cdn: CdnStore, name: str, email: str) -> FacebookUser:
    first, last = name.split(" ", 1)
    user = FacebookUser(
        id=world.ids.fb_user(),
        name=name,
        first_name=first,
        last_name=last,
        email=email,
        picture_url=cdn.put(assets.jpeg(50, 50, (90, 90, 90)), "image/jpeg"),
    )
    world.fb_users[user.id] = user
    return user


def _page(
    world: World, cdn: CdnStore, owner: FacebookUser, name: str, category: str, category_id: str
) -> Page:
    page = Page(
        id=world.ids.page(),
        name=name,
        category=category,
        category_list=[{"id": category_id, "name": category}],
        username=name.lower().replace(" ", "").replace("'", ""),
        fan_count=len(name) * 37,
        about=f"{name} on the Graph API sandbox.",
        picture_url=cdn.put(assets.jpeg(200, 200, (60, 60, 120), name[:1]), "image/jpeg"),
    )
    page.link = f"https://www.facebook.com/{page.username}"
    world.pages[page.id] = page
    owner.page_ids.append(page.id)
    return page


def _ig_user(world: World, cdn: CdnStore, page: Page, spec: _AccountSpec) -> InstagramUser:
    ig = InstagramUser(
        id=world.ids.ig_user(),
        ig_id=int(world.ids.page()),
        username=spec.username,
        name=spec.name,
        page_id=page.id,
        biography=spec.biography,
        website=f"https://{spec.username.replace('.', '-')}.example.com/",
        profile_picture_url=cdn.put(assets.jpeg(150, 150, spec.color, spec.username[:1]), "image/jpeg"),
        followers_count=spec.followers,
        follows_count=spec.follows,
        account_type=spec.account_type,
        trial_reels_eligible=spec.followers >= 1_000,
        human_agent_enabled=spec.followers >= 10_000,
    )
    world.ig_users[ig.id] = ig
    page.ig_user_id = ig.id
    return ig


_PERSONAL = _AccountSpec(
    "Pia's Pottery",
    "Artist",
    "1300",
    "pia.personal",
    "Pia Personal",
    90,
    140,
    "PERSONAL",
    "Pots, mostly.",
    (150, 120, 90),
)


def add_personal_account_user(world: World, cdn: CdnStore) -> FacebookUser:
    """Add "Pia Personal": one Page linked to a personal IG account, which Meta shows only as the Page's
    `connected_instagram_account` (never `instagram_business_account`). Kept out of the default world,
    whose two IG accounts many tests count on."""
    pia = _fb_user(world, cdn, _PERSONAL.name, "pia.personal@example.com")
    page = _page(world, cdn, pia, _PERSONAL.page_name, _PERSONAL.category, _PERSONAL.category_id)
    _ig_user(world, cdn, page, _PERSONAL)
    return pia


_BAKERY = _AccountSpec(
    "Bo's Bakery", "Bakery", "1001", "bo.bakery", "Bo's Bakery", 420, 80, "BUSINESS", "Bread.", (200, 160, 90)
)
_BISTRO = _AccountSpec(
    "Bo's Bistro", "Restaurant", "1002", "bo.bistro", "Bo's Bistro", 31, 6, "BUSINESS", "Soup.", (90, 140, 9)
)
_CLIENT = _AccountSpec(
    "Cleo's Cafe", "Cafe", "1003", "cleo.cafe", "Cleo's Cafe", 150, 40, "CREATOR", "Coffee.", (120, 90, 60)
)


def add_business_manager_user(world: World, cdn: CdnStore) -> FacebookUser:
    """Add "Bo Business": a Page role on Bo's Bakery, and a Business Manager ("Bo Holdings") that owns
    the Bakery and Bo's Bistro and manages the client Page Cleo's Cafe. `/me/accounts` lists only the
    Bakery; the Bistro and the Cafe are reachable only through `/me/businesses`. Each Page has an IG
    account. Kept out of the default world, whose two IG accounts many tests count on."""
    bo = _fb_user(world, cdn, "Bo Business", "bo.business@example.com")
    bakery = _page(world, cdn, bo, _BAKERY.page_name, _BAKERY.category, _BAKERY.category_id)
    _ig_user(world, cdn, bakery, _BAKERY)
    others = []
    for spec in (_BISTRO, _CLIENT):
        page = _page(world, cdn, bo, spec.page_name, spec.category, spec.category_id)
        bo.page_ids.remove(page.id)  # no Page role: only the business reaches it
        _ig_user(world, cdn, page, spec)
        others.append(page)
    business = Business(
        id=world.ids.page(),
        name="Bo Holdings",
        owned_page_ids=[bakery.id, others[0].id],
        client_page_ids=[others[1].id],
    )
    world.businesses[business.id] = business
    bo.business_ids.append(business.id)
    return bo


_SOLO = _AccountSpec(
    "",
    "",
    "",
    "solo.creator",
    "Solo Creator",
    2_400,
    310,
    "CREATOR",
    "No Page, just Instagram.",
    (200, 60, 140),
)


def add_instagram_only_account(world: World, cdn: CdnStore, *, now: datetime) -> InstagramUser:
    """Add @solo.creator: a professional account linked to no Facebook Page (`page_id` empty), reachable
    only through Instagram Login, as Meta allows since the Instagram API with Instagram Login. No Facebook
    token can see it. Kept out of the default world, whose two IG accounts many tests count on."""
    ig = InstagramUser(
        id=world.ids.ig_user(),
        ig_id=int(world.ids.page()),
        username=_SOLO.username,
        name=_SOLO.name,
        page_id="",
        biography=_SOLO.biography,
        website="https://solo-creator.example.com/",
        profile_picture_url=cdn.put(assets.jpeg(150, 150, _SOLO.color, "s"), "image/jpeg"),
        followers_count=_SOLO.followers,
        follows_count=_SOLO.follows,
        account_type=_SOLO.account_type,
        trial_reels_eligible=True,
    )
    world.ig_users[ig.id] = ig
    seed_account_content(world, cdn, ig, rng=random.Random(7), now=now, color=_SOLO.color)
    return ig
