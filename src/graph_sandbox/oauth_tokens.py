"""`/oauth/access_token` (code, fb_exchange_token, client_credentials) and `/debug_token` (§2.2–2.5)."""

from __future__ import annotations

import hmac
from typing import Any

from graph_sandbox.auth import app_token_value, mint_user_token, resolve_token, token_problem
from graph_sandbox.errors import (
    GraphError,
    code_expired,
    code_used,
    invalid_app_id,
    invalid_client_secret,
    invalid_code,
    invalid_parameter,
    missing_parameter,
    redirect_uri_mismatch,
)
from graph_sandbox.registry import FACEBOOK_HOST, GraphCall, graph_handler
from graph_sandbox.world import AccessToken, TokenKind

TOKEN_PARAMS = (
    "client_id",
    "client_secret",
    "redirect_uri",
    "code",
    "grant_type",
    "fb_exchange_token",
    "scope",
)


def _check_client(call: GraphCall) -> None:
    if call.param("client_id") != call.config.app_id:
        raise invalid_app_id()
    secret = call.param("client_secret") or ""
    if not hmac.compare_digest(secret.encode(), call.config.app_secret.encode()):
        raise invalid_client_secret()


def _token_answer(call: GraphCall, token: AccessToken) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": token.value, "token_type": "bearer"}
    if token.expires_at is not None:
        body["expires_in"] = int((token.expires_at - call.clock.now()).total_seconds())
    return body


async def _access_token(call: GraphCall) -> dict[str, Any]:
    _check_client(call)
    grant_type = call.param("grant_type") or "authorization_code"
    if grant_type == "client_credentials":
        return {"access_token": app_token_value(call.config), "token_type": "bearer"}
    if grant_type == "fb_exchange_token":
        return _exchange(call)
    if grant_type != "authorization_code":
        raise invalid_parameter(f"(#100) Unsupported grant_type: {grant_type}")
    return _redeem_code(call)


def _redeem_code(call: GraphCall) -> dict[str, Any]:
    code = call.world.codes.get(call.require("code"))
    if code is None or code.app_id != call.config.app_id:
        raise invalid_code()
    if code.used:
        raise code_used()
    if call.clock.now() >= code.expires_at:
        raise code_expired()
    if call.param("redirect_uri", "") != code.redirect_uri:
        raise redirect_uri_mismatch()
    code.used = True
    token = mint_user_token(
        call.sandbox, fb_user_id=code.fb_user_id, scopes=code.scopes, declined=code.declined, long_lived=False
    )
    return _token_answer(call, token)


def _exchange(call: GraphCall) -> dict[str, Any]:
    short = resolve_token(call.sandbox, call.require("fb_exchange_token"))
    problem = token_problem(call.sandbox, short)
    if problem is not None:
        raise problem
    if not short.is_user or short.fb_user_id is None:
        raise invalid_parameter("(#100) fb_exchange_token must be a user access token")
    token = mint_user_token(
        call.sandbox,
        fb_user_id=short.fb_user_id,
        scopes=short.scopes,
        declined=short.declined,
        long_lived=True,
    )
    return _token_answer(call, token)


# Facebook Login's token exchange; Instagram Login's are `instagram_login`'s own routes.
@graph_handler("root", "oauth/access_token", "GET", params=TOKEN_PARAMS, auth="none", hosts=FACEBOOK_HOST)
async def access_token_get(call: GraphCall) -> dict[str, Any]:
    """Exchange a code or a short token, or issue the app token."""
    return await _access_token(call)


@graph_handler("root", "oauth/access_token", "POST", params=TOKEN_PARAMS, auth="none", hosts=FACEBOOK_HOST)
async def access_token_post(call: GraphCall) -> dict[str, Any]:
    """Same as GET (Mixpost POSTs with grant_type=authorization_code)."""
    return await _access_token(call)


def _granular(call: GraphCall, token: AccessToken) -> list[dict[str, Any]]:
    world = call.world
    if token.kind is TokenKind.PAGE:
        page_ids = [token.page_id or ""]
    else:
        user = world.fb_users.get(token.fb_user_id or "")
        page_ids = world.reachable_page_ids(user) if user else []
    ig_ids = [world.pages[p].ig_user_id for p in page_ids if p in world.pages and world.pages[p].ig_user_id]
    result: list[dict[str, Any]] = []
    for scope in token.scopes:
        if scope.startswith("pages_"):
            result.append({"scope": scope, "target_ids": page_ids})
        elif scope.startswith("instagram_"):
            result.append({"scope": scope, "target_ids": [i for i in ig_ids if i]})
        else:
            result.append({"scope": scope})
    return result


def describe_token(call: GraphCall, token: AccessToken) -> dict[str, Any]:
    """The `data` object of debug_token for a token the sandbox knows."""
    data: dict[str, Any] = {"app_id": token.app_id, "type": "USER" if token.is_user else token.kind.value}
    data["application"] = call.config.app_name
    if token.kind is TokenKind.APP:
        return {**data, "is_valid": True}
    if token.data_access_expires_at is not None:
        data["data_access_expires_at"] = int(token.data_access_expires_at.timestamp())
    data["expires_at"] = int(token.expires_at.timestamp()) if token.expires_at else 0
    problem = token_problem(call.sandbox, token)
    data["is_valid"] = problem is None
    if problem is not None:
        data["error"] = {"code": problem.code, "message": problem.message, "subcode": problem.subcode}
    if token.kind is TokenKind.USER_LONG:
        data["issued_at"] = int(token.issued_at.timestamp())
    if token.kind is TokenKind.PAGE:
        data["profile_id"] = token.page_id
    data["scopes"] = list(token.scopes)
    data["granular_scopes"] = _granular(call, token)
    data["user_id"] = token.fb_user_id
    return data


# graph.facebook.com only: Meta documents debug_token as a Graph API root endpoint inspected with an app
# token (https://developers.facebook.com/docs/graph-api/reference/debug_token), and graph.instagram.com
# lists only Instagram User token endpoints, `access_token` and `refresh_access_token`
# (https://developers.facebook.com/documentation/instagram-platform/reference/access_token and
# https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token).
@graph_handler("root", "debug_token", "GET", params=("input_token",), hosts=FACEBOOK_HOST)
async def debug_token(call: GraphCall) -> dict[str, Any]:
    """Inspect `input_token`; an unknown one is still a 200 with is_valid false."""
    value = call.param("input_token")
    if not value:
        raise missing_parameter("input_token")
    try:
        token = resolve_token(call.sandbox, value)
    except GraphError as error:
        return {
            "data": {"error": {"code": error.code, "message": error.message}, "is_valid": False, "scopes": []}
        }
    return {"data": describe_token(call, token)}
