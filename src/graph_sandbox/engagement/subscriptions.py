"""Asset-level webhook subscription (§10.1): `GET|POST|DELETE /{page-id}/subscribed_apps` with a Page token.

Meta asks for `pages_manage_metadata` here; the product never requests it, so like the Conversations
API this accepts `pages_show_list` (see the package docstring). Deliveries are only gated on a Page's
subscription when the admin webhook setting `require_page_subscription` is on.
"""

from __future__ import annotations

from typing import Any

from graph_sandbox.errors import missing_parameter
from graph_sandbox.insights.rules import split_list
from graph_sandbox.registry import INSTAGRAM_HOST, GraphCall, graph_handler
from graph_sandbox.world import InstagramUser, Page, TokenKind

# Page Subscribed Apps reference: a Page token plus pages_manage_metadata and pages_show_list
# (https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps).
SUBSCRIPTION_PERMISSIONS = ("pages_manage_metadata", "pages_show_list")
_PAGE_ONLY = (TokenKind.PAGE,)


@graph_handler(
    "page", "subscribed_apps", "POST", permissions=SUBSCRIPTION_PERMISSIONS, params=("subscribed_fields",),
    token_kinds=_PAGE_ONLY,
)  # fmt: skip
async def subscribe(call: GraphCall) -> dict[str, Any]:
    """Install the app on the Page for these webhook fields."""
    page: Page = call.node
    fields = split_list(call.param("subscribed_fields"))
    if not fields:
        raise missing_parameter("subscribed_fields")
    page.subscribed_fields = list(dict.fromkeys([*page.subscribed_fields, *fields]))
    return {"success": True}


@graph_handler("page", "subscribed_apps", "GET", permissions=SUBSCRIPTION_PERMISSIONS, token_kinds=_PAGE_ONLY)
async def list_subscriptions(call: GraphCall) -> dict[str, Any]:
    """The app installed on the Page, with its fields (empty when not subscribed)."""
    page: Page = call.node
    if not page.subscribed_fields:
        return {"data": []}
    app = {
        "category": "Business",
        "link": f"{call.config.base_url}/apps/{call.config.app_id}",
        "name": call.config.app_name,
        "id": call.config.app_id,
        "subscribed_fields": page.subscribed_fields,
    }
    return {"data": [app]}


@graph_handler(
    "page",
    "subscribed_apps",
    "DELETE",
    permissions=SUBSCRIPTION_PERMISSIONS,
    params=(),
    token_kinds=_PAGE_ONLY,
)
async def unsubscribe(call: GraphCall) -> dict[str, Any]:
    """Remove the app from the Page."""
    page: Page = call.node
    page.subscribed_fields = []
    return {"success": True}


# Instagram Login: "Enable your app user's Instagram professional account to receive notifications":
# `POST graph.instagram.com/me/subscribed_apps?subscribed_fields=…` with the Instagram User token and
# instagram_business_basic (Setup Webhooks Subscriptions,
# https://developers.facebook.com/documentation/instagram-platform/webhooks; the set-up table there
# gives graph.instagram.com, "Instagram professional account ID or /me"). No Page is involved. Written,
# like every requirement, in Facebook Login names (`permissions.required_on` states it as
# instagram_business_basic on graph.instagram.com), so a Facebook token on graph.facebook.com is told
# the edge is unsupported there, not asked for a name Facebook Login cannot grant.
IG_SUBSCRIPTION_PERMISSIONS = ("instagram_basic",)


@graph_handler(
    "ig_user", "subscribed_apps", "POST", permissions=IG_SUBSCRIPTION_PERMISSIONS,
    params=("subscribed_fields",), hosts=INSTAGRAM_HOST,
)  # fmt: skip
async def subscribe_account(call: GraphCall) -> dict[str, Any]:
    """Enable the account's webhook fields for the Instagram Login app."""
    ig: InstagramUser = call.node
    fields = split_list(call.param("subscribed_fields"))
    if not fields:
        raise missing_parameter("subscribed_fields")
    ig.subscribed_fields = list(dict.fromkeys([*ig.subscribed_fields, *fields]))
    return {"success": True}


@graph_handler(
    "ig_user", "subscribed_apps", "GET", permissions=IG_SUBSCRIPTION_PERMISSIONS, hosts=INSTAGRAM_HOST
)
async def list_account_subscriptions(call: GraphCall) -> dict[str, Any]:
    """The app enabled on the account, with its fields (empty when not subscribed)."""
    ig: InstagramUser = call.node
    if not ig.subscribed_fields:
        return {"data": []}
    app = {
        "name": call.config.app_name,
        "id": call.config.instagram_app_id,
        "subscribed_fields": ig.subscribed_fields,
    }
    return {"data": [app]}


@graph_handler(
    "ig_user", "subscribed_apps", "DELETE", permissions=IG_SUBSCRIPTION_PERMISSIONS, params=(),
    hosts=INSTAGRAM_HOST,
)  # fmt: skip
async def unsubscribe_account(call: GraphCall) -> dict[str, Any]:
    """Stop the account's notifications for the Instagram Login app."""
    ig: InstagramUser = call.node
    ig.subscribed_fields = []
    return {"success": True}
