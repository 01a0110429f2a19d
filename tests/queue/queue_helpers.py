"""A connected account's posting queue driven through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from tests.fixtures.media_factory import jpeg
from tests.social.publish_helpers import Publisher

EVERY_HOUR = [{"weekday": day, "time": f"{hour:02d}:00"} for day in range(7) for hour in range(0, 24, 6)]


@dataclass
class Queue:
    publisher: Publisher
    clip_id: int

    @classmethod
    async def of(cls, publisher: Publisher) -> Queue:
        return cls(publisher=publisher, clip_id=await publisher.clip(jpeg(320, 320), "tiny.jpg"))

    @property
    def url(self) -> str:
        return f"/api/v1/accounts/{self.publisher.account['id']}/queue"

    async def call(self, method: str, path: str = "", body: Any = None) -> httpx.Response:
        return await self.publisher.client.request(
            method, self.url + path, json=body, headers=self.publisher.headers
        )

    async def ok(self, method: str, path: str = "", body: Any = None) -> dict[str, Any]:
        response = await self.call(method, path, body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def set_slots(self, slots: list[dict[str, Any]], timezone: str = "UTC") -> dict[str, Any]:
        return await self.ok("PUT", "/slots", {"timezone": timezone, "slots": slots})

    async def add(self, **body: Any) -> dict[str, Any]:
        """A new image post added to the queue."""
        body.setdefault("clip_id", self.clip_id)
        response = await self.publisher.create(add_to_queue=True, **body)
        assert response.status_code == 201, response.text
        post: dict[str, Any] = response.json()
        return post


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
