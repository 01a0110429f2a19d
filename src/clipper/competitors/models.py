"""Tracked competitors of a connected account, and their daily figures beside the account's own."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clipper.db import Base, UTCDateTime, utcnow

# The `subject` of the account's own snapshots: "@" never appears in an Instagram username.
OWN_SUBJECT = "@self"


class Competitor(Base):
    """A public professional account one of our accounts benchmarks itself against."""

    __tablename__ = "competitors"
    __table_args__ = (UniqueConstraint("account_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    # Lower-cased: Instagram usernames are case-insensitive.
    username: Mapped[str] = mapped_column(String(30))
    ig_user_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(255))
    profile_picture_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the daily job last tried it (success or not), and what went wrong the last time.
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"Competitor(id={self.id!r}, account_id={self.account_id!r}, username={self.username!r})"


class CompetitorSnapshot(Base):
    """One day's figures of a competitor (`subject` = its username) or of the account itself (`@self`)."""

    __tablename__ = "competitor_snapshots"
    __table_args__ = (UniqueConstraint("account_id", "subject", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(31))
    day: Mapped[date]
    followers_count: Mapped[int | None] = mapped_column(BigInteger)
    media_count: Mapped[int | None] = mapped_column(Integer)
    # Averages over the recent posts read; likes only over posts whose owner shows them (None: none did).
    avg_likes: Mapped[float | None] = mapped_column(Float)
    avg_comments: Mapped[float | None] = mapped_column(Float)
    posts_sampled: Mapped[int] = mapped_column(Integer, default=0)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return (
            f"CompetitorSnapshot(account_id={self.account_id!r}, subject={self.subject!r}, day={self.day!r})"
        )
