"""Connected accounts: ownership, permission and token checks other domains call, connect and disconnect.

Every function is scoped by the user (another user's account is a NotFound) and never commits.
Other domains use: `get_account`, `list_accounts`, `require_active`, `require_permission`,
`page_token`, `graph_for` and, on any 190 from Meta, `token_refused` (or `mark_token_invalid`).

A refused token is a fact about Meta, not part of the request that found it: the request then fails and
its unit of work rolls back, taking the in-session mark with it. So `token_refused` returns a
`TokenRefused` (a ReconnectRequired) carrying the invalidation, and whoever owns the unit of work wraps
it in `invalidations_kept(factory)`, which records it again in a short unit of work of its own *after*
the failed one ended (never beside it: SQLite has one writer, and tests' savepoints nest).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.models import Account, AccountHealth, LoginFlavour
from clipper.db import unit_of_work, utcnow
from clipper.errors import NotFound, PermissionMissing, ReconnectRequired, ServiceUnavailable
from clipper.instagram import InstagramGraphAPI, InstagramGraphAPIError, InvalidTokenError
from clipper.instagram.schemas import InstagramAccount
from clipper.oauth.permissions import name_for, requested_for
from clipper.oauth.state_store import OAuthStateStore
from clipper.observability import TOKEN_EXPIRY_EVENTS
from clipper.security import TokenCipher, TokenDecryptError
from clipper.users.models import User

log = structlog.get_logger(__name__)

SUPPORTED_PLATFORMS = ("instagram",)


@dataclass(frozen=True)
class ConnectedAccount:
    """What an authorization found for one IG account, enough to create or refresh its row."""

    instagram_business_account_id: str
    username: str | None
    name: str | None
    profile_picture_url: str | None
    facebook_user_id: str | None
    facebook_page_id: str | None  # None for Instagram Login: no Page
    facebook_page_name: str | None
    # The token every Instagram call uses: the Page token (Facebook Login) or the IG user token.
    page_access_token: str
    user_access_token: str
    user_token_expires_at: datetime | None
    granted_permissions: list[str]
    followers_count: int | None = None
    media_count: int | None = None
    # How the login reached the Page: page_role, business_owned or business_client (see oauth.discovery).
    page_source: str = "page_role"
    business_name: str | None = None
    login_flavour: str = LoginFlavour.FACEBOOK


def has_permission(granted: Iterable[str], permission: str) -> bool:
    """True when `granted` holds exactly this name: each login flavour grants its own names."""
    return permission in set(granted)


def missing_permissions(granted: Iterable[str], required: Iterable[str]) -> list[str]:
    """The required permissions that `granted` lacks, in order."""
    granted_set = set(granted)
    return [permission for permission in required if permission not in granted_set]


async def get_account(session: AsyncSession, *, user: User, account_id: int) -> Account:
    """Return the user's account; NotFound for an unknown id or another user's."""
    account = await session.scalar(
        select(Account).where(Account.id == account_id, Account.user_id == user.id)
    )
    if account is None:
        raise NotFound(f"No connected account with id {account_id}.")
    return account


async def list_accounts(
    session: AsyncSession,
    *,
    user: User,
    platform: str | None = None,
    limit: int | None = None,
    after_id: int | None = None,
) -> Sequence[Account]:
    """Return the user's accounts, oldest first; `after_id`/`limit` page through them."""
    query = select(Account).where(Account.user_id == user.id).order_by(Account.id)
    if platform is not None:
        query = query.where(Account.platform == platform)
    if after_id is not None:
        query = query.where(Account.id > after_id)
    if limit is not None:
        query = query.limit(limit)
    return (await session.scalars(query)).all()


def _label(account: Account) -> str:
    return f"@{account.account_username}" if account.account_username else f"account {account.id}"


def _reconnect_from(account: Account) -> str:
    """Where the Accounts page reconnects the account: the button of the login it was connected with."""
    button = "Connect with Instagram Login" if is_instagram_login(account) else "Connect Instagram"
    return f"Accounts → {button}"


def require_active(account: Account) -> None:
    """Raise ReconnectRequired when the account's access is gone (disconnected, expired or revoked)."""
    if account.is_active and account.page_access_token_enc:
        return
    reason = f" ({account.health_reason})" if account.health_reason else ""
    raise ReconnectRequired(
        f"Instagram access for {_label(account)} is no longer valid{reason}: "
        f"reconnect it from {_reconnect_from(account)}."
    )


