"""Stored insights: one row per account, metric and day, and the latest lifetime numbers of each media."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clipper.db import Base, JSONType, UTCDateTime, utcnow


class InsightSnapshot(Base):
    """One day's value of one account metric, kept after Meta's 90-day window has moved on."""

    __tablename__ = "insight_snapshots"
    __table_args__ = (UniqueConstraint("account_id", "metric", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(64))
    day: Mapped[date]
    value: Mapped[int | None] = mapped_column(BigInteger)
    # Per-hour numbers of `online_followers` ("0".."23").
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"InsightSnapshot(account_id={self.account_id!r}, metric={self.metric!r}, day={self.day!r})"


class MediaInsightSnapshot(Base):
    """The latest lifetime numbers of one media (stories keep theirs after Meta forgets them at 24 h)."""

    __tablename__ = "media_insight_snapshots"
    __table_args__ = (UniqueConstraint("account_id", "media_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[str] = mapped_column(String(64))
    media_product_type: Mapped[str] = mapped_column(String(16))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    permalink: Mapped[str | None] = mapped_column(String(512))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # "graph" (read by us) or "webhook" (Meta's story_insights event).
    source: Mapped[str] = mapped_column(String(16))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"MediaInsightSnapshot(account_id={self.account_id!r}, media_id={self.media_id!r})"
