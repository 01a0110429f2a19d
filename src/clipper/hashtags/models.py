"""Hashtag tables: which hashtags each account searched and when (Meta's weekly limit), saved groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clipper.db import Base, JSONType, TimestampMixin


class HashtagSearch(TimestampMixin, Base):
    """One hashtag an account queried on Instagram: `counted_at` opens its 7-day slot of the 30.

    A query of the same hashtag within those 7 days neither counts again nor moves `counted_at`, as on
    Meta; once they have passed, the next query counts anew and moves it.
    """

    __tablename__ = "hashtag_search"
    __table_args__ = (
        UniqueConstraint("account_id", "hashtag"),
        Index("ix_hashtag_search_account_id_counted_at", "account_id", "counted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    hashtag: Mapped[str] = mapped_column(String(100))  # lower case, without '#'
    # Static and global on Meta: kept so later reads need no second search.
    hashtag_id: Mapped[str] = mapped_column(String(64))
    counted_at: Mapped[datetime]
    last_searched_at: Mapped[datetime]


class HashtagGroup(TimestampMixin, Base):
    """A named set of hashtags a user saves to insert into captions."""

    __tablename__ = "hashtag_group"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Filled with the owner's personal workspace (clipper.workspaces.ownership) until ownership moves.
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    hashtags: Mapped[list[str]] = mapped_column(JSONType, default=list)
