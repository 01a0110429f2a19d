"""Hashtag search: `GET /ig_hashtag_search`, `GET /{ig-hashtag-id}`, `/top_media`, `/recent_media`.

Facebook Login only (graph.facebook.com): "Available for the Instagram API with Facebook Login"
(https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-hashtag-search).
Every one needs the `instagram_basic` permission and the app's "Instagram Public Content Access" feature
(Requirements tables of the four reference pages and of the Hashtag Search guide,
https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/hashtag-search).
"""

from __future__ import annotations

import re
from typing import Any

from graph_sandbox.access import can_see
from graph_sandbox.clock import graph_time
from graph_sandbox.errors import GraphError, invalid_parameter, unsupported_request
from graph_sandbox.hashtags.state import (
    RECENT_WINDOW,
    HashtagMedia,
    HashtagWorld,
    ensure_hashtag,
    hashtags_of,
    note_query,
    searched,
)
from graph_sandbox.nodes import ABSENT, NodeType, attr, register_node_type
from graph_sandbox.registry import FACEBOOK_HOST, GraphCall, graph_handler

BASIC = ("instagram_basic",)
# "Emojis in hashtag queries are not supported" (Hashtag Search guide); a hashtag is letters, digits and
# underscores, as Instagram links them.
_NAME = re.compile(r"^\w{1,100}$")
# "Responses are paginated with a maximum limit of 50 results per page" (Top Media / Recent Media pages).
MAX_PAGE = 50


def limit_reached() -> GraphError:
    """The 31st unique hashtag within 7 days.

    Meta documents the limit (Hashtag Search guide) but not the error it answers, and no public thread we
    could find quotes the envelope (one third-party client checks for code 24, without a source). So this
    is the closest documented error: 613, "Calls to this api have exceeded the rate limit", the Graph
    error-handling guide's code for an endpoint's own (custom) rate limit
    (https://developers.facebook.com/docs/graph-api/guides/error-handling). Not transient: it lasts days.
    """
    return GraphError(613, "(#613) Calls to this api have exceeded the rate limit.", http_status=403)


def _feature_required() -> GraphError:
    # Meta's wording for a reviewable feature the app lacks, as it answers for Page Public Content Access.
    feature = "Instagram Public Content Access"
    return GraphError(
        10,
        f"(#10) To use '{feature}', your use of this endpoint must be reviewed and approved by Facebook. "
        f"To submit this '{feature}' feature for review please read our documentation on reviewable "
        "features: https://developers.facebook.com/docs/apps/review.",
        http_status=403,
    )


def _require_feature(call: GraphCall) -> None:
    if not call.config.instagram_public_content_access:
        raise _feature_required()


def _acting_user(call: GraphCall) -> str:
    """`user_id` (required): "The ID of the IG User performing the request"; it must be the token's."""
    user_id = call.require("user_id")
    found = call.world.lookup(user_id)
    if found is None or found[0] != "ig_user" or call.token is None:
        raise unsupported_request(user_id, call.method)
    if not can_see(call.world, call.token, found[0], found[1]):
        raise unsupported_request(user_id, call.method)
    return user_id


def _count(call: GraphCall, state: HashtagWorld, user_id: str, tag_id: str) -> None:
    if not note_query(state, user_id, tag_id, call.clock.now()):
        raise limit_reached()


@graph_handler(
    "root", "ig_hashtag_search", "GET", permissions=BASIC, params=("user_id", "q"), hosts=FACEBOOK_HOST
)
async def hashtag_search(call: GraphCall) -> dict[str, Any]:
    """`{"data": [{"id": "<hashtag id>"}]}` for `q`, the hashtag name without `#`."""
    _require_feature(call)
    user_id = _acting_user(call)
    name = call.require("q").strip().lower()
    if not _NAME.match(name):
        raise invalid_parameter()
    state = hashtags_of(call.sandbox)
    tag = ensure_hashtag(state, name)
    _count(call, state, user_id, tag.id)
    return {"data": [{"id": tag.id}]}


