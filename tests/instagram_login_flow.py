"""Walk the Instagram Login flow (flavour=instagram) against the sandbox over HTTP.

account = await connect_with_instagram(client, user.headers)   # @sandbox.creator, no Page
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from oauth_flow import API, oauth_result, open_dialog, start_authorization


async def instagram_login_callback(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    username: str = "sandbox.creator",
    action: str = "continue",
    untick: tuple[str, ...] = (),
) -> httpx.Response:
    """authorize → the Instagram dialog (log in as @username, Allow or Cancel) → our callback."""
    form = await open_dialog(client, await start_authorization(client, headers, flavour="instagram"))
    pairs = [*form.hidden.items(), ("ig_user_id", form.users[f"@{username}"]), ("action", action)]
    pairs += [("granted", scope) for scope in form.permissions if scope not in untick]
    redirect = await client.post(
        form.url, content=urlencode(pairs), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert redirect.status_code == 302, redirect.text
    location = redirect.headers["location"]
    assert urlsplit(location).path == f"{API}/callback", location
    return await client.get(location, headers=headers)


async def connect_with_instagram(
    client: httpx.AsyncClient, headers: dict[str, str], *, username: str = "sandbox.creator"
) -> dict[str, Any]:
    """Connect @username through Instagram Login; → its JSON (`GET /accounts/{id}`)."""
    result = oauth_result(await instagram_login_callback(client, headers, username=username))
    assert result["status"] == "success", result
    assert result["account_id"] is not None, result
    response = await client.get(f"/api/v1/accounts/{result['account_id']}", headers=headers)
    assert response.status_code == 200, response.text
    account: dict[str, Any] = response.json()
    return account