def can(account: Account, permission: str) -> bool:
    """True when the account's login granted the Facebook Login `permission` under its own name."""
    name = name_for(account.login_flavour or LoginFlavour.FACEBOOK, permission)
    return name is None or has_permission(account.granted_permissions or [], name)


def require_permission(account: Account, permission: str) -> None:
    """Raise PermissionMissing (409, naming it) when the account was connected without the permission."""
    # Checked under the name the account's login grants (an Instagram Login account has its own names).
    if can(account, permission):
        return
    name = name_for(account.login_flavour or LoginFlavour.FACEBOOK, permission) or permission
    # Named as the login dialog shows it, so the person can find the box to tick.
    raise PermissionMissing(
        name,
        f"{_label(account)} was connected without the '{name}' permission, which this needs: "
        f"reconnect it from {_reconnect_from(account)} and leave that permission ticked.",
    )


def page_token(account: Account, *, cipher: TokenCipher) -> str:
    """The account's Page access token, decrypted; ReconnectRequired when there is none usable."""
    require_active(account)
    assert account.page_access_token_enc is not None
    try:
        return cipher.decrypt(account.page_access_token_enc)
    except TokenDecryptError:
        raise ReconnectRequired(
            f"The stored access for {_label(account)} can no longer be decrypted (the encryption key "
            f"changed): reconnect it from {_reconnect_from(account)}."
        ) from None


def graph_for(account: Account, *, graph: InstagramGraphAPI, cipher: TokenCipher) -> InstagramGraphAPI:
    """A Graph client for the account carrying its stored token (see `graph_with`)."""
    return graph_with(account, page_token(account, cipher=cipher), graph=graph)


def graph_with(account: Account, token: str, *, graph: InstagramGraphAPI) -> InstagramGraphAPI:
    """A Graph client for the account on the shared connection pool, the one place its login flavour
    picks the host: graph.facebook.com with a Page token (Facebook Login), or graph.instagram.com with an
    Instagram User token (Instagram Login)."""
    if is_instagram_login(account):
        return graph.for_instagram_login(token)
    return graph.with_token(token)


def is_instagram_login(account: Account) -> bool:
    """True for an account connected with Instagram Login (graph.instagram.com, no Page)."""
    return account.login_flavour == LoginFlavour.INSTAGRAM


@dataclass(frozen=True)
class TokenInvalidation:
    """Meta refused this account's token: enough to record it after the unit of work that saw it ended."""

    account_id: int
    reason: str
    # The token Meta refused: when the account was reconnected since, the new token is not touched.
    page_token_enc: str | None


class TokenRefused(ReconnectRequired):
    """ReconnectRequired (409, same name in the body) raised where Meta refused the token."""

    def __init__(self, message: str, *, invalidation: TokenInvalidation) -> None:
        self.invalidation = invalidation
        super().__init__(message)

    @property
    def error(self) -> str:
        return ReconnectRequired.__name__


def _mark(account: Account, reason: str) -> bool:
    """Set the account's columns for a refused token; True when it was active until now."""
    was_active = account.is_active
    account.is_active = False
    account.health_status = AccountHealth.RECONNECT_REQUIRED
    account.health_reason = reason
    account.last_checked_at = utcnow()
    return was_active


async def mark_token_invalid(session: AsyncSession, *, account: Account, reason: str) -> TokenInvalidation:
    """Record that Meta refused the account's token in this unit of work: inactive, `reconnect_required`.

    Counted and logged once. When the unit of work may roll back, raise `TokenRefused` with the returned
    invalidation inside `invalidations_kept` (see `token_refused`) so that the mark outlives it.
    """
    invalidation = _note_refused(account, reason)
    await session.flush()
    return invalidation


def _note_refused(account: Account, reason: str) -> TokenInvalidation:
    """Mark the account for a refused token; counted and logged when it was active until now."""
    invalidation = TokenInvalidation(account.id, reason, account.page_access_token_enc)
    if _mark(account, reason):
        TOKEN_EXPIRY_EVENTS.inc()
        log.warning(
            "instagram token invalid",
            user_id=account.user_id,
            account_id=account.id,
            reason=reason,
            action="reconnect",
        )
    return invalidation


