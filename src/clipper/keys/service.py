"""Re-encrypt every stored token and outgoing-webhook secret under the newest key (`clipper keys rotate`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.outgoing.models import WebhookEndpoint
from clipper.security import TokenCipher, TokenDecryptError

log = structlog.get_logger(__name__)

TOKEN_COLUMNS = ("access_token_enc", "refresh_token_enc", "page_access_token_enc")


@dataclass
class RotationReport:
    """How many stored tokens were re-encrypted, already current, or unreadable with every key."""

    accounts: int = 0
    rotated: int = 0
    current: int = 0
    unreadable: int = 0


def _rotate(report: RotationReport, row: Any, column: str, cipher: TokenCipher, **where: int) -> None:
    ciphertext = getattr(row, column)
    if not ciphertext:
        return
    try:
        stale = cipher.needs_rotation(ciphertext)
    except TokenDecryptError:
        report.unreadable += 1
        log.warning("stored token unreadable with every key", column=column, **where)
        return
    if stale:
        setattr(row, column, cipher.rotate(ciphertext))
        report.rotated += 1
    else:
        report.current += 1


async def rotate_tokens(session: AsyncSession, *, cipher: TokenCipher) -> RotationReport:
    """Re-encrypt each token (and outgoing-webhook secret) not yet under the newest key; idempotent."""
    report = RotationReport()
    for account in (await session.scalars(select(Account).order_by(Account.id))).all():
        report.accounts += 1
        for column in TOKEN_COLUMNS:
            _rotate(report, account, column, cipher, account_id=account.id)
    endpoints = await session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))
    for endpoint in endpoints.all():
        _rotate(report, endpoint, "secret_enc", cipher, endpoint_id=endpoint.id)
    await session.flush()
    log.info("token keys rotated", **vars(report))
    return report
