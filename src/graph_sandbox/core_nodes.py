"""Core node types: Facebook User (`fb_user`), Page (`page`), IG User (`ig_user`), `business`, `app`.

Other modules add IG-user edges (media, stories, insights …) with `nodes.extend_node_type("ig_user", …)`.
"""

from __future__ import annotations

from typing import Any

from graph_sandbox.auth import page_token_for
from graph_sandbox.fields import FieldSel
from graph_sandbox.nodes import ABSENT, EdgeSpec, NodeRef, NodeType, attr, register_node_type
from graph_sandbox.registry import GraphCall
from graph_sandbox.world import App, Business, FacebookUser, InstagramUser, Page, TokenKind, World

_PICTURE_SIZES = {"small": 50, "normal": 100, "album": 50, "large": 200, "square": 50}


def _picture(url: str, sel: FieldSel) -> dict[str, Any]:
    size = _PICTURE_SIZES.get(sel.modifier("type") or "square", 50)
    return {"data": {"height": size, "is_silhouette": False, "url": url, "width": size}}


def _user_pages(obj: FacebookUser, call: GraphCall, sel: FieldSel | None) -> list[Page]:
    del sel
    return [call.world.pages[page_id] for page_id in obj.page_ids if page_id in call.world.pages]


def _user_businesses(obj: FacebookUser, call: GraphCall, sel: FieldSel | None) -> list[Business]:
    del sel
    return [call.world.businesses[b] for b in obj.business_ids if b in call.world.businesses]


def _business_pages(attribute: str) -> Any:
    def pages(obj: Business, call: GraphCall, sel: FieldSel | None) -> list[Page]:
        del sel
        return [call.world.pages[p] for p in getattr(obj, attribute) if p in call.world.pages]

    return pages


def _page_access_token(page: Page, call: GraphCall, sel: FieldSel) -> Any:
    del sel
    token = call.token
    if token is None:
        return ABSENT
    if token.kind is TokenKind.PAGE:
        return token.value if token.page_id == page.id else ABSENT
    user = call.world.fb_users.get(token.fb_user_id or "")
    if not token.is_user or user is None or page.id not in call.world.reachable_page_ids(user):
        return ABSENT
    return page_token_for(call.sandbox, token, page).value


def _linked_ig(page: Page, call: GraphCall, sel: FieldSel) -> Any:
    del sel
    ig = call.world.ig_users.get(page.ig_user_id or "")
    return NodeRef("ig_user", ig) if ig is not None else ABSENT


def _linked_business_ig(page: Page, call: GraphCall, sel: FieldSel) -> Any:
    """A personal IG account linked to the Page is only its `connected_instagram_account`."""
    ig = call.world.ig_users.get(page.ig_user_id or "")
    if ig is not None and ig.account_type == "PERSONAL":
        return ABSENT
    return _linked_ig(page, call, sel)


def _media_count(ig: InstagramUser, call: GraphCall, sel: FieldSel) -> int:
    del sel
    return len(call.world.media_of(ig.id))


def _ig_page(world: World, ig: InstagramUser) -> str | None:
    del world
    return ig.page_id


FB_USER = NodeType(
    kind="fb_user",
    type_name="User",
    fields={
        "name": attr("name"),
        "first_name": attr("first_name"),
        "last_name": attr("last_name"),
        "short_name": attr("name"),
        "name_format": lambda _obj, _call, _sel: "{first} {last}",
        "email": lambda obj, call, _sel: (
            obj.email if call.token is not None and "email" in call.token.scopes else ABSENT
        ),
        "picture": lambda obj, _call, sel: _picture(obj.picture_url, sel),
    },
    default_fields=("name", "id"),
    edges={
        "accounts": EdgeSpec("page", _user_pages, permissions=("pages_show_list",)),
        # User Businesses edge: needs business_management (Permissions Reference; Postiz walks it too).
        "businesses": EdgeSpec("business", _user_businesses, permissions=("business_management",)),
    },
)

PAGE = NodeType(
    kind="page",
    type_name="Page",
    fields={
        "name": attr("name"),
        "category": attr("category"),
        "category_list": attr("category_list"),
        "tasks": attr("tasks"),
        "access_token": _page_access_token,
        "instagram_business_account": _linked_business_ig,
        "connected_instagram_account": _linked_ig,
        "username": attr("username"),
        "fan_count": attr("fan_count"),
        "followers_count": attr("fan_count"),
        "about": attr("about"),
        "link": attr("link"),
        "picture": lambda obj, _call, sel: _picture(obj.picture_url, sel),
    },
    default_fields=("name", "id"),
)

# The IG User profile fields read straight off the account (Business Discovery shows them too).
IG_PROFILE_FIELDS = (
    "ig_id",
    "username",
    "name",
    "biography",
    "website",
    "profile_picture_url",
    "followers_count",
    "follows_count",
)

IG_USER = NodeType(
    kind="ig_user",
    type_name="IGUser",
    fields={**{name: attr(name) for name in IG_PROFILE_FIELDS}, "media_count": _media_count},
    read_permissions=("instagram_basic",),
    page_of=_ig_page,
)

_BUSINESS = ("business_management",)

# Business Owned Pages and Business Client Pages
# (https://developers.facebook.com/docs/graph-api/reference/business/owned_pages/, …/client_pages/):
# lists of Page nodes; reading them needs business_management (code 200 "Permissions error" otherwise).
BUSINESS = NodeType(
    kind="business",
    type_name="Business",
    fields={"name": attr("name")},
    default_fields=("name", "id"),
    edges={
        "owned_pages": EdgeSpec("page", _business_pages("owned_page_ids"), permissions=_BUSINESS),
        "client_pages": EdgeSpec("page", _business_pages("client_page_ids"), permissions=_BUSINESS),
    },
    read_permissions=_BUSINESS,
)

APP = NodeType(
    kind="app",
    type_name="Application",
    fields={"name": attr("name"), "link": lambda obj, call, _sel: f"{call.config.base_url}/apps/{obj.id}"},
    default_fields=("name", "link", "id"),
)


def register_core_node_types() -> None:
    """Register the four core kinds (runs on import; idempotent)."""
    for spec in (FB_USER, PAGE, IG_USER, BUSINESS, APP):
        register_node_type(spec)


register_core_node_types()

__all__ = [
    "APP",
    "BUSINESS",
    "FB_USER",
    "IG_PROFILE_FIELDS",
    "IG_USER",
    "PAGE",
    "App",
    "register_core_node_types",
]
