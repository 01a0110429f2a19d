"""The `accounts` table: the seed's columns plus what health checks and page tokens need."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clipper.db import Base, JSONType, UTCDateTime, utcnow

if TYPE_CHECKING:
    from clipper.users.models import User


class AccountHealth(StrEnum):
    HEALTHY = "healthy"
    EXPIRING = "expiring"
    RECONNECT_REQUIRED = "reconnect_required"
    PERMISSION_MISSING = "permission_missing"


class LoginFlavour(StrEnum):
    """How an account was connected, which decides its Graph host, token and permission names.

    FACEBOOK: Facebook Login, through the linked Page, a Page token, graph.facebook.com.
    INSTAGRAM: Instagram Login, no Page, an Instagram user token, graph.instagram.com.
    """

    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"


class Account(Base):
    """A connected Instagram professional account; tokens are Fernet-encrypted, never plaintext."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("user_id", "platform", "platform_account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Filled with the owner's personal workspace (clipper.workspaces.ownership) until ownership moves.
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id"), index=True)
    platform: Mapped[str] = mapped_column(String(50))
    login_flavour: Mapped[str] = mapped_column(
        String(16), default=LoginFlavour.FACEBOOK, server_default=LoginFlavour.FACEBOOK.value
    )
    account_username: Mapped[str | None] = mapped_column(String(255))
    access_token_enc: Mapped[str | None] = mapped_column(Text)
    refresh_token_enc: Mapped[str | None] = mapped_column(Text)
    token_expires_at: Mapped[datetime | None]
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Page id/name, Facebook user id, profile data. Never a token: those have their own columns.
    meta_info: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default="{}")
    platform_account_id: Mapped[str] = mapped_column(String(64), index=True)
    page_access_token_enc: Mapped[str | None] = mapped_column(Text)
    granted_permissions: Mapped[list[str]] = mapped_column(JSONType, default=list, server_default="[]")
    health_status: Mapped[str] = mapped_column(
        String(32), default=AccountHealth.HEALTHY, server_default=AccountHealth.HEALTHY.value
    )
    health_reason: Mapped[str | None] = mapped_column(Text)
    last_checked_at: Mapped[datetime | None]
    # The IG profile as of the last connect or health check (no Graph call when the UI lists accounts).
    followers_count: Mapped[int | None] = mapped_column(Integer)
    media_count: Mapped[int | None] = mapped_column(Integer)
    profile_picture_url: Mapped[str | None] = mapped_column(Text)
    profile_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    user: Mapped[User] = relationship(lazy="raise")

    def __repr__(self) -> str:
        # Deliberately short: the encrypted tokens stay out of reprs and logs.
        return f"Account(id={self.id!r}, platform={self.platform!r}, username={self.account_username!r})"
