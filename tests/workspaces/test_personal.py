"""Every user has a personal workspace from sign-up, and what they create lands in it."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.accounts.models import Account
from clipper.users.models import User
from clipper.workspaces import service
from clipper.workspaces.models import Workspace, WorkspaceMember
from clipper.workspaces.roles import Role
from tests.fixtures.auth import signup
from tests.fixtures.factories import create_account, create_user
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import connect_instagram
from tests.workspaces.helpers import WORKSPACES


class TestSignUp:
    async def test_creates_the_users_personal_workspace_with_them_as_owner(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        workspace = await session.scalar(select(Workspace).where(Workspace.personal_user_id == user.user_id))
        assert workspace is not None
        members = (
            await session.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == workspace.id))
        ).all()
        assert [(member.user_id, member.role) for member in members] == [(user.user_id, Role.OWNER)]
        listed = await client.get(WORKSPACES, headers=user.headers)
        assert listed.json()["items"] == [
            {
                "id": workspace.id,
                "name": "Personal",
                "personal": True,
                "role": "owner",
                "created_at": listed.json()["items"][0]["created_at"],
            }
        ]

    async def test_a_taken_email_makes_no_second_workspace(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        again = await client.post(
            "/api/v1/auth/register", json={"email": user.email, "password": user.password}
        )
        assert again.status_code == 201
        count = len(
            (await session.scalars(select(Workspace).where(Workspace.personal_user_id == user.user_id))).all()
        )
        assert count == 1


class TestNewRows:
    async def test_a_new_account_goes_to_its_owners_personal_workspace(self, session: AsyncSession) -> None:
        user = await create_user(session)
        access = await service.personal_access(session, user=user)
        account = await create_account(session, user=user)
        stored = await session.scalar(select(Account.workspace_id).where(Account.id == account.id))
        assert stored == access.workspace.id

    async def test_a_user_without_a_personal_workspace_gets_one_when_first_needed(
        self, session: AsyncSession
    ) -> None:
        user = await create_user(session)
        first = await service.personal_access(session, user=user)
        second = await service.personal_access(session, user=user)
        assert first.workspace.id == second.workspace.id
        assert (first.role, first.workspace.personal) == (Role.OWNER, True)

    async def test_making_it_twice_keeps_the_first(self, session: AsyncSession) -> None:
        user = await create_user(session)
        first = await service.create_personal_workspace(session, user=user)
        second = await service.create_personal_workspace(session, user=user)
        assert second.workspace.id == first.workspace.id
        count = await session.scalar(select(func.count()).where(Workspace.personal_user_id == user.id))
        assert count == 1

    async def test_an_explicit_workspace_is_kept(self, session: AsyncSession) -> None:
        user = await create_user(session)
        await service.personal_access(session, user=user)
        shared = await service.create_workspace(session, user=user, name="Shared")
        account = await create_account(session, user=user, workspace_id=shared.id)
        stored = await session.scalar(select(Account.workspace_id).where(Account.id == account.id))
        assert stored == shared.id
        assert isinstance(await session.get(User, user.id), User)


class TestThroughTheApi:
    async def test_what_a_user_creates_lands_in_their_personal_workspace(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        user = await signup(client)
        account = await connect_instagram(client, user.headers)
        files = {"file": ("photo.jpg", jpeg(), "image/jpeg")}
        clip = (await client.post("/api/v1/clips", files=files, headers=user.headers)).json()
        post = await client.post(
            "/api/v1/social/",
            json={"account_id": account["id"], "media_type": "IMAGE", "clip_id": clip["id"]},
            headers=user.headers,
        )
        assert post.status_code == 201, post.text
        group = await client.post(
            "/api/v1/hashtags/groups", json={"name": "Summer", "hashtags": ["sun"]}, headers=user.headers
        )
        assert group.status_code == 201, group.text
        personal = (await client.get(f"{WORKSPACES}/current", headers=user.headers)).json()["id"]
        stored = {
            table: (
                await session.execute(
                    text(f"SELECT workspace_id FROM {table} WHERE user_id = :user"), {"user": user.user_id}
                )
            )
            .scalars()
            .all()  # noqa: S608
            for table in ("accounts", "clips", "social_posts", "hashtag_group")
        }
        assert stored == {table: [personal] for table in stored}
