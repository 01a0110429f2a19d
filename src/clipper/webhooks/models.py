"""The `webhook_event` table: every update Meta delivered, once (deliveries repeat)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clipper.db import Base, JSONType, str_enum


class EventStatus(StrEnum):
    PENDING = "pending"
    PROCESSED = "processed"
    IGNORED = "ignored"
    FAILED = "failed"


class WebhookEvent(Base):
    """One update of a delivery (a `changes[]` item, a `messaging[]` item or a flat entry)."""

    __tablename__ = "webhook_event"
    __table_args__ = (Index("ix_webhook_event_status_received_at", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the update's canonical JSON: a repeated delivery maps to the same row.
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    object: Mapped[str] = mapped_column(String(32))
    ig_user_id: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[EventStatus] = mapped_column(
        str_enum(EventStatus, "webhook_event_status", length=16), default=EventStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
