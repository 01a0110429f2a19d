"""Helpers for the engagement tests: a small Graph client, recorded fixtures, admin shortcuts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from tests.fixtures.paths import GRAPH_FIXTURES

FIXTURES = GRAPH_FIXTURES
VERSION = "v24.0"


async def issue_token(client: httpx.AsyncClient, **body: Any) -> str:
    """Mint a token through `POST /_admin/tokens/issue`."""
    response = await client.post("/_admin/tokens/issue", json=body)
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def fixture(relative: str) -> Any:
    """A recorded Graph response from tests/graph_fixtures."""
    return json.loads((FIXTURES / relative).read_text())


@dataclass
class Graph:
    """Calls `/graph/<version>/...` with a default token."""

    client: httpx.AsyncClient
    token: str
    version: str = VERSION

    async def call(
        self, method: str, path: str, *, token: str | None = None, **params: Any
    ) -> httpx.Response:
        """One Graph call; dict/list params are sent as JSON text like the real clients do."""
        encoded = {k: json.dumps(v) if isinstance(v, dict | list) else str(v) for k, v in params.items()}
        encoded["access_token"] = token or self.token
        url = f"/graph/{self.version}/{path}"
        if method == "POST":
            return await self.client.post(url, data=encoded)
        return await self.client.request(method, url, params=encoded)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.call("GET", path, **params)

    async def post(self, path: str, **params: Any) -> httpx.Response:
        return await self.call("POST", path, **params)

    async def delete(self, path: str, **params: Any) -> httpx.Response:
        return await self.call("DELETE", path, **params)


@dataclass
class Account:
    """The seeded @sandbox.creator: ids and its Page token."""

    ig_id: str
    page_id: str
    page_token: str


async def token_with(client: httpx.AsyncClient, scopes: list[str], *, page_id: str | None = None) -> str:
    """A user (or, with page_id, Page) token holding exactly these scopes."""
    if page_id:
        return await issue_token(client, kind="PAGE", scopes=scopes, page_id=page_id)
    return await issue_token(client, kind="USER_LONG", scopes=scopes)


async def simulate(client: httpx.AsyncClient, what: str, **body: Any) -> dict[str, Any]:
    """`POST /_admin/simulate/<what>` and return the JSON answer."""
    response = await client.post(f"/_admin/simulate/{what}", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer
