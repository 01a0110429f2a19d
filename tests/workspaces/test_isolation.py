"""A workspace is visible only to its members: anyone else gets a 404, as if it did not exist."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.auth import signup
from tests.workspaces.helpers import WORKSPACES, in_workspace, invite, make_team


class TestOutsiders:
    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("GET", "/{id}", None),
            ("PATCH", "/{id}", {"name": "Mine now"}),
            ("DELETE", "/{id}", None),
            ("POST", "/{id}/leave", None),
            ("GET", "/{id}/members", None),
            ("PATCH", "/{id}/members/{owner}", {"role": "viewer"}),
            ("DELETE", "/{id}/members/{owner}", None),
            ("POST", "/{id}/invitations", {"role": "owner"}),
            ("GET", "/{id}/invitations", None),
            ("DELETE", "/{id}/invitations/1", None),
        ],
    )
    async def test_a_workspace_you_are_not_in_is_not_found(
        self, client: httpx.AsyncClient, method: str, path: str, body: dict[str, str] | None
    ) -> None:
        team = await make_team(client)
        stranger = await signup(client)
        url = WORKSPACES + path.format(id=team.workspace_id, owner=team.owner.user_id)
        response = await client.request(method, url, json=body, headers=stranger.headers)
        assert response.status_code == 404
        assert response.json()["error"] == "NotFound"
        members = await client.get(f"{WORKSPACES}/{team.workspace_id}/members", headers=team.owner.headers)
        assert [member["user_id"] for member in members.json()["items"]] == [team.owner.user_id]

    async def test_the_header_for_a_workspace_you_are_not_in_is_not_found(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        stranger = await signup(client)
        response = await client.get(
            f"{WORKSPACES}/current", headers=in_workspace(stranger, team.workspace_id)
        )
        assert response.status_code == 404
        missing = await client.get(f"{WORKSPACES}/current", headers=in_workspace(stranger, 2**31 - 1))
        assert missing.status_code == 404
        assert missing.json() == response.json()

    async def test_lists_only_your_own_workspaces(self, client: httpx.AsyncClient) -> None:
        first, second = await make_team(client), await make_team(client)
        listed = await client.get(WORKSPACES, headers=first.owner.headers)
        assert [(item["personal"], item["role"]) for item in listed.json()["items"]] == [
            (True, "owner"),
            (False, "owner"),
        ]
        assert second.workspace_id not in {item["id"] for item in listed.json()["items"]}

    async def test_another_workspaces_invitation_cannot_be_revoked_from_yours(
        self, client: httpx.AsyncClient
    ) -> None:
        first, second = await make_team(client), await make_team(client)
        await invite(client, second.owner, second.workspace_id, "editor")
        theirs = await client.get(
            f"{WORKSPACES}/{second.workspace_id}/invitations", headers=second.owner.headers
        )
        invitation_id = theirs.json()["items"][0]["id"]
        response = await client.delete(
            f"{WORKSPACES}/{first.workspace_id}/invitations/{invitation_id}", headers=first.owner.headers
        )
        assert response.status_code == 404
        still = await client.get(
            f"{WORKSPACES}/{second.workspace_id}/invitations", headers=second.owner.headers
        )
        assert [item["id"] for item in still.json()["items"]] == [invitation_id]


class TestSelection:
    async def test_without_the_header_a_request_acts_in_your_personal_workspace(
        self, client: httpx.AsyncClient
    ) -> None:
        team = await make_team(client)
        current = await client.get(f"{WORKSPACES}/current", headers=team.owner.headers)
        assert current.status_code == 200
        assert (current.json()["personal"], current.json()["role"], current.json()["name"]) == (
            True,
            "owner",
            "Personal",
        )
        chosen = await client.get(
            f"{WORKSPACES}/current", headers=in_workspace(team.owner, team.workspace_id)
        )
        assert (chosen.json()["id"], chosen.json()["personal"]) == (team.workspace_id, False)

    @pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", "99999999999", "²".encode("latin-1"), ""])
    async def test_a_malformed_header_is_refused(self, client: httpx.AsyncClient, value: str | bytes) -> None:
        team = await make_team(client)
        response = await client.get(
            f"{WORKSPACES}/current", headers=[*team.owner.headers.items(), ("X-Workspace-Id", value)]
        )
        assert response.status_code == 422
        assert "X-Workspace-Id" in response.json()["detail"]
