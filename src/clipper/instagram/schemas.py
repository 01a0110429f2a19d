"""Typed views of the Graph API responses the client returns; each also reads like the JSON mapping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def _graph_time(value: Any) -> Any:
    """Accept Graph timestamps (`2021-08-13T08:25:28+0000`) and Unix seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        if value.isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        return _OFFSET.sub(r"\1:\2", value)
    return value


GraphTime = Annotated[datetime, BeforeValidator(_graph_time)]

_SECRET_KEY = re.compile(r"(token|secret)$", re.IGNORECASE)
HIDDEN = "***"


def mask_secrets(value: Any) -> Any:
    """`value` with every token-like key (access_token, *token, *secret) of nested mappings hidden."""
    if isinstance(value, dict):
        return {
            key: HIDDEN if isinstance(key, str) and _SECRET_KEY.search(key) else mask_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(item) for item in value]
    return value


class GraphObject(BaseModel):
    """A Graph node: typed fields, unknown keys kept, and `obj["key"]` / `obj.get("key")` access."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        # Undeclared keys (extra="allow") can carry Page tokens; repr and str must never show them.
        for name, value in super().__repr_args__():
            hidden = name is not None and _SECRET_KEY.search(name) is not None
            yield name, HIDDEN if hidden else mask_secrets(value)

    def _key_to_field(self, key: str) -> str | None:
        fields = type(self).model_fields
        if key in fields:
            return key
        for name, info in fields.items():
            if info.alias == key:
                return name
        return None

    def __getitem__(self, key: str) -> Any:
        name = self._key_to_field(key)
        if name is not None and name in self.model_fields_set:
            return getattr(self, name)
        extra = self.__pydantic_extra__ or {}
        if key in extra:
            return extra[key]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a response key, or `default` when the response did not carry it."""
        try:
            return self[key]
        except KeyError:
            return default


ItemT = TypeVar("ItemT")


class Cursors(GraphObject):
    """Opaque cursors of a page."""

    before: str | None = None
    after: str | None = None


class Paging(GraphObject):
    """Cursor pagination block of an edge."""

    cursors: Cursors | None = None
    next: str | None = None
    previous: str | None = None


class Edge(GraphObject, Generic[ItemT]):
    """An edge (list) response or an expanded edge: `{"data": [...], "paging": {...}}`."""

    data: list[ItemT] = Field(default_factory=list)
    paging: Paging | None = None


class ObjectRef(GraphObject):
    """A reference to another node (`{"id": ...}` and maybe a few fields)."""

    id: str


class Token(GraphObject):
    """An access token from /oauth/access_token."""

    access_token: str = Field(repr=False)
    token_type: str | None = None
    expires_in: int | None = None


class GranularScope(GraphObject):
    """A permission and the ids it was granted for."""

    scope: str
    target_ids: list[str] | None = None


class DebugToken(GraphObject):
    """The `data` of /debug_token."""

    app_id: str | None = None
    type: str | None = None
    application: str | None = None
    data_access_expires_at: int | None = None
    expires_at: int | None = None
    is_valid: bool = False
    issued_at: int | None = None
    scopes: list[str] = Field(default_factory=list)
    granular_scopes: list[GranularScope] = Field(default_factory=list)
    user_id: str | None = None
    profile_id: str | None = None
    error: dict[str, Any] | None = None


class Permission(GraphObject):
    """One row of /me/permissions."""

    permission: str
    status: str


class InstagramAccount(GraphObject):
    """An Instagram professional account (IG User)."""

    id: str
    username: str | None = None
    name: str | None = None
    profile_picture_url: str | None = None
    followers_count: int | None = None
    follows_count: int | None = None
    media_count: int | None = None
    biography: str | None = None
    website: str | None = None
    ig_id: int | str | None = None


class Page(GraphObject):
    """A Facebook Page the user manages, with its linked IG account when there is one."""

    id: str
    name: str | None = None
    access_token: str | None = Field(default=None, repr=False)
    category: str | None = None
    tasks: list[str] | None = None
    instagram_business_account: InstagramAccount | None = None


class Business(GraphObject):
    """A Business Manager the user has a role in (`/me/businesses`)."""

    id: str
    name: str | None = None


