"""Workspaces and their members: create, rename, delete, list, change a role, remove, leave.

Invitations are made and accepted in `invitations`; who may do what is decided in `access` (one place).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import Base, load_models
from clipper.errors import Conflict, NotFound
from clipper.users.models import User
from clipper.workspaces.access import (
    WorkspaceAccess,
    authorize,
    create_personal_workspace,
    personal_access,
    workspace_id_from_header,
)
from clipper.workspaces.invitations import (
    InvitationGone,
    IssuedInvitation,
    accept_invitation,
    create_invitation,
    list_invitations,
    preview_invitation,
    revoke_invitation,
)
from clipper.workspaces.limits import MAX_MEMBERS, MAX_WORKSPACES_PER_USER, ensure_room_for_another_workspace
from clipper.workspaces.models import Workspace, WorkspaceMember
from clipper.workspaces.roles import Action, Role

__all__ = [
    "Action",
    "InvitationGone",
    "IssuedInvitation",
    "Member",
    "MyWorkspace",
    "WorkspaceAccess",
    "accept_invitation",
    "authorize",
    "change_role",
    "create_invitation",
    "create_personal_workspace",
    "create_workspace",
    "delete_workspace",
    "leave_workspace",
    "list_invitations",
    "list_members",
    "list_my_workspaces",
    "personal_access",
    "preview_invitation",
    "Role",
    "remove_member",
    "rename_workspace",
    "revoke_invitation",
    "workspace_id_from_header",
]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class MyWorkspace:
    """A workspace as one member sees it: with their role."""

    id: int
    name: str
    personal: bool
    role: Role
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    email: str
    role: Role
    joined_at: datetime


def _mine(access: WorkspaceAccess) -> MyWorkspace:
    workspace = access.workspace
    return MyWorkspace(workspace.id, workspace.name, workspace.personal, access.role, workspace.created_at)


async def list_my_workspaces(session: AsyncSession, *, user: User) -> list[MyWorkspace]:
    """The caller's workspaces with their role in each, their personal one first (created if missing)."""
    await personal_access(session, user=user)
    rows = await session.execute(
        select(Workspace, WorkspaceMember.role)
        .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
        .where(WorkspaceMember.user_id == user.id)
        .order_by(Workspace.personal_user_id.is_(None), Workspace.id)
        .limit(MAX_WORKSPACES_PER_USER + 1)
    )
    return [MyWorkspace(ws.id, ws.name, ws.personal, role, ws.created_at) for ws, role in rows]


def describe(access: WorkspaceAccess) -> MyWorkspace:
    """The workspace the caller acts in, as they see it."""
    return _mine(access)


async def create_workspace(session: AsyncSession, *, user: User, name: str) -> MyWorkspace:
    """Create a workspace with the caller as its owner."""
    await personal_access(session, user=user)
    await ensure_room_for_another_workspace(session, user_id=user.id)
    workspace = Workspace(name=name)
    session.add(workspace)
    await session.flush()
    member = WorkspaceMember(workspace_id=workspace.id, user_id=user.id, role=Role.OWNER)
    session.add(member)
    await session.flush()
    log.info("workspace created", workspace_id=workspace.id, user_id=user.id)
    return _mine(WorkspaceAccess(user=user, workspace=workspace, member=member))


async def rename_workspace(session: AsyncSession, *, access: WorkspaceAccess, name: str) -> MyWorkspace:
    """Rename the workspace."""
    access.workspace.name = name
    await session.flush()
    return _mine(access)


async def delete_workspace(session: AsyncSession, *, access: WorkspaceAccess) -> None:
    """Delete a shared workspace that owns no data (members and invitations go with it)."""
    workspace = access.workspace
    if workspace.personal:
        raise Conflict("A personal workspace cannot be deleted: it goes only with its user.")
    if await _owns_data(session, workspace_id=workspace.id):
        raise Conflict("This workspace still owns accounts, clips or posts: delete or move them first.")
    await session.execute(delete(Workspace).where(Workspace.id == workspace.id))
    log.info("workspace deleted", workspace_id=workspace.id, user_id=access.user.id)


async def _owns_data(session: AsyncSession, *, workspace_id: int) -> bool:
    # Every table that points at workspaces, found from the schema so a new owned table is never missed.
    load_models()
    for table in Base.metadata.sorted_tables:
        column = table.columns.get("workspace_id")
        if table.name.startswith("workspace") or column is None:
            continue
        if await session.scalar(select(exists().where(column == workspace_id))):
            return True
    return False


async def list_members(session: AsyncSession, *, access: WorkspaceAccess) -> list[Member]:
    """The workspace's members with their emails and roles, oldest first."""
    rows = await session.execute(
        select(WorkspaceMember, User.email)
        .join(User, User.id == WorkspaceMember.user_id)
        .where(WorkspaceMember.workspace_id == access.workspace.id)
        .order_by(WorkspaceMember.id)
        .limit(MAX_MEMBERS)
    )
    return [Member(member.user_id, email, member.role, member.joined_at) for member, email in rows]


async def _member(session: AsyncSession, *, access: WorkspaceAccess, user_id: int) -> WorkspaceMember:
    member = await session.scalar(
        select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == access.workspace.id, WorkspaceMember.user_id == user_id
        )
    )
    if member is None:
        raise NotFound("No such member in this workspace: list them with GET .../members.")
    return member


async def change_role(session: AsyncSession, *, access: WorkspaceAccess, user_id: int, role: Role) -> Member:
    """Give a member another role; only an owner makes or unmakes owners, and the last owner stays."""
    member = await _member(session, access=access, user_id=user_id)
    if Role.OWNER in (member.role, role):
        access.check(Action.OWNERS_MANAGE)
    if member.role is Role.OWNER and role is not Role.OWNER:
        await _keep_an_owner(session, access=access, member=member)
    member.role = role
    await session.flush()
    email = await session.scalar(select(User.email).where(User.id == user_id))
    log.info("workspace role changed", workspace_id=access.workspace.id, user_id=user_id, role=role.value)
    return Member(member.user_id, email or "", member.role, member.joined_at)


async def remove_member(session: AsyncSession, *, access: WorkspaceAccess, user_id: int) -> None:
    """Remove a member: their sessions and tokens lose access to this workspace at the next request."""
    member = await _member(session, access=access, user_id=user_id)
    if member.role is Role.OWNER:
        access.check(Action.OWNERS_MANAGE)
    await _drop(session, access=access, member=member)


async def leave_workspace(session: AsyncSession, *, access: WorkspaceAccess) -> None:
    """Leave the workspace (not a personal one's own user, nor its last owner)."""
    await _drop(session, access=access, member=access.member)


async def _drop(session: AsyncSession, *, access: WorkspaceAccess, member: WorkspaceMember) -> None:
    if member.role is Role.OWNER:
        await _keep_an_owner(session, access=access, member=member)
    await session.delete(member)
    await session.flush()
    log.info("workspace member removed", workspace_id=access.workspace.id, user_id=member.user_id)


async def _keep_an_owner(session: AsyncSession, *, access: WorkspaceAccess, member: WorkspaceMember) -> None:
    if access.workspace.personal_user_id == member.user_id:
        raise Conflict("A personal workspace's own user stays its owner.")
    # Locked (on PostgreSQL), so two owners demoting each other at once cannot leave none.
    owners = await session.scalars(
        select(WorkspaceMember.id)
        .where(WorkspaceMember.workspace_id == access.workspace.id, WorkspaceMember.role == Role.OWNER)
        .with_for_update()
    )
    if len(owners.all()) <= 1:
        raise Conflict("This is the workspace's last owner: make another member an owner first.")
