"""Publish now in the create request itself (nothing left behind when it is refused), and the limits the
composer shows, read from the validation module."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from clipper.social import validation
from tests.fixtures.auth import signup
from tests.fixtures.media_factory import jpeg
from tests.social.publish_helpers import API, Publisher, until_done


async def _listed(publisher: Publisher) -> list[dict[str, Any]]:
    response = await publisher.client.get(API, headers=publisher.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestPublishNowOnCreate:
    async def test_one_request_creates_the_post_and_queues_it(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")

        response = await publisher.create(
            media_type="IMAGE", clip_id=clip_id, caption="Now", publish_now=True
        )
        assert response.status_code == 201, response.text
        queued = response.json()
        done = await until_done(publisher, queued["id"])

        assert queued["status"] == "scheduled"
        assert queued["scheduled_for"] is None
        assert queued["next_attempt_at"] is not None
        assert [entry["event"] for entry in queued["timeline"]] == ["created", "publish_requested"]
        assert done["status"] == "published"
        assert [item["media_id"] for item in await publisher.published()] == [done["platform_post_id"]]
        assert [post["id"] for post in await _listed(publisher)] == [queued["id"]]

    async def test_queues_one_post_per_account(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")

        response = await publisher.create(
            media_type="IMAGE", clip_id=clip_id, account_ids=[publisher.account["id"]], publish_now=True
        )

        assert response.status_code == 201, response.text
        [post] = response.json()["items"]
        assert post["status"] == "scheduled"
        assert post["timeline"][-1]["event"] == "publish_requested"
        assert (await until_done(publisher, post["id"]))["status"] == "published"

    async def test_an_invalid_post_leaves_nothing_behind(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")

        too_long = await publisher.create(
            media_type="IMAGE", clip_id=clip_id, caption="x" * (validation.MAX_CAPTION + 1), publish_now=True
        )
        one_bad_account = await publisher.create(
            media_type="IMAGE",
            clip_id=clip_id,
            account_ids=[publisher.account["id"], 987654],
            publish_now=True,
        )

        assert too_long.status_code == 422, too_long.text
        assert [field["field"] for field in too_long.json()["fields"]] == ["caption"]
        assert one_bad_account.status_code == 422, one_bad_account.text
        assert "account 987654 was not found" in " | ".join(one_bad_account.json()["reasons"])
        assert await _listed(publisher) == []
        assert await publisher.published() == []

    async def test_refuses_a_scheduled_time_with_publish_now(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()

        response = await publisher.create(
            media_type="IMAGE", clip_id=clip_id, scheduled_for=later, publish_now=True
        )

        assert response.status_code == 422, response.text
        assert response.json()["fields"] == [
            {"field": "publish_now", "message": "give either scheduled_for or publish_now, not both"}
        ]
        assert await _listed(publisher) == []

    async def test_without_it_the_post_stays_a_draft(self, publisher: Publisher) -> None:
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")

        post = (await publisher.create(media_type="IMAGE", clip_id=clip_id)).json()

        assert post["status"] == "draft"
        assert post["next_attempt_at"] is None

    async def test_the_openapi_document_describes_it(self, client: httpx.AsyncClient) -> None:
        document = (await client.get("/openapi.json")).json()
        field = document["components"]["schemas"]["PostCreate"]["properties"]["publish_now"]

        assert field["type"] == "boolean"
        assert field["default"] is False
        assert "same request" in field["description"]
        assert "publish_now" in document["paths"]["/api/v1/social/"]["post"]["description"]


class TestLimits:
    async def test_are_the_validation_modules_own(self, client: httpx.AsyncClient) -> None:
        user = await signup(client)

        response = await client.get(f"{API}limits", headers=user.headers)

        assert response.status_code == 200, response.text
        assert response.json() == {
            "caption_characters": validation.MAX_CAPTION,
            "hashtags": validation.MAX_HASHTAGS,
            "mentions": validation.MAX_MENTIONS,
            "collaborators": validation.MAX_COLLABORATORS,
            "alt_text_characters": validation.MAX_ALT_TEXT,
            "carousel_min": validation.CAROUSEL_SIZE[0],
            "carousel_max": validation.CAROUSEL_SIZE[1],
            "schedule_grace_seconds": validation.SCHEDULE_GRACE.total_seconds(),
        }

    async def test_need_a_signed_in_user(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}limits")

        assert response.status_code == 401

    @pytest.mark.parametrize("field", ["caption_characters", "carousel_max", "schedule_grace_seconds"])
    async def test_are_documented(self, client: httpx.AsyncClient, field: str) -> None:
        document = (await client.get("/openapi.json")).json()
        operation = document["paths"]["/api/v1/social/limits"]["get"]

        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ComposerLimits"
        }
        schema = document["components"]["schemas"]["ComposerLimits"]
        assert field in schema["required"]
        assert schema["properties"][field]["type"] == "integer"
