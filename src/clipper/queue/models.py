"""The `account_queues` and `queue_slots` tables: an account's queue settings and its weekly slots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column

from clipper.db import Base, UTCDateTime, utcnow


class AccountQueue(Base):
    """An account's queue: its IANA time zone (the slots' wall clock) and whether it is paused."""

    __tablename__ = "account_queues"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Filled with the owner's personal workspace (clipper.workspaces.ownership) until ownership moves.
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"AccountQueue(account_id={self.account_id!r}, paused={self.paused!r})"


class QueueSlot(Base):
    """A weekly time slot: weekday (0 = Monday) and minute of the day, on the account's wall clock."""

    __tablename__ = "queue_slots"
    __table_args__ = (
        UniqueConstraint("account_id", "weekday", "minute"),
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("minute >= 0 AND minute < 1440", name="minute_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    minute: Mapped[int]

    def __repr__(self) -> str:
        return f"QueueSlot(account_id={self.account_id!r}, weekday={self.weekday!r}, minute={self.minute!r})"
