"""Usernames of DM participants that webhooks name only by IGSID, read once from the conversations API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.graph import AccountGraph, messaging_node
from clipper.accounts.models import Account
from clipper.accounts.permissions import MANAGE_MESSAGES
from clipper.errors import ClipperError
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


@dataclass(frozen=True)
class Learned:
    """A participant's username, and the thread id the answer carried."""

    username: str
    conversation_id: str


def _learn(participant_id: str, body: object, account: Account) -> Learned | None:
    """The participant's username (and the thread id) in an answer of the conversations edge."""
    items = body.get("data") if isinstance(body, dict) else None
    for item in items if isinstance(items, list) else []:
        conversation = Conversation.model_validate(item)
        people = conversation.participants.data if conversation.participants else []
        person = next((p for p in people if p.id == participant_id and p.username), None)
        if person is not None and person.username and person.id != account.platform_account_id:
            return Learned(person.username, conversation.id)
    return None


async def to_name(session: AsyncSession, *, account_id: int, participant_ids: Sequence[str]) -> list[str]:
    """Those of these people whose thread with the account has no username yet (a read)."""
    return [row.participant_id for row in await unnamed(session, account_id, participant_ids)]


async def read_usernames(
    *, account: Account, participant_ids: Sequence[str], access: AccountGraph
) -> dict[str, Learned]:
    """Ask Meta for these people's usernames in one batch call (call it with no transaction open).

    Only the threads a webhook job just touched, so each unnamed one is looked up once per new message,
    never on a page view. Best effort: a Graph error is logged and nothing is learned (the UI falls
    back to the IGSID).
    """
    if not participant_ids:
        return {}
    try:
        client = access.client(account, MANAGE_MESSAGES)
        page = messaging_node(account)
        answers = await client.batch([_lookup(page, person) for person in participant_ids])
    except (ClipperError, InstagramGraphAPIError) as exc:
        log.warning("participant lookup failed", account_id=account.id, error_type=type(exc).__name__)
        return {}
    learned = {
        person: _learn(person, answer.body, account) if answer.ok else None
        for person, answer in zip(participant_ids, answers, strict=True)
    }
    return {person: found for person, found in learned.items() if found is not None}


async def store_usernames(session: AsyncSession, *, account_id: int, learned: dict[str, Learned]) -> int:
    """Name the threads that are still unnamed with what Meta answered; → how many were named."""
    rows = await unnamed(session, account_id, list(learned))
    for row in rows:
        found = learned[row.participant_id]
        row.participant_username = found.username
        row.platform_conversation_id = row.platform_conversation_id or found.conversation_id
    await session.flush()
    return len(rows)
