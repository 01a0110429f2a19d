"""Every workspace endpoint, called by every role, is allowed or refused exactly as docs/workspaces.md says.

The expected outcome of each call comes from the documented endpoint list (which action) and the
documented matrix (which roles): a change to either the code or the doc without the other fails here.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from clipper.workspaces.roles import Role
from tests.fixtures.auth import SignedUp, signup
from tests.workspaces.helpers import WORKSPACES, add_member, create_workspace, in_workspace, invite
from tests.workspaces.test_matrix_doc import documented_endpoints, table_after

# In this order, so that what a call removes is no longer needed: leaving comes last.
WALK: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/workspaces/current", None),
    ("GET", "/workspaces/{workspace_id}", None),
    ("PATCH", "/workspaces/{workspace_id}", {"name": "Renamed"}),
    ("GET", "/workspaces/{workspace_id}/members", None),
    ("PATCH", "/workspaces/{workspace_id}/members/{user_id}", {"role": "editor"}),
    ("GET", "/workspaces/{workspace_id}/invitations", None),
    ("POST", "/workspaces/{workspace_id}/invitations", {"role": "viewer"}),
    ("DELETE", "/workspaces/{workspace_id}/invitations/{invitation_id}", None),
    ("DELETE", "/workspaces/{workspace_id}/members/{user_id}", None),
    ("DELETE", "/workspaces/{workspace_id}", None),
    ("POST", "/workspaces/{workspace_id}/leave", None),
]


def documented_roles() -> dict[str, set[str]]:
    """action → the roles the doc's matrix ticks."""
    header, *rows = table_after("## Roles and the permission matrix")
    return {
        row[0]: {role for role, cell in zip(header[1:], row[1:], strict=True) if cell == "✓"} for row in rows
    }


def test_the_walk_covers_every_endpoint_that_acts_in_a_workspace() -> None:
    in_workspace_endpoints = {key for key, action in documented_endpoints().items() if action != "—"}
    assert {(method, path) for method, path, _body in WALK} == in_workspace_endpoints


@pytest.mark.parametrize("role", [role.value for role in Role])
async def test_each_endpoint_answers_as_the_matrix_says(client: httpx.AsyncClient, role: str) -> None:
    creator = await signup(client)
    workspace_id = await create_workspace(client, creator)
    doomed_id = await create_workspace(client, creator, name="To delete")
    subject = await add_member(client, creator, workspace_id, role)
    target = await add_member(client, creator, workspace_id, "viewer")
    await add_member_to(client, creator, subject, doomed_id, role)
    await invite(client, creator, workspace_id, "viewer")
    pending = await client.get(f"{WORKSPACES}/{workspace_id}/invitations", headers=creator.headers)
    invitation_id = pending.json()["items"][0]["id"]

    actions, allowed_roles = documented_endpoints(), documented_roles()
    outcomes = {}
    for method, template, body in WALK:
        target_workspace = (
            doomed_id if (method, template) == ("DELETE", "/workspaces/{workspace_id}") else workspace_id
        )
        path = template.format(
            workspace_id=target_workspace, user_id=target.user_id, invitation_id=invitation_id
        )
        response = await client.request(
            method, f"/api/v1{path}", json=body, headers=in_workspace(subject, workspace_id)
        )
        action = actions[(method, template)]
        allowed = role in allowed_roles[action]
        outcomes[(method, template)] = (allowed, response.status_code)
        if not allowed:
            assert response.json()["error"] == "Forbidden"
            assert role in response.json()["detail"]
            assert action in response.json()["detail"]

    wrong = {
        endpoint: status
        for endpoint, (allowed, status) in outcomes.items()
        if (allowed and not 200 <= status < 300) or (not allowed and status != 403)
    }
    assert wrong == {}


async def add_member_to(
    client: httpx.AsyncClient, owner: SignedUp, member: SignedUp, workspace_id: int, role: str
) -> None:
    """Bring an existing user into another workspace with `role`."""
    token = await invite(client, owner, workspace_id, role)
    response = await client.post(
        f"{WORKSPACES}/invitations/accept", json={"token": token}, headers=member.headers
    )
    assert response.status_code == 200, response.text
