"""Helpers for publishing tests: a signed-up user with a connected account and clips, and an engine driver."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from clipper.db import unit_of_work
from clipper.social import sweep
from clipper.social.engine import Engine
from tests.clips.clip_helpers import upload_ok, wait_done
from tests.fixtures.auth import SignedUp, signup
from tests.fixtures.oauth_flow import connect_instagram

API = "/api/v1/social/"
TERMINAL = {"published", "failed"}


@dataclass
class Publisher:
    client: httpx.AsyncClient
    app: FastAPI
    user: SignedUp
    account: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return self.user.headers

    async def clip(self, data: bytes, filename: str) -> int:
        """Upload a clip and wait until it is ready; its id."""
        clip = await upload_ok(self.client, self.user, data, filename)
        if clip.get("status") == "processing":
            clip = await wait_done(self.client, self.user, clip["id"])
            clip = clip.get("clip", clip) if isinstance(clip, dict) else clip
        return int(clip["id"])

    async def create(self, **body: Any) -> httpx.Response:
        body.setdefault("account_id", self.account["id"])
        body.setdefault("platform", "instagram")
        return await self.client.post(API, json=body, headers=self.headers)

    async def post(self, post_id: int) -> dict[str, Any]:
        response = await self.client.get(f"{API}{post_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def publish(self, post_id: int) -> None:
        response = await self.client.post(f"{API}{post_id}/publish", headers=self.headers)
        assert response.status_code == 202, response.text

    async def admin(self, method: str, path: str, body: Any = None) -> Any:
        response = await self.client.request(method, f"/sandbox/_admin/{path}", json=body)
        assert response.status_code < 300, response.text
        return response.json()

    async def published(self) -> list[dict[str, Any]]:
        """What the sandbox holds as published for the account."""
        ig = self.account["platform_account_id"]
        body = await self.admin("GET", f"published?ig_user_id={ig}")
        items: list[dict[str, Any]] = body["accounts"].get(ig, [])
        return items


async def run_due(app: FastAPI) -> int:
    """One sweep, then each claimed post run to its next wait, one after the other (one DB connection)."""
    resources = app.state.resources
    async with unit_of_work(resources.session_factory) as session:
        claimed = await sweep.claim_due(session, lease_seconds=300, batch=100)
    for post_id, lease in claimed:
        await Engine(resources).run(post_id=post_id, lease_until=lease)
    return len(claimed)


async def until_done(publisher: Publisher, post_id: int, *, timeout: float = 30.0) -> dict[str, Any]:
    """Drive the engine until the post is published or failed (or the timeout passes)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await run_due(publisher.app)
        post = await publisher.post(post_id)
        if post["status"] in TERMINAL or asyncio.get_running_loop().time() > deadline:
            return post
        await asyncio.sleep(0.2)


async def make_publisher(client: httpx.AsyncClient, app: FastAPI) -> Publisher:
    """A user with a connected sandbox account and quick media processing."""
    user = await signup(client)
    account = await connect_instagram(client, user.headers)
    publisher = Publisher(client=client, app=app, user=user, account=account)
    await publisher.admin("PATCH", "config", {"video_processing_seconds": 0, "image_processing_seconds": 0})
    return publisher
