"""Usernames of DM participants that webhooks name only by IGSID, read once from the conversations API."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.errors import ClipperError
from clipper.inbox.access import MANAGE_MESSAGES, GraphAccess, client_for, page_id
from clipper.inbox.models import InboxConversation
from clipper.instagram import BatchRequest, InstagramGraphAPIError
from clipper.instagram.schemas import Conversation

log = structlog.get_logger(__name__)

# One batch call's worth; the rest wait for their next message (or the backfill, which reads them all).
MAX_LOOKUPS = 50


async def unnamed(
    session: AsyncSession, account_id: int, participant_ids: Sequence[str]
) -> list[InboxConversation]:
    """Those of the account's threads with these people whose username is unknown, most recent first."""
    query = (
        select(InboxConversation)
        .where(
            InboxConversation.account_id == account_id,
            InboxConversation.participant_id.in_(list(participant_ids)[:MAX_LOOKUPS]),
            InboxConversation.participant_username.is_(None),
        )
        .order_by(InboxConversation.last_message_at.desc(), InboxConversation.id.desc())
    )
    return list((await session.scalars(query)).all())


def _lookup(page: str, participant_id: str) -> BatchRequest:
    query = urlencode({"platform": "instagram", "user_id": participant_id, "fields": "id,participants"})
    return BatchRequest(f"{page}/conversations?{query}")


def _learn(row: InboxConversation, body: object, account: Account) -> bool:
    """Take the participant's username (and the thread id) from an answer of the conversations edge."""
    items = body.get("data") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else []:
        conversation = Conversation.model_validate(item)
        people = conversation.participants.data if conversation.participants else []
        person = next((p for p in people if p.id == row.participant_id and p.username), None)
        if person is not None and person.id != account.platform_account_id:
            row.participant_username = person.username
            row.platform_conversation_id = row.platform_conversation_id or conversation.id
            return True
    return False


async def fill_usernames(
    session: AsyncSession, *, account: Account, participant_ids: Sequence[str], access: GraphAccess
) -> int:
    """Read the unknown usernames of these people's threads in one batch call; → how many were found.

    Only the threads a webhook job just touched, so each unnamed one is looked up once per new message,
    never on a page view. Best effort: a Graph error is logged and the rows stay unnamed (the UI falls
    back to the IGSID).
    """
    rows = await unnamed(session, account.id, participant_ids)
    if not rows:
        return 0
    try:
        client = client_for(account, MANAGE_MESSAGES, access=access)
        page = page_id(account)
        answers = await client.batch([_lookup(page, row.participant_id) for row in rows])
    except (ClipperError, InstagramGraphAPIError) as exc:
        log.warning("participant lookup failed", account_id=account.id, error_type=type(exc).__name__)
        return 0
    found = sum(
        _learn(row, answer.body, account) for row, answer in zip(rows, answers, strict=True) if answer.ok
    )
    await session.flush()
    return found
