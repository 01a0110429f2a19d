"""Publisher: a publishing session against the in-process sandbox (the `pub` fixture is in conftest.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from graph_sandbox.state import Sandbox
from graph_sandbox.world import InstagramUser

VERSION = "v24.0"


class Publisher:
    """Drives the publishing endpoints as one Facebook user with every product permission."""

    def __init__(self, client: httpx.AsyncClient, sandbox: Sandbox, token: str) -> None:
        self.client = client
        self.sandbox = sandbox
        self.token = token
        self.ig: InstagramUser = next(
            ig for ig in sandbox.world.ig_users.values() if ig.username == "sandbox.creator"
        )

    async def with_scopes(self, scopes: list[str]) -> Publisher:
        """Another session for the same user whose token carries only `scopes` (minted by the admin API)."""
        response = await self.client.post(
            "/_admin/tokens/issue", json={"kind": "USER_LONG", "scopes": scopes}
        )
        response.raise_for_status()
        return Publisher(self.client, self.sandbox, response.json()["access_token"])

    def host(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Serve bytes from the sandbox's own CDN and return their URL."""
        return self.sandbox.cdn.put(data, content_type)

    async def call(self, method: str, path: str, **params: Any) -> httpx.Response:
        """A Graph call with this session's token."""
        query = {"access_token": self.token, **{k: str(v) for k, v in params.items()}}
        return await self.client.request(method, f"/graph/{VERSION}/{path}", params=query)

    async def create(self, **params: Any) -> httpx.Response:
        """`POST /{ig-user-id}/media`."""
        return await self.call("POST", f"{self.ig.id}/media", **params)

    async def create_id(self, **params: Any) -> str:
        """Create a container and return its id (asserting success)."""
        response = await self.create(**params)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    async def status(self, container_id: str) -> dict[str, Any]:
        """`GET /{container-id}?fields=status_code,status`."""
        response = await self.call("GET", container_id, fields="id,status_code,status")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def wait(self, container_id: str, *, timeout: float = 10.0) -> dict[str, Any]:
        """Poll until the container leaves IN_PROGRESS."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            body = await self.status(container_id)
            if body["status_code"] != "IN_PROGRESS" or loop.time() > deadline:
                return body
            await asyncio.sleep(0.05)

    async def publish(self, container_id: str) -> httpx.Response:
        """`POST /{ig-user-id}/media_publish?creation_id=`."""
        return await self.call("POST", f"{self.ig.id}/media_publish", creation_id=container_id)

    async def publish_id(self, container_id: str) -> str:
        """Publish and return the media id (asserting success)."""
        response = await self.publish(container_id)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The `error` object of a Graph error answer."""
    body: dict[str, Any] = response.json()
    assert "error" in body, body
    error: dict[str, Any] = body["error"]
    return error