def refusal_reason(error: InvalidTokenError) -> str:
    """The account's health reason for a 190 (by subcode, Meta's own words otherwise)."""
    if isinstance(error.subcode, int) and error.subcode in _INVALID_REASONS:
        return _invalid_reason({"subcode": error.subcode})
    return f"Reconnect required: {error.user_message}"


async def token_refused(session: AsyncSession, *, account: Account, error: InvalidTokenError) -> TokenRefused:
    """Mark the account for a 190 from Meta and return the actionable 409 to raise (see the module doc)."""
    invalidation = await mark_token_invalid(session, account=account, reason=refusal_reason(error))
    return TokenRefused(
        f"Instagram no longer accepts the access of {_label(account)} ({error.user_message.rstrip('.')}): "
        f"reconnect it from {_reconnect_from(account)}.",
        invalidation=invalidation,
    )


async def record_token_invalid(
    factory: async_sessionmaker[AsyncSession], *, invalidation: TokenInvalidation
) -> bool:
    """Record an invalidation in its own short unit of work; False when the account is gone or reconnected."""
    return await _record_token_invalid(factory, invalidation) is not None


async def _record_token_invalid(
    factory: async_sessionmaker[AsyncSession], invalidation: TokenInvalidation
) -> Account | None:
    """The marked account once committed; None when it is gone or was reconnected since."""
    async with unit_of_work(factory) as session:
        account = await session.get(Account, invalidation.account_id)
        if account is None or account.page_access_token_enc != invalidation.page_token_enc:
            return None
        # Counted and logged by `mark_token_invalid` already, in the unit of work that rolled back.
        _mark(account, invalidation.reason)
        await session.flush()
    return account


async def keep_invalidation(
    factory: async_sessionmaker[AsyncSession], refused: TokenRefused
) -> Account | None:
    """`record_token_invalid` for a TokenRefused that ended its unit of work (a failure is only logged).

    Returns the account once its mark is committed (to announce it), None when nothing was recorded.
    """
    try:
        return await _record_token_invalid(factory, refused.invalidation)
    except Exception as exc:  # the 409 must still reach the caller; the next Graph call marks it again
        log.error("token invalidation not recorded", account_id=refused.invalidation.account_id, exc_info=exc)
        return None


