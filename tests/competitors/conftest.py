"""Fixtures for competitor benchmarks: a user with a Facebook Login account, connected through OAuth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.fixtures.oauth_flow import connect_instagram


@dataclass
class Owner:
    headers: dict[str, str]
    account_id: int
    username: str
    ig_id: str

    def url(self, path: str = "") -> str:
        return f"/api/v1/accounts/{self.account_id}/competitors{path}"


@pytest.fixture
def owner(client: httpx.AsyncClient, signup: Any) -> Callable[..., Any]:
    """`await owner(username=None)` → Owner: a new user with one Facebook Login account."""

    async def make(username: str | None = None) -> Owner:
        user = await signup(client)
        account = await connect_instagram(client, user.headers, username=username)
        return Owner(user.headers, account["id"], account["account_username"], account["platform_account_id"])

    return make


async def track(client: httpx.AsyncClient, who: Owner, username: str) -> httpx.Response:
    return await client.post(who.url(), json={"username": username}, headers=who.headers)
