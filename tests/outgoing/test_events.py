"""Events are recorded for subscribed endpoints when the fact is committed: a post published in the
sandbox, a comment or DM arriving by webhook, an account connected."""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi import FastAPI

from tests.fixtures.auth import SignUp
from tests.fixtures.inbox import API, Connected, busiest_media, drain
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import connect_instagram
from tests.outgoing.helpers import create_endpoint, deliveries, run_due
from tests.outgoing.receiver import Receiver
from tests.social.publish_helpers import make_publisher, until_done


def _bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in receiver.requests]


class TestPostEvents:
    async def test_a_post_published_in_the_sandbox_reaches_the_subscribed_endpoint_only(
        self, client: httpx.AsyncClient, local: FastAPI, signup: SignUp, receiver: Receiver
    ) -> None:
        publisher = await make_publisher(client, local)
        published = await create_endpoint(client, publisher.headers, f"{receiver.origin}/published")
        failed_only = await create_endpoint(
            client, publisher.headers, f"{receiver.origin}/f", ["post.failed"]
        )
        stranger = await signup(client)
        strangers = await create_endpoint(client, stranger.headers, f"{receiver.origin}/stranger")
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        queued = await publisher.create(
            media_type="IMAGE", clip_id=clip_id, caption="Hello", publish_now=True
        )

        post = await until_done(publisher, queued.json()["id"])
        [logged] = await deliveries(client, publisher.headers, published["id"])
        await run_due(local)

        assert post["status"] == "published"
        assert (logged["event_type"], logged["status"]) == ("post.published", "pending")
        assert await deliveries(client, publisher.headers, failed_only["id"]) == []
        assert await deliveries(client, stranger.headers, strangers["id"]) == []
        [request] = receiver.requests
        [body] = _bodies(receiver)
        assert request.path == "/published"
        assert body["type"] == "post.published"
        assert body["data"]["id"] == post["id"]
        assert body["data"]["platform_post_id"] == post["platform_post_id"]
        assert (body["data"]["caption"], body["data"]["media_type"]) == ("Hello", "IMAGE")


class TestAccountEvents:
    async def test_connecting_an_account_records_account_updated(
        self, client: httpx.AsyncClient, local: FastAPI, signup: SignUp, receiver: Receiver
    ) -> None:
        user = await signup(client)
        endpoint = await create_endpoint(client, user.headers, f"{receiver.origin}/in", ["account.updated"])

        account = await connect_instagram(client, user.headers)
        await run_due(local)

        [logged] = await deliveries(client, user.headers, endpoint["id"])
        assert (logged["event_type"], logged["status"]) == ("account.updated", "delivered")
        [body] = _bodies(receiver)
        assert body["data"]["id"] == account["id"]
        assert body["data"]["username"] == account["account_username"]
        assert "token" not in json.dumps(body).lower()


class TestInboxEvents:
    async def test_a_comment_and_a_message_arriving_by_webhook_are_recorded(
        self,
        client: httpx.AsyncClient,
        local: FastAPI,
        owner: Connected,
        webhooks_on: None,
        admin: Any,
        receiver: Receiver,
    ) -> None:
        events = ["comment.created", "message.created"]
        endpoint = await create_endpoint(client, owner.headers, f"{receiver.origin}/in", events)
        media_id = await busiest_media(client, owner.ig_id)

        comment = await admin("simulate/comment", {"media_id": media_id, "text": "Where is this?"})
        await admin("simulate/message", {"ig_user_id": owner.ig_id, "text": "ping"})
        await drain(local)
        await run_due(local)

        logged = await deliveries(client, owner.headers, endpoint["id"])
        assert sorted(item["event_type"] for item in logged) == events
        by_type = {body["type"]: body["data"] for body in _bodies(receiver)}
        assert by_type["comment.created"]["platform_comment_id"] == comment["id"]
        assert by_type["comment.created"]["text"] == "Where is this?"
        assert by_type["message.created"]["text"] == "ping"
        assert by_type["message.created"]["from_account"] is False


class TestSyncEvents:
    async def test_the_first_sync_is_history_and_the_next_records_only_what_is_new(
        self,
        client: httpx.AsyncClient,
        local: FastAPI,
        owner: Connected,
        admin: Any,
        receiver: Receiver,
    ) -> None:
        events = ["comment.created", "message.created"]
        endpoint = await create_endpoint(client, owner.headers, f"{receiver.origin}/in", events)
        sync = f"{API}/accounts/{owner.account['id']}/inbox/sync"

        first = await client.post(sync, headers=owner.headers)
        inbox = await client.get(f"{API}/comments", headers=owner.headers)
        assert first.status_code == 200
        assert inbox.json()["items"]  # the backfill stored the history
        assert await deliveries(client, owner.headers, endpoint["id"]) == []

        # No webhooks here: only the next sync finds them.
        media_id = await busiest_media(client, owner.ig_id)
        comment = await admin("simulate/comment", {"media_id": media_id, "text": "New since the sync"})
        await admin("simulate/message", {"ig_user_id": owner.ig_id, "text": "new DM"})
        assert (await client.post(sync, headers=owner.headers)).status_code == 200
        await run_due(local)

        logged = await deliveries(client, owner.headers, endpoint["id"])
        assert sorted(item["event_type"] for item in logged) == events
        by_type = {body["type"]: body["data"] for body in _bodies(receiver)}
        assert by_type["comment.created"]["platform_comment_id"] == comment["id"]
        assert by_type["message.created"]["text"] == "new DM"


class TestPostOutcomes:
    async def test_unconfirmed_then_published_are_both_recorded_in_order(
        self, client: httpx.AsyncClient, local: FastAPI, receiver: Receiver
    ) -> None:
        publisher = await make_publisher(client, local)
        events = ["post.failed", "post.published", "post.unconfirmed"]
        endpoint = await create_endpoint(client, publisher.headers, f"{receiver.origin}/in", events)
        await publisher.admin("POST", "faults", {"action": "drop_after", "path": "media_publish", "times": 1})
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Dropped")
        await publisher.publish(created.json()["id"])

        done = await until_done(publisher, created.json()["id"])

        logged = await deliveries(client, publisher.headers, endpoint["id"])
        assert done["status"] == "published"
        assert [item["event_type"] for item in reversed(logged)] == ["post.unconfirmed", "post.published"]

    async def test_a_refused_post_records_post_failed(
        self, client: httpx.AsyncClient, local: FastAPI, receiver: Receiver
    ) -> None:
        publisher = await make_publisher(client, local)
        await create_endpoint(client, publisher.headers, f"{receiver.origin}/in", ["post.failed"])
        fault = {"action": "error", "path": "/media$", "code": 100, "http_status": 400, "times": 1}
        await publisher.admin("POST", "faults", fault)
        clip_id = await publisher.clip(jpeg(1080, 1080), "photo.jpg")
        created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Refused")
        await publisher.publish(created.json()["id"])

        done = await until_done(publisher, created.json()["id"])
        await run_due(local)

        assert done["status"] == "failed", done
        [body] = _bodies(receiver)
        assert (body["type"], body["data"]["id"]) == ("post.failed", done["id"])
        assert body["data"]["error_message"] == done["error_message"]
