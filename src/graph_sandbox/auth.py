"""Access tokens: where they come from in a request, what state they are in, and how they are minted.

`token_problem(sandbox, token)` is the lifecycle check used on every call (and by debug_token):
revoked → 190/458, invalidated → 190/<subcode>, expired → 190/463. App tokens are `APPID|APPSECRET`
or the `APPID|<hash>` that client_credentials returns.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from graph_sandbox.config import SandboxConfig
from graph_sandbox.errors import (
    GraphError,
    appsecret_proof_invalid,
    appsecret_proof_missing,
    expired_token,
    invalid_token,
    invalidated_token,
)
from graph_sandbox.permissions import LoginFlavour
from graph_sandbox.state import Sandbox
from graph_sandbox.world import AccessToken, Page, TokenKind

DATA_ACCESS_DAYS = 90


def extract_token(params: Mapping[str, str], headers: Mapping[str, str]) -> str | None:
    """The token from `access_token`, `Authorization: Bearer …` or `Authorization: OAuth …`."""
    if params.get("access_token"):
        return params["access_token"]
    scheme, _, value = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() in ("bearer", "oauth") and value.strip():
        return value.strip()
    return None


def app_token_value(config: SandboxConfig) -> str:
    """The app token client_credentials hands out: `APPID|<hash>`."""
    digest = hmac.new(config.app_secret.encode(), b"app-token:" + config.app_id.encode(), hashlib.sha256)
    return f"{config.app_id}|{digest.hexdigest()[:27]}"


def resolve_token(
    sandbox: Sandbox, value: str, *, host: LoginFlavour | None = LoginFlavour.FACEBOOK
) -> AccessToken:
    """The AccessToken behind a value; GraphError 190 when it is not one the sandbox issued.

    `host` is the flavour of the host being called (None: any). Each host takes only its own login's
    tokens: graph.facebook.com Facebook User/Page tokens, graph.instagram.com Instagram User tokens
    (https://developers.facebook.com/docs/instagram-platform/insights, "Access Tokens" / "Host URL"
    rows); the other kind does not parse there, so Meta answers 190.
    """
    config = sandbox.config
    if "|" in value:
        # No app token on graph.instagram.com: Instagram Login's "Access token type" is Instagram User
        # (https://developers.facebook.com/documentation/instagram-platform/overview, "Which API is right
        # for my app?"), so `APPID|…` is one more token that host does not know.
        if host is LoginFlavour.INSTAGRAM:
            raise invalid_token()
        if value in (app_token_value(config), f"{config.app_id}|{config.app_secret}"):
            now = sandbox.clock.now()
            return AccessToken(value, TokenKind.APP, config.app_id, None, now, None)
        raise invalid_token()
    token = sandbox.world.tokens.get(value)
    if token is None or (host is not None and token.flavour is not host):
        raise invalid_token()
    return token


def token_problem(sandbox: Sandbox, token: AccessToken) -> GraphError | None:
    """Why a token cannot be used right now, or None when it can."""
    if token.revoked:
        return invalidated_token(458, token.app_id)
    if token.invalid_subcode is not None:
        return invalidated_token(token.invalid_subcode, token.app_id)
    now = sandbox.clock.now()
    if token.expires_at is not None and now >= token.expires_at:
        return expired_token(token.expires_at, now)
    if token.data_access_expires_at is not None and now >= token.data_access_expires_at:
        return invalidated_token(493, token.app_id)
    return None


def appsecret_proof(secret: str, token: str) -> str:
    """hex(HMAC-SHA256(app_secret, access_token))."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def check_appsecret_proof(sandbox: Sandbox, params: Mapping[str, str], token: AccessToken) -> None:
    """§1.3: with Require App Secret on, the proof must be present and right.

    The proof is the token hashed with the secret of the app the token was issued to (Graph API, "Secure
    Requests": "a sha256 hash of your access token, using your app secret as the key"); an Instagram Login
    token belongs to the Instagram app, whose secret is its own (`instagram_app_secret`).
    """
    config = sandbox.config
    if not config.require_appsecret_proof:
        return
    proof = params.get("appsecret_proof")
    if not proof:
        raise appsecret_proof_missing()
    secret = config.instagram_app_secret if token.flavour is LoginFlavour.INSTAGRAM else config.app_secret
    if not hmac.compare_digest(proof.encode(), appsecret_proof(secret, token.value).encode()):
        raise appsecret_proof_invalid()


def _store_user_token(
    sandbox: Sandbox, *, app_id: str, scopes: list[str], long_lived: bool, **owner: Any
) -> AccessToken:
    """Store a new short (1 h) or long (60 d) user token of `app_id`; `owner` says whose it is."""
    config, now = sandbox.config, sandbox.clock.now()
    seconds = config.long_token_seconds if long_lived else config.short_token_seconds
    token = AccessToken(
        value=sandbox.world.ids.token(),
        kind=TokenKind.USER_LONG if long_lived else TokenKind.USER_SHORT,
        app_id=app_id,
        issued_at=now,
        expires_at=now + timedelta(seconds=seconds),
        scopes=list(scopes),
        **owner,
    )
    sandbox.world.tokens[token.value] = token
    return token


def mint_user_token(
    sandbox: Sandbox, *, fb_user_id: str, scopes: list[str], declined: list[str], long_lived: bool
) -> AccessToken:
    """Issue a Facebook Login user token: short (1 h) or long (60 d)."""
    now = sandbox.clock.now()
    return _store_user_token(
        sandbox,
        app_id=sandbox.config.app_id,
        scopes=scopes,
        long_lived=long_lived,
        fb_user_id=fb_user_id,
        declined=list(declined),
        data_access_expires_at=now + timedelta(days=DATA_ACCESS_DAYS),
    )


def page_token_for(sandbox: Sandbox, user_token: AccessToken, page: Page) -> AccessToken:
    """The Page token derived from a user token (the same one on every call; never expires if long)."""
    for token in sandbox.world.tokens.values():
        if token.kind is TokenKind.PAGE and token.parent == user_token.value and token.page_id == page.id:
            return token
    token = AccessToken(
        value=sandbox.world.ids.token(),
        kind=TokenKind.PAGE,
        app_id=user_token.app_id,
        fb_user_id=user_token.fb_user_id,
        issued_at=sandbox.clock.now(),
        expires_at=None if user_token.kind is TokenKind.USER_LONG else user_token.expires_at,
        page_id=page.id,
        scopes=list(user_token.scopes),
        declined=list(user_token.declined),
        parent=user_token.value,
        data_access_expires_at=user_token.data_access_expires_at,
    )
    sandbox.world.tokens[token.value] = token
    return token


def mint_instagram_token(
    sandbox: Sandbox, *, ig_user_id: str, scopes: list[str], long_lived: bool
) -> AccessToken:
    """Issue an Instagram Login user token: 1 h short-lived, 60 d long-lived (Instagram Access Token
    reference, https://developers.facebook.com/docs/instagram-platform/reference/access_token)."""
    return _store_user_token(
        sandbox,
        app_id=sandbox.config.instagram_app_id,
        scopes=scopes,
        long_lived=long_lived,
        fb_user_id=None,
        flavour=LoginFlavour.INSTAGRAM,
        ig_user_id=ig_user_id,
    )