@graph_handler("hashtag", None, "GET", permissions=BASIC, params=(), hosts=FACEBOOK_HOST)
async def read_hashtag(call: GraphCall) -> dict[str, Any]:
    """The IG Hashtag node: `id` (default) and `name`."""
    _require_feature(call)
    return call.render("hashtag", call.node)


async def _media_edge(call: GraphCall, items: list[HashtagMedia]) -> dict[str, Any]:
    _require_feature(call)
    user_id = _acting_user(call)
    state = hashtags_of(call.sandbox)
    _count(call, state, user_id, call.node.id)
    # Only an `after` cursor, never `before` (Top/Recent Media pages): the "forward" paging style.
    return call.page("hashtag_media", items, default_limit=25, max_limit=MAX_PAGE, paging="forward")


@graph_handler("hashtag", "top_media", "GET", permissions=BASIC, params=("user_id",), hosts=FACEBOOK_HOST)
async def top_media(call: GraphCall) -> dict[str, Any]:
    """The most popular public media with the hashtag: "a mix of views and viewer interaction"
    (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-hashtag/top-media)."""
    media = hashtags_of(call.sandbox).media.get(call.node.id, [])
    ranked = sorted(media, key=lambda m: (m.like_count + 3 * m.comments_count, m.id), reverse=True)
    return await _media_edge(call, ranked)


@graph_handler("hashtag", "recent_media", "GET", permissions=BASIC, params=("user_id",), hosts=FACEBOOK_HOST)
async def recent_media(call: GraphCall) -> dict[str, Any]:
    """Public media with the hashtag published within 24 hours of the query
    (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-hashtag/recent-media)."""
    now = call.clock.now()
    media = hashtags_of(call.sandbox).media.get(call.node.id, [])
    fresh = [m for m in media if now - m.timestamp < RECENT_WINDOW]
    return await _media_edge(call, sorted(fresh, key=lambda m: m.timestamp, reverse=True))


@graph_handler(
    "ig_user", "recently_searched_hashtags", "GET", permissions=BASIC, params=(), hosts=FACEBOOK_HOST
)
async def recently_searched(call: GraphCall) -> dict[str, Any]:
    """The hashtags the account queried within the last 7 days: "25 results per page by default, but you
    can use the limit parameter to get up to 30 per page"
    (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/recently_searched_hashtags)."""
    _require_feature(call)
    items = searched(hashtags_of(call.sandbox), call.node.id, call.clock.now())
    return call.page("hashtag", items, default_limit=25, max_limit=30)


def _like_count(media: HashtagMedia, call: GraphCall, sel: Any) -> Any:
    del call, sel
    return ABSENT if media.like_count_hidden else media.like_count


def _timestamp(media: HashtagMedia, call: GraphCall, sel: Any) -> Any:
    del call, sel
    return graph_time(media.timestamp)


def _children(media: HashtagMedia, call: GraphCall, sel: Any) -> Any:
    del call, sel
    # "children (only returned for Album IG Media)" (Recent Media reference, Returnable Fields).
    if media.media_type != "CAROUSEL_ALBUM":
        return ABSENT
    return {"data": [{"id": child.id} for child in media.children]}


register_node_type(
    NodeType(
        kind="hashtag",
        type_name="IGHashtag",
        fields={"name": attr("name")},
        read_permissions=BASIC,
    )
)

# The fields Meta lets a hashtag edge return (Top/Recent Media references, "fields" table): anything else,
# `username` included ("You cannot request the username field on returned media objects"), is refused.
register_node_type(
    NodeType(
        kind="hashtag_media",
        type_name="IGMedia",
        fields={
            "caption": attr("caption"),
            "children": _children,
            "comments_count": attr("comments_count"),
            "like_count": _like_count,
            "media_type": attr("media_type"),
            "media_url": attr("media_url"),
            "permalink": attr("permalink"),
            "timestamp": _timestamp,
        },
    )
)
