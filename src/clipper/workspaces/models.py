"""Workspaces, their members (one role each) and the invitations that bring new members in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from clipper.db import Base, UTCDateTime, str_enum, utcnow
from clipper.workspaces.roles import Role

ROLE_TYPE = str_enum(Role, "workspace_role", length=16)


class Workspace(Base):
    """A shared space that owns accounts, clips, posts…; `personal_user_id` marks a user's own one."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Set on the workspace every user gets at sign-up (one each); it cannot be deleted.
    personal_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())

    @property
    def personal(self) -> bool:
        """Whether this is a user's personal workspace."""
        return self.personal_user_id is not None

    def __repr__(self) -> str:
        return f"Workspace(id={self.id!r}, personal={self.personal!r})"


class WorkspaceMember(Base):
    """A user's membership of a workspace, with their role in it."""

    __tablename__ = "workspace_members"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(ROLE_TYPE)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())

    def __repr__(self) -> str:
        return f"WorkspaceMember(workspace_id={self.workspace_id!r}, user_id={self.user_id!r})"


class WorkspaceInvitation(Base):
    """A one-time invitation link: only the token's SHA-256 hash is stored."""

    __tablename__ = "workspace_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(ROLE_TYPE)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Where the link was mailed, when SMTP is configured and the inviter gave an address.
    email: Mapped[str | None] = mapped_column(String(320))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"WorkspaceInvitation(id={self.id!r}, workspace_id={self.workspace_id!r})"


# The tables whose rows a user owns today: each new row goes to its owner's personal workspace, so the
# column is filled from the start when routers move from `user_id` to workspaces (the next step).
OWNED_TABLES = frozenset(
    {"accounts", "clips", "social_posts", "webhook_endpoints", "hashtag_group", "account_queues"}
)


@event.listens_for(Session, "before_flush")
def _into_personal_workspace(session: Session, _context: object, _instances: object) -> None:
    for row in session.new:
        if getattr(row, "__tablename__", None) not in OWNED_TABLES:
            continue
        if row.workspace_id is None and row.user_id is not None:
            # A subquery, not a lookup: no extra statement (the attribute is expired after the flush).
            row.workspace_id = (
                select(Workspace.id).where(Workspace.personal_user_id == row.user_id).scalar_subquery()
            )
