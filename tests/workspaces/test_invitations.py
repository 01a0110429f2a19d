"""Invitations: a one-time link with a role and an expiry, revocable, bounded."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import utcnow
from clipper.security import hash_token, new_token
from clipper.workspaces.limits import MAX_MEMBERS, MAX_PENDING_INVITATIONS
from clipper.workspaces.models import WorkspaceInvitation, WorkspaceMember
from clipper.workspaces.roles import Role
from tests.fixtures.auth import signup
from tests.fixtures.factories import create_user
from tests.workspaces.helpers import WORKSPACES, accept, in_workspace, invite, make_team


async def members_of(
    client: httpx.AsyncClient, team_owner_headers: dict[str, str], workspace_id: int
) -> dict[int, str]:
    response = await client.get(f"{WORKSPACES}/{workspace_id}/members", headers=team_owner_headers)
    return {member["user_id"]: member["role"] for member in response.json()["items"]}


class TestCreate:
    async def test_returns_a_link_once_and_stores_only_the_tokens_hash(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        team = await make_team(client)
        response = await client.post(
            f"{WORKSPACES}/{team.workspace_id}/invitations",
            json={"role": "approver"},
            headers=team.owner.headers,
        )
        assert response.status_code == 201
        body = response.json()
        assert response.headers["Cache-Control"] == "no-store"
        assert body["link"].startswith("http://testserver/invite/")
        assert (body["role"], body["emailed"]) == ("approver", False)
        token = body["link"].rsplit("/", 1)[1]
        stored = await session.scalar(select(WorkspaceInvitation).where(WorkspaceInvitation.id == body["id"]))
        assert stored is not None
        assert stored.token_hash == hash_token(token)
        assert token not in stored.token_hash
        listed = await client.get(f"{WORKSPACES}/{team.workspace_id}/invitations", headers=team.owner.headers)
        assert [item["id"] for item in listed.json()["items"]] == [body["id"]]
        assert "link" not in listed.json()["items"][0]

    async def test_expires_after_seven_days_by_default_and_at_most_thirty(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        url = f"{WORKSPACES}/{team.workspace_id}/invitations"
        made = await client.post(url, json={}, headers=team.owner.headers)
        lifetime = made.json()["expires_at"], made.json()["created_at"]
        expires, created = (datetime.fromisoformat(value) for value in lifetime)
        assert timedelta(days=7) - timedelta(seconds=5) < expires - created <= timedelta(days=7)
        assert made.json()["role"] == "editor"
        for days in (0, 31):
            refused = await client.post(url, json={"expires_in_days": days}, headers=team.owner.headers)
            assert refused.status_code == 422

    async def test_an_admin_cannot_invite_an_owner(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client, admin="admin")
        url = f"{WORKSPACES}/{team.workspace_id}/invitations"
        refused = await client.post(url, json={"role": "owner"}, headers=team.members["admin"].headers)
        assert refused.status_code == 403
        assert "owners.manage" in refused.json()["detail"]
        allowed = await client.post(url, json={"role": "admin"}, headers=team.members["admin"].headers)
        assert allowed.status_code == 201

    async def test_pending_invitations_are_bounded(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        team = await make_team(client)
        session.add_all(
            WorkspaceInvitation(
                workspace_id=team.workspace_id,
                role=Role.VIEWER,
                token_hash=hash_token(new_token()),
                expires_at=utcnow() + timedelta(days=1),
            )
            for _ in range(MAX_PENDING_INVITATIONS)
        )
        await session.flush()
        url = f"{WORKSPACES}/{team.workspace_id}/invitations"
        refused = await client.post(url, json={"role": "viewer"}, headers=team.owner.headers)
        assert refused.status_code == 409
        assert "pending invitations" in refused.json()["detail"]


class TestAccept:
    async def test_joins_with_the_invitations_role_once(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        token = await invite(client, team.owner, team.workspace_id, "approver")
        guest, latecomer = await signup(client), await signup(client)
        preview = await client.post(
            f"{WORKSPACES}/invitations/preview", json={"token": token}, headers=guest.headers
        )
        assert (preview.json()["workspace_name"], preview.json()["role"]) == ("Acme agency", "approver")
        joined = await accept(client, guest, token)
        assert joined.status_code == 200
        assert (joined.json()["id"], joined.json()["role"]) == (team.workspace_id, "approver")
        again = await accept(client, latecomer, token)
        assert again.status_code == 409
        assert "already used" in again.json()["detail"]
        members = await members_of(client, team.owner.headers, team.workspace_id)
        assert members == {team.owner.user_id: "owner", guest.user_id: "approver"}
        pending = await client.get(
            f"{WORKSPACES}/{team.workspace_id}/invitations", headers=team.owner.headers
        )
        assert pending.json()["items"] == []

    async def test_an_expired_invitation_is_gone(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        team = await make_team(client)
        token = await invite(client, team.owner, team.workspace_id, "editor")
        await session.execute(
            update(WorkspaceInvitation)
            .where(WorkspaceInvitation.token_hash == hash_token(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        guest = await signup(client)
        response = await accept(client, guest, token)
        assert response.status_code == 410
        assert "expired" in response.json()["detail"]
        assert guest.user_id not in await members_of(client, team.owner.headers, team.workspace_id)

    async def test_a_revoked_invitation_is_gone(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        token = await invite(client, team.owner, team.workspace_id, "editor")
        pending = await client.get(
            f"{WORKSPACES}/{team.workspace_id}/invitations", headers=team.owner.headers
        )
        invitation_id = pending.json()["items"][0]["id"]
        revoked = await client.delete(
            f"{WORKSPACES}/{team.workspace_id}/invitations/{invitation_id}", headers=team.owner.headers
        )
        assert revoked.status_code == 204
        guest = await signup(client)
        response = await accept(client, guest, token)
        assert response.status_code == 410
        assert "revoked" in response.json()["detail"]

    async def test_a_used_invitation_cannot_be_revoked(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        team = await make_team(client, guest="viewer")
        used_id = await session.scalar(
            select(WorkspaceInvitation.id).where(
                WorkspaceInvitation.used_by_id == team.members["guest"].user_id
            )
        )
        response = await client.delete(
            f"{WORKSPACES}/{team.workspace_id}/invitations/{used_id}", headers=team.owner.headers
        )
        assert response.status_code == 409
        assert "remove the member" in response.json()["detail"]

    async def test_an_unknown_token_is_not_found(self, client: httpx.AsyncClient) -> None:
        guest = await signup(client)
        response = await accept(client, guest, new_token())
        assert response.status_code == 404

    async def test_a_member_accepting_again_leaves_the_invitation_for_someone_else(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client, editor="editor")
        token = await invite(client, team.owner, team.workspace_id, "admin")
        response = await accept(client, team.members["editor"], token)
        assert response.status_code == 409
        assert (await members_of(client, team.owner.headers, team.workspace_id))[
            team.members["editor"].user_id
        ] == "editor"
        newcomer = await signup(client)
        assert (await accept(client, newcomer, token)).status_code == 200

    async def test_needs_a_signed_in_user(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        token = await invite(client, team.owner, team.workspace_id, "editor")
        response = await client.post(f"{WORKSPACES}/invitations/accept", json={"token": token})
        assert response.status_code == 401

    async def test_the_new_member_acts_in_the_workspace_with_the_header(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client, guest="viewer")
        guest = team.members["guest"]
        current = await client.get(f"{WORKSPACES}/current", headers=in_workspace(guest, team.workspace_id))
        assert (current.json()["id"], current.json()["role"]) == (team.workspace_id, "viewer")


class TestFullWorkspace:
    async def test_a_full_workspace_takes_no_invitation_and_no_new_member(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        team = await make_team(client)
        token = await invite(client, team.owner, team.workspace_id, "viewer")
        for number in range(MAX_MEMBERS - 1):
            user = await create_user(session, email=f"filler{number}-{team.workspace_id}@example.com")
            session.add(WorkspaceMember(workspace_id=team.workspace_id, user_id=user.id, role=Role.VIEWER))
        await session.flush()
        refused = await client.post(
            f"{WORKSPACES}/{team.workspace_id}/invitations",
            json={"role": "viewer"},
            headers=team.owner.headers,
        )
        assert refused.status_code == 409
        assert f"{MAX_MEMBERS} members" in refused.json()["detail"]
        guest = await signup(client)
        response = await accept(client, guest, token)
        assert response.status_code == 409
        assert len(await members_of(client, team.owner.headers, team.workspace_id)) == MAX_MEMBERS
