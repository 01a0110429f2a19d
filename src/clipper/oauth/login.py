"""InstagramOAuth: Facebook Login and Instagram Login for Instagram professional accounts (GRAPH_API.md §2).

authorize → the dialog URL with a one-time state; callback → code → long-lived user token →
permissions → Pages with their `instagram_business_account` → the accounts found are kept (encrypted)
for the selection step, and connected at once when there is exactly one.

The code exchange and what a login can reach are in `exchange`; what the callback reports, in
`outcomes`; the router reaches this flow through `service`, which also announces what it connected.
Meta is never called inside a transaction: the callback and `select_account` take the
session factory (their endpoints hold no request transaction). They read in sessions closed before
Meta is called and write in short units of work (on SQLite a write lock held across Graph calls blocks every
writer, and a deferred transaction that read before the calls could not write after them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import notify
from clipper.accounts import service as accounts
from clipper.accounts.models import Account, LoginFlavour
from clipper.accounts.permissions import INSTAGRAM_LOGIN_PERMISSIONS, REQUESTED_PERMISSIONS
from clipper.config import Settings
from clipper.db import unit_of_work
from clipper.errors import Conflict, InvalidInput, NotFound
from clipper.instagram import InstagramGraphAPI
from clipper.oauth import exchange, outcomes
from clipper.oauth.outcomes import PLATFORM, CallbackResult
from clipper.oauth.state_store import OAuthStateError, OAuthStateStore, new_browser_nonce
from clipper.observability import OAUTH_FAILURE, OAUTH_SUCCESS
from clipper.security import TokenCipher
from clipper.users.models import User

log = structlog.get_logger(__name__)

_NOT_CONFIGURED: dict[str, str] = {
    LoginFlavour.FACEBOOK: (
        "Facebook Login is not configured: set INSTAGRAM_CLIENT_ID and INSTAGRAM_CLIENT_SECRET."
    ),
    LoginFlavour.INSTAGRAM: (
        "Instagram Login is not configured: set INSTAGRAM_LOGIN_APP_ID and INSTAGRAM_LOGIN_APP_SECRET."
    ),
}


@dataclass(frozen=True)
class AuthorizationStart:
    """The dialog URL, and the nonce for the cookie that ties its state to this browser."""

    url: str
    browser_nonce: str = field(repr=False)


class InstagramOAuth:
    """The Facebook Login flow for one platform, on the shared Graph client and the OAuth state store."""

    def __init__(
        self, *, settings: Settings, graph: InstagramGraphAPI, states: OAuthStateStore, cipher: TokenCipher
    ) -> None:
        self.settings = settings
        self.graph = graph
        self.states = states
        self.cipher = cipher
        self.platform = PLATFORM

    @property
    def redirect_uri(self) -> str:
        """Our callback, byte-identical in the dialog and the code exchange."""
        return f"{self.settings.backend_url}/api/v1/oauth/{self.platform}/callback"

    def login_flavours(self) -> list[str]:
        """The login flavours configured here (both with zero configuration: the sandbox stands in)."""
        enabled = {
            LoginFlavour.FACEBOOK: self.settings.facebook_login_enabled,
            LoginFlavour.INSTAGRAM: self.settings.instagram_login_enabled,
        }
        return [str(flavour) for flavour, on in enabled.items() if on]

    async def authorization_url(
        self, *, user: User, flow: str = "popup", flavour: str = LoginFlavour.FACEBOOK
    ) -> AuthorizationStart:
        """Issue a state bound to the user and this browser; → the login dialog URL and the nonce.

        `flavour` is `facebook` (Facebook Login, through a Page) or `instagram` (Instagram Login, no Page).
        """
        if flavour not in (LoginFlavour.FACEBOOK, LoginFlavour.INSTAGRAM):
            raise InvalidInput("flavour must be 'facebook' or 'instagram'.")
        enabled = (
            self.settings.instagram_login_enabled
            if flavour == LoginFlavour.INSTAGRAM
            else (self.settings.facebook_login_enabled)
        )
        if not enabled:
            raise InvalidInput(_NOT_CONFIGURED[flavour])
        nonce = new_browser_nonce()
        state = await self.states.issue(
            user.id, platform=self.platform, extra={"flow": flow, "flavour": flavour}, browser_nonce=nonce
        )
        log.info("oauth start", user_id=user.id, platform=self.platform, flow=flow, flavour=flavour)
        if flavour == LoginFlavour.INSTAGRAM:
            # Business Login for Instagram: instagram.com/oauth/authorize with instagram_business_* scopes.
            ig_query = {
                "client_id": self.settings.instagram_app_id,
                "redirect_uri": self.redirect_uri,
                "response_type": "code",
                "scope": ",".join(INSTAGRAM_LOGIN_PERMISSIONS),
                "state": state,
            }
            return AuthorizationStart(
                f"{self.settings.instagram_login_dialog_url}?{urlencode(ig_query)}", nonce
            )
        query = {
            "client_id": self.settings.app_id,
            "redirect_uri": self.redirect_uri,
            "state": state,
            "scope": ",".join(dict.fromkeys((*REQUESTED_PERMISSIONS, *self.settings.oauth_extra_scopes))),
            "response_type": "code",
            # Re-prompts for permissions declined last time instead of silently keeping them off.
            "auth_type": "rerequest",
        }
        return AuthorizationStart(f"{self.settings.dialog_url}?{urlencode(query)}", nonce)

    async def handle_callback(
        self,
        factory: async_sessionmaker[AsyncSession],
        *,
        user: User | None,
        params: dict[str, str],
        browser_nonce: str | None = None,
    ) -> CallbackResult:
        """Redeem state and code, find the IG accounts; connect the only one, or keep them to choose.

        The state must be redeemed by the user it names: signed in, or (no session) in the browser
        holding the nonce cookie `/authorize` set. Call it with no transaction open.
        """
        try:
            data = await self.states.consume(
                params.get("state", ""),
                user_id=user.id if user else None,
                platform=self.platform,
                browser_nonce=browser_nonce,
            )
        except OAuthStateError as exc:
            return self._failed(outcomes.InvalidState(exc.message), user_id=user.id if user else None)
        flow = str(data.extra.get("flow", "popup"))
        flavour = str(data.extra.get("flavour") or LoginFlavour.FACEBOOK)
        owner = user or await self._user(factory, data.user_id)
        if owner is None or not owner.is_active:
            return self._failed(outcomes.InvalidState(flavour=flavour), user_id=data.user_id, flow=flow)
        try:
            result = await self._complete(factory, user=owner, params=params, flavour=flavour)
        except outcomes.OAuthFailure as failure:
            return self._failed(failure, user_id=owner.id, flow=flow, flavour=flavour)
        result.flow = flow
        return result

    @staticmethod
    async def _user(factory: async_sessionmaker[AsyncSession], user_id: int) -> User | None:
        async with factory() as session:  # a read, closed before Meta is called
            return await session.get(User, user_id)

    async def _complete(
        self,
        factory: async_sessionmaker[AsyncSession],
        *,
        user: User,
        params: dict[str, str],
        flavour: str = LoginFlavour.FACEBOOK,
    ) -> CallbackResult:
        if params.get("error"):
            raise (
                outcomes.AuthorizationCancelled(flavour=flavour)
                if params["error"] == "access_denied"
                else outcomes.CallbackInvalid(flavour=flavour)
            )
        code = params.get("code")
        if not code:
            raise outcomes.CallbackInvalid(flavour=flavour)
        if flavour == LoginFlavour.INSTAGRAM:
            authorization = await exchange.authorize_instagram(self.graph, code, self.redirect_uri)
        else:
            authorization = await exchange.authorize(self.graph, code, self.redirect_uri)
        await self.states.save_authorization(user.id, authorization.to_payload())
        result = CallbackResult(status="success", accounts_available=len(authorization.accounts))
        result.hint = outcomes.unlinked_pages_hint([p["name"] for p in authorization.pages_without_instagram])
        result.missing_permissions = authorization.missing_permissions
        result.permissions_hint = outcomes.missing_permissions_hint(result.missing_permissions, flavour)
        result.help_url = outcomes.login_permissions_help(result.missing_permissions, flavour)
        if len(authorization.accounts) == 1:
            account = await self._connect(
                factory, user=user, authorization=authorization, ig_id=authorization.accounts[0]["id"]
            )
            result.account_id = account.id
            result.account = account
        log.info(
            "oauth authorized",
            user_id=user.id,
            platform=self.platform,
            accounts_available=result.accounts_available,
            missing_permissions=result.missing_permissions,
        )
        return result

    async def _connect(
        self,
        factory: async_sessionmaker[AsyncSession],
        *,
        user: User,
        authorization: exchange.Authorization,
        ig_id: str,
    ) -> Account:
        """Connect (committed), then subscribe the Page with no transaction open, then record the answer."""
        found = authorization.found(ig_id)
        flavour = authorization.flavour
        login, connect = outcomes.login_name(flavour), outcomes.connect_button(flavour)
        if found is None and ig_id in authorization.disconnected:
            raise Conflict(
                f"This Instagram account was disconnected after your last {login} login, which no longer "
                f"holds its access: click {connect} again to connect it."
            )
        if found is None and flavour == LoginFlavour.INSTAGRAM:
            raise NotFound(
                "This Instagram account is not the one your last Instagram login signed in as: click "
                f"{connect} again and log in as this account."
            )
        if found is None:
            raise NotFound(
                f"This Instagram account was not among those your last {login} login could reach: "
                f"click {connect} again and select its Facebook Page in the dialog."
            )
        async with unit_of_work(factory) as session:
            account = await accounts.connect_account(
                session, user=user, found=found, cipher=self.cipher, platform=self.platform
            )
            await notify.record(session, account)
        gateway = accounts.AccountGraph(self.graph, self.cipher, factory)
        subscription = await accounts.subscribe_page_webhooks(gateway, account)
        if subscription is not None:
            recorded = await accounts.save_subscription(
                factory,
                account_id=account.id,
                page_token_enc=account.page_access_token_enc,
                result=subscription,
            )
            account = recorded or account
        # `oauth_success_total` counts connected accounts (its help text): an authorization that found
        # several is counted as the user selects them, one that is never followed by a choice is not.
        OAUTH_SUCCESS.inc()
        log.info("oauth success", user_id=user.id, platform=self.platform, account_id=account.id)
        return account

    def _failed(
        self,
        failure: outcomes.OAuthFailure,
        *,
        user_id: int | None,
        flow: str = "popup",
        flavour: str = LoginFlavour.FACEBOOK,
    ) -> CallbackResult:
        OAUTH_FAILURE.labels(reason=failure.reason).inc()
        log.info(
            "oauth failure", user_id=user_id, platform=self.platform, reason=failure.reason, flavour=flavour
        )
        return CallbackResult(
            status="cancelled" if isinstance(failure, outcomes.AuthorizationCancelled) else "error",
            error=failure.message,
            reason=failure.reason,
            help_url=failure.help_url,
            http_status=failure.status_code,
            flow=flow,
        )

    async def last_authorization(self, *, user: User) -> exchange.Authorization | None:
        """The accounts of the user's last Facebook Login (kept 30 minutes), if any."""
        payload = await self.states.load_authorization(user.id)
        return exchange.Authorization.from_payload(payload) if payload else None

    async def available_accounts(self, session: AsyncSession, *, user: User) -> dict[str, Any]:
        """The IG accounts of the last authorization (`connected` if already) and the unlinked Pages."""
        authorization = await self.last_authorization(user=user)
        if authorization is None:
            return {"items": [], "next_cursor": None, "pages_without_instagram": [], "hint": None}
        missing = authorization.missing_permissions
        mine = await accounts.list_accounts(session, user=user, platform=self.platform)
        connected = {account.platform_account_id for account in mine if account.is_active}
        items = [
            {
                **{k: v for k, v in item.items() if k != "page_access_token"},
                "connected": item["id"] in connected,
            }
            for item in authorization.accounts
        ]
        unlinked = authorization.pages_without_instagram
        return {
            "items": items,
            "next_cursor": None,
            "pages_without_instagram": unlinked,
            "hint": outcomes.unlinked_pages_hint([page["name"] for page in unlinked]),
            "missing_permissions": missing,
            "permissions_hint": outcomes.missing_permissions_hint(missing, authorization.flavour),
            "help_url": outcomes.login_permissions_help(missing, authorization.flavour),
        }

    async def select_account(
        self, factory: async_sessionmaker[AsyncSession], *, user: User, instagram_business_account_id: str
    ) -> Account:
        """Connect one IG account of the last authorization (committed; call with no transaction open)."""
        authorization = await self.last_authorization(user=user)
        if authorization is None:
            raise Conflict(
                "There is no recent login to choose from (it is older than 30 minutes, was never "
                "completed, or its accounts were disconnected since): click Connect Instagram again, "
                "then choose the account."
            )
        return await self._connect(
            factory, user=user, authorization=authorization, ig_id=instagram_business_account_id
        )
