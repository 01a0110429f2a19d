"""A connected account's grid preview driven through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.fixtures.media_factory import jpeg
from tests.queue.queue_helpers import when
from tests.social.publish_helpers import Publisher

__all__ = ["Grid", "days_ahead", "when"]


def days_ahead(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


@dataclass
class Grid:
    publisher: Publisher
    clip_id: int

    @classmethod
    async def of(cls, publisher: Publisher) -> Grid:
        return cls(publisher=publisher, clip_id=await publisher.clip(jpeg(640, 800), "portrait.jpg"))

    @property
    def account_id(self) -> int:
        return int(self.publisher.account["id"])

    async def get(self, account_id: int | None = None) -> httpx.Response:
        return await self.publisher.client.get(
            f"/api/v1/grid/{account_id or self.account_id}", headers=self.publisher.headers
        )

    async def read(self) -> dict[str, Any]:
        response = await self.get()
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def swap(self, *post_ids: int, account_id: int | None = None) -> httpx.Response:
        return await self.publisher.client.post(
            f"/api/v1/grid/{account_id or self.account_id}/swap",
            json={"post_ids": list(post_ids)},
            headers=self.publisher.headers,
        )

    async def schedule(self, at: datetime, **body: Any) -> dict[str, Any]:
        """A new post (an image by default) scheduled at `at`."""
        body.setdefault("clip_id", self.clip_id)
        response = await self.publisher.create(scheduled_for=at.isoformat(), **body)
        assert response.status_code == 201, response.text
        post: dict[str, Any] = response.json()
        return post
