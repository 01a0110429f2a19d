"""`/api/v1/workspaces`: workspaces, members, roles and invitations.

Every endpoint that acts in a workspace names the action it needs (docs/workspaces.md, "Endpoints"),
checked by `require_in_path` / `require` against the permission matrix.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response, status

from clipper.deps import (
    CurrentUser,
    FactoryDep,
    SessionDep,
    SettingsDep,
    UserOutsideTransaction,
    require,
    require_in_path,
)
from clipper.inputs import DbId
from clipper.openapi import ErrorBody, limits
from clipper.workspaces import service
from clipper.workspaces.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationPage,
    InvitationPreview,
    InvitationRead,
    MemberPage,
    MemberRead,
    MemberUpdate,
    WorkspaceCreate,
    WorkspacePage,
    WorkspaceRead,
    WorkspaceUpdate,
)

router = APIRouter(prefix="/workspaces", tags=["workspaces"])

# What every endpoint acting in a workspace may answer besides its own errors.
IN_WORKSPACE: dict[int | str, dict[str, object]] = {
    403: {"model": ErrorBody, "description": "Your role in the workspace does not allow the action."},
    404: {"model": ErrorBody, "description": "Not a workspace of yours (or no such member or invitation)."},
}

Action = service.Action
Access = service.WorkspaceAccess
Reader = Annotated[Access, require_in_path(Action.READ)]
MemberManager = Annotated[Access, require_in_path(Action.MEMBERS_MANAGE)]


@router.get("", response_model=WorkspacePage)
async def list_workspaces(user: CurrentUser, session: SessionDep) -> WorkspacePage:
    """The workspaces you belong to, with your role in each; your personal one first."""
    found = await service.list_my_workspaces(session, user=user)
    return WorkspacePage(items=[WorkspaceRead.model_validate(item) for item in found])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WorkspaceRead)
async def create_workspace(data: WorkspaceCreate, user: CurrentUser, session: SessionDep) -> WorkspaceRead:
    """Create a workspace; you are its owner."""
    return WorkspaceRead.model_validate(await service.create_workspace(session, user=user, name=data.name))


@router.get("/current", response_model=WorkspaceRead, responses=IN_WORKSPACE)
async def current_workspace(access: Annotated[Access, require(Action.READ)]) -> WorkspaceRead:
    """The workspace this request acts in: the `X-Workspace-Id` header's, else your personal one."""
    return WorkspaceRead.model_validate(service.describe(access))


@router.post("/invitations/preview", response_model=InvitationPreview)
async def preview_invitation(
    data: InvitationAccept, user: CurrentUser, session: SessionDep
) -> InvitationPreview:
    """What an invitation link offers (workspace and role), if it can still be used."""
    del user  # signed-in callers only
    return InvitationPreview.model_validate(await service.preview_invitation(session, token=data.token))


@router.post("/invitations/accept", response_model=WorkspaceRead)
async def accept_invitation(data: InvitationAccept, user: CurrentUser, session: SessionDep) -> WorkspaceRead:
    """Join a workspace with an invitation link's token (410 revoked or expired, 409 already used)."""
    access = await service.accept_invitation(session, user=user, token=data.token)
    return WorkspaceRead.model_validate(service.describe(access))


@router.get("/{workspace_id}", response_model=WorkspaceRead, responses=IN_WORKSPACE)
async def get_workspace(access: Reader) -> WorkspaceRead:
    """One of your workspaces, with your role in it."""
    return WorkspaceRead.model_validate(service.describe(access))


@router.patch("/{workspace_id}", response_model=WorkspaceRead, responses=IN_WORKSPACE)
async def rename_workspace(
    data: WorkspaceUpdate,
    access: Annotated[Access, require_in_path(Action.WORKSPACE_RENAME)],
    session: SessionDep,
) -> WorkspaceRead:
    """Rename the workspace."""
    return WorkspaceRead.model_validate(
        await service.rename_workspace(session, access=access, name=data.name)
    )


@router.delete("/{workspace_id}", status_code=status.HTTP_204_NO_CONTENT, responses=IN_WORKSPACE)
async def delete_workspace(
    access: Annotated[Access, require_in_path(Action.WORKSPACE_DELETE)], session: SessionDep
) -> None:
    """Delete a shared workspace that owns no data (a personal one cannot be deleted)."""
    await service.delete_workspace(session, access=access)


@router.post("/{workspace_id}/leave", status_code=status.HTTP_204_NO_CONTENT, responses=IN_WORKSPACE)
async def leave_workspace(
    access: Annotated[Access, require_in_path(Action.WORKSPACE_LEAVE)], session: SessionDep
) -> None:
    """Leave the workspace (its last owner cannot, nor the user of a personal one)."""
    await service.leave_workspace(session, access=access)


@router.get("/{workspace_id}/members", response_model=MemberPage, responses=IN_WORKSPACE)
async def list_members(access: Reader, session: SessionDep) -> MemberPage:
    """The workspace's members and their roles."""
    found = await service.list_members(session, access=access)
    return MemberPage(items=[MemberRead.model_validate(member) for member in found])


@router.patch("/{workspace_id}/members/{user_id}", response_model=MemberRead, responses=IN_WORKSPACE)
async def change_role(
    user_id: DbId, data: MemberUpdate, access: MemberManager, session: SessionDep
) -> MemberRead:
    """Give a member another role (only an owner makes or unmakes owners; the last owner stays one)."""
    member = await service.change_role(session, access=access, user_id=user_id, role=data.role)
    return MemberRead.model_validate(member)


@router.delete(
    "/{workspace_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=IN_WORKSPACE
)
async def remove_member(user_id: DbId, access: MemberManager, session: SessionDep) -> None:
    """Remove a member: their sessions and API tokens lose access to this workspace at once."""
    await service.remove_member(session, access=access, user_id=user_id)


@router.post(
    "/{workspace_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationCreated,
    responses={**IN_WORKSPACE, **limits(busy="The mail server did not take the invitation mail.")},
)
async def create_invitation(
    workspace_id: DbId,
    data: InvitationCreate,
    user: UserOutsideTransaction,
    factory: FactoryDep,
    settings: SettingsDep,
    response: Response,
) -> InvitationCreated:
    """Invite someone: a one-time link, mailed to `email` when SMTP is set up, else returned only now.

    Needs members.manage (owners.manage to invite an owner), checked like every other endpoint here.
    """
    response.headers["Cache-Control"] = "no-store"
    issued = await service.create_invitation(
        factory,
        settings=settings,
        user=user,
        workspace_id=workspace_id,
        role=data.role,
        expires_in_days=data.expires_in_days,
        email=data.email,
    )
    read = InvitationRead.model_validate(issued.record).model_dump()
    return InvitationCreated.model_validate({**read, "link": issued.link, "emailed": issued.emailed})


@router.get("/{workspace_id}/invitations", response_model=InvitationPage, responses=IN_WORKSPACE)
async def list_invitations(access: MemberManager, session: SessionDep) -> InvitationPage:
    """The invitations that can still be used."""
    found = await service.list_invitations(session, access=access)
    return InvitationPage(items=[InvitationRead.model_validate(record) for record in found])


@router.delete(
    "/{workspace_id}/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=IN_WORKSPACE,
)
async def revoke_invitation(invitation_id: DbId, access: MemberManager, session: SessionDep) -> None:
    """Revoke an unused invitation: its link stops working."""
    await service.revoke_invitation(session, access=access, invitation_id=invitation_id)
