"""The in-memory world: Facebook users, Pages, IG accounts, tokens, media, comments, conversations.

Every object is a plain dataclass kept in a dict of `World` by id. `World.lookup(node_id)` returns
`(kind, obj)` for routing; the kinds are the strings in `NODE_KINDS`. Other modules keep their own
state in `World.extra[<module name>]` rather than adding attributes. `build_default_world(config, clock)`
makes the seeded world described in `graph_sandbox.seed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from graph_sandbox.ids import IdFactory
from graph_sandbox.permissions import LoginFlavour

if TYPE_CHECKING:
    from graph_sandbox.cdn import CdnStore
    from graph_sandbox.clock import Clock
    from graph_sandbox.config import SandboxConfig

NODE_KINDS = (
    "fb_user",
    "page",
    "ig_user",
    "container",
    "media",
    "comment",
    "conversation",
    "message",
    "app",
    "business",
)


Lookup = Callable[["World", str], "tuple[str, Any] | None"]
_LOOKUPS: list[Lookup] = []


def register_lookup(resolve: Lookup) -> None:
    """Let a module resolve ids of node kinds it keeps in `World.extra` (e.g. hashtags)."""
    if resolve not in _LOOKUPS:
        _LOOKUPS.append(resolve)


class TokenKind(StrEnum):
    USER_SHORT = "USER_SHORT"
    USER_LONG = "USER_LONG"
    PAGE = "PAGE"
    APP = "APP"


@dataclass
class App:
    """The one Meta app the sandbox knows (node kind `app`)."""

    id: str
    name: str
    subscriptions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FacebookUser:
    id: str
    name: str
    first_name: str
    last_name: str
    email: str
    page_ids: list[str] = field(default_factory=list)
    picture_url: str = ""
    # Business Managers the user has a role in: their Pages are reachable without a Page role of his own.
    business_ids: list[str] = field(default_factory=list)


@dataclass
class Business:
    """A Business Manager (node kind `business`): the Pages it owns and its clients' Pages it manages."""

    id: str
    name: str
    owned_page_ids: list[str] = field(default_factory=list)
    client_page_ids: list[str] = field(default_factory=list)


@dataclass
class Page:
    id: str
    name: str
    category: str
    category_list: list[dict[str, str]] = field(default_factory=list)
    tasks: list[str] = field(
        default_factory=lambda: ["ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"]
    )
    ig_user_id: str | None = None
    username: str | None = None
    fan_count: int = 0
    about: str = ""
    link: str = ""
    picture_url: str = ""
    subscribed_fields: list[str] = field(default_factory=list)


@dataclass
class InstagramUser:
    id: str
    ig_id: int
    username: str
    name: str
    page_id: str
    biography: str = ""
    website: str = ""
    profile_picture_url: str = ""
    followers_count: int = 0
    follows_count: int = 0
    account_type: str = "BUSINESS"  # BUSINESS or CREATOR
    trial_reels_eligible: bool = True
    human_agent_enabled: bool = False
    # Webhook fields enabled through Instagram Login (`POST graph.instagram.com/me/subscribed_apps`).
    subscribed_fields: list[str] = field(default_factory=list)


@dataclass
class Person:
    """An Instagram user outside the app (commenter, DM sender), known by IGSID."""

    id: str
    username: str
    name: str = ""


@dataclass
class AccessToken:
    value: str = field(repr=False)
    kind: TokenKind
    app_id: str
    fb_user_id: str | None
    issued_at: datetime
    expires_at: datetime | None
    page_id: str | None = None
    scopes: list[str] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)
    parent: str | None = field(default=None, repr=False)  # the user token a page token came from
    revoked: bool = False
    invalid_subcode: int | None = None  # 460 password change, 467 logged out, …
    data_access_expires_at: datetime | None = None
    # Which login issued it, so which host accepts it (graph.facebook.com or graph.instagram.com).
    flavour: LoginFlavour = LoginFlavour.FACEBOOK
    # Instagram Login tokens belong to an Instagram professional account, not to a Facebook user.
    ig_user_id: str | None = None

    @property
    def is_user(self) -> bool:
        """A USER_SHORT or USER_LONG token."""
        return self.kind in (TokenKind.USER_SHORT, TokenKind.USER_LONG)


@dataclass
class OAuthCode:
    value: str = field(repr=False)
    app_id: str
    redirect_uri: str
    fb_user_id: str
    scopes: list[str]
    declined: list[str]
    expires_at: datetime
    used: bool = False
    ig_user_id: str | None = None  # set for an Instagram Login code


@dataclass
class Container:
    id: str
    ig_user_id: str
    created_at: datetime
    media_type: str | None = None  # None (single image), REELS, STORIES, CAROUSEL, VIDEO
    status_code: str = "IN_PROGRESS"
    status: str = "In Progress: Media is still being processed."
    params: dict[str, str] = field(default_factory=dict)
    caption: str | None = None
    image_url: str | None = None
    video_url: str | None = None
    children: list[str] = field(default_factory=list)
    is_carousel_item: bool = False
    upload_type: str | None = None
    ready_at: datetime | None = None
    error_code: int | None = None
    error_subcode: int | None = None
    media_id: str | None = None
    media_url: str | None = None
    content_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Media:
    id: str
    ig_user_id: str
    media_type: str  # IMAGE, VIDEO, CAROUSEL_ALBUM
    media_product_type: str  # FEED, REELS, STORY, AD
    timestamp: datetime
    shortcode: str
    permalink: str
    media_url: str | None = None
    thumbnail_url: str | None = None
    caption: str | None = None
    alt_text: str | None = None
    like_count: int = 0
    comment_enabled: bool = True
    is_shared_to_feed: bool | None = None
    children: list[str] = field(default_factory=list)
    parent_id: str | None = None  # set on carousel children
    container_id: str | None = None
    view_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_carousel_child(self) -> bool:
        """Children of an album are not listed on the account."""
        return self.parent_id is not None


