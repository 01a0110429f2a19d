"""The checklist: eight steps through the product's HTTP API, each reported ✓ or ✗ with the fix.

Every step calls the same endpoints the web UI does, so a pass means the product works with the
configured Graph host (the sandbox or Meta), not merely that Meta answers. Against the sandbox the
smoke also plays the other side (the person at the dialog, a follower's comment, a customer's DM)
through the sandbox's control API; against Meta it asks the operator to, and waits.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from clipper.doctor.report import Check
from clipper.smoke import dialog, media

OAUTH = "/api/v1/oauth/instagram"
SOCIAL = "/api/v1/social/"
INBOX = "/api/v1/instagram"
_RESULT = re.compile(r'<script id="oauth-result" type="application/json">(.*?)</script>', re.DOTALL)


class StepFailed(Exception):
    """A step's failure: what went wrong and what to do about it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem, self.fix = problem, fix


@dataclass
class Smoke:
    """One run against one server, as one signed-in user (`headers`)."""

    client: httpx.AsyncClient
    headers: dict[str, str]
    flavour: str = "facebook"
    say: Callable[[str], None] = print
    wait_seconds: float = 300.0
    poll_seconds: float = 1.0
    sandbox: str | None = None
    account: dict[str, Any] = field(default_factory=dict)
    media_id: str | None = None

    async def run(self) -> list[Check]:
        """Every step in order; a step that needs an earlier one's result fails with that as its fix."""
        steps: list[tuple[str, Callable[[], Awaitable[str]]]] = [
            ("OAuth connect", self.connect),
            ("Account information", self.account_info),
            ("Image post", self.image_post),
            ("Video post", self.video_post),
            ("Comments read and reply", self.comments),
            ("Direct message", self.message),
            ("Analytics", self.analytics),
            ("Disconnect", self.disconnect),
        ]
        outcomes = []
        for name, step in steps:
            outcome = await self._attempt(name, step)
            self.say(outcome.line())
            outcomes.append(outcome)
        return outcomes

    async def _attempt(self, name: str, step: Callable[[], Awaitable[str]]) -> Check:
        try:
            return Check(name, True, await step())
        except StepFailed as failed:
            return Check(name, False, failed.problem, failed.fix)
        except httpx.HTTPError as exc:
            return Check(name, False, f"{type(exc).__name__}: {exc}", "check that the server is running")

    # -- HTTP -----------------------------------------------------------------------------------------

    async def _call(self, method: str, path: str, fix: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=self.headers, **kwargs)
        if response.status_code >= 400:
            raise StepFailed(f"{method} {path} answered {response.status_code}: {_reason(response)}", fix)
        return response.json() if response.content else None

    async def _until(self, what: str, fix: str, read: Callable[[], Awaitable[Any]]) -> Any:
        """Poll `read` until it returns something truthy, for at most `wait_seconds`."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            found = await read()
            if found:
                return found
            if time.monotonic() > deadline:
                raise StepFailed(f"no {what} within {self.wait_seconds:.0f} s", fix)
            await asyncio.sleep(self.poll_seconds)

    def _need_account(self) -> int:
        if not self.account:
            raise StepFailed("no connected account", "make the OAuth connect step pass first")
        return int(self.account["id"])

    # -- 1. connect -----------------------------------------------------------------------------------

    async def connect(self) -> str:
        fix = (
            "check the app id, secret and redirect URI (BACKEND_URL) in the settings and in the App Dashboard"
        )
        started = await self._call("GET", f"{OAUTH}/authorize", fix, params={"flavour": self.flavour})
        url = str(started["authorization_url"])
        self.say(f"  dialog: {url}")
        root = dialog.sandbox_root(url)
        if root is not None and await dialog.is_sandbox(self.client, root):
            self.sandbox = root
            return await self._connect_in_sandbox(url, fix)
        self.say("  open it in a browser signed in to Clipper as this user, log in with the test account…")
        return await self._connect_by_person(fix)

    async def _connect_in_sandbox(self, url: str, fix: str) -> str:
        callback = await self.client.get(await dialog.press_continue(self.client, url), headers=self.headers)
        found = _RESULT.search(callback.text)
        result: dict[str, Any] = json.loads(found.group(1))["message"] if found else {}
        if result.get("status") != "success":
            raise StepFailed(f"the callback reported {result.get('error') or callback.status_code}", fix)
        if result.get("account_id") is not None:
            self.account = await self._call("GET", f"/api/v1/accounts/{result['account_id']}", fix)
        else:
            await self._select_first(fix)
        return f"connected @{self.account['account_username']} with {self.flavour.title()} Login"

    async def _connect_by_person(self, fix: str) -> str:
        before = {item["id"]: item["connected_at"] for item in await self._accounts(fix)}

        async def connected() -> Any:
            if self.flavour == "facebook":
                available = await self._call("GET", f"{OAUTH}/available-accounts", fix)
                return available["items"]
            return [
                item
                for item in await self._accounts(fix)
                if item["is_active"] and before.get(item["id"]) != item["connected_at"]
            ]

        found = await self._until("completed login", fix, connected)
        if self.flavour == "facebook":
            await self._select_first(fix)
        else:
            self.account = found[0]
        return f"connected @{self.account['account_username']} with {self.flavour.title()} Login"

    async def _accounts(self, fix: str) -> list[dict[str, Any]]:
        page = await self._call("GET", "/api/v1/accounts", fix)
        items: list[dict[str, Any]] = page["items"]
        return items

    async def _select_first(self, fix: str) -> None:
        available = (await self._call("GET", f"{OAUTH}/available-accounts", fix))["items"]
        if not available:
            raise StepFailed("the login found no Instagram professional account", fix)
        body = {"instagram_business_account_id": available[0]["id"]}
        self.account = await self._call("POST", f"{OAUTH}/select-account", fix, json=body)

    # -- 2. account -----------------------------------------------------------------------------------

    async def account_info(self) -> str:
        account_id = self._need_account()
        fix = "reconnect: the stored token no longer reads the profile"
        account = await self._call("POST", f"/api/v1/accounts/{account_id}/check", fix)
        if not account["is_active"] or not account["account_username"]:
            raise StepFailed(f"health {account['health_status']}: {account['health_reason']}", fix)
        self.account = account
        followers = account.get("followers_count")
        return f"@{account['account_username']}, {followers} followers, {account['health_status']}"

    # -- 3, 4. publishing -----------------------------------------------------------------------------

    async def image_post(self) -> str:
        post = await self._publish("IMAGE", media.jpeg(), "smoke.jpg")
        self.media_id = post["platform_post_id"]
        return f"published {post['platform_post_id']}"

    async def video_post(self) -> str:
        post = await self._publish("REELS", media.mp4(), "smoke.mp4")
        return f"published {post['platform_post_id']}"

    async def _publish(self, media_type: str, data: bytes, filename: str) -> dict[str, Any]:
        account_id = self._need_account()
        fix = (
            "BACKEND_URL must be an https origin Meta can fetch media from; the account needs "
            "instagram_content_publish (Facebook Login) or instagram_business_content_publish "
            "(Instagram Login)"
        )
        response = await self.client.post(
            "/api/v1/clips", headers=self.headers, files={"file": (filename, data)}
        )
        if response.status_code >= 400:
            raise StepFailed(f"upload answered {response.status_code}: {_reason(response)}", fix)
        clip = response.json()

        async def ready() -> Any:
            current = await self._call("GET", f"/api/v1/clips/{clip['id']}", fix)
            return current if current["status"] != "processing" else None

        clip = await self._until("processed clip", fix, ready)
        if clip["status"] != "ready":
            raise StepFailed(f"the clip is {clip['status']}", fix)
        body = {"platform": "instagram", "account_id": account_id, "clip_id": clip["id"],
                "media_type": media_type, "caption": f"clipper smoke: {media_type.lower()}"}  # fmt: skip
        post = await self._call("POST", SOCIAL, fix, json=body)
        await self._call("POST", f"{SOCIAL}{post['id']}/publish", fix)

        async def finished() -> Any:
            current = await self._call("GET", f"{SOCIAL}{post['id']}", fix)
            return current if current["status"] in ("published", "failed") else None

        post = await self._until("published post (is a worker running?)", fix, finished)
        if post["status"] != "published":
            raise StepFailed(f"failed: {post['error_message']}", fix)
        published: dict[str, Any] = post
        return published

    # -- 5. comments ----------------------------------------------------------------------------------

    async def comments(self) -> str:
        account_id = self._need_account()
        if self.media_id is None:
            raise StepFailed("no published media to read comments on", "make the image post pass first")
        fix = "the account needs instagram_manage_comments (or instagram_business_manage_comments)"
        if self.sandbox:
            await self._sandbox("simulate/comment", {"media_id": self.media_id, "text": "Smoke says hi"}, fix)
        else:
            self.say(f"  comment on media {self.media_id} from another account…")

        async def thread() -> Any:
            page = await self._call(
                "GET", f"{INBOX}/media/{self.media_id}/comments", fix, params={"account_id": account_id}
            )
            return [item for item in page["items"] if not item["from_account"]]

        comment = (await self._until("comment", fix, thread))[0]
        await self._call("POST", f"{INBOX}/comments/{comment['id']}/reply", fix, json={"message": "Thanks!"})
        return f"read @{comment['author_username']}'s comment and replied"

    # -- 6. messages ----------------------------------------------------------------------------------

    async def message(self) -> str:
        account_id = self._need_account()
        fix = (
            "the account needs instagram_manage_messages (or instagram_business_manage_messages) and "
            "'Allow access to messages' in the Instagram app's settings"
        )
        if self.sandbox:
            body = {"ig_user_id": self.account["platform_account_id"], "text": "Is this on?"}
            await self._sandbox("simulate/message", body, fix)
        else:
            self.say(f"  send a DM to @{self.account['account_username']} from another account…")

        async def conversations() -> Any:
            await self._call("POST", f"{INBOX}/accounts/{account_id}/inbox/sync", fix)
            page = await self._call("GET", f"{INBOX}/conversations", fix, params={"account_id": account_id})
            return page["items"]

        conversation = (await self._until("conversation", fix, conversations))[0]
        await self._call(
            "POST", f"{INBOX}/conversations/{conversation['id']}/messages", fix, json={"text": "Yes, it is."}
        )
        return "received a message and answered it"

    # -- 7. analytics ---------------------------------------------------------------------------------

    async def analytics(self) -> str:
        account_id = self._need_account()
        fix = "the account needs instagram_manage_insights (or instagram_business_manage_insights)"
        insights = await self._call("GET", f"{INBOX}/accounts/{account_id}/insights", fix)
        if not insights["metrics"]:
            raise StepFailed("no metrics came back", fix)
        return f"{len(insights['metrics'])} metrics for {insights['since']}..{insights['until']}"

    # -- 8. disconnect --------------------------------------------------------------------------------

    async def disconnect(self) -> str:
        account_id = self._need_account()
        fix = "disconnect from the Accounts page, then remove the app in the account's settings"
        account = await self._call("POST", f"{OAUTH}/disconnect", fix, json={"account_id": account_id})
        if account["is_active"]:
            raise StepFailed("the account is still active", fix)
        return f"@{account['account_username']} disconnected"

    async def _sandbox(self, path: str, body: dict[str, Any], fix: str) -> None:
        response = await self.client.post(f"{self.sandbox}/_admin/{path}", json=body)
        if response.status_code >= 400:
            raise StepFailed(f"the sandbox answered {response.status_code}: {_reason(response)}", fix)


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("error") or body
        return str(detail)[:300]
    return str(body)[:300]
