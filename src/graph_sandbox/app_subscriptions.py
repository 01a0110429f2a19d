"""App-level webhook subscriptions: `GET|POST|DELETE /{app-id}/subscriptions` with an app token.

Meta's reference: https://developers.facebook.com/docs/graph-api/reference/app/subscriptions/ ("An app
access token is required"; fields `object`, `callback_url`, `fields`, `active`) and the how-to
https://developers.facebook.com/docs/graph-api/webhooks/subscriptions-edge (POST answers `success`, GET
answers `{"data": [{"object", "callback_url", "active", "fields": [{"name", "version"}]}]}`).

The sandbox's own delivery target (`config.webhook_callback_url`) is the app's `instagram` subscription, as
if set in the App Dashboard: it is listed with the fields the sandbox delivers until a POST replaces it. A
POST for `instagram` first runs the verification handshake against the new callback, as Meta does
(https://developers.facebook.com/docs/graph-api/webhooks/getting-started, "Verification Requests"), and
then points deliveries there. Other objects are stored and listed only.
"""

from __future__ import annotations

from typing import Any

from graph_sandbox.errors import GraphError, invalid_parameter, missing_parameter
from graph_sandbox.insights.rules import split_list
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.webhooks import verify_callback
from graph_sandbox.world import App, TokenKind

INSTAGRAM = "instagram"
# The object types the reference lists, plus `instagram` (Instagram webhooks, set up the same way).
OBJECTS = ("user", "page", "permissions", "payments", INSTAGRAM)
# What the sandbox delivers for Instagram (graph_sandbox.webhooks).
DELIVERED_FIELDS = ("comments", "live_comments", "mentions", "messages", "story_insights")


def _app(call: GraphCall) -> App:
    app: App = call.node
    return app


def _require_app_token(call: GraphCall) -> None:
    # Reference: "An app access token is required". Code 15 with this wording is what clients report;
    # the exact text is not in Meta's reference.
    if call.token is None or call.token.kind is not TokenKind.APP:
        raise GraphError(15, "(#15) This method must be called with an app access_token.")


def _entry(call: GraphCall, obj: str, callback_url: str, fields: list[str]) -> dict[str, Any]:
    version = call.config.default_version
    return {
        "object": obj,
        "callback_url": callback_url,
        "active": True,
        "fields": [{"name": name, "version": version} for name in fields],
    }


def _listed(call: GraphCall) -> list[dict[str, Any]]:
    stored = list(_app(call).subscriptions)
    has_instagram = any(entry["object"] == INSTAGRAM for entry in stored)
    if not has_instagram and call.config.webhook_callback_url:
        stored.append(_entry(call, INSTAGRAM, call.config.webhook_callback_url, list(DELIVERED_FIELDS)))
    return stored


@graph_handler("app", "subscriptions", "GET", params=("fields",))
async def list_app_subscriptions(call: GraphCall) -> dict[str, Any]:
    """The app's subscriptions, one per object."""
    _require_app_token(call)
    return {"data": _listed(call)}


@graph_handler(
    "app",
    "subscriptions",
    "POST",
    params=("object", "callback_url", "fields", "verify_token", "include_values"),
)
async def create_app_subscription(call: GraphCall) -> dict[str, Any]:
    """Add or replace the subscription of one object; `instagram` is verified against its callback first."""
    _require_app_token(call)
    obj = call.require("object")
    if obj not in OBJECTS:
        raise invalid_parameter(f"(#100) Param object must be one of {{{', '.join(OBJECTS)}}}")
    callback_url = call.require("callback_url")
    fields = split_list(call.param("fields"))
    if not fields:
        raise missing_parameter("fields")
    call.bool_param("include_values")
    if obj == INSTAGRAM:
        await _verify(call, callback_url, call.require("verify_token"))
    others = [entry for entry in _app(call).subscriptions if entry["object"] != obj]
    _app(call).subscriptions = [*others, _entry(call, obj, callback_url, fields)]
    return {"success": True}


async def _verify(call: GraphCall, callback_url: str, verify_token: str) -> None:
    previous = (call.config.webhook_callback_url, call.config.webhook_verify_token)
    call.config.webhook_callback_url, call.config.webhook_verify_token = callback_url, verify_token
    outcome = await verify_callback(call.sandbox)
    if not outcome["verified"]:
        call.config.webhook_callback_url, call.config.webhook_verify_token = previous
        # The getting-started guide: the endpoint must answer the hub.challenge value with a 200.
        raise GraphError(
            2200,
            "(#2200) Callback verification failed: the callback answered "
            f"{outcome['status'] or outcome['error']} instead of the hub.challenge value",
        )


@graph_handler("app", "subscriptions", "DELETE", params=("object",))
async def delete_app_subscription(call: GraphCall) -> dict[str, Any]:
    """Remove one object's subscription (or, without `object`, all of them)."""
    _require_app_token(call)
    obj = call.param("object")
    if obj is not None and obj not in OBJECTS:
        raise invalid_parameter(f"(#100) Param object must be one of {{{', '.join(OBJECTS)}}}")
    _app(call).subscriptions = [
        entry for entry in _app(call).subscriptions if obj is not None and entry["object"] != obj
    ]
    if obj in (None, INSTAGRAM):
        call.config.webhook_callback_url = None
    return {"success": True}
