"""Checks of every connected account: token, permissions, webhooks and publishing quota.

A Facebook Login account is asked about on graph.facebook.com (`debug_token`, its Page's subscribed
apps); an Instagram Login account, which has no Page and no `debug_token`, on graph.instagram.com.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from clipper.accounts.models import Account, LoginFlavour
from clipper.accounts.permissions import requested_for
from clipper.accounts.service import WEBHOOK_ACCOUNT_FIELDS, WEBHOOK_PAGE_FIELDS
from clipper.doctor.meta import Graph, GraphReadError
from clipper.doctor.report import Check, failed, passed
from clipper.observability import redact_text
from clipper.security import TokenCipher, TokenDecryptError

# Tokens that expire sooner than this are reported, so the owner reconnects in time.
EXPIRY_WARNING_DAYS = 7


@dataclass(frozen=True)
class _Account:
    label: str
    ig_user_id: str
    page_id: str
    user_token: str | None
    page_token: str | None
    instagram_login: bool
    # What the product stored: Instagram Login has no debug_token to ask.
    expires_at: datetime | None
    granted: list[str]


async def check_accounts(graph: Graph, engine: AsyncEngine, cipher: TokenCipher) -> list[Check]:
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(
                    Account.id, Account.account_username, Account.platform_account_id,
                    Account.access_token_enc, Account.page_access_token_enc, Account.meta_info,
                    Account.login_flavour, Account.token_expires_at, Account.granted_permissions,
                ).where(Account.is_active.is_(True)).order_by(Account.id)
            )
        ).all()  # fmt: skip
    if not rows:
        return [passed("accounts", "none connected yet")]
    checks: list[Check] = []
    for account_id, username, ig_user_id, user_enc, page_enc, meta_info, flavour, expires_at, granted in rows:
        label = f"account @{username or ig_user_id} (#{account_id})"
        try:
            user_token = cipher.decrypt(user_enc) if user_enc else None
            page_token = cipher.decrypt(page_enc) if page_enc else None
        except TokenDecryptError:
            checks.append(failed(label, "its tokens cannot be decrypted", "see `stored tokens` above"))
            continue
        account = _Account(
            label=label,
            ig_user_id=ig_user_id,
            page_id=str((meta_info or {}).get("facebook_page_id") or ""),
            user_token=user_token,
            page_token=page_token,
            instagram_login=flavour == LoginFlavour.INSTAGRAM,
            expires_at=expires_at,
            granted=list(granted or []),
        )
        checks.extend(await _account_checks(graph, account))
    return checks


async def _account_checks(graph: Graph, account: _Account) -> list[Check]:
    label = account.label
    reconnect = "the account's owner reconnects it (Accounts → Reconnect)"
    user_token = account.user_token
    if not user_token:
        return [failed(f"{label} token", "no stored token", reconnect)]
    if account.instagram_login:
        graph = replace(graph, instagram_login=True)
        token_check = await _instagram_token_alive(graph, account, user_token, reconnect)
        scopes = set(account.granted)
    else:
        token_check, scopes = await _token_alive(graph, label, user_token, reconnect)
    if not token_check.ok:
        return [token_check]
    requested = requested_for(LoginFlavour.INSTAGRAM if account.instagram_login else LoginFlavour.FACEBOOK)
    missing = [name for name in requested if name not in scopes and name != "public_profile"]
    permissions = (
        failed(
            f"{label} permissions",
            f"not granted: {', '.join(missing)}",
            f"{reconnect} and ticks every permission",
        )
        if missing
        else passed(f"{label} permissions", "every requested permission granted")
    )
    webhooks = (
        await _account_subscription(graph, label, user_token, reconnect)
        if account.instagram_login
        else await _page_subscription(graph, label, account.page_id, account.page_token, reconnect)
    )
    calls_token = account.page_token or user_token
    return [token_check, permissions, webhooks, await _quota(graph, label, account.ig_user_id, calls_token)]


async def _token_alive(graph: Graph, label: str, token: str, reconnect: str) -> tuple[Check, set[str]]:
    name = f"{label} token"
    try:
        body = await graph.get("debug_token", graph.app_token, input_token=token)
    except GraphReadError as exc:
        return failed(name, f"cannot be inspected: {exc}", reconnect), set()
    data = body.get("data") or {}
    if not data.get("is_valid"):
        reason = redact_text(str((data.get("error") or {}).get("message", "invalid")))
        return failed(name, f"not valid: {reason}", reconnect), set()
    expires_at = int(data.get("expires_at") or 0)
    scopes = {str(scope) for scope in data.get("scopes", [])}
    return _expiry(name, datetime.fromtimestamp(expires_at, UTC) if expires_at else None, reconnect), scopes


async def _instagram_token_alive(graph: Graph, account: _Account, token: str, reconnect: str) -> Check:
    """graph.instagram.com has no debug_token: the token reads its own profile, and its end is stored."""
    name = f"{account.label} token"
    try:
        await graph.get(account.ig_user_id, token, fields="username")
    except GraphReadError as exc:
        return failed(name, f"not valid: {exc}", reconnect)
    return _expiry(name, account.expires_at, reconnect)


def _expiry(name: str, expires_at: datetime | None, reconnect: str) -> Check:
    if expires_at is None:
        return passed(name, "valid, does not expire")
    left = (expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)) - datetime.now(UTC)
    if left.days < EXPIRY_WARNING_DAYS:
        return failed(name, f"expires in {max(left.days, 0)} day(s)", reconnect)
    return passed(name, f"valid, expires in {left.days} days")


async def _account_subscription(graph: Graph, label: str, token: str, reconnect: str) -> Check:
    """Instagram Login: the account itself enables the app's webhook fields (no Page)."""
    name = f"{label} webhooks"
    try:
        body = await graph.get("me/subscribed_apps", token)
    except GraphReadError as exc:
        return failed(name, f"cannot read the account's subscribed apps: {exc}", reconnect)
    ours = [app for app in body.get("data", []) if str(app.get("id")) == graph.app_id]
    fields = set(ours[0].get("subscribed_fields", [])) if ours else set()
    missing = [field for field in WEBHOOK_ACCOUNT_FIELDS if field not in fields]
    if missing:
        return failed(name, f"not enabled for {', '.join(missing)}", f"{reconnect}: connecting enables them")
    return passed(name, f"enabled for {', '.join(WEBHOOK_ACCOUNT_FIELDS)}")


