"""Checks against the Graph API the settings point at: the Meta app, then every connected account.

Raw reads on the shared httpx client rather than InstagramGraphAPI: the doctor must report an answer
(including an error body) as it is, never retry or wait on rate limits. Every call carries
`appsecret_proof`, as the product's client does (apps may require it: App settings → Advanced).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from clipper.accounts.models import Account
from clipper.accounts.service import WEBHOOK_PAGE_FIELDS
from clipper.config import Settings
from clipper.doctor.report import Check, failed, passed
from clipper.oauth.permissions import REQUESTED_PERMISSIONS
from clipper.observability import redact_text
from clipper.security import TokenCipher, TokenDecryptError

API_PREFIX = "/api/v1"
# The fields clipper.webhooks.processing acts on.
WEBHOOK_FIELDS = ("comments", "mentions", "messages", "story_insights")
# Tokens that expire sooner than this are reported, so the owner reconnects in time.
EXPIRY_WARNING_DAYS = 7


class GraphReadError(Exception):
    """A Graph read that did not answer 200: the message is Meta's (redacted) or the transport error."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(frozen=True)
class Graph:
    settings: Settings
    http: httpx.AsyncClient

    @property
    def app_token(self) -> str:
        return f"{self.settings.app_id}|{self.settings.app_secret}"

    async def get(self, path: str, token: str, **params: str) -> dict[str, Any]:
        url = f"{self.settings.graph_url}/{self.settings.graph_api_version}/{path}"
        proof = hmac.new(self.settings.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        query = {**params, "access_token": token, "appsecret_proof": proof}
        try:
            response = await self.http.get(url, params=query, timeout=15.0)
        except httpx.HTTPError as exc:
            raise GraphReadError(
                f"{type(exc).__name__} reaching {self.settings.graph_url}", unreachable=True
            ) from None
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            raise GraphReadError(f"HTTP {response.status_code}, not JSON") from None
        if response.status_code != 200 or "error" in body:
            error = body.get("error") or {}
            raise GraphReadError(
                redact_text(f"({error.get('code')}) {error.get('message', response.status_code)}")
            )
        return body


_APP_FIX = "check INSTAGRAM_CLIENT_ID and INSTAGRAM_CLIENT_SECRET (App Dashboard → App settings → Basic)"


def _unreachable_fix(settings: Settings) -> str:
    if settings.sandbox_mode:
        return "start `clipper serve`: in sandbox mode the Graph API is the sandbox under BACKEND_URL/sandbox"
    return f"let this host reach {settings.graph_url} (firewall, proxy, DNS)"


def webhook_callback(settings: Settings) -> str:
    return f"{settings.backend_url}{API_PREFIX}/webhooks/instagram"


def redirect_uri(settings: Settings) -> str:
    return f"{settings.backend_url}{API_PREFIX}/oauth/instagram/callback"


async def check_app_token(graph: Graph) -> Check:
    """The app id and secret form a valid app token (debug_token inspected with itself)."""
    name = "Meta app token"
    try:
        body = await graph.get("debug_token", graph.app_token, input_token=graph.app_token)
    except GraphReadError as exc:
        return failed(
            name, f"refused: {exc}", _unreachable_fix(graph.settings) if exc.unreachable else _APP_FIX
        )
    data = body.get("data") or {}
    if not data.get("is_valid") or str(data.get("app_id")) != graph.settings.app_id:
        return failed(
            name,
            "debug_token says the app token is not valid",
            "check INSTAGRAM_CLIENT_ID and INSTAGRAM_CLIENT_SECRET",
        )
    return passed(name, f"valid for app {graph.settings.app_id} ({data.get('application', 'unnamed')})")


async def check_app_subscription(graph: Graph) -> Check:
    """The app's `instagram` webhook subscription points at BACKEND_URL with every field we process."""
    name = "Meta webhook subscription"
    expected = webhook_callback(graph.settings)
    fix = (
        f"App Dashboard → Webhooks → Instagram: callback URL {expected}, "
        f"verify token = WEBHOOK_VERIFY_TOKEN, subscribe to {', '.join(WEBHOOK_FIELDS)}"
    )
    try:
        body = await graph.get(f"{graph.settings.app_id}/subscriptions", graph.app_token)
    except GraphReadError as exc:
        return failed(name, f"cannot read the app's subscriptions: {exc}", fix)
    found = [entry for entry in body.get("data", []) if entry.get("object") == "instagram"]
    if not found:
        return failed(name, "the app has no Instagram webhook subscription", fix)
    entry = found[0]
    if entry.get("callback_url") != expected:
        return failed(name, f"the callback is {entry.get('callback_url')}, not {expected}", fix)
    if not entry.get("active", False):
        return failed(name, "the subscription is not active", fix)
    fields = {str(field.get("name")) for field in entry.get("fields", [])}
    missing = [field for field in WEBHOOK_FIELDS if field not in fields]
    if missing:
        return failed(name, f"not subscribed to {', '.join(missing)}", fix)
    return passed(name, f"{expected} with {', '.join(WEBHOOK_FIELDS)}")


def check_redirect_uri(settings: Settings) -> Check:
    """The OAuth redirect URI Meta must list, and whether its shape can work."""
    uri = redirect_uri(settings)
    parts = urlsplit(uri)
    fix = (
        "set BACKEND_URL to the public https origin, and list the URI under "
        "Facebook Login → Settings → Valid OAuth Redirect URIs"
    )
    if parts.scheme != "https" and not settings.sandbox_mode:
        return failed("OAuth redirect URI", f"{uri} is not https: Meta refuses it", fix)
    if settings.is_production and parts.hostname in ("localhost", "127.0.0.1", "::1"):
        return failed("OAuth redirect URI", f"{uri} points at this machine, not a public host", fix)
    return passed(
        "OAuth redirect URI", f"{uri} (must be listed exactly in the app's Facebook Login settings)"
    )


async def check_accounts(graph: Graph, engine: AsyncEngine, cipher: TokenCipher) -> list[Check]:
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(
                    Account.id, Account.account_username, Account.platform_account_id,
                    Account.access_token_enc, Account.page_access_token_enc, Account.meta_info,
                ).where(Account.is_active.is_(True)).order_by(Account.id)
            )
        ).all()  # fmt: skip
    if not rows:
        return [passed("accounts", "none connected yet")]
    checks: list[Check] = []
    for account_id, username, ig_user_id, user_enc, page_enc, meta_info in rows:
        label = f"account @{username or ig_user_id} (#{account_id})"
        try:
            user_token = cipher.decrypt(user_enc) if user_enc else None
            page_token = cipher.decrypt(page_enc) if page_enc else None
        except TokenDecryptError:
            checks.append(failed(label, "its tokens cannot be decrypted", "see `stored tokens` above"))
            continue
        page_id = str((meta_info or {}).get("facebook_page_id") or "")
        checks.extend(await _account_checks(graph, label, ig_user_id, page_id, user_token, page_token))
    return checks


