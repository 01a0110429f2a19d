"""Processing a stored webhook update: comments, mentions, messages, story insights; the rest is ignored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.db import unit_of_work, utcnow
from clipper.events.hub import EventHub
from clipper.inbox import media as media_details
from clipper.inbox import mentions, moderation, notify, participants, store, webhook_events
from clipper.inbox.models import InboxComment
from clipper.insights import service as insights
from clipper.webhooks.models import EventStatus, WebhookEvent
from clipper.webhooks.service import accounts_for

log = structlog.get_logger(__name__)

COMMENT_FIELDS_NAMES = ("comments", "live_comments")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def seen_comment(payload: dict[str, Any]) -> store.SeenComment | None:
    """The comment in a `comments` payload (`id` or `comment_id`), or None when it names none."""
    comment_id = _text(payload.get("id")) or _text(payload.get("comment_id"))
    media = _object(payload.get("media"))
    media_id = _text(media.get("id")) or _text(payload.get("media_id"))
    if not comment_id or not media_id:
        return None
    author = _object(payload.get("from"))
    return store.SeenComment(
        platform_id=comment_id,
        media_id=media_id,
        text=_text(payload.get("text")) or "",
        parent_id=_text(payload.get("parent_id")),
        author_id=_text(author.get("id")),
        author_username=_text(author.get("username")),
        media=store.MediaDetails(product_type=_text(media.get("media_product_type"))),
    )


def _moment(value: Any) -> datetime:
    """A webhook timestamp (milliseconds since the epoch) as a datetime; now when absent."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000 if value > 10**11 else value, UTC)
    return utcnow()


def seen_message(payload: dict[str, Any]) -> store.SeenMessage | None:
    """The DM in a `messaging[]` item, or None for reactions, reads, deletions and other events."""
    message = payload.get("message")
    if not isinstance(message, dict) or not _text(message.get("mid")) or message.get("is_deleted"):
        return None
    echo = bool(message.get("is_echo"))
    other = payload.get("recipient" if echo else "sender")
    participant = _text(other.get("id")) if isinstance(other, dict) else None
    if not participant:
        return None
    attachments = message.get("attachments")
    return store.SeenMessage(
        platform_id=str(message["mid"]),
        participant_id=participant,
        from_account=echo,
        sent_at=_moment(payload.get("timestamp")),
        text=_text(message.get("text")),
        attachments=[a for a in attachments if isinstance(a, dict)] if isinstance(attachments, list) else [],
    )


@dataclass(frozen=True)
class NewComment:
    """A comment an update stored, still to moderate on Instagram and announce once committed."""

    account: Account
    comment: InboxComment


@dataclass
class Deferred:
    """What updates leave for after their unit of work committed: the Meta calls, made with no transaction
    open (`moderate_and_announce`, `read_mentions`)."""

    comments: list[NewComment] = field(default_factory=list)
    mentions: list[mentions.NotedMention] = field(default_factory=list)


async def _on_comment(
    session: AsyncSession, account: Account, seen: store.SeenComment, later: Deferred
) -> None:
    row, created = await store.save_comment(session, account=account, seen=seen)
    if created:
        await webhook_events.comments_created(session, user_id=account.user_id, comments=[row])
        later.comments.append(NewComment(account, row))


async def _on_mention(
    session: AsyncSession, account: Account, payload: dict[str, Any], later: Deferred
) -> bool:
    """Note the mention (a comment's: `comment_id` + `media_id`; a caption's: `media_id` only)."""
    media_id = _text(payload.get("media_id"))
    if not media_id:
        return False
    comment_id = _text(payload.get("comment_id"))
    noted = await mentions.note_mention(session, account=account, media_id=media_id, comment_id=comment_id)
    if noted is not None:
        later.mentions.append(noted)
    return True


async def _on_message(
    session: AsyncSession, account: Account, seen: store.SeenMessage, hub: EventHub | None
) -> None:
    message, created = await store.save_message(session, account=account, seen=seen)
    if created and not seen.from_account:
        conversation = await store.conversation_with(
            session, account=account, participant_id=seen.participant_id
        )
        arrived = [(conversation, message)]
        await webhook_events.messages_created(session, user_id=account.user_id, arrived=arrived)
        await notify.message_created(hub, user_id=account.user_id, conversation=conversation, message=message)


async def _dispatch(
    session: AsyncSession, event: WebhookEvent, account: Account, hub: EventHub | None, later: Deferred
) -> bool:
    """Apply the update to one account; False when the update is of a kind we ignore."""
    payload = dict(event.payload)
    if event.field in COMMENT_FIELDS_NAMES and (comment := seen_comment(payload)) is not None:
        await _on_comment(session, account, comment, later)
    elif event.field == "mentions":
        return await _on_mention(session, account, payload, later)
    elif event.field == "messages" and (message := seen_message(payload)) is not None:
        await _on_message(session, account, message, hub)
    elif event.field == "story_insights" and _text(payload.get("media_id")):
        values = {k: v for k, v in payload.items() if k != "media_id"}
        await insights.record_story_insights(
            session, account=account, media_id=str(payload["media_id"]), values=values
        )
    else:
        return False
    return True