@dataclass
class Comment:
    id: str
    media_id: str
    text: str
    timestamp: datetime
    from_id: str
    username: str
    parent_id: str | None = None
    hidden: bool = False
    deleted: bool = False
    like_count: int = 0
    private_reply_sent: bool = False


@dataclass
class Message:
    id: str
    conversation_id: str
    from_id: str
    from_username: str
    to_id: str
    to_username: str
    created_time: datetime
    text: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    is_echo: bool = False
    is_deleted: bool = False


@dataclass
class Conversation:
    id: str
    page_id: str
    ig_user_id: str
    participant_id: str  # IGSID of the other person
    updated_time: datetime
    message_ids: list[str] = field(default_factory=list)  # oldest first
    unread_count: int = 0


@dataclass
class InsightSeries:
    """Daily values of one metric for one node (account or media); breakdowns by dimension value."""

    node_id: str
    metric: str
    daily: dict[str, int] = field(default_factory=dict)  # ISO date -> value
    lifetime: int | None = None
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class World:
    fb_users: dict[str, FacebookUser] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    ig_users: dict[str, InstagramUser] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict, repr=False)
    codes: dict[str, OAuthCode] = field(default_factory=dict, repr=False)
    containers: dict[str, Container] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)
    comments: dict[str, Comment] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    insights: dict[str, dict[str, InsightSeries]] = field(default_factory=dict)
    businesses: dict[str, Business] = field(default_factory=dict)
    default_fb_user_id: str = ""
    app: App | None = None
    ids: IdFactory = field(default_factory=IdFactory)
    extra: dict[str, Any] = field(default_factory=dict)

    def lookup(self, node_id: str) -> tuple[str, Any] | None:
        """The `(kind, object)` with this id, or None."""
        tables: tuple[tuple[str, dict[str, Any]], ...] = (
            ("ig_user", self.ig_users),
            ("media", self.media),
            ("comment", self.comments),
            ("container", self.containers),
            ("page", self.pages),
            ("fb_user", self.fb_users),
            ("conversation", self.conversations),
            ("message", self.messages),
            ("business", self.businesses),
        )
        for kind, table in tables:
            if node_id in table:
                return kind, table[node_id]
        if self.app is not None and node_id == self.app.id:
            return "app", self.app
        for resolve in _LOOKUPS:
            found = resolve(self, node_id)
            if found is not None:
                return found
        return None

    def reachable_page_ids(self, user: FacebookUser) -> list[str]:
        """The Pages a user can act on: his own Page roles, then those of his Business Managers."""
        found = list(user.page_ids)
        for business_id in user.business_ids:
            business = self.businesses.get(business_id)
            if business is not None:
                found += [p for p in (*business.owned_page_ids, *business.client_page_ids) if p not in found]
        return found

    def professional_accounts(self) -> list[InstagramUser]:
        """The Business and Creator accounts: the only ones the API (and so Instagram Login) reaches."""
        return [ig for ig in self.ig_users.values() if ig.account_type != "PERSONAL"]

    def page_of_ig_user(self, ig_user_id: str) -> Page | None:
        """The Page an IG account is linked to."""
        ig = self.ig_users.get(ig_user_id)
        return self.pages.get(ig.page_id) if ig else None

    def media_of(self, ig_user_id: str, *, stories: bool = False) -> list[Media]:
        """An account's top-level media, newest first (stories only when asked)."""
        items = [
            m
            for m in self.media.values()
            if m.ig_user_id == ig_user_id
            and not m.is_carousel_child
            and (m.media_product_type == "STORY") == stories
        ]
        return sorted(items, key=lambda m: (m.timestamp, m.id), reverse=True)

    def comments_of(self, media_id: str, *, parent_id: str | None = None) -> list[Comment]:
        """Live comments on a media (top-level, or replies to `parent_id`), newest first."""
        items = [
            c
            for c in self.comments.values()
            if c.media_id == media_id and c.parent_id == parent_id and not c.deleted
        ]
        return sorted(items, key=lambda c: (c.timestamp, c.id), reverse=True)

    def user_tokens(self, app_id: str, fb_user_id: str) -> list[AccessToken]:
        """Every token (user and page) issued to this user for this app."""
        return [t for t in self.tokens.values() if t.app_id == app_id and t.fb_user_id == fb_user_id]


def build_default_world(
    config: SandboxConfig, clock: Clock, *, cdn: CdnStore | None = None, variant: str = "default"
) -> World:
    """The seeded world (see graph_sandbox.seed); its media files go into `cdn` when given."""
    from graph_sandbox.seed import seed_world  # seed imports this module

    return seed_world(config, clock, cdn=cdn, variant=variant)
