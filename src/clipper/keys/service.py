"""Re-encrypt every stored token under the newest key (`clipper keys rotate`)."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
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


async def rotate_tokens(session: AsyncSession, *, cipher: TokenCipher) -> RotationReport:
    """Re-encrypt each token not yet under the newest key; running it twice changes nothing."""
    report = RotationReport()
    for account in (await session.scalars(select(Account).order_by(Account.id))).all():
        report.accounts += 1
        for column in TOKEN_COLUMNS:
            ciphertext = getattr(account, column)
            if not ciphertext:
                continue
            try:
                stale = cipher.needs_rotation(ciphertext)
            except TokenDecryptError:
                report.unreadable += 1
                log.warning("stored token unreadable with every key", account_id=account.id, column=column)
                continue
            if stale:
                setattr(account, column, cipher.rotate(ciphertext))
                report.rotated += 1
            else:
                report.current += 1
    await session.flush()
    log.info("token keys rotated", **vars(report))
    return report