async def process_event(
    session: AsyncSession, *, event_id: int, later: Deferred, hub: EventHub | None = None
) -> WebhookEvent | None:
    """Apply a stored update to every account it concerns; idempotent, and a no-op once processed.

    Nothing here calls Meta: new comments and mentions are only stored and collected in `later`, for
    `moderate_and_announce` and `read_mentions` to run once this unit of work committed.
    """
    event = await session.get(WebhookEvent, event_id)
    if event is None or event.status is not EventStatus.PENDING:
        return event
    event.attempts += 1
    handled = False
    for account in await accounts_for(session, event.ig_user_id):
        handled = await _dispatch(session, event, account, hub, later) or handled
    event.status = EventStatus.PROCESSED if handled else EventStatus.IGNORED
    event.processed_at = utcnow()
    await session.flush()
    return event


async def read_mentions(
    factory: async_sessionmaker[AsyncSession],
    noted: Sequence[mentions.NotedMention],
    *,
    access: AccountGraph,
    hub: EventHub | None,
) -> None:
    """Read and store the content of committed mentions, each on its own (a failure keeps its ids)."""
    for item in noted:
        try:
            await mentions.fill_mention(factory, item, access=access, hub=hub)
        except Exception as exc:
            log.warning("mention not read", account_id=item.account.id, error_type=type(exc).__name__)


async def moderate_and_announce(
    factory: async_sessionmaker[AsyncSession],
    new: Sequence[NewComment],
    *,
    access: AccountGraph,
    hub: EventHub | None,
) -> None:
    """Run each account's rules on its committed new comments (Meta first, then one short unit of work
    for the audit trail), then announce the comments as they now are (hidden or not)."""
    by_account: dict[int, list[NewComment]] = {}
    for item in new:
        by_account.setdefault(item.account.id, []).append(item)
    for items in by_account.values():
        account, comments = items[0].account, [item.comment for item in items]
        async with factory() as session:  # a read: no write lock is held while Meta is called
            rules = list(await moderation.rules_of(session, account_id=account.id))
        if rules:
            await moderation.moderate_stored(
                factory, account=account, comments=comments, rules=rules, access=access
            )
        for comment in comments:
            await notify.comment_created(hub, user_id=account.user_id, comment=comment)


@dataclass(frozen=True)
class Filled:
    """What `fill_details` learned for one account (announced to its UIs once committed)."""

    user_id: int
    account_id: int
    named: bool
    media_ids: list[str]


@dataclass(frozen=True)
class Wanted:
    """What a delivery's processed updates left unknown for one IG account: DM people, comments' media."""

    ig_user_id: str
    people: list[str]
    media_ids: list[str]

    def parts(self) -> list[Wanted]:
        """The people, then the media: each is read from Meta and stored in a transaction of its own."""
        people = [Wanted(self.ig_user_id, self.people, [])] if self.people else []
        return people + ([Wanted(self.ig_user_id, [], self.media_ids)] if self.media_ids else [])


async def wanted_details(session: AsyncSession, *, event_ids: Sequence[int]) -> list[Wanted]:
    """Who and which media these updates named, by IG account (read only)."""
    events = await session.scalars(
        select(WebhookEvent).where(
            WebhookEvent.id.in_(list(event_ids)), WebhookEvent.status == EventStatus.PROCESSED
        )
    )
    people: dict[str, list[str]] = {}
    media: dict[str, list[str]] = {}
    for event in events:
        payload = dict(event.payload)
        if event.field == "messages" and (message := seen_message(payload)) is not None:
            people.setdefault(event.ig_user_id, []).append(message.participant_id)
        elif event.field in COMMENT_FIELDS_NAMES and (comment := seen_comment(payload)) is not None:
            media.setdefault(event.ig_user_id, []).append(comment.media_id)
    return [
        Wanted(ig_user_id, people.get(ig_user_id, []), sorted(set(media.get(ig_user_id, []))))
        for ig_user_id in sorted(people.keys() | media.keys())
    ]


async def fill_account(
    factory: async_sessionmaker[AsyncSession], *, account_id: int, wanted: Wanted, access: AccountGraph
) -> Filled | None:
    """Read what `wanted` names and this account lacks (one batched read per kind), and store it.

    Only the people and media the updates named, so nothing is read again on later page views. What is
    missing is read in a session closed before Meta is asked; what Meta answered is then stored in one
    short unit of work, on the rows that still lack it.
    """
    async with factory() as session:
        account = await session.get(Account, account_id)
        if account is None:
            return None
        people = await participants.to_name(session, account_id=account_id, participant_ids=wanted.people)
        lacking = await media_details.lacking(session, account_id=account_id, media_ids=wanted.media_ids)
    if not people and not lacking.comments:
        return None
    learned = await participants.read_usernames(account=account, participant_ids=people, access=access)
    read = await media_details.read_media(account=account, media_ids=lacking.unknown(), access=access)
    async with unit_of_work(factory) as session:
        named = bool(learned) and bool(
            await participants.store_usernames(session, account_id=account_id, learned=learned)
        )
        media_ids = wanted.media_ids if lacking.comments else []
        if media_ids and not await media_details.store_media(
            session, account_id=account_id, media_ids=media_ids, read=read
        ):
            media_ids = []
    return Filled(account.user_id, account.id, named, media_ids) if named or media_ids else None


async def announce(hub: EventHub | None, filled: Sequence[Filled]) -> None:
    """Tell the accounts' open UIs to re-read what `fill_details` filled (call after the commit)."""
    for item in filled:
        if item.named:
            await notify.conversations_updated(hub, user_id=item.user_id, account_id=item.account_id)
        if item.media_ids:
            await notify.comments_updated(
                hub, user_id=item.user_id, account_id=item.account_id, media_ids=item.media_ids
            )
