"""Writing what Instagram told us (sync, webhooks, our own sends) into the local store, idempotently."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from clipper.accounts.models import Account
from clipper.db import Base, utcnow
from clipper.inbox.models import InboxComment, InboxConversation, InboxMessage


@dataclass(frozen=True)
class MediaDetails:
    """What the inbox shows of a comment's media; None fields are unknown (a stored value is kept)."""

    caption: str | None = None
    permalink: str | None = None
    product_type: str | None = None
    thumbnail_url: str | None = None

    def columns(self) -> dict[str, str]:
        """The known values, as `InboxComment` column names."""
        values = {
            "media_caption": self.caption,
            "media_permalink": self.permalink,
            "media_product_type": self.product_type,
            "media_thumbnail_url": self.thumbnail_url,
        }
        return {name: value for name, value in values.items() if value is not None}


def media_details_of(row: InboxComment) -> MediaDetails | None:
    """The media details a stored comment carries, or None when its media was never read."""
    if row.media_permalink is None:
        return None
    return MediaDetails(
        row.media_caption, row.media_permalink, row.media_product_type, row.media_thumbnail_url
    )


def set_media(row: InboxComment, details: MediaDetails | None) -> None:
    """Give the comment the known media details (keeping the stored ones Instagram did not repeat)."""
    for name, value in (details.columns() if details else {}).items():
        setattr(row, name, value)


@dataclass
class SeenComment:
    """A comment as Instagram described it (Graph read or webhook)."""

    platform_id: str
    media_id: str
    text: str
    parent_id: str | None = None
    author_id: str | None = None
    author_username: str | None = None
    commented_at: datetime | None = None
    hidden: bool | None = None
    media: MediaDetails | None = None


@dataclass
class SeenMessage:
    """A DM as Instagram described it; `text` None means "not readable any more" (keep ours)."""

    platform_id: str
    participant_id: str
    from_account: bool
    sent_at: datetime
    text: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    participant_username: str | None = None


def is_own(account: Account, author_id: str | None, username: str | None) -> bool:
    """True when the account itself wrote it."""
    if author_id and author_id == account.platform_account_id:
        return True
    return bool(username) and username == account.account_username


