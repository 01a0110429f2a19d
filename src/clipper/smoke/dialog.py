"""The login dialog: tell the sandbox's apart from Meta's, and press Continue on the sandbox's.

Against Meta a person signs in; against the sandbox there is nobody to, so the smoke fills its form
itself (the first world user, every permission offered), exactly as a browser would submit it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import httpx

# Where each flavour's dialog lives under the sandbox's root (graph_sandbox's own routes).
_SANDBOX_DIALOG_PATHS = ("/dialog/oauth", "/instagram/oauth/authorize")
_META_HOSTS = ("facebook.com", "instagram.com")


@dataclass
class DialogForm:
    """The sandbox dialog's form: hidden fields, the user chooser and the offered permissions."""

    user_field: str = "user_id"
    hidden: dict[str, str] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)
    default_user: str = ""
    permissions: list[str] = field(default_factory=list)

    def continue_body(self) -> str:
        """The form as submitted with Continue, every permission ticked."""
        user = self.default_user or (self.users[0] if self.users else "")
        pairs = [*self.hidden.items(), (self.user_field, user), ("action", "continue")]
        pairs += [("granted", scope) for scope in self.permissions]
        return urlencode(pairs)


class _FormParser(HTMLParser):
    def __init__(self, form: DialogForm) -> None:
        super().__init__()
        self.form = form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.form.hidden[values["name"]] = values.get("value", "")
        elif tag == "input" and values.get("type") == "checkbox" and values.get("name") == "granted":
            self.form.permissions.append(values.get("value", ""))
        elif tag == "select" and values.get("name"):
            self.form.user_field = values["name"]
        elif tag == "option":
            self.form.users.append(values.get("value", ""))
            if "selected" in values:
                self.form.default_user = values.get("value", "")


def sandbox_root(dialog_url: str) -> str | None:
    """The sandbox's root URL when the dialog is one of its routes; None for Meta's dialogs."""
    parts = urlsplit(dialog_url)
    if any(parts.hostname == host or (parts.hostname or "").endswith(f".{host}") for host in _META_HOSTS):
        return None
    for suffix in _SANDBOX_DIALOG_PATHS:
        if parts.path.endswith(suffix):
            return f"{parts.scheme}://{parts.netloc}{parts.path.removesuffix(suffix)}"
    return None


async def is_sandbox(client: httpx.AsyncClient, root: str) -> bool:
    """Whether `root` answers the sandbox's control API."""
    try:
        response = await client.get(f"{root}/_admin/state")
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.headers.get("content-type", "").startswith(
        "application/json"
    )


async def press_continue(client: httpx.AsyncClient, dialog_url: str) -> str:
    """Open the sandbox dialog, submit it with Continue; → the callback URL it redirects to."""
    page = await client.get(dialog_url)
    page.raise_for_status()
    form = DialogForm()
    _FormParser(form).feed(page.text)
    submitted = await client.post(
        dialog_url,
        content=form.continue_body(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    if submitted.status_code != 302:
        raise httpx.HTTPStatusError(
            f"the dialog answered {submitted.status_code}", request=submitted.request, response=submitted
        )
    return submitted.headers["location"]
