"""Helpers shared by sandbox tests: constants, `SeedTokens`, `issue_token` (import this, not conftest)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

BASE_URL = "http://sandbox.test"
VERSION = "v24.0"


@dataclass
class SeedTokens:
    """Tokens for the seed's default user ("Sandbox Creator")."""

    user_id: str
    user: str = field(repr=False)
    pages: dict[str, str] = field(default_factory=dict, repr=False)  # page id -> Page token
    ig_users: dict[str, str] = field(default_factory=dict, repr=False)  # IG user id -> its Page's token
    unlinked_page_id: str = ""

    @property
    def creator_ig(self) -> str:
        """The id of @sandbox.creator (the first linked account)."""
        return next(iter(self.ig_users))


async def issue_token(client: httpx.AsyncClient, **body: object) -> str:
    """Mint a token through the admin API (kind, user_id, scopes, page_id)."""
    response = await client.post("/_admin/tokens/issue", json=body)
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token