@asynccontextmanager
async def invalidations_kept(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[None]:
    """Wrap a unit of work: a `TokenRefused` escaping it is recorded in a fresh one, then re-raised.

    Enter it *outside* the unit of work (`async with invalidations_kept(f): async with unit_of_work(f)`),
    so that the failed transaction has rolled back and released its locks first.
    """
    try:
        yield
    except TokenRefused as refused:
        await keep_invalidation(factory, refused)
        raise


def _meta_info(found: ConnectedAccount) -> dict[str, Any]:
    """The seed's `meta_info`, minus the Page token (kept encrypted in its own column)."""
    return {
        "id": found.instagram_business_account_id,
        "username": found.username,
        "name": found.name,
        "profile_picture_url": found.profile_picture_url,
        "facebook_user_id": found.facebook_user_id,
        "facebook_page_id": found.facebook_page_id,
        "facebook_page_name": found.facebook_page_name,
        "instagram_business_account_id": found.instagram_business_account_id,
        "page_source": found.page_source,
        "business_name": found.business_name,
    }


async def connect_account(
    session: AsyncSession, *, user: User, found: ConnectedAccount, cipher: TokenCipher, platform: str
) -> Account:
    """Create the account, or refresh the one already connected (new tokens, active again)."""
    account = await session.scalar(
        select(Account).where(
            Account.user_id == user.id,
            Account.platform == platform,
            Account.platform_account_id == found.instagram_business_account_id,
        )
    )
    if account is None:
        account = Account(user_id=user.id, platform=platform)
        session.add(account)
    account.platform_account_id = found.instagram_business_account_id
    account.login_flavour = found.login_flavour
    account.account_username = found.username
    account.meta_info = _meta_info(found)
    account.access_token_enc = cipher.encrypt(found.user_access_token)
    account.page_access_token_enc = cipher.encrypt(found.page_access_token)
    account.token_expires_at = found.user_token_expires_at
    account.granted_permissions = list(found.granted_permissions)
    account.followers_count = found.followers_count
    account.media_count = found.media_count
    account.profile_picture_url = found.profile_picture_url
    account.profile_refreshed_at = utcnow()
    account.is_active = True
    account.health_status = _health_of(found.user_token_expires_at, account.granted_permissions)
    account.health_reason = None
    account.connected_at = utcnow()
    account.last_checked_at = utcnow()
    await session.flush()
    return account


# --- webhooks: the Page must install the app, or Meta sends it no events (GRAPH_API.md §10.1) ---------

# Which Page fields Instagram events need is not documented (GRAPH_API.md §10.1): installing the app on the
# Page is what matters, and clients pass `feed` (comments, mentions, story_insights) and `messages` (DMs).
WEBHOOK_PAGE_FIELDS = ("feed", "messages")
# Instagram Login enables the account itself (`POST graph.instagram.com/me/subscribed_apps`) for the
# Instagram webhook fields (Setup Webhooks Subscriptions,
# https://developers.facebook.com/documentation/instagram-platform/webhooks).
WEBHOOK_ACCOUNT_FIELDS = ("comments", "messages")
WEBHOOK_SUBSCRIPTION_KEY = "webhook_subscription"


def _set_webhook_subscription(account: Account, *, subscribed: bool, error: str | None) -> None:
    asked = WEBHOOK_ACCOUNT_FIELDS if is_instagram_login(account) else WEBHOOK_PAGE_FIELDS
    fields = list(asked) if subscribed else []
    record = {"subscribed": subscribed, "fields": fields, "error": error, "at": utcnow().isoformat()}
    # A new dict: the JSON column does not track in-place changes.
    account.meta_info = {**(account.meta_info or {}), WEBHOOK_SUBSCRIPTION_KEY: record}


@dataclass(frozen=True)
class SubscriptionResult:
    """What Meta answered when asked to install the app on the account's Page."""

    subscribed: bool
    error: str | None = None


async def subscribe_page_webhooks(
    account: Account, *, graph: InstagramGraphAPI, page_token: str
) -> SubscriptionResult | None:
    """Install the app on the account's Page for webhooks (None when it names no Page); never raises.

    Changes nothing: call it with no transaction open, then keep the answer with `record_subscription`.
    Without it comments, mentions and messages still arrive with the periodic sync, only later.
    """
    page_id = (account.meta_info or {}).get("facebook_page_id")
    if not page_id and not is_instagram_login(account):
        return None
    client = graph_with(account, page_token, graph=graph)
    try:
        if is_instagram_login(account):
            await client.subscribe_account_webhooks(WEBHOOK_ACCOUNT_FIELDS)
        else:
            await client.subscribe_page_webhooks(str(page_id), WEBHOOK_PAGE_FIELDS)
    except InstagramGraphAPIError as exc:
        log.warning(
            "instagram webhooks not subscribed",
            user_id=account.user_id,
            account_id=account.id,
            reason=type(exc).__name__,
        )
        return SubscriptionResult(subscribed=False, error=exc.user_message)
    return SubscriptionResult(subscribed=True)


def record_subscription(account: Account, result: SubscriptionResult) -> None:
    """Keep what `subscribe_page_webhooks` answered on the account (shown as its `webhook_problem`)."""
    _set_webhook_subscription(account, subscribed=result.subscribed, error=result.error)


async def save_subscription(
    factory: async_sessionmaker[AsyncSession],
    *,
    account_id: int,
    page_token_enc: str | None,
    result: SubscriptionResult,
) -> Account | None:
    """Record a subscription answer in a short unit of work; None when the account is gone or reconnected."""
    async with unit_of_work(factory) as session:
        account = await session.get(Account, account_id)
        if account is None or account.page_access_token_enc != page_token_enc:
            return None
        record_subscription(account, result)
        await session.flush()
    return account


def webhook_problem(meta_info: dict[str, Any] | None, flavour: str = LoginFlavour.FACEBOOK) -> str | None:
    """What to do when the Page (Facebook Login) or the account itself (Instagram Login) could not be
    subscribed to webhooks (None when it was, or never tried)."""
    record = (meta_info or {}).get(WEBHOOK_SUBSCRIPTION_KEY)
    if not isinstance(record, dict) or record.get("subscribed", True) or record.get("error") is None:
        return None
    because = f" ({record['error']})" if record.get("error") else ""
    if flavour == LoginFlavour.INSTAGRAM:
        return (
            f"Meta did not enable live updates for this Instagram account{because}: new comments and "
            "messages only show up with the periodic sync. Reconnect it from Accounts → Connect with "
            "Instagram Login (the next health check also retries)."
        )
    page = (meta_info or {}).get("facebook_page_name") or "its Facebook Page"
    return (
        f"Meta did not subscribe {page} to live updates{because}: new comments, mentions and messages "
        "only show up with the periodic sync. Check that your Facebook user has full control of the Page, "
        "then reconnect from Accounts → Connect Instagram (the next health check also retries)."
    )


async def _users_of_the_page(session: AsyncSession, account: Account) -> bool:
    """True when another active account (of any user) is the same IG account: it needs the Page's webhooks."""
    others = await session.scalars(
        select(Account.id).where(
            Account.platform == account.platform,
            Account.platform_account_id == account.platform_account_id,
            Account.id != account.id,
            Account.is_active,
        )
    )
    return others.first() is not None


async def _unsubscribe_page_webhooks(
    account: Account, *, graph: InstagramGraphAPI, cipher: TokenCipher
) -> bool:
    """Remove the app from the Page (best effort); True when Meta did."""
    page_id = (account.meta_info or {}).get("facebook_page_id")
    if not (page_id or is_instagram_login(account)) or not account.page_access_token_enc:
        return False
    try:
        client = graph_with(account, cipher.decrypt(account.page_access_token_enc), graph=graph)
        if is_instagram_login(account):
            await client.unsubscribe_account_webhooks()
        else:
            await client.unsubscribe_page_webhooks(str(page_id))
    except (InstagramGraphAPIError, TokenDecryptError) as exc:
        log.info("instagram webhooks unsubscribe skipped", account_id=account.id, reason=type(exc).__name__)
        return False
    return True


def _shares_facebook_login(account: Account, other: Account) -> bool:
    facebook_user = (account.meta_info or {}).get("facebook_user_id")
    return bool(facebook_user) and (other.meta_info or {}).get("facebook_user_id") == facebook_user


async def _login_shared(session: AsyncSession, account: Account) -> bool:
    """True when another active account of the user was connected with the same Facebook login."""
    others = await session.scalars(
        select(Account).where(
            Account.user_id == account.user_id,
            Account.platform == account.platform,
            Account.id != account.id,
            Account.is_active,
        )
    )
    return any(_shares_facebook_login(account, other) for other in others)


async def _revoke_on_meta(account: Account, *, graph: InstagramGraphAPI, cipher: TokenCipher) -> bool:
    """De-authorize the app on Meta's side (best effort); True when Meta did."""
    # Instagram Login documents no de-authorization call (DELETE /me/permissions is graph.facebook.com's):
    # the person removes the app in Instagram's settings; the token is deleted here all the same.
    if not account.access_token_enc or is_instagram_login(account):
        return False
    try:
        return await graph.with_token(cipher.decrypt(account.access_token_enc)).revoke_permissions()
    except (InstagramGraphAPIError, TokenDecryptError) as exc:
        log.info("instagram revoke skipped", account_id=account.id, reason=type(exc).__name__)
        return False


@dataclass(frozen=True)
class _LetGo:
    """What Meta did when the account was let go: read with no transaction open."""

    platform_account_id: str
    unsubscribed: bool
    revoked: bool


async def _let_go_on_meta(
    factory: async_sessionmaker[AsyncSession],
    *,
    user: User,
    account_id: int,
    graph: InstagramGraphAPI,
    cipher: TokenCipher,
) -> _LetGo:
    """Unsubscribe the Page and revoke the login on Meta (best effort), unless other accounts need them.

    The account is read in a session closed before Meta is called: no write lock waits on Meta.
    """
    async with factory() as session:
        account = await get_account(session, user=user, account_id=account_id)
        page_needed = await _users_of_the_page(session, account)
        # DELETE /me/permissions de-authorizes the whole Facebook login: it would cut off the other
        # accounts connected with it, so only this account's tokens are dropped then.
        login_needed = await _login_shared(session, account)
    unsubscribed = not page_needed and await _unsubscribe_page_webhooks(account, graph=graph, cipher=cipher)
    revoked = not login_needed and await _revoke_on_meta(account, graph=graph, cipher=cipher)
    return _LetGo(account.platform_account_id, unsubscribed=unsubscribed, revoked=revoked)


def _drop_tokens(account: Account, let_go: _LetGo) -> None:
    if let_go.unsubscribed:
        _set_webhook_subscription(account, subscribed=False, error=None)
    account.access_token_enc = None
    account.page_access_token_enc = None
    account.refresh_token_enc = None
    account.is_active = False
    account.health_status = AccountHealth.RECONNECT_REQUIRED
    account.health_reason = "Disconnected by you."


async def disconnect_account(
    factory: async_sessionmaker[AsyncSession],
    *,
    user: User,
    account_id: int,
    graph: InstagramGraphAPI,
    cipher: TokenCipher,
    states: OAuthStateStore,
) -> Account:
    """Revoke on Meta (best effort), delete the stored tokens and mark the account inactive (committed).

    Meta is called with no transaction open, then one short unit of work writes. Call it after the
    request's own transaction ended. Its tokens in the last authorization go too, so `select-account`
    cannot bring it back.
    """
    let_go = await _let_go_on_meta(factory, user=user, account_id=account_id, graph=graph, cipher=cipher)
    await states.forget_account(user.id, let_go.platform_account_id)
    async with unit_of_work(factory) as session:
        account = await get_account(session, user=user, account_id=account_id)
        _drop_tokens(account, let_go)
        await session.flush()
    log.info("instagram account disconnected", user_id=user.id, account_id=account_id, revoked=let_go.revoked)
    return account


async def delete_account(
    factory: async_sessionmaker[AsyncSession],
    *,
    user: User,
    account_id: int,
    graph: InstagramGraphAPI,
    cipher: TokenCipher,
    states: OAuthStateStore,
) -> None:
    """Disconnect the account, then delete it and everything stored for it (posts, inbox, insights…).

    Like `disconnect_account`: Meta first with no transaction open, then one short unit of work.
    """
    let_go = await _let_go_on_meta(factory, user=user, account_id=account_id, graph=graph, cipher=cipher)
    await states.forget_account(user.id, let_go.platform_account_id)
    async with unit_of_work(factory) as session:
        account = await get_account(session, user=user, account_id=account_id)
        _drop_tokens(account, let_go)
        await session.delete(account)
        await session.flush()
    log.info("instagram account deleted", user_id=user.id, account_id=account_id, revoked=let_go.revoked)


# --- token health -------------------------------------------------------------------------------------

EXPIRING_WITHIN_SECONDS = 7 * 24 * 3600


@dataclass
class HealthReport:
    """What one pass of `check_all_accounts` found."""

    checked: int = 0
    healthy: int = 0
    invalid: int = 0
    errors: int = 0
    # The accounts whose health changed, to announce once the pass is committed.
    changed: list[Account] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "checked": self.checked,
            "healthy": self.healthy,
            "invalid": self.invalid,
            "errors": self.errors,
        }


