"""Walk the real Facebook Login flow against the sandbox over HTTP, for any test that needs an account.

    account = await connect_instagram(client, user.headers)                  # the first world account
    account = await connect_instagram(client, user.headers, username="sandbox.studio")

Lower-level steps, for tests about the flow itself:
`start_authorization` → `open_dialog` (parses the sandbox's form) → `submit_dialog` (Continue or Cancel,
log in as another world user, untick permissions) → `follow_to_callback` → `oauth_result` (the payload
the callback page posts to its opener).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

API = "/api/v1/oauth/instagram"


@dataclass
class DialogForm:
    """The sandbox login dialog: where it posts, its hidden fields, the users and the permissions."""

    url: str
    hidden: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # display name -> Facebook user id
    default_user: str = ""
    permissions: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, form: DialogForm) -> None:
        super().__init__()
        self.form = form
        self._option: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "input" and values.get("type") == "hidden":
            self.form.hidden[values["name"]] = values.get("value", "")
        elif tag == "input" and values.get("type") == "checkbox" and values.get("name") == "granted":
            self.form.permissions.append(values["value"])
        elif tag == "option":
            self._option = (values["value"], "selected" in values)

    def handle_data(self, data: str) -> None:
        if self._option is not None and data.strip():
            user_id, selected = self._option
            self.form.users[data.strip()] = user_id
            if selected:
                self.form.default_user = user_id
            self._option = None


async def start_authorization(
    client: httpx.AsyncClient, headers: dict[str, str], *, flavour: str | None = None
) -> str:
    """GET /oauth/instagram/authorize[?flavour=…] → the dialog URL (Facebook Login's by default)."""
    params = {"flavour": flavour} if flavour else {}
    response = await client.get(f"{API}/authorize", params=params, headers=headers)
    assert response.status_code == 200, response.text
    url: str = response.json()["authorization_url"]
    return url


def dialog_query(url: str) -> tuple[str, dict[str, str]]:
    """A dialog URL's path and its query, one value per name."""
    parts = urlsplit(url)
    return parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()}


async def open_dialog(client: httpx.AsyncClient, authorization_url: str) -> DialogForm:
    """GET the sandbox dialog and parse its form (it posts back to its own URL)."""
    response = await client.get(authorization_url)
    assert response.status_code == 200, response.text
    form = DialogForm(url=authorization_url)
    _FormParser(form).feed(response.text)
    return form


async def submit_dialog(
    client: httpx.AsyncClient,
    form: DialogForm,
    *,
    action: str = "continue",
    log_in_as: str | None = None,
    untick: tuple[str, ...] = (),
) -> httpx.Response:
    """Press Continue (or Cancel) as the default user or `log_in_as` (a display name); → the 302."""
    user_id = form.users[log_in_as] if log_in_as else form.default_user
    pairs = [*form.hidden.items(), ("user_id", user_id), ("action", action)]
    pairs += [("granted", scope) for scope in form.permissions if scope not in untick]
    response = await client.post(
        form.url,
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 302, response.text
    return response


async def follow_to_callback(
    client: httpx.AsyncClient, dialog_redirect: httpx.Response, headers: dict[str, str] | None = None
) -> httpx.Response:
    """Follow the dialog's 302 to our callback (with the user's credentials when given)."""
    location = dialog_redirect.headers["location"]
    assert urlsplit(location).path == f"{API}/callback", location
    return await client.get(location, headers=headers or {})


_RESULT = re.compile(r'<script id="oauth-result" type="application/json">(.*?)</script>', re.DOTALL)


def callback_payload(response: httpx.Response) -> dict[str, Any]:
    """The JSON the callback page embeds: `message`, `target_origin`, `redirect_url`."""
    found = _RESULT.search(response.text)
    assert found is not None, response.text
    payload: dict[str, Any] = json.loads(found.group(1))
    return payload


def oauth_result(response: httpx.Response) -> dict[str, Any]:
    """The `{type: "oauth-result", status, platform, accounts_available, error, …}` posted to the opener."""
    message: dict[str, Any] = callback_payload(response)["message"]
    return message


async def authorize_and_return(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    action: str = "continue",
    log_in_as: str | None = None,
    untick: tuple[str, ...] = (),
) -> httpx.Response:
    """authorize → dialog → submit → callback; return the callback's response."""
    form = await open_dialog(client, await start_authorization(client, headers))
    redirect = await submit_dialog(client, form, action=action, log_in_as=log_in_as, untick=untick)
    return await follow_to_callback(client, redirect, headers)


async def connect_instagram(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    username: str | None = None,
    untick: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Connect an IG account through the whole flow; → its JSON (`GET /accounts/{id}`).

    `username` picks one of the world's accounts (default: the first found); `untick` leaves
    permissions out of the grant.
    """
    callback = await authorize_and_return(client, headers, untick=untick)
    result = oauth_result(callback)
    assert result["status"] == "success", result
    available = await client.get(f"{API}/available-accounts", headers=headers)
    assert available.status_code == 200, available.text
    items = available.json()["items"]
    chosen = next((item for item in items if username in (None, item["username"])), None)
    assert chosen is not None, f"{username} not among {[item['username'] for item in items]}"
    selected = await client.post(
        f"{API}/select-account",
        json={"instagram_business_account_id": chosen["id"]},
        headers=headers,
    )
    assert selected.status_code == 200, selected.text
    account: dict[str, Any] = selected.json()
    return account


def sandbox_of(app: Any) -> Any:
    """The running sandbox (`graph_sandbox.state.Sandbox`) mounted in the app, to shape its world."""
    return app.state.sandbox_app.state.sandbox


async def sandbox_admin(client: httpx.AsyncClient, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST to the sandbox's control API (`/sandbox/_admin/<path>`) and return its JSON."""
    response = await client.post(f"/sandbox/_admin/{path}", json=body or {})
    assert response.status_code < 300, response.text
    return response.json()