async def _page_subscription(
    graph: Graph, label: str, page_id: str, page_token: str | None, reconnect: str
) -> Check:
    name = f"{label} webhooks"
    if not page_id or not page_token:
        return failed(name, "no Facebook Page stored for it", reconnect)
    try:
        body = await graph.get(f"{page_id}/subscribed_apps", page_token)
    except GraphReadError as exc:
        return failed(name, f"cannot read the Page's subscribed apps: {exc}", reconnect)
    ours = [app for app in body.get("data", []) if str(app.get("id")) == graph.settings.app_id]
    fields = set(ours[0].get("subscribed_fields", [])) if ours else set()
    missing = [field for field in WEBHOOK_PAGE_FIELDS if field not in fields]
    if not ours or missing:
        what = "the app is not installed on its Page" if not ours else f"the Page lacks {', '.join(missing)}"
        return failed(name, what, f"{reconnect}: connecting subscribes the Page")
    return passed(name, f"Page {page_id} subscribed ({', '.join(WEBHOOK_PAGE_FIELDS)})")


async def _quota(graph: Graph, label: str, ig_user_id: str, token: str) -> Check:
    name = f"{label} publishing quota"
    try:
        body = await graph.get(f"{ig_user_id}/content_publishing_limit", token, fields="quota_usage,config")
    except GraphReadError as exc:
        return failed(
            name, f"cannot be read: {exc}", "check the account's permissions (instagram_content_publish)"
        )
    row = (body.get("data") or [{}])[0]
    used = int(row.get("quota_usage") or 0)
    total = (row.get("config") or {}).get("quota_total")
    if total is not None and used >= int(total):
        return failed(
            name,
            f"{used} of {total} used in the last 24 h",
            "nothing to do: due posts wait for the window to free up",
        )
    return passed(name, f"{used} of {total if total is not None else '?'} used in the last 24 h")