def _timestamp(value: int | None) -> datetime | None:
    """A debug_token time; 0 (never) and absent become None."""
    return datetime.fromtimestamp(value, UTC) if value else None


_INVALID_REASONS = {
    458: "the app was removed from the Facebook account",
    460: "the Facebook password changed",
    463: "the access token expired",
    467: "the Facebook session ended",
    492: "the Facebook user no longer has a role on the Page",
    493: "the account was not used with this app for 90 days",
}


def _invalid_reason(error: dict[str, Any] | None) -> str:
    subcode = (error or {}).get("subcode")
    reason = _INVALID_REASONS.get(
        subcode if isinstance(subcode, int) else -1, "Meta reports the access token as invalid"
    )
    return f"Reconnect required: {reason}."


def _health_of(
    expires_at: datetime | None, granted: list[str], flavour: str = LoginFlavour.FACEBOOK
) -> AccountHealth:
    if expires_at is not None and (expires_at - utcnow()).total_seconds() < EXPIRING_WITHIN_SECONDS:
        return AccountHealth.EXPIRING
    if missing_permissions(granted, requested_for(flavour)):
        return AccountHealth.PERMISSION_MISSING
    return AccountHealth.HEALTHY


PROFILE_FIELDS = "id,username,profile_picture_url,followers_count,media_count"