async def _account_checks(
    graph: Graph, label: str, ig_user_id: str, page_id: str, user_token: str | None, page_token: str | None
) -> list[Check]:
    reconnect = "the account's owner reconnects it (Accounts → Reconnect)"
    if not user_token:
        return [failed(f"{label} token", "no stored token", reconnect)]
    token_check, scopes = await _token_alive(graph, label, user_token, reconnect)
    if not token_check.ok:
        return [token_check]
    missing = [name for name in REQUESTED_PERMISSIONS if name not in scopes and name != "public_profile"]
    permissions = (
        failed(
            f"{label} permissions",
            f"not granted: {', '.join(missing)}",
            f"{reconnect} and ticks every permission",
        )
        if missing
        else passed(f"{label} permissions", "every requested permission granted")
    )
    calls_token = page_token or user_token
    return [
        token_check,
        permissions,
        await _page_subscription(graph, label, page_id, page_token, reconnect),
        await _quota(graph, label, ig_user_id, calls_token),
    ]


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
    if not expires_at:
        return passed(name, "valid, does not expire"), scopes
    left = datetime.fromtimestamp(expires_at, UTC) - datetime.now(UTC)
    if left.days < EXPIRY_WARNING_DAYS:
        return failed(name, f"expires in {max(left.days, 0)} day(s)", reconnect), scopes
    return passed(name, f"valid, expires in {left.days} days"), scopes


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
