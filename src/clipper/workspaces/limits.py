"""How big a workspace and a person's set of workspaces may grow, and the checks that keep them so."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.errors import Conflict
from clipper.workspaces.models import WorkspaceInvitation, WorkspaceMember

MAX_WORKSPACES_PER_USER = 20
MAX_MEMBERS = 100
MAX_PENDING_INVITATIONS = 50


async def ensure_room_for_another_workspace(session: AsyncSession, *, user_id: int) -> None:
    """Conflict when the user already belongs to as many workspaces as one may."""
    count = await session.scalar(select(func.count()).where(WorkspaceMember.user_id == user_id))
    if (count or 0) >= MAX_WORKSPACES_PER_USER:
        raise Conflict(
            f"You belong to {MAX_WORKSPACES_PER_USER} workspaces, the most one person may: leave one first."
        )


async def ensure_room_for_a_member(session: AsyncSession, *, workspace_id: int) -> None:
    """Conflict when the workspace has as many members as one may."""
    count = await session.scalar(select(func.count()).where(WorkspaceMember.workspace_id == workspace_id))
    if (count or 0) >= MAX_MEMBERS:
        raise Conflict(f"This workspace has {MAX_MEMBERS} members, the most it may: remove one first.")


async def ensure_room_for_an_invitation(session: AsyncSession, *, workspace_id: int) -> None:
    """Conflict when the workspace is full, or has as many pending invitations as it may."""
    await ensure_room_for_a_member(session, workspace_id=workspace_id)
    count = await session.scalar(
        select(func.count()).select_from(WorkspaceInvitation).where(*pending(workspace_id))
    )
    if (count or 0) >= MAX_PENDING_INVITATIONS:
        raise Conflict(
            f"This workspace has {MAX_PENDING_INVITATIONS} pending invitations, the most it may: "
            "revoke some, or wait for them to be used or to expire."
        )


def pending(workspace_id: int) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a workspace's invitations that can still be used."""
    return (
        WorkspaceInvitation.workspace_id == workspace_id,
        WorkspaceInvitation.used_at.is_(None),
        WorkspaceInvitation.revoked_at.is_(None),
        WorkspaceInvitation.expires_at > utcnow(),
    )
