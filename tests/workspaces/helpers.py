"""Building teams through the API: a workspace, its creator (owner) and members with chosen roles."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from tests.fixtures.auth import SignedUp, signup

WORKSPACES = "/api/v1/workspaces"


@dataclass(frozen=True)
class Team:
    """A shared workspace made by `owner`; `members` maps a label to a signed-up member."""

    workspace_id: int
    owner: SignedUp
    members: dict[str, SignedUp]


async def create_workspace(client: httpx.AsyncClient, who: SignedUp, name: str = "Acme agency") -> int:
    response = await client.post(WORKSPACES, json={"name": name}, headers=who.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def invite(client: httpx.AsyncClient, who: SignedUp, workspace_id: int, role: str) -> str:
    """The token of a new invitation to `workspace_id` with `role`, made by `who`."""
    response = await client.post(
        f"{WORKSPACES}/{workspace_id}/invitations", json={"role": role}, headers=who.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["link"]).rsplit("/", 1)[1]


async def accept(client: httpx.AsyncClient, who: SignedUp, token: str) -> httpx.Response:
    return await client.post(f"{WORKSPACES}/invitations/accept", json={"token": token}, headers=who.headers)


async def add_member(client: httpx.AsyncClient, owner: SignedUp, workspace_id: int, role: str) -> SignedUp:
    """Sign a new user up and bring them into the workspace with `role`."""
    member = await signup(client)
    response = await accept(client, member, await invite(client, owner, workspace_id, role))
    assert response.status_code == 200, response.text
    return member


async def make_team(client: httpx.AsyncClient, **roles: str) -> Team:
    """`make_team(client, alice="editor")`: a new workspace with its owner and these members."""
    owner = await signup(client)
    workspace_id = await create_workspace(client, owner)
    members = {label: await add_member(client, owner, workspace_id, role) for label, role in roles.items()}
    return Team(workspace_id=workspace_id, owner=owner, members=members)


def in_workspace(who: SignedUp, workspace_id: int) -> dict[str, str]:
    """`who`'s headers, acting in `workspace_id`."""
    return {**who.headers, "X-Workspace-Id": str(workspace_id)}
