"""Who may do what where: the one check every workspace-scoped request passes through.

Membership and role are read from the database on every request, so a removed member (or one whose
role changed) is refused at once, whatever credential they hold: a session, a bearer token, an API token.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.errors import Forbidden, InvalidInput, NotFound
from clipper.inputs import MAX_DB_ID
from clipper.users.models import User
from clipper.workspaces.models import Workspace, WorkspaceMember
from clipper.workspaces.roles import Action, Role, allows

WORKSPACE_HEADER = "X-Workspace-Id"
PERSONAL_NAME = "Personal"
_NO_SUCH_WORKSPACE = "No such workspace among yours: list them with GET /api/v1/workspaces."


@dataclass(frozen=True, slots=True)
class WorkspaceAccess:
    """The caller, the workspace the request acts in, and their membership (role) there."""

    user: User
    workspace: Workspace
    member: WorkspaceMember

    @property
    def role(self) -> Role:
        return self.member.role

    def check(self, action: Action) -> None:
        """Raise Forbidden, naming the role and the action, unless the role allows `action`."""
        if not allows(self.role, action):
            raise Forbidden(
                f"Your role in this workspace is {self.role.value}, which does not allow {action.value}: "
                "ask an owner or an admin (docs/workspaces.md lists who may do what)."
            )


def workspace_id_from_header(value: str | None) -> int | None:
    """The workspace id an `X-Workspace-Id` header names, None without one; InvalidInput when malformed."""
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_DB_ID):
        raise InvalidInput(f"{WORKSPACE_HEADER} must be a workspace id (a positive integer).")
    return int(value)


async def authorize(
    session: AsyncSession, *, user: User, workspace_id: int | None, action: Action
) -> WorkspaceAccess:
    """The caller's access to `workspace_id` (their personal workspace when None), allowed to `action`.

    A workspace the caller is not a member of is a 404, as if it did not exist.
    """
    if workspace_id is None:
        access = await personal_access(session, user=user)
    else:
        found = await _membership(session, user=user, workspace_id=workspace_id)
        if found is None:
            raise NotFound(_NO_SUCH_WORKSPACE)
        access = found
    access.check(action)
    return access


async def _membership(session: AsyncSession, *, user: User, workspace_id: int) -> WorkspaceAccess | None:
    row = (
        await session.execute(
            select(Workspace, WorkspaceMember)
            .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
            .where(Workspace.id == workspace_id, WorkspaceMember.user_id == user.id)
        )
    ).first()
    return None if row is None else WorkspaceAccess(user=user, workspace=row[0], member=row[1])


async def personal_access(session: AsyncSession, *, user: User) -> WorkspaceAccess:
    """The caller's access to their personal workspace, created first if they have none yet."""
    workspace = await session.scalar(select(Workspace).where(Workspace.personal_user_id == user.id))
    if workspace is None:
        return await create_personal_workspace(session, user=user)
    found = await _membership(session, user=user, workspace_id=workspace.id)
    if found is None:
        raise NotFound(_NO_SUCH_WORKSPACE)
    return found


async def create_personal_workspace(session: AsyncSession, *, user: User) -> WorkspaceAccess:
    """Give `user` their personal workspace, with them as its owner (sign-up calls this)."""
    workspace = Workspace(name=PERSONAL_NAME, personal_user_id=user.id)
    try:
        async with session.begin_nested():
            session.add(workspace)
            await session.flush()
            member = WorkspaceMember(workspace_id=workspace.id, user_id=user.id, role=Role.OWNER)
            session.add(member)
    except IntegrityError:
        # Another request of the same user made it first: use theirs (never loop trying again).
        existing = await session.scalar(select(Workspace.id).where(Workspace.personal_user_id == user.id))
        found = None if existing is None else await _membership(session, user=user, workspace_id=existing)
        if found is None:
            raise
        return found
    return WorkspaceAccess(user=user, workspace=workspace, member=member)
