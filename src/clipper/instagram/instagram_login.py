"""Instagram Login (Business Login for Instagram): its token endpoints and the graph.instagram.com host.

- Code → short-lived token: `POST https://api.instagram.com/oauth/access_token` (form body).
- Short → 60-day token: `GET graph.instagram.com/access_token?grant_type=ig_exchange_token`.
- Refresh: `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token` (token ≥ 24 h old).
Every other call for such an account goes to graph.instagram.com with the Instagram User token
(Meta, "Instagram API with Instagram Login" and its Business Login guide).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from clipper.instagram.reading import ReadingMixin
from clipper.instagram.schemas import Token


@dataclass(frozen=True)
class InstagramLoginApp:
    """The Instagram product's own app pair and hosts (Meta gives that product its own id and secret)."""

    app_id: str
    app_secret: str = field(repr=False)
    graph_url: str = "https://graph.instagram.com"
    token_url: str = "https://api.instagram.com/oauth/access_token"


def _token_of(body: Any) -> Token:
    # The docs wrap the exchange's answer as {"data": [{…}]}; clients also see it flat (GRAPH_API.md §2.7).
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        body = body["data"][0]
    return Token.model_validate(body)


class InstagramLoginMixin(ReadingMixin):
    """Token calls of Instagram Login, and clients on graph.instagram.com."""

    instagram_app: InstagramLoginApp | None = None

    def _require_instagram_app(self) -> InstagramLoginApp:
        if self.instagram_app is None:
            raise RuntimeError("Instagram Login is not configured on this client")
        return self.instagram_app

    def for_instagram_login(self, access_token: str) -> Self:
        """A client on graph.instagram.com with an Instagram User token (appsecret_proof with the
        Instagram app's secret), sharing this one's connection pool and usage tracker."""
        app = self._require_instagram_app()
        clone = self.with_token(access_token)
        clone.base_url = app.graph_url.rstrip("/")
        clone.app_id = app.app_id
        clone._app_secret = app.app_secret
        # rupload.facebook.com serves Facebook Login apps only (Meta, "Upload Video to Meta Servers"), and
        # batch requests are documented for graph.facebook.com only (Meta, "Batch Requests").
        clone.resumable_upload = False
        clone.batch_supported = False
        return clone

    async def exchange_instagram_code(self, code: str, redirect_uri: str) -> tuple[Token, str | None]:
        """The dialog's code → a 1-hour Instagram User token and the account's id (single use: no retry)."""
        app = self._require_instagram_app()
        form = {
            "client_id": app.app_id,
            "client_secret": app.app_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        }
        body = await self._call(
            "POST", "oauth/access_token", form, idempotent=False, authenticate=False, url=app.token_url
        )
        token = _token_of(body)
        user_id = token.model_extra.get("user_id") if token.model_extra else None
        return token, str(user_id) if user_id is not None else None

    async def exchange_instagram_long_lived(self, short_token: str) -> Token:
        """A short-lived Instagram User token → a 60-day one (`ig_exchange_token`)."""
        app = self._require_instagram_app()
        params = {
            "grant_type": "ig_exchange_token",
            "client_secret": app.app_secret,
            "access_token": short_token,
        }
        body = await self._call(
            "GET",
            "access_token",
            params,
            idempotent=True,
            authenticate=False,
            url=f"{app.graph_url}/access_token",
        )
        return Token.model_validate(body)

    async def refresh_instagram_token(self, long_token: str) -> Token:
        """Another 60 days for a long-lived Instagram User token at least 24 h old (`ig_refresh_token`)."""
        app = self._require_instagram_app()
        params = {"grant_type": "ig_refresh_token", "access_token": long_token}
        url = f"{app.graph_url}/refresh_access_token"
        body = await self._call(
            "GET", "refresh_access_token", params, idempotent=True, authenticate=False, url=url
        )
        return Token.model_validate(body)

    async def subscribe_account_webhooks(self, fields: tuple[str, ...]) -> bool:
        """Enable webhook fields for the Instagram Login account (`POST /me/subscribed_apps`)."""
        body = await self._post(
            "me/subscribed_apps", {"subscribed_fields": ",".join(fields)}, idempotent=True
        )
        return bool(body.get("success", False))

    async def unsubscribe_account_webhooks(self) -> bool:
        """Stop the Instagram Login account's webhooks (`DELETE /me/subscribed_apps`)."""
        body = await self._delete("me/subscribed_apps")
        return bool(body.get("success", False))