async def _read_profile(
    account: Account, *, graph: InstagramGraphAPI, cipher: TokenCipher
) -> InstagramAccount | None:
    """The IG profile's current numbers (one Graph call); None when Meta could not answer."""
    try:
        return await graph_for(account, graph=graph, cipher=cipher).get_instagram_account_info(
            account.platform_account_id, fields=PROFILE_FIELDS
        )
    except InstagramGraphAPIError as exc:
        # The token verdict came from debug_token; stale numbers are better than a failed check.
        log.info("instagram profile not refreshed", account_id=account.id, reason=type(exc).__name__)
        return None


async def _user_token_expiry(
    account: Account, *, graph: InstagramGraphAPI, cipher: TokenCipher
) -> datetime | None:
    if not account.access_token_enc:
        return account.token_expires_at
    info = await graph.debug_token(cipher.decrypt(account.access_token_enc))
    return _timestamp(info.expires_at) if info.is_valid else account.token_expires_at


@dataclass
class HealthFindings:
    """What Meta said of one account's token and profile, read with no transaction open."""

    # The Page token that was checked: findings about a token replaced since are dropped.
    page_token_enc: str | None
    refused: str | None = None
    granted: list[str] = field(default_factory=list)
    user_token_expires_at: datetime | None = None
    page_expiry: datetime | None = None
    profile: InstagramAccount | None = None
    subscription: SubscriptionResult | None = None
    # An Instagram Login token refreshed by this check (ig_refresh_token), to store in place of the old.
    new_token_enc: str | None = field(default=None, repr=False)


