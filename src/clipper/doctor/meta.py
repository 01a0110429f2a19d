"""Checks of the Meta app against the Graph API the settings point at, and the client the doctor uses.

Raw reads on the shared httpx client rather than InstagramGraphAPI: the doctor must report an answer
(including an error body) as it is, never retry or wait on rate limits. Every call carries
`appsecret_proof`, as the product's client does (apps may require it: App settings → Advanced).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from clipper.config import Settings
from clipper.doctor.report import Check, failed, passed
from clipper.observability import redact_text

API_PREFIX = "/api/v1"
# The fields clipper.webhooks.processing acts on.
WEBHOOK_FIELDS = ("comments", "mentions", "messages", "story_insights")


class GraphReadError(Exception):
    """A Graph read that did not answer 200: the message is Meta's (redacted) or the transport error."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(frozen=True)
class Graph:
    """graph.facebook.com with the Meta app, or (`instagram_login`) graph.instagram.com with the
    Instagram app: Instagram Login accounts' tokens work only there, proved with that app's secret."""

    settings: Settings
    http: httpx.AsyncClient
    instagram_login: bool = False

    @property
    def app_token(self) -> str:
        return f"{self.settings.app_id}|{self.settings.app_secret}"

    @property
    def app_id(self) -> str:
        return self.settings.instagram_app_id if self.instagram_login else self.settings.app_id

    @property
    def base_url(self) -> str:
        return self.settings.instagram_graph_url if self.instagram_login else self.settings.graph_url

    async def get(self, path: str, token: str, **params: str) -> dict[str, Any]:
        url = f"{self.base_url}/{self.settings.graph_api_version}/{path}"
        secret = self.settings.instagram_app_secret if self.instagram_login else self.settings.app_secret
        proof = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        query = {**params, "access_token": token, "appsecret_proof": proof}
        try:
            response = await self.http.get(url, params=query, timeout=15.0)
        except httpx.HTTPError as exc:
            raise GraphReadError(f"{type(exc).__name__} reaching {self.base_url}", unreachable=True) from None
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