async def _insert(session: AsyncSession, row: Any) -> bool:
    """Insert in a savepoint; False when a concurrent writer stored the same item first."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


async def find_comment(session: AsyncSession, account_id: int, platform_id: str) -> InboxComment | None:
    """The stored comment with this Instagram id on this account."""
    return await session.scalar(
        select(InboxComment).where(
            InboxComment.account_id == account_id, InboxComment.platform_comment_id == platform_id
        )
    )


async def media_comments(session: AsyncSession, account_id: int, media_id: str) -> dict[str, InboxComment]:
    """The stored comments of one media, by Instagram id (one query for a whole sync of that media)."""
    rows = await session.scalars(
        select(InboxComment).where(InboxComment.account_id == account_id, InboxComment.media_id == media_id)
    )
    return {row.platform_comment_id: row for row in rows}


async def save_comment(
    session: AsyncSession,
    *,
    account: Account,
    seen: SeenComment,
    known: Mapping[str, InboxComment] | None = None,
) -> tuple[InboxComment, bool]:
    """Insert or refresh a comment; True when it is new to us. The account's own replies answer the parent.

    `known` (from `media_comments`) saves the lookup query when many comments of one media are saved.
    """
    own = is_own(account, seen.author_id, seen.author_username)
    if known is not None:
        row = known.get(seen.platform_id)
    else:
        row = await find_comment(session, account.id, seen.platform_id)
    created = row is None
    if row is None:
        candidate = InboxComment(
            account_id=account.id,
            platform_comment_id=seen.platform_id,
            media_id=seen.media_id,
            commented_at=seen.commented_at or utcnow(),
            from_account=own,
            text=seen.text,
        )
        created = await _insert(session, candidate)
        row = candidate if created else await find_comment(session, account.id, seen.platform_id)
        assert row is not None
    row.text = seen.text or row.text
    row.parent_platform_id = seen.parent_id or row.parent_platform_id
    row.author_id = seen.author_id or row.author_id
    row.author_username = seen.author_username or row.author_username
    if seen.commented_at is not None:
        row.commented_at = seen.commented_at
    if seen.hidden is not None:
        row.hidden = seen.hidden
    set_media(row, seen.media)
    row.deleted = False
    if own and row.parent_platform_id:
        await mark_answered(session, account_id=account.id, platform_id=row.parent_platform_id)
    await session.flush()
    return row, created


async def mark_answered(session: AsyncSession, *, account_id: int, platform_id: str) -> None:
    """Mark a comment answered (the account replied to it)."""
    await session.execute(
        update(InboxComment)
        .where(InboxComment.account_id == account_id, InboxComment.platform_comment_id == platform_id)
        .values(answered=True)
        .execution_options(synchronize_session="fetch")
    )


async def find_conversation(
    session: AsyncSession, account_id: int, participant_id: str
) -> InboxConversation | None:
    """The stored conversation of an account with one person."""
    return await session.scalar(
        select(InboxConversation).where(
            InboxConversation.account_id == account_id, InboxConversation.participant_id == participant_id
        )
    )


async def conversation_with(
    session: AsyncSession, *, account: Account, participant_id: str, username: str | None = None
) -> InboxConversation:
    """The conversation with this person, created when it is new."""
    row = await find_conversation(session, account.id, participant_id)
    if row is None:
        candidate = InboxConversation(account_id=account.id, participant_id=participant_id, unread_count=0)
        row = candidate if await _insert(session, candidate) else None
        row = row or await find_conversation(session, account.id, participant_id)
        assert row is not None
    if username:
        row.participant_username = username
    return row


async def _find_message(session: AsyncSession, conversation_id: int, platform_id: str) -> InboxMessage | None:
    return await session.scalar(
        select(InboxMessage).where(
            InboxMessage.conversation_id == conversation_id, InboxMessage.platform_message_id == platform_id
        )
    )


def _bump(conversation: InboxConversation, seen: SeenMessage, *, count_unread: bool) -> None:
    if conversation.last_message_at is None or seen.sent_at >= conversation.last_message_at:
        conversation.last_message_at = seen.sent_at
        conversation.last_message_text = (
            seen.text if seen.text is not None else conversation.last_message_text
        )
    if seen.from_account:
        conversation.unread_count = 0
        return
    latest = conversation.last_user_message_at
    conversation.last_user_message_at = seen.sent_at if latest is None else max(latest, seen.sent_at)
    if count_unread:
        conversation.unread_count += 1


async def save_message(
    session: AsyncSession, *, account: Account, seen: SeenMessage, count_unread: bool = True
) -> tuple[InboxMessage, bool]:
    """Insert a message once (keeping text Instagram no longer shows); True when it is new to us."""
    conversation = await conversation_with(
        session, account=account, participant_id=seen.participant_id, username=seen.participant_username
    )
    row = await _find_message(session, conversation.id, seen.platform_id)
    created = False
    if row is None:
        candidate = InboxMessage(
            conversation_id=conversation.id,
            platform_message_id=seen.platform_id,
            from_account=seen.from_account,
            text=seen.text,
            attachments=seen.attachments,
            sent_at=seen.sent_at,
        )
        created = await _insert(session, candidate)
        row = candidate if created else await _find_message(session, conversation.id, seen.platform_id)
        assert row is not None
    elif seen.text is not None and row.text is None:
        row.text = seen.text
    if created:
        _bump(conversation, seen, count_unread=count_unread)
    await session.flush()
    return row, created


# Rows per INSERT and ids per IN (…): far below SQLite's and asyncpg's bind-parameter limits.
CHUNK = 500


def _chunks(items: Sequence[Any], size: int = CHUNK) -> list[Sequence[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _new_row(account: Account, seen: SeenComment, now: datetime) -> dict[str, Any]:
    return {
        "account_id": account.id,
        "platform_comment_id": seen.platform_id,
        "media_id": seen.media_id,
        "parent_platform_id": seen.parent_id,
        "author_id": seen.author_id,
        "author_username": seen.author_username,
        "text": seen.text,
        "commented_at": seen.commented_at or now,
        "from_account": is_own(account, seen.author_id, seen.author_username),
        "hidden": bool(seen.hidden),
        "answered": False,
        "deleted": False,
        "created_at": now,
        "updated_at": now,
        "media_caption": None,
        "media_permalink": None,
        "media_product_type": None,
        "media_thumbnail_url": None,
    } | (seen.media.columns() if seen.media else {})


async def _insert_new(session: AsyncSession, account: Account, items: Sequence[SeenComment]) -> datetime:
    """INSERT … ON CONFLICT DO NOTHING in multi-row batches; → the `created_at` given to this call's rows.

    No RETURNING: with ON CONFLICT, SQLAlchemy cannot match returned rows to parameters and falls back to
    one statement per row. The rows are read back anyway, and ours carry this exact `created_at`.
    """
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    # On the Table, not the entity: a Core executemany, which SQLAlchemy sends as multi-row INSERTs
    # ("insertmanyvalues"); the ORM's bulk path sends this ON CONFLICT statement one row at a time.
    table = Base.metadata.tables[InboxComment.__tablename__]
    statement = insert(table).on_conflict_do_nothing(index_elements=["account_id", "platform_comment_id"])
    now = utcnow()
    for chunk in _chunks(items):
        await session.execute(statement, [_new_row(account, item, now) for item in chunk])
    return now


async def _rows(
    session: AsyncSession, account_id: int, platform_ids: Sequence[str]
) -> dict[str, InboxComment]:
    found: dict[str, InboxComment] = {}
    for chunk in _chunks(platform_ids):
        query = select(InboxComment).where(
            InboxComment.account_id == account_id, InboxComment.platform_comment_id.in_(chunk)
        )
        found.update({row.platform_comment_id: row for row in await session.scalars(query)})
    return found


def _refresh(row: InboxComment, seen: SeenComment) -> None:
    row.text = seen.text or row.text
    row.parent_platform_id = seen.parent_id or row.parent_platform_id
    row.author_id = seen.author_id or row.author_id
    row.author_username = seen.author_username or row.author_username
    if seen.commented_at is not None:
        row.commented_at = seen.commented_at
    if seen.hidden is not None:
        row.hidden = seen.hidden
    set_media(row, seen.media)
    row.deleted = False


async def set_in_bulk(session: AsyncSession, rows: Sequence[InboxComment], **values: Any) -> None:
    """One UPDATE per 500 rows; the loaded rows take the values without an UPDATE each at the flush.

    (SQLite cannot count the rows of an executemany, so the ORM's flush sends its UPDATEs one by one.)
    """
    for chunk in _chunks(rows):
        await session.execute(
            update(InboxComment)
            .where(InboxComment.id.in_([row.id for row in chunk]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        for row in chunk:
            for name, value in values.items():
                set_committed_value(row, name, value)


async def save_comments(
    session: AsyncSession, *, account: Account, seen: Sequence[SeenComment], known: Mapping[str, InboxComment]
) -> tuple[list[InboxComment], list[InboxComment]]:
    """Insert or refresh many comments with a few statements (not a few per comment); (all, new ones).

    `known` holds the stored rows the items may match (`media_comments`, or `comments_of_media`). Same
    rules as `save_comment`: the account's own replies mark their parent answered.
    """
    unique = list({item.platform_id: item for item in seen}.values())
    missing = [item for item in unique if item.platform_id not in known]
    marker = await _insert_new(session, account, missing) if missing else None
    added = await _rows(session, account.id, [item.platform_id for item in missing])
    inserted = {key for key, row in added.items() if row.created_at == marker}
    rows = {**known, **added}
    answered: set[str] = set()
    for item in unique:
        row = rows[item.platform_id]
        _refresh(row, item)
        if row.from_account and row.parent_platform_id:
            answered.add(row.parent_platform_id)
    await set_in_bulk(
        session,
        [rows[key] for key in sorted(answered & rows.keys()) if not rows[key].answered],
        answered=True,
    )
    for chunk in _chunks(sorted(answered - rows.keys())):
        await session.execute(
            update(InboxComment)
            .where(InboxComment.account_id == account.id, InboxComment.platform_comment_id.in_(chunk))
            .values(answered=True)
            .execution_options(synchronize_session=False)
        )
    await session.flush()
    ordered = [rows[item.platform_id] for item in unique]
    return ordered, [row for row in ordered if row.platform_comment_id in inserted]


async def comments_of_media(
    session: AsyncSession, account_id: int, media_ids: Sequence[str]
) -> dict[str, InboxComment]:
    """The stored comments of many media, by Instagram id (one query per 500 media)."""
    found: dict[str, InboxComment] = {}
    for chunk in _chunks(media_ids):
        query = select(InboxComment).where(
            InboxComment.account_id == account_id, InboxComment.media_id.in_(chunk)
        )
        found.update({row.platform_comment_id: row for row in await session.scalars(query)})
    return found
