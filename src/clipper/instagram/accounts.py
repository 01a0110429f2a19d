"""OAuth token endpoints, permissions, and the user's Pages with their IG accounts (GRAPH_API.md §2)."""

from __future__ import annotations

from typing import Any

from clipper.instagram.reading import ReadingMixin
from clipper.instagram.schemas import Business, DebugToken, Page, Permission, Token

PAGE_FIELDS = (
    "id,name,access_token,category,tasks,"
    "instagram_business_account{id,username,name,profile_picture_url,followers_count,media_count}"
)


class AccountsMixin(ReadingMixin):
    """Exchange and inspect tokens; list Pages and permissions."""

    async def _token_call(self, params: dict[str, Any], *, idempotent: bool) -> Token:
        app_id, app_secret = self._require_app()
        body = await self._call(
            "GET",
            "oauth/access_token",
            {"client_id": app_id, "client_secret": app_secret, **params},
            idempotent=idempotent,
            authenticate=False,
        )
        return Token.model_validate(body)

    async def exchange_code_for_token(self, code: str, redirect_uri: str) -> Token:
        """Exchange the login dialog's code for a short-lived user token (codes are single-use: no retry)."""
        return await self._token_call({"redirect_uri": redirect_uri, "code": code}, idempotent=False)

    async def exchange_for_long_lived_token(self, short_token: str) -> Token:
        """Exchange a short-lived user token for a ~60-day one."""
        params = {"grant_type": "fb_exchange_token", "fb_exchange_token": short_token}
        return await self._token_call(params, idempotent=True)

    async def get_app_access_token(self) -> Token:
        """An app access token (client_credentials)."""
        return await self._token_call({"grant_type": "client_credentials"}, idempotent=True)

    async def debug_token(self, input_token: str) -> DebugToken:
        """Inspect a token (validity, expiry, scopes) using the app token when app credentials are set."""
        app_token = f"{self.app_id}|{self._app_secret}" if self.app_id and self._app_secret else None
        body = await self._get("debug_token", {"input_token": input_token}, token=app_token)
        return DebugToken.model_validate(body.get("data") or {})

    async def get_permissions(self) -> list[Permission]:
        """The user's granted, declined and expired permissions for this app."""
        return await self._collect("me/permissions", {}, Permission)

    async def revoke_permissions(self, permission: str | None = None) -> bool:
        """De-authorize the app for the user, or revoke a single permission."""
        path = f"me/permissions/{permission}" if permission else "me/permissions"
        body = await self._delete(path)
        return bool(body.get("success", False))

    async def get_facebook_pages(self, fields: str = PAGE_FIELDS) -> list[Page]:
        """The Pages the user manages; `instagram_business_account` is None when no IG account is linked."""
        return await self._collect("me/accounts", {"fields": fields, "limit": 100}, Page)

    async def get_businesses(self) -> list[Business]:
        """The Business Managers the user has a role in (needs `business_management`)."""
        return await self._collect("me/businesses", {"fields": "id,name", "limit": 100}, Business)

    async def get_business_pages(self, business_id: str, edge: str, fields: str = PAGE_FIELDS) -> list[Page]:
        """A business's `owned_pages` or `client_pages`: Pages it reaches, often not in `/me/accounts`."""
        return await self._collect(f"{business_id}/{edge}", {"fields": fields, "limit": 100}, Page)

    async def get_page(self, page_id: str, fields: str = "id,name,instagram_business_account") -> Page:
        """One Page, by default with its linked IG account (absent when none is linked)."""
        return Page.model_validate(await self._get(page_id, {"fields": fields}))

    async def get_page_access_token(self, page_id: str) -> str:
        """The Page access token for one Page (does not expire when fetched with a long-lived user token)."""
        body = await self._get(page_id, {"fields": "access_token"})
        return str(body["access_token"])

    async def subscribe_page_webhooks(self, page_id: str, fields: tuple[str, ...]) -> bool:
        """Install the app on the Page for these webhook fields (Page token; GRAPH_API.md §10.1)."""
        body = await self._post(
            f"{page_id}/subscribed_apps", {"subscribed_fields": ",".join(fields)}, idempotent=True
        )
        return bool(body.get("success", False))

    async def unsubscribe_page_webhooks(self, page_id: str) -> bool:
        """Remove the app from the Page: Meta stops sending its webhooks (Page token)."""
        body = await self._delete(f"{page_id}/subscribed_apps")
        return bool(body.get("success", False))
