"""docs/workspaces.md and the code agree: the permission matrix cell by cell, and the endpoint list."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute

from clipper.workspaces.roles import PERMISSIONS, Action, Role
from clipper.workspaces.router import router

DOC = Path(__file__).resolve().parents[2] / "docs" / "workspaces.md"


def table_after(heading: str) -> list[list[str]]:
    """The rows (cells stripped of backticks) of the first Markdown table under `heading`."""
    lines = DOC.read_text().split(heading, 1)[1].splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().strip("`") for cell in line.strip().strip("|").split("|")])
    assert re.fullmatch(r"-+", rows[1][0]), "the second row must be the header separator"
    return [rows[0], *rows[2:]]


def documented_endpoints() -> dict[tuple[str, str], str]:
    """(method, path under /api/v1) → the action the doc says it needs ("—": none)."""
    header, *rows = table_after("## Endpoints")
    assert header == ["method", "path", "action"]
    return {(method, path): action for method, path, action in rows}


class TestPermissionMatrix:
    def test_the_documented_table_is_the_code_matrix(self) -> None:
        header, *rows = table_after("## Roles and the permission matrix")
        assert header == ["action", *[role.value for role in Role]]
        documented = {
            row[0]: {role.value for role, cell in zip(Role, row[1:], strict=True) if cell == "✓"}
            for row in rows
        }
        assert all(cell in {"✓", "—"} for row in rows for cell in row[1:])
        in_code = {action.value: {role.value for role in roles} for action, roles in PERMISSIONS.items()}
        assert documented == in_code

    def test_every_action_has_a_row_and_every_row_is_an_action(self) -> None:
        assert set(PERMISSIONS) == set(Action)
        _header, *rows = table_after("## Roles and the permission matrix")
        assert [row[0] for row in rows] == [action.value for action in Action]

    def test_an_owner_may_do_everything(self) -> None:
        assert all(Role.OWNER in roles for roles in PERMISSIONS.values())

    def test_a_viewer_may_only_read_and_leave(self) -> None:
        allowed = {action for action, roles in PERMISSIONS.items() if Role.VIEWER in roles}
        assert allowed == {Action.READ, Action.WORKSPACE_LEAVE}


class TestEndpointList:
    def test_names_every_route_of_the_router_and_no_other(self) -> None:
        routes = {
            (method, route.path)
            for route in router.routes
            if isinstance(route, APIRoute)
            for method in route.methods
        }
        assert set(documented_endpoints()) == routes

    def test_names_only_actions_of_the_matrix(self) -> None:
        actions = set(documented_endpoints().values()) - {"—"}
        assert actions <= {action.value for action in Action}