async def ask_meta(account: Account, *, graph: InstagramGraphAPI, cipher: TokenCipher) -> HealthFindings:
    """Ask Meta (`debug_token`, profile, subscription retry) about one account; writes nothing.

    Raises InstagramGraphAPIError when Meta could not give a verdict on the token.
    """
    findings = HealthFindings(account.page_access_token_enc)
    if is_instagram_login(account):
        return await _ask_instagram(account, findings, graph=graph, cipher=cipher)
    try:
        info = await graph.debug_token(page_token(account, cipher=cipher))
    except ReconnectRequired as exc:
        findings.refused = exc.message
        return findings
    if not info.is_valid:
        findings.refused = _invalid_reason(info.error)
        return findings
    findings.granted = list(info.scopes)
    findings.user_token_expires_at = await _user_token_expiry(account, graph=graph, cipher=cipher)
    findings.page_expiry = _timestamp(info.data_access_expires_at) or _timestamp(info.expires_at)
    findings.profile = await _read_profile(account, graph=graph, cipher=cipher)
    if webhook_problem(account.meta_info) is not None:
        findings.subscription = await subscribe_page_webhooks(
            account, graph=graph, page_token=page_token(account, cipher=cipher)
        )
    return findings


# Refresh an Instagram Login token once it is this close to its 60-day end (and at least 24 h old, which
# Meta requires: "at least 24 hours old but have not expired", Refresh Access Token reference).
INSTAGRAM_REFRESH_WITHIN = timedelta(days=10)
INSTAGRAM_TOKEN_LIFETIME = timedelta(days=60)
INSTAGRAM_REFRESH_MIN_AGE = timedelta(hours=24)


def instagram_refresh_due(account: Account, now: datetime) -> bool:
    """True when the account's Instagram Login token should be refreshed now."""
    expires = account.token_expires_at
    if expires is None:
        return False
    expires = expires if expires.tzinfo else expires.replace(tzinfo=now.tzinfo)
    issued = expires - INSTAGRAM_TOKEN_LIFETIME
    old_enough: bool = now - issued >= INSTAGRAM_REFRESH_MIN_AGE
    return old_enough and expires - now <= INSTAGRAM_REFRESH_WITHIN


async def _ask_instagram(
    account: Account, findings: HealthFindings, *, graph: InstagramGraphAPI, cipher: TokenCipher
) -> HealthFindings:
    """graph.instagram.com has no debug_token: the token's verdict is a refresh (when due) and `/me`."""
    try:
        token = page_token(account, cipher=cipher)
    except ReconnectRequired as exc:
        findings.refused = exc.message
        return findings
    try:
        if instagram_refresh_due(account, utcnow()):
            refreshed = await graph.refresh_instagram_token(token)
            token = refreshed.access_token
            findings.new_token_enc = cipher.encrypt(token)
            findings.user_token_expires_at = (
                utcnow() + timedelta(seconds=refreshed.expires_in) if refreshed.expires_in else None
            )
        else:
            findings.user_token_expires_at = account.token_expires_at
        findings.profile = await graph_with(account, token, graph=graph).get_instagram_account_info(
            account.platform_account_id, fields=PROFILE_FIELDS
        )
    except InvalidTokenError as exc:
        findings.refused = f"Reconnect required: Instagram refused the access token ({exc.user_message})."
        return findings
    findings.granted = list(account.granted_permissions or [])
    findings.page_expiry = findings.user_token_expires_at
    if webhook_problem(account.meta_info) is not None:
        findings.subscription = await subscribe_page_webhooks(account, graph=graph, page_token=token)
    return findings