class ContainerStatus(GraphObject):
    """A media container's processing state."""

    id: str | None = None
    status_code: str | None = None
    status: str | None = None
    copyright_check_status: dict[str, Any] | None = None

    @property
    def error_subcode(self) -> int | None:
        """The subcode embedded in an ERROR status ("... failed with error code 2207026")."""
        found = re.search(r"error code (\d+)", self.status or "")
        return int(found.group(1)) if found else None


class Media(GraphObject):
    """An IG Media (post, reel, story, carousel or carousel child)."""

    id: str
    caption: str | None = None
    media_type: str | None = None
    media_product_type: str | None = None
    media_url: str | None = None
    thumbnail_url: str | None = None
    permalink: str | None = None
    shortcode: str | None = None
    timestamp: GraphTime | None = None
    username: str | None = None
    owner: ObjectRef | None = None
    like_count: int | None = None
    comments_count: int | None = None
    is_comment_enabled: bool | None = None
    is_shared_to_feed: bool | None = None
    alt_text: str | None = None
    children: Edge[Media] | None = None


class Participant(GraphObject):
    """A sender or recipient of a message."""

    id: str
    username: str | None = None
    name: str | None = None


class Comment(GraphObject):
    """An IG Comment, with its replies when requested."""

    id: str
    text: str | None = None
    timestamp: GraphTime | None = None
    username: str | None = None
    like_count: int | None = None
    hidden: bool | None = None
    from_: Participant | None = Field(default=None, alias="from")
    parent_id: str | None = None
    media: ObjectRef | None = None
    replies: Edge[Comment] | None = None


class Message(GraphObject):
    """A direct message."""

    id: str
    created_time: GraphTime | None = None
    from_: Participant | None = Field(default=None, alias="from")
    to: Edge[Participant] | None = None
    message: str | None = None
    is_unsupported: bool | None = None


class Conversation(GraphObject):
    """An Instagram DM conversation of a Page."""

    id: str
    updated_time: GraphTime | None = None
    unread_count: int | None = None
    message_count: int | None = None
    participants: Edge[Participant] | None = None
    messages: Edge[Message] | None = None


class SentMessage(GraphObject):
    """The Send API's answer."""

    recipient_id: str | None = None
    message_id: str | None = None


class BreakdownResult(GraphObject):
    """One bucket of a breakdown."""

    dimension_values: list[str]
    value: float | int


class Breakdown(GraphObject):
    """A breakdown of a total value by dimensions."""

    dimension_keys: list[str]
    results: list[BreakdownResult] = Field(default_factory=list)


class TotalValue(GraphObject):
    """A metric's total over the range, with optional breakdowns."""

    value: Any = None
    breakdowns: list[Breakdown] = Field(default_factory=list)


class InsightValue(GraphObject):
    """One point of a time series (or the lifetime value)."""

    value: Any = None
    end_time: GraphTime | None = None


class InsightMetric(GraphObject):
    """One metric of an insights answer."""

    name: str
    period: str | None = None
    values: list[InsightValue] = Field(default_factory=list)
    total_value: TotalValue | None = None
    title: str | None = None
    description: str | None = None
    id: str | None = None

    @property
    def value(self) -> Any:
        """The total value, else the latest point of the series (None when there is no data)."""
        if self.total_value is not None:
            return self.total_value.value
        return self.values[-1].value if self.values else None


class PublishingLimitConfig(GraphObject):
    """The quota configuration."""

    quota_total: int | None = None
    quota_duration: int | None = None


class PublishingLimit(GraphObject):
    """content_publishing_limit: posts published in the window and the quota."""

    quota_usage: int = 0
    config: PublishingLimitConfig | None = None

    @property
    def remaining(self) -> int | None:
        """Posts that can still be published in the window, when the quota is known."""
        if self.config is None or self.config.quota_total is None:
            return None
        return max(self.config.quota_total - self.quota_usage, 0)


class UploadResult(GraphObject):
    """The rupload host's answer."""

    success: bool = False
    message: str | None = None


class DiscoveredAccount(GraphObject):
    """Another professional account as Business Discovery shows it (public fields, recent media).

    A post's `like_count` is None where its owner hides like counts (Meta leaves the field out).
    """

    id: str
    username: str | None = None
    name: str | None = None
    biography: str | None = None
    profile_picture_url: str | None = None
    followers_count: int | None = None
    media_count: int | None = None
    media: Edge[Media] | None = None
