"""Members: removal and role changes take effect at once on every credential; a workspace keeps an owner."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.users.models import User
from tests.fixtures.auth import browser_login
from tests.fixtures.factories import create_account
from tests.workspaces.helpers import WORKSPACES, make_team


class TestRemoval:
    async def test_a_removed_member_loses_access_at_once_on_a_session_and_an_api_token(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client, editor="editor")
        editor = team.members["editor"]
        browser = await browser_login(client, editor.email, editor.password)
        created = await client.post("/api/v1/auth/tokens", json={"name": "script"}, headers=editor.headers)
        api_token = {"Authorization": f"Bearer {created.json()['token']}"}
        url = f"{WORKSPACES}/{team.workspace_id}"
        for credential in (browser.headers, api_token, editor.headers):
            assert (await client.get(url, headers=credential)).status_code == 200
            chosen = {**credential, "X-Workspace-Id": str(team.workspace_id)}
            assert (await client.get(f"{WORKSPACES}/current", headers=chosen)).status_code == 200

        removed = await client.delete(f"{url}/members/{editor.user_id}", headers=team.owner.headers)
        assert removed.status_code == 204

        for credential in (browser.headers, api_token, editor.headers):
            assert (await client.get(url, headers=credential)).status_code == 404
            chosen = {**credential, "X-Workspace-Id": str(team.workspace_id)}
            assert (await client.get(f"{WORKSPACES}/current", headers=chosen)).status_code == 404
            # Still signed in: only this workspace is gone.
            assert (await client.get(f"{WORKSPACES}/current", headers=credential)).status_code == 200

    async def test_a_role_change_applies_to_the_next_request(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client, admin="admin")
        admin = team.members["admin"]
        url = f"{WORKSPACES}/{team.workspace_id}"
        assert (await client.patch(url, json={"name": "By admin"}, headers=admin.headers)).status_code == 200
        demoted = await client.patch(
            f"{url}/members/{admin.user_id}", json={"role": "viewer"}, headers=team.owner.headers
        )
        assert demoted.json()["role"] == "viewer"
        refused = await client.patch(url, json={"name": "Again"}, headers=admin.headers)
        assert refused.status_code == 403
        assert "viewer" in refused.json()["detail"]
        assert "workspace.rename" in refused.json()["detail"]

    async def test_a_member_may_leave(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client, viewer="viewer")
        viewer = team.members["viewer"]
        left = await client.post(f"{WORKSPACES}/{team.workspace_id}/leave", headers=viewer.headers)
        assert left.status_code == 204
        listed = await client.get(WORKSPACES, headers=viewer.headers)
        assert [item["personal"] for item in listed.json()["items"]] == [True]

    async def test_removing_someone_not_a_member_is_not_found(self, client: httpx.AsyncClient) -> None:
        team, other = await make_team(client), await make_team(client)
        response = await client.delete(
            f"{WORKSPACES}/{team.workspace_id}/members/{other.owner.user_id}", headers=team.owner.headers
        )
        assert response.status_code == 404


class TestOwners:
    async def test_the_last_owner_can_neither_leave_nor_be_demoted_nor_removed(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        owner = team.owner
        url = f"{WORKSPACES}/{team.workspace_id}"
        for response in (
            await client.post(f"{url}/leave", headers=owner.headers),
            await client.patch(
                f"{url}/members/{owner.user_id}", json={"role": "admin"}, headers=owner.headers
            ),
            await client.delete(f"{url}/members/{owner.user_id}", headers=owner.headers),
        ):
            assert response.status_code == 409
            assert "last owner" in response.json()["detail"]

    async def test_with_a_second_owner_the_first_may_leave(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client, partner="editor")
        partner = team.members["partner"]
        url = f"{WORKSPACES}/{team.workspace_id}"
        promoted = await client.patch(
            f"{url}/members/{partner.user_id}", json={"role": "owner"}, headers=team.owner.headers
        )
        assert promoted.json()["role"] == "owner"
        assert (await client.post(f"{url}/leave", headers=team.owner.headers)).status_code == 204
        assert (await client.post(f"{url}/leave", headers=partner.headers)).status_code == 409

    async def test_an_admin_cannot_make_demote_or_remove_an_owner(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client, admin="admin", editor="editor")
        admin, editor = team.members["admin"], team.members["editor"]
        url = f"{WORKSPACES}/{team.workspace_id}/members"
        for response in (
            await client.patch(f"{url}/{editor.user_id}", json={"role": "owner"}, headers=admin.headers),
            await client.patch(f"{url}/{team.owner.user_id}", json={"role": "viewer"}, headers=admin.headers),
            await client.delete(f"{url}/{team.owner.user_id}", headers=admin.headers),
        ):
            assert response.status_code == 403
            assert "owners.manage" in response.json()["detail"]
        roles = await client.get(url, headers=admin.headers)
        assert {item["user_id"]: item["role"] for item in roles.json()["items"]} == {
            team.owner.user_id: "owner",
            admin.user_id: "admin",
            editor.user_id: "editor",
        }

    async def test_a_personal_workspaces_user_stays_its_owner(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        owner = team.owner
        personal = (await client.get(f"{WORKSPACES}/current", headers=owner.headers)).json()
        url = f"{WORKSPACES}/{personal['id']}"
        demoted = await client.patch(
            f"{url}/members/{owner.user_id}", json={"role": "admin"}, headers=owner.headers
        )
        assert demoted.status_code == 409
        assert (await client.post(f"{url}/leave", headers=owner.headers)).status_code == 409
        deleted = await client.delete(url, headers=owner.headers)
        assert deleted.status_code == 409
        assert "personal" in deleted.json()["detail"]


class TestWorkspaces:
    async def test_create_rename_and_delete(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        url = f"{WORKSPACES}/{team.workspace_id}"
        renamed = await client.patch(url, json={"name": "  Studio  "}, headers=team.owner.headers)
        assert renamed.json()["name"] == "Studio"
        assert (await client.delete(url, headers=team.owner.headers)).status_code == 204
        assert (await client.get(url, headers=team.owner.headers)).status_code == 404

    async def test_names_are_bounded_and_not_blank(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        for name in ("", "   ", "x" * 101):
            response = await client.post(WORKSPACES, json={"name": name}, headers=team.owner.headers)
            assert response.status_code == 422

    async def test_a_user_belongs_to_at_most_twenty_workspaces(self, client: httpx.AsyncClient) -> None:
        team = await make_team(client)
        answers = [
            (
                await client.post(WORKSPACES, json={"name": f"W{index}"}, headers=team.owner.headers)
            ).status_code
            for index in range(19)
        ]
        # The personal one and the team's count too.
        assert answers == [201] * 18 + [409]

    async def test_a_workspace_that_owns_data_is_not_deleted(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        team = await make_team(client)
        owner = await session.get(User, team.owner.user_id)
        assert owner is not None
        await create_account(session, user=owner, workspace_id=team.workspace_id)
        response = await client.delete(f"{WORKSPACES}/{team.workspace_id}", headers=team.owner.headers)
        assert response.status_code == 409
        assert "still owns" in response.json()["detail"]