def _store_profile(account: Account, profile: InstagramAccount) -> None:
    account.account_username = profile.username or account.account_username
    account.followers_count = profile.followers_count
    account.media_count = profile.media_count
    account.profile_picture_url = profile.profile_picture_url
    account.profile_refreshed_at = utcnow()


def apply_findings(account: Account, findings: HealthFindings) -> bool:
    """Write what Meta said on the account; False (nothing written) when its token changed meanwhile."""
    if account.page_access_token_enc != findings.page_token_enc or not account.is_active:
        return False
    if findings.refused is not None:
        _note_refused(account, findings.refused)
        return True
    account.granted_permissions = findings.granted or account.granted_permissions
    if findings.new_token_enc is not None:
        account.access_token_enc = account.page_access_token_enc = findings.new_token_enc
    account.token_expires_at = findings.user_token_expires_at
    account.health_status = _health_of(
        findings.page_expiry, account.granted_permissions, account.login_flavour
    )
    account.health_reason = None
    account.last_checked_at = utcnow()
    if findings.profile is not None:
        _store_profile(account, findings.profile)
    if findings.subscription is not None:
        record_subscription(account, findings.subscription)
    return True


@dataclass(frozen=True)
class HealthChecked:
    """One account after its check was committed, and whether what the UI shows of it changed."""

    account: Account
    changed: bool


async def check_account_health(
    factory: async_sessionmaker[AsyncSession],
    *,
    account_id: int,
    graph: InstagramGraphAPI,
    cipher: TokenCipher,
) -> HealthChecked | None:
    """Check one account: read it, ask Meta with no transaction open, write in a short unit of work.

    None when the account is gone, inactive, or was reconnected or disconnected while Meta answered.
    Raises InstagramGraphAPIError when Meta could not give a verdict.
    """
    async with factory() as session:  # a read: no unit of work (it would take SQLite's write lock)
        account = await session.get(Account, account_id)
    if account is None or not account.is_active:
        return None
    findings = await ask_meta(account, graph=graph, cipher=cipher)
    async with unit_of_work(factory) as session:
        current = await session.get(Account, account_id)
        if current is None:
            return None
        before = health_of(current)
        if not apply_findings(current, findings):
            return None
        await session.flush()
    return HealthChecked(current, changed=health_of(current) != before)


async def check_account(
    factory: async_sessionmaker[AsyncSession],
    *,
    user: User,
    account_id: int,
    graph: InstagramGraphAPI,
    cipher: TokenCipher,
) -> Account:
    """Check one of the user's accounts now (committed); Meta being unreachable is a 503, not a verdict.

    Call it after the request's own transaction ended: Meta is asked with no transaction open.
    """
    try:
        checked = await check_account_health(factory, account_id=account_id, graph=graph, cipher=cipher)
    except InstagramGraphAPIError as exc:
        raise ServiceUnavailable(f"Could not check the account with Meta: {exc.user_message}") from None
    async with factory() as session:
        # The account as committed (also when the check found nothing to write).
        return checked.account if checked else await get_account(session, user=user, account_id=account_id)


async def _active_account_ids(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    async with factory() as session:
        return list(
            (await session.scalars(select(Account.id).where(Account.is_active).order_by(Account.id))).all()
        )


async def check_all_accounts(
    factory: async_sessionmaker[AsyncSession], *, graph: InstagramGraphAPI, cipher: TokenCipher
) -> HealthReport:
    """Check every active account's token and profile, each in its own short write; errors skip one."""
    report = HealthReport()
    for account_id in await _active_account_ids(factory):
        report.checked += 1
        try:
            checked = await check_account_health(factory, account_id=account_id, graph=graph, cipher=cipher)
        except InstagramGraphAPIError as exc:
            report.errors += 1
            log.warning("instagram health check failed", account_id=account_id, error=type(exc).__name__)
            continue
        if checked is None:
            continue
        if checked.changed:
            report.changed.append(checked.account)
        if checked.account.is_active:
            report.healthy += 1
        else:
            report.invalid += 1
    log.info("instagram health checked", **report.counts())
    return report


def health_of(account: Account) -> tuple[bool, str, str | None]:
    """What the UI shows of an account's health: active, status, reason."""
    return account.is_active, str(account.health_status), account.health_reason
