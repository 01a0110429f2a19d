"""The code exchange: code → long-lived token → what the login can reach (an `Authorization`).

Facebook Login finds the Instagram accounts through the Pages (`discovery`); Instagram Login is the
account itself. A refused exchange or an unusable login is an `outcomes.OAuthFailure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from clipper.accounts.models import LoginFlavour
from clipper.accounts.permissions import REQUIRED_TO_CONNECT, missing_permissions, requested_for
from clipper.accounts.store import ConnectedAccount
from clipper.db import utcnow
from clipper.instagram import (
    GraphAPIResponseError,
    InstagramGraphAPI,
    InstagramGraphAPIError,
    InvalidParameterError,
    NotFoundError,
)
from clipper.instagram.schemas import Token
from clipper.oauth import discovery, outcomes

CODE_USED, CODE_EXPIRED, REDIRECT_MISMATCH = 36009, 36007, 36008
# Instagram Login reads the account with its basic scope (Business Login for Instagram).
INSTAGRAM_REQUIRED_TO_CONNECT = ("instagram_business_basic",)
INSTAGRAM_PROFILE_FIELDS = "id,username,name,profile_picture_url,followers_count,media_count"


@dataclass
class Authorization:
    """One successful login (Facebook or Instagram): the user token and the IG accounts it can reach."""

    facebook_user_id: str | None
    user_token: str = field(repr=False)
    user_token_expires_at: datetime | None
    granted: list[str]
    accounts: list[dict[str, Any]]
    pages_without_instagram: list[dict[str, str]]
    # IG accounts disconnected since this login: their tokens were dropped from it.
    disconnected: list[str] = field(default_factory=list)
    flavour: str = LoginFlavour.FACEBOOK

    def to_payload(self) -> dict[str, Any]:
        return {
            "facebook_user_id": self.facebook_user_id,
            "user_token": self.user_token,
            "user_token_expires_at": self.user_token_expires_at.isoformat()
            if self.user_token_expires_at
            else None,
            "granted": self.granted,
            "accounts": self.accounts,
            "pages_without_instagram": self.pages_without_instagram,
            "disconnected": self.disconnected,
            "flavour": self.flavour,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Authorization:
        expires = payload.get("user_token_expires_at")
        return cls(
            facebook_user_id=payload.get("facebook_user_id"),
            user_token=payload["user_token"],
            user_token_expires_at=datetime.fromisoformat(expires) if expires else None,
            granted=list(payload.get("granted", [])),
            accounts=list(payload.get("accounts", [])),
            pages_without_instagram=list(payload.get("pages_without_instagram", [])),
            disconnected=list(payload.get("disconnected", [])),
            flavour=str(payload.get("flavour") or LoginFlavour.FACEBOOK),
        )

    def found(self, ig_id: str) -> ConnectedAccount | None:
        """The ConnectedAccount for one IG id of this authorization, if it was found."""
        for item in self.accounts:
            if item["id"] == ig_id:
                return ConnectedAccount(
                    instagram_business_account_id=item["id"],
                    username=item.get("username"),
                    name=item.get("name"),
                    profile_picture_url=item.get("profile_picture_url"),
                    facebook_user_id=self.facebook_user_id,
                    facebook_page_id=item.get("facebook_page_id"),
                    facebook_page_name=item.get("facebook_page_name"),
                    page_access_token=item["page_access_token"],
                    user_access_token=self.user_token,
                    user_token_expires_at=self.user_token_expires_at,
                    granted_permissions=self.granted,
                    followers_count=item.get("followers_count"),
                    media_count=item.get("media_count"),
                    page_source=item.get("source") or "page_role",
                    business_name=item.get("business_name"),
                    login_flavour=self.flavour,
                )
        return None

    @property
    def missing_permissions(self) -> list[str]:
        """The requested permissions this login did not grant."""
        return missing_permissions(self.granted, requested_for(self.flavour))


def _code_failure(error: InstagramGraphAPIError, flavour: str) -> outcomes.OAuthFailure:
    """The failure for a refused code exchange; anything not about the code is Meta being unavailable."""
    if isinstance(error, InvalidParameterError | NotFoundError):
        if error.subcode == REDIRECT_MISMATCH:
            return outcomes.RedirectUriMismatch(flavour=flavour)
        if error.subcode == CODE_USED:
            return outcomes.InvalidCode(
                outcomes.for_login(
                    "This {login} authorization code was already used: start again from {connect}.", flavour
                ),
                flavour=flavour,
            )
        if error.subcode == CODE_EXPIRED:
            return outcomes.InvalidCode(
                outcomes.for_login(
                    "This {login} authorization code expired: start again from {connect}.", flavour
                ),
                flavour=flavour,
            )
        return outcomes.InvalidCode(flavour=flavour)
    return _graph_failure(error, flavour)


def _permissions_of(token: Token) -> list[str]:
    """The scopes an Instagram Login code exchange reports granted (`permissions`: list or comma string)."""
    raw = (token.model_extra or {}).get("permissions") or []
    items = raw.split(",") if isinstance(raw, str) else [str(item) for item in raw]
    return [item.strip() for item in items if item.strip()]


def _graph_failure(error: InstagramGraphAPIError, flavour: str) -> outcomes.OAuthFailure:
    status = 400 if isinstance(error, GraphAPIResponseError) and not error.retryable else 503
    login, connect = outcomes.login_name(flavour), outcomes.connect_button(flavour)
    return outcomes.MetaUnavailable(
        f"{login} could not complete the login ({error.user_message}). Try {connect} again.",
        status_code=status,
        flavour=flavour,
    )


async def authorize(graph: InstagramGraphAPI, code: str, redirect_uri: str) -> Authorization:
    """Exchange the code and collect what the login can reach; OAuthFailure when it is unusable."""
    try:
        short = await graph.exchange_code_for_token(code, redirect_uri)
    except InstagramGraphAPIError as exc:
        raise _code_failure(exc, LoginFlavour.FACEBOOK) from None
    try:
        return await _discover(graph, short.access_token)
    except InstagramGraphAPIError as exc:
        raise _graph_failure(exc, LoginFlavour.FACEBOOK) from None


async def authorize_instagram(graph: InstagramGraphAPI, code: str, redirect_uri: str) -> Authorization:
    """Instagram Login: code → 1 h token (api.instagram.com) → 60-day token → the account itself."""
    # Instagram appends `#_` to the redirect; browsers drop fragments, but a pasted URL may keep it.
    code = code.removesuffix("#_")
    try:
        short, _user_id = await graph.exchange_instagram_code(code, redirect_uri)
    except InstagramGraphAPIError as exc:
        raise _code_failure(exc, LoginFlavour.INSTAGRAM) from None
    # The code exchange reports the grant: without the basic scope no 60-day token is asked for.
    granted = _permissions_of(short)
    missing = missing_permissions(granted, INSTAGRAM_REQUIRED_TO_CONNECT)
    if missing:
        raise outcomes.MissingPermissions(missing, flavour=LoginFlavour.INSTAGRAM)
    try:
        long = await graph.exchange_instagram_long_lived(short.access_token)
        client = graph.for_instagram_login(long.access_token)
        me = await client.get_object("me", INSTAGRAM_PROFILE_FIELDS)
    except InstagramGraphAPIError as exc:
        raise _graph_failure(exc, LoginFlavour.INSTAGRAM) from None
    entry = {
        "id": str(me["id"]),
        "username": me.get("username"),
        "name": me.get("name"),
        "profile_picture_url": me.get("profile_picture_url"),
        "followers_count": me.get("followers_count"),
        "media_count": me.get("media_count"),
        "facebook_page_id": None,
        "facebook_page_name": None,
        "page_access_token": long.access_token,
        "source": "instagram_login",
        "business_name": None,
    }
    expires_at = utcnow() + timedelta(seconds=long.expires_in) if long.expires_in else None
    return Authorization(
        None, long.access_token, expires_at, granted, [entry], [], flavour=LoginFlavour.INSTAGRAM
    )


async def _discover(graph: InstagramGraphAPI, short_token: str) -> Authorization:
    long = await graph.exchange_for_long_lived_token(short_token)
    client = graph.with_token(long.access_token)
    granted = [p.permission for p in await client.get_permissions() if p.status == "granted"]
    missing = missing_permissions(granted, REQUIRED_TO_CONNECT)
    if missing:
        raise outcomes.MissingPermissions(missing)
    me = await client.get_object("me", "id,name")
    reached = await discovery.reachable_pages(client, granted=granted)
    if not reached:
        raise outcomes.NoPages()
    found = [entry for entry in map(discovery.account_entry, reached) if entry is not None]
    pages = [item.page for item in reached]
    unlinked = [{"id": p.id, "name": p.name or p.id} for p in pages if p.instagram_business_account is None]
    if not found:
        personal = [p.name or p.id for p in pages if discovery.links_a_personal_account(p)]
        if personal:
            raise outcomes.NotProfessionalAccount(personal)
        raise outcomes.NoInstagramAccount([p["name"] for p in unlinked])
    expires_at = utcnow() + timedelta(seconds=long.expires_in) if long.expires_in else None
    return Authorization(me.get("id"), long.access_token, expires_at, granted, found, unlinked)
