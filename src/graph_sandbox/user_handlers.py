"""`/me/accounts` and `/me/permissions` (GRAPH_API.md §2.4, §2.6): Pages of a user, grants and revocation."""

from __future__ import annotations

from typing import Any

from graph_sandbox.errors import GraphError, invalid_parameter
from graph_sandbox.fields import parse_fields
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import FacebookUser

ACCOUNTS_DEFAULT_FIELDS = "access_token,category,category_list,name,id,tasks"


@graph_handler("fb_user", "accounts", "GET", permissions=("pages_show_list",))
async def list_accounts(call: GraphCall) -> dict[str, Any]:
    """The Pages the user manages, each with its Page token by default."""
    user: FacebookUser = call.node
    if call.fields is None:
        call.fields = parse_fields(ACCOUNTS_DEFAULT_FIELDS)
    pages = [call.world.pages[page_id] for page_id in user.page_ids if page_id in call.world.pages]
    body = call.page("page", pages, default_limit=25, max_limit=100)
    if call.params.get("summary") in ("1", "true", "total_count"):
        body["summary"] = {"total_count": len(pages)}
    return body


@graph_handler("fb_user", "permissions", "GET")
async def list_permissions(call: GraphCall) -> dict[str, Any]:
    """`{"data": [{"permission", "status"}]}` for the token's grants and declines."""
    token = call.token
    assert token is not None
    wanted = call.subpath[0] if call.subpath else None
    rows = [{"permission": name, "status": "granted"} for name in token.scopes]
    rows += [{"permission": name, "status": "declined"} for name in token.declined]
    return {"data": [row for row in rows if wanted is None or row["permission"] == wanted]}


@graph_handler("fb_user", "permissions", "DELETE")
async def revoke_permissions(call: GraphCall) -> dict[str, Any]:
    """Without a name: de-authorize the app (every token of the user → 190/458). With one: decline it."""
    token = call.token
    if token is None or not token.is_user or token.fb_user_id != call.node_id:
        raise GraphError(200, "(#200) The user hasn't authorized the application to perform this action")
    tokens = call.world.user_tokens(token.app_id, token.fb_user_id or "")
    if not call.subpath:
        for each in tokens:
            each.revoked = True
        return {"success": True}
    permission = call.subpath[0]
    if permission not in token.scopes:
        raise invalid_parameter(f"(#100) The permission {permission} is not granted")
    for each in tokens:
        if permission in each.scopes:
            each.scopes.remove(permission)
            each.declined.append(permission)
    return {"success": True}
