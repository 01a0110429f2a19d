"""The `clips` table: one uploaded (or derived) image or video file."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Float, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clipper.db import Base, JSONType, TimestampMixin, str_enum

if TYPE_CHECKING:
    from clipper.users.models import User


class ClipKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class ClipStatus(StrEnum):
    READY = "ready"
    PROCESSING = "processing"
    FAILED = "failed"


class Clip(TimestampMixin, Base):
    """A media file in a user's library, with what probing found out about it."""

    __tablename__ = "clips"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Filled with the owner's personal workspace (clipper.workspaces.ownership) until ownership moves.
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    title: Mapped[str] = mapped_column(String(255), default="", server_default="")
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(512), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ClipKind] = mapped_column(str_enum(ClipKind, "clip_kind", length=16))
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    fps: Mapped[float | None] = mapped_column(Float)
    video_codec: Mapped[str | None] = mapped_column(String(32))
    audio_codec: Mapped[str | None] = mapped_column(String(32))
    has_audio: Mapped[bool] = mapped_column(default=False, server_default=false())
    rotation: Mapped[int] = mapped_column(default=0, server_default="0")
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    checksum_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    probe: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")
    # Lineage of derived files (conform, trim): the source may be deleted, the copy stays.
    parent_clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ClipStatus] = mapped_column(
        str_enum(ClipStatus, "clip_status", length=16), default=ClipStatus.READY, server_default="ready"
    )
    progress: Mapped[int] = mapped_column(default=0, server_default="0")
    error_message: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="raise")
    parent: Mapped[Clip | None] = relationship(remote_side=[id], lazy="raise")

    def __repr__(self) -> str:
        return f"Clip(id={self.id!r}, kind={self.kind!r}, status={self.status!r})"
