"""Token health: ask Meta about each account's token and profile with no transaction open, then write
what it said in a short unit of work (the periodic check, and one account on request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select

from clipper.accounts import notify
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account, AccountHealth, LoginFlavour
from clipper.accounts.permissions import is_instagram_login, missing_permissions, requested_for
from clipper.accounts.subscriptions import (
    SubscriptionResult,
    record_subscription,
    subscribe_page_webhooks,
    webhook_problem,
)
from clipper.accounts.tokens import invalid_reason, note_refused, page_token
from clipper.db import unit_of_work, utcnow
from clipper.errors import ReconnectRequired
from clipper.instagram import InstagramGraphAPIError, InvalidTokenError
from clipper.instagram.schemas import InstagramAccount

log = structlog.get_logger(__name__)

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


def health_status(
    expires_at: datetime | None, granted: list[str], flavour: str = LoginFlavour.FACEBOOK
) -> AccountHealth:
    if expires_at is not None and (expires_at - utcnow()).total_seconds() < EXPIRING_WITHIN_SECONDS:
        return AccountHealth.EXPIRING
    if missing_permissions(granted, requested_for(flavour)):
        return AccountHealth.PERMISSION_MISSING
    return AccountHealth.HEALTHY


PROFILE_FIELDS = "id,username,profile_picture_url,followers_count,media_count"


async def _read_profile(gateway: AccountGraph, account: Account) -> InstagramAccount | None:
    """The IG profile's current numbers (one Graph call); None when Meta could not answer."""
    try:
        return await gateway.bearing(account).get_instagram_account_info(
            account.platform_account_id, fields=PROFILE_FIELDS
        )
    except InstagramGraphAPIError as exc:
        # The token verdict came from debug_token; stale numbers are better than a failed check.
        log.info("instagram profile not refreshed", account_id=account.id, reason=type(exc).__name__)
        return None


async def _user_token_expiry(gateway: AccountGraph, account: Account) -> datetime | None:
    if not account.access_token_enc:
        return account.token_expires_at
    info = await gateway.graph.debug_token(gateway.cipher.decrypt(account.access_token_enc))
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


async def ask_meta(gateway: AccountGraph, account: Account) -> HealthFindings:
    """Ask Meta (`debug_token`, profile, subscription retry) about one account; writes nothing.

    Raises InstagramGraphAPIError when Meta could not give a verdict on the token.
    """
    findings = HealthFindings(account.page_access_token_enc)
    if is_instagram_login(account):
        return await _ask_instagram(gateway, account, findings)
    try:
        # debug_token is an app call (the app's token inspects the Page's), not one on the account's behalf.
        info = await gateway.graph.debug_token(page_token(account, cipher=gateway.cipher))
    except ReconnectRequired as exc:
        findings.refused = exc.message
        return findings
    if not info.is_valid:
        findings.refused = invalid_reason(info.error)
        return findings
    findings.granted = list(info.scopes)
    findings.user_token_expires_at = await _user_token_expiry(gateway, account)
    findings.page_expiry = _timestamp(info.data_access_expires_at) or _timestamp(info.expires_at)
    findings.profile = await _read_profile(gateway, account)
    if webhook_problem(account.meta_info) is not None:
        findings.subscription = await subscribe_page_webhooks(gateway, account)
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


async def _ask_instagram(gateway: AccountGraph, account: Account, findings: HealthFindings) -> HealthFindings:
    """graph.instagram.com has no debug_token: the token's verdict is a refresh (when due) and `/me`."""
    try:
        token = page_token(account, cipher=gateway.cipher)
    except ReconnectRequired as exc:
        findings.refused = exc.message
        return findings
    try:
        if instagram_refresh_due(account, utcnow()):
            refreshed = await gateway.graph.refresh_instagram_token(token)
            token = refreshed.access_token
            findings.new_token_enc = gateway.cipher.encrypt(token)
            findings.user_token_expires_at = (
                utcnow() + timedelta(seconds=refreshed.expires_in) if refreshed.expires_in else None
            )
        else:
            findings.user_token_expires_at = account.token_expires_at
        findings.profile = await gateway.bearing(account, token).get_instagram_account_info(
            account.platform_account_id, fields=PROFILE_FIELDS
        )
    except InvalidTokenError as exc:
        findings.refused = f"Reconnect required: Instagram refused the access token ({exc.user_message})."
        return findings
    findings.granted = list(account.granted_permissions or [])
    findings.page_expiry = findings.user_token_expires_at
    if webhook_problem(account.meta_info) is not None:
        findings.subscription = await subscribe_page_webhooks(gateway, account, token)
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
        note_refused(account, findings.refused)
        return True
    account.granted_permissions = findings.granted or account.granted_permissions
    if findings.new_token_enc is not None:
        account.access_token_enc = account.page_access_token_enc = findings.new_token_enc
    account.token_expires_at = findings.user_token_expires_at
    account.health_status = health_status(
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


async def check_account_health(gateway: AccountGraph, *, account_id: int) -> HealthChecked | None:
    """Check one account: read it, ask Meta with no transaction open, write in a short unit of work.

    The check gives the token's verdict itself, so a refusal is one of its findings, written with the
    rest (not the gateway's own mark). None when the account is gone, inactive, or was reconnected or
    disconnected while Meta answered. Raises InstagramGraphAPIError when Meta could not give a verdict.
    """
    async with gateway.factory() as session:  # a read: no unit of work (it would take SQLite's write lock)
        account = await session.get(Account, account_id)
    if account is None or not account.is_active:
        return None
    findings = await ask_meta(gateway, account)
    async with unit_of_work(gateway.factory) as session:
        current = await session.get(Account, account_id)
        if current is None:
            return None
        before = health_of(current)
        if not apply_findings(current, findings):
            return None
        changed = health_of(current) != before
        if changed:
            await notify.record(session, current)
        await session.flush()
    return HealthChecked(current, changed=changed)


async def _active_account_ids(gateway: AccountGraph) -> list[int]:
    async with gateway.factory() as session:
        return list(
            (await session.scalars(select(Account.id).where(Account.is_active).order_by(Account.id))).all()
        )


async def check_all_accounts(gateway: AccountGraph) -> HealthReport:
    """Check every active account's token and profile, each in its own short write; errors skip one."""
    report = HealthReport()
    for account_id in await _active_account_ids(gateway):
        report.checked += 1
        try:
            checked = await check_account_health(gateway, account_id=account_id)
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
