"""Admin routes for tokens: mint one directly (`POST /_admin/tokens/issue`) and invalidate or expire one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from graph_sandbox.auth import (
    app_token_value,
    mint_instagram_token,
    mint_user_token,
    page_token_for,
    resolve_token,
)
from graph_sandbox.errors import GraphError
from graph_sandbox.permissions import (
    INSTAGRAM_LOGIN_PERMISSIONS,
    PRODUCT_PERMISSIONS,
    LoginFlavour,
    invalid_scopes,
)
from graph_sandbox.state import Sandbox
from graph_sandbox.world import AccessToken, TokenKind

router = APIRouter()


class IssueBody(BaseModel):
    user_id: str | None = None
    # Default: everything the flavour's dialog grants the product.
    scopes: list[str] | None = None
    declined: list[str] = Field(default_factory=list)
    kind: TokenKind = TokenKind.USER_LONG
    page_id: str | None = None
    flavour: LoginFlavour = LoginFlavour.FACEBOOK
    ig_user_id: str | None = None  # Instagram Login tokens belong to an IG account


class InvalidateBody(BaseModel):
    token: str | None = Field(default=None, repr=False)
    subcode: int = 460


def _describe(token: AccessToken) -> dict[str, Any]:
    return {
        "access_token": token.value,
        "kind": token.kind.value,
        "user_id": token.fb_user_id,
        "page_id": token.page_id,
        "scopes": token.scopes,
        "flavour": token.flavour.value,
        "ig_user_id": token.ig_user_id,
        "expires_at": int(token.expires_at.timestamp()) if token.expires_at else None,
    }


@router.post("/tokens/issue")
async def issue_token(request: Request, body: IssueBody) -> dict[str, Any]:
    """Mint a token without the dialog: USER_SHORT, USER_LONG, PAGE (needs page_id) or APP."""
    sandbox: Sandbox = request.app.state.sandbox
    default = PRODUCT_PERMISSIONS if body.flavour is LoginFlavour.FACEBOOK else INSTAGRAM_LOGIN_PERMISSIONS
    scopes = list(default) if body.scopes is None else body.scopes
    invalid = invalid_scopes(body.flavour, [*scopes, *body.declined])
    if invalid:
        # No dialog of that flavour grants these names (see `permissions`), so no such token exists.
        raise HTTPException(422, f"not {body.flavour.value} login permissions: {', '.join(invalid)}")
    if body.flavour is LoginFlavour.INSTAGRAM:
        return _describe(_instagram_token(sandbox, body, scopes))
    if body.kind is TokenKind.APP:
        return {"access_token": app_token_value(sandbox.config), "kind": "APP"}
    user_id = body.user_id or sandbox.world.default_fb_user_id
    user = sandbox.world.fb_users.get(user_id)
    if user is None:
        raise HTTPException(404, f"unknown Facebook user {user_id}")
    long_lived = body.kind is not TokenKind.USER_SHORT
    token = mint_user_token(
        sandbox,
        fb_user_id=user.id,
        scopes=scopes,
        declined=body.declined,
        long_lived=long_lived,
    )
    if body.kind is TokenKind.PAGE:
        page = sandbox.world.pages.get(body.page_id or "")
        if page is None or page.id not in sandbox.world.reachable_page_ids(user):
            raise HTTPException(404, "page_id must be a Page the user manages")
        token = page_token_for(sandbox, token, page)
    return _describe(token)


def _instagram_token(sandbox: Sandbox, body: IssueBody, scopes: list[str]) -> AccessToken:
    """An Instagram Login user token for `ig_user_id` (default: the first professional account)."""
    if body.kind not in (TokenKind.USER_SHORT, TokenKind.USER_LONG):
        raise HTTPException(422, "Instagram Login issues only user tokens (no Page or app tokens)")
    accounts = {ig.id: ig for ig in sandbox.world.professional_accounts()}
    account = accounts.get(body.ig_user_id) if body.ig_user_id else next(iter(accounts.values()), None)
    if account is None:
        raise HTTPException(404, "ig_user_id must be an Instagram professional account")
    long_lived = body.kind is TokenKind.USER_LONG
    return mint_instagram_token(sandbox, ig_user_id=account.id, scopes=scopes, long_lived=long_lived)


def _invalidate(sandbox: Sandbox, value: str, subcode: int) -> dict[str, Any]:
    try:
        token = resolve_token(sandbox, value, host=None)
    except GraphError:
        raise HTTPException(404, "unknown token") from None
    if token.kind is TokenKind.APP:
        raise HTTPException(422, "app tokens cannot be invalidated")
    if subcode == 463:
        token.expires_at = sandbox.clock.now() - timedelta(seconds=1)
    elif subcode == 458:
        token.revoked = True
    else:
        token.invalid_subcode = subcode
    return {"success": True, "subcode": subcode}


@router.post("/tokens/invalidate")
async def invalidate_token(request: Request, body: InvalidateBody) -> dict[str, Any]:
    """Invalidate `token` with `subcode`: 460 password change, 467 logged out, 458 revoked, 463 expire now."""
    if not body.token:
        raise HTTPException(422, "token is required")
    return _invalidate(request.app.state.sandbox, body.token, body.subcode)


@router.post("/tokens/{token}/invalidate")
async def invalidate_token_in_path(
    request: Request, token: str, body: InvalidateBody | None = None
) -> dict[str, Any]:
    """Same as `/tokens/invalidate`, with the token in the path (prefer the body form: paths get logged)."""
    return _invalidate(request.app.state.sandbox, token, (body or InvalidateBody()).subcode)
