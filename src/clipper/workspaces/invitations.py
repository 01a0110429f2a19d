"""Invitations: a one-time link with a role and an expiry, mailed when SMTP is set, else shown once.

Only the token's SHA-256 hash is stored. Using one is a conditional UPDATE, so two people (or two tabs)
racing with the same link get one membership between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.config import Settings
from clipper.db import unit_of_work, utcnow
from clipper.errors import ClipperError, Conflict, NotFound, ServiceUnavailable
from clipper.security import hash_token, new_token
from clipper.users.models import User
from clipper.workspaces import mail
from clipper.workspaces.access import WorkspaceAccess, authorize
from clipper.workspaces.limits import (
    MAX_PENDING_INVITATIONS,
    ensure_room_for_a_member,
    ensure_room_for_an_invitation,
    ensure_room_for_another_workspace,
    pending,
)
from clipper.workspaces.models import Workspace, WorkspaceInvitation, WorkspaceMember
from clipper.workspaces.roles import Action, Role

log = structlog.get_logger(__name__)

INVITE_PATH = "/invite/"
_ASK_AGAIN = "ask whoever invited you for a new link."


class InvitationGone(ClipperError):
    """410: the invitation existed but was revoked or has expired."""

    status_code = 410
    default_message = "This invitation can no longer be used: " + _ASK_AGAIN


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    """A new invitation; `link` (with the secret token) only when it was not mailed."""

    record: WorkspaceInvitation
    link: str | None
    emailed: bool


@dataclass(frozen=True, slots=True)
class InvitationFacts:
    workspace_name: str
    role: Role
    expires_at: datetime


def invitation_link(settings: Settings, token: str) -> str:
    """Where the invited person opens the invitation in the web UI."""
    return settings.frontend_url.rstrip("/") + INVITE_PATH + token


async def create_invitation(
    factory: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    user: User,
    workspace_id: int,
    role: Role,
    expires_in_days: int,
    email: str | None,
) -> IssuedInvitation:
    """Invite someone with `role`; the mail (if any) is sent after the invitation is committed.

    No transaction is held while the mail server answers; when it refuses, the invitation is revoked.
    """
    token = new_token()
    async with unit_of_work(factory) as session:
        access = await authorize(session, user=user, workspace_id=workspace_id, action=Action.MEMBERS_MANAGE)
        if role is Role.OWNER:
            access.check(Action.OWNERS_MANAGE)
        await ensure_room_for_an_invitation(session, workspace_id=workspace_id)
        record = WorkspaceInvitation(
            workspace_id=workspace_id,
            role=role,
            token_hash=hash_token(token),
            email=email,
            created_by_id=user.id,
            expires_at=utcnow() + timedelta(days=expires_in_days),
        )
        session.add(record)
        await session.flush()
        workspace_name = access.workspace.name
    log.info("workspace invitation created", workspace_id=workspace_id, invitation_id=record.id)
    link = invitation_link(settings, token)
    if email is None or not settings.smtp_url:
        return IssuedInvitation(record=record, link=link, emailed=False)
    try:
        await mail.send_mail(
            settings.smtp_url,
            sender=settings.smtp_from,
            to=email,
            subject=f"You are invited to {workspace_name} on Content Clipper",
            body=_mail_body(workspace_name, role, link, record.expires_at),
        )
    except ServiceUnavailable:
        async with unit_of_work(factory) as session:
            await session.execute(
                update(WorkspaceInvitation)
                .where(WorkspaceInvitation.id == record.id)
                .values(revoked_at=utcnow())
            )
        raise
    return IssuedInvitation(record=record, link=None, emailed=True)


def _mail_body(workspace_name: str, role: Role, link: str, expires_at: datetime) -> str:
    return (
        f"You are invited to join the workspace {workspace_name!r} on Content Clipper as {role.value}.\n\n"
        f"Open this link to accept (it works once, until {expires_at:%Y-%m-%d %H:%M} UTC):\n{link}\n"
    )


async def list_invitations(session: AsyncSession, *, access: WorkspaceAccess) -> list[WorkspaceInvitation]:
    """The workspace's invitations that can still be used, newest first."""
    found = await session.scalars(
        select(WorkspaceInvitation)
        .where(*pending(access.workspace.id))
        .order_by(WorkspaceInvitation.id.desc())
        .limit(MAX_PENDING_INVITATIONS)
    )
    return list(found.all())


async def revoke_invitation(session: AsyncSession, *, access: WorkspaceAccess, invitation_id: int) -> None:
    """Make an unused invitation's link useless (already revoked: nothing changes)."""
    record = await session.scalar(
        select(WorkspaceInvitation).where(
            WorkspaceInvitation.id == invitation_id, WorkspaceInvitation.workspace_id == access.workspace.id
        )
    )
    if record is None:
        raise NotFound("No such invitation in this workspace.")
    if record.used_at is not None:
        raise Conflict("This invitation was already used: remove the member instead.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    log.info("workspace invitation revoked", workspace_id=access.workspace.id, invitation_id=invitation_id)


async def _usable(session: AsyncSession, *, token: str) -> tuple[WorkspaceInvitation, Workspace]:
    row = (
        await session.execute(
            select(WorkspaceInvitation, Workspace)
            .join(Workspace, Workspace.id == WorkspaceInvitation.workspace_id)
            .where(WorkspaceInvitation.token_hash == hash_token(token))
        )
    ).first()
    if row is None:
        raise NotFound("This invitation link is not valid (check it was copied whole), or " + _ASK_AGAIN)
    record, workspace = row
    if record.revoked_at is not None:
        raise InvitationGone("This invitation was revoked: " + _ASK_AGAIN)
    if record.used_at is not None:
        raise Conflict("This invitation was already used; each link works once: " + _ASK_AGAIN)
    if record.expires_at <= utcnow():
        raise InvitationGone(
            f"This invitation expired on {record.expires_at:%Y-%m-%d %H:%M} UTC: " + _ASK_AGAIN
        )
    return record, workspace


async def preview_invitation(session: AsyncSession, *, token: str) -> InvitationFacts:
    """What an invitation offers (workspace and role), if it can still be used."""
    record, workspace = await _usable(session, token=token)
    return InvitationFacts(workspace_name=workspace.name, role=record.role, expires_at=record.expires_at)


async def accept_invitation(session: AsyncSession, *, user: User, token: str) -> WorkspaceAccess:
    """Join the invitation's workspace with its role; the link is used up."""
    record, workspace = await _usable(session, token=token)
    already = await session.scalar(
        select(WorkspaceMember.id).where(
            WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.user_id == user.id
        )
    )
    if already is not None:
        raise Conflict("You are already a member of this workspace; the invitation is left for someone else.")
    await ensure_room_for_another_workspace(session, user_id=user.id)
    await ensure_room_for_a_member(session, workspace_id=workspace.id)
    claimed = await session.execute(
        update(WorkspaceInvitation)
        .where(
            WorkspaceInvitation.id == record.id,
            WorkspaceInvitation.used_at.is_(None),
            WorkspaceInvitation.revoked_at.is_(None),
        )
        .values(used_at=utcnow(), used_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("This invitation was just used or revoked: " + _ASK_AGAIN)
    member = WorkspaceMember(workspace_id=workspace.id, user_id=user.id, role=record.role)
    try:
        async with session.begin_nested():
            session.add(member)
    except IntegrityError as error:
        raise Conflict("You are already a member of this workspace.") from error
    log.info("workspace invitation accepted", workspace_id=workspace.id, user_id=user.id)
    return WorkspaceAccess(user=user, workspace=workspace, member=member)
