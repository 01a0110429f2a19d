"""Signed webhook delivery (§10.3) to a receiver app reached through the sandbox's HTTP client."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from graph_sandbox import webhooks
from graph_sandbox.webhooks import verify_signature
from graph_sandbox.world import Media
from tests.sandbox.engagement.engagement_helpers import simulate

HOOK_URL = "http://hooks.test/webhook"


@dataclass
class Receiver:
    """A webhook endpoint that records raw bodies and headers; it can fail the first N calls."""

    fail_first: int = 0
    verify_token: str = "sandbox-verify-token"
    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/webhook")
        async def verify(request: Request) -> Response:
            query = request.query_params
            if query.get("hub.verify_token") != self.verify_token:
                return Response(status_code=403)
            return Response(query.get("hub.challenge", ""), media_type="text/plain")

        @app.post("/webhook")
        async def hook(request: Request) -> Response:
            self.calls.append((dict(request.headers), await request.body()))
            return Response(status_code=500 if len(self.calls) <= self.fail_first else 200)

        return app

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _, body in self.calls]


class HostRouter(httpx.AsyncBaseTransport):
    """Sends each request to the ASGI app registered for its host."""

    def __init__(self, apps: dict[str, httpx.AsyncBaseTransport]) -> None:
        self.apps = apps

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.apps[request.url.host].handle_async_request(request)


@pytest.fixture
async def receiver(sandbox_app, sandbox, sandbox_client):
    hooks = Receiver()
    transport = HostRouter(
        {
            "hooks.test": httpx.ASGITransport(app=hooks.app()),
            "sandbox.test": httpx.ASGITransport(app=sandbox_app),
        }
    )
    async with httpx.AsyncClient(transport=transport) as client:
        sandbox.http_client = client
        response = await sandbox_client.patch("/_admin/config", json={"webhook_callback_url": HOOK_URL})
        assert response.status_code == 200
        yield hooks


async def settings(client, **body) -> None:
    assert (await client.patch("/_admin/webhooks/settings", json=body)).status_code == 200


class TestDelivery:
    async def test_comment_webhook_is_signed_over_the_raw_body(
        self, receiver, sandbox, sandbox_client, feed_media
    ):
        sent = await simulate(
            sandbox_client, "comment", media_id=feed_media.id, text="Nice shot", username="fan1"
        )
        ((headers, body),) = receiver.calls
        expected = hmac.new(sandbox.config.app_secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["x-hub-signature-256"] == f"sha256={expected}"
        assert headers["content-type"] == "application/json"
        change = json.loads(body)["entry"][0]["changes"][0]
        assert change["field"] == "comments"
        assert change["value"]["id"] == sent["id"]
        assert change["value"]["from"]["username"] == "fan1"

    async def test_a_tampered_body_fails_verification(self, receiver, sandbox, sandbox_client, feed_media):
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="original")
        ((headers, body),) = receiver.calls
        secret = sandbox.config.app_secret
        assert verify_signature(body, headers["x-hub-signature-256"], secret)
        tampered = body.replace(b"original", b"0riginal")
        assert not verify_signature(tampered, headers["x-hub-signature-256"], secret)

    async def test_sends_the_legacy_sha1_header_too(self, receiver, sandbox, sandbox_client, feed_media):
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="x")
        headers, body = receiver.calls[0]
        expected = hmac.new(sandbox.config.app_secret.encode(), body, hashlib.sha1).hexdigest()
        assert headers["x-hub-signature"] == f"sha1={expected}"

    async def test_reply_carries_the_parent_id(self, receiver, sandbox_client, feed_media):
        top = await simulate(sandbox_client, "comment", media_id=feed_media.id, text="q")
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="a", parent_id=top["id"])
        assert receiver.payloads()[1]["entry"][0]["changes"][0]["value"]["parent_id"] == top["id"]

    async def test_message_webhook_uses_messaging(self, receiver, sandbox_client, creator):
        sent = await simulate(sandbox_client, "message", ig_user_id=creator.ig_id, text="hello!")
        entry = receiver.payloads()[0]["entry"][0]
        assert entry["id"] == creator.ig_id
        (event,) = entry["messaging"]
        assert event["recipient"] == {"id": creator.ig_id}
        assert event["message"] == {"mid": sent["message_id"], "text": "hello!"}

    async def test_mention_webhook_carries_ids_only(self, receiver, sandbox_client, creator):
        sent = await simulate(sandbox_client, "mention", ig_user_id=creator.ig_id)
        change = receiver.payloads()[0]["entry"][0]["changes"][0]
        assert change == {
            "field": "mentions",
            "value": {"comment_id": sent["comment_id"], "media_id": sent["media_id"]},
        }

    async def test_story_insights_webhook(self, receiver, sandbox, sandbox_client, creator):
        story = Media(
            sandbox.world.ids.media(), creator.ig_id, "IMAGE", "STORY",
            sandbox.clock.now() - timedelta(hours=23), "storycode123", "",
        )  # fmt: skip
        sandbox.world.media[story.id] = story
        await simulate(sandbox_client, "story-expired", media_id=story.id)
        value = receiver.payloads()[0]["entry"][0]["changes"][0]["value"]
        assert set(value) == {
            "media_id",
            "impressions",
            "reach",
            "taps_forward",
            "taps_back",
            "exits",
            "replies",
        }
        assert all(v == -1 or v >= 5 for k, v in value.items() if k != "media_id")

    async def test_the_business_own_messages_are_echoed(self, receiver, sandbox, sandbox_client, creator):
        sent = await simulate(sandbox_client, "message", ig_user_id=creator.ig_id, text="hi")
        page_token = creator.page_token
        reply = await sandbox_client.post(
            "/graph/v24.0/me/messages",
            data={"recipient": json.dumps({"id": sent["sender_id"]}), "message": '{"text":"hello back"}',
                  "access_token": page_token},
        )  # fmt: skip
        assert reply.status_code == 200
        await webhooks.drain()
        echo = receiver.payloads()[-1]["entry"][0]["messaging"][0]
        assert echo["message"]["is_echo"] is True
        assert echo["sender"] == {"id": creator.ig_id}
        assert echo["recipient"] == {"id": sent["sender_id"]}


class TestVerification:
    async def test_handshake_succeeds_with_the_verify_token(self, receiver, sandbox_client):
        body = (await sandbox_client.post("/_admin/webhooks/verify")).json()
        assert body == {"verified": True, "status": 200, "error": None}

    async def test_handshake_fails_with_another_token(self, receiver, sandbox_client):
        receiver.verify_token = "something-else"
        body = (await sandbox_client.post("/_admin/webhooks/verify")).json()
        assert (body["verified"], body["status"]) == (False, 403)


class TestDeliveryOptions:
    async def test_failed_deliveries_are_retried(self, receiver, sandbox_client, feed_media):
        receiver.fail_first = 2
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="retry me")
        assert len(receiver.calls) == 3
        log = (await sandbox_client.get("/_admin/webhooks/deliveries")).json()["data"]
        assert log[-1]["status"] == "delivered"
        assert [a["status"] for a in log[-1]["attempts"]] == [500, 500, 200]

    async def test_gives_up_after_the_last_attempt(self, receiver, sandbox_client, feed_media):
        receiver.fail_first = 10
        await settings(sandbox_client, max_attempts=2)
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="lost")
        log = (await sandbox_client.get("/_admin/webhooks/deliveries")).json()["data"]
        assert (log[-1]["status"], len(receiver.calls)) == ("failed", 2)

    async def test_duplicate_delivery(self, receiver, sandbox_client, feed_media):
        await settings(sandbox_client, duplicate=True)
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="twice")
        assert len(receiver.calls) == 2
        assert receiver.calls[0][1] == receiver.calls[1][1]

    async def test_held_events_go_out_as_one_batch(self, receiver, sandbox_client, feed_media, creator):
        await settings(sandbox_client, hold=True)
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="one")
        await simulate(sandbox_client, "message", ig_user_id=creator.ig_id, text="two")
        assert receiver.calls == []
        await sandbox_client.post("/_admin/webhooks/flush")
        (payload,) = receiver.payloads()
        assert [("changes" in e, "messaging" in e) for e in payload["entry"]] == [
            (True, False),
            (False, True),
        ]

    async def test_page_subscription_can_be_required(self, receiver, sandbox_client, feed_media, creator):
        await settings(sandbox_client, require_page_subscription=True)
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="unheard")
        assert receiver.calls == []
        subscribed = await sandbox_client.post(
            f"/graph/v24.0/{creator.page_id}/subscribed_apps",
            data={"subscribed_fields": "feed,messages", "access_token": creator.page_token},
        )
        assert subscribed.json() == {"success": True}
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="heard")
        assert len(receiver.calls) == 1

    async def test_without_a_callback_url_deliveries_are_only_logged(self, sandbox_client, feed_media):
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="quiet")
        log = (await sandbox_client.get("/_admin/webhooks/deliveries")).json()["data"]
        assert log[-1]["status"] == "no_callback"
        assert log[-1]["payload"]["object"] == "instagram"


class TestSubscribedApps:
    async def test_lists_the_subscribed_fields(self, sandbox_client, creator):
        url = f"/graph/v24.0/{creator.page_id}/subscribed_apps"
        assert (await sandbox_client.get(url, params={"access_token": creator.page_token})).json() == {
            "data": []
        }
        await sandbox_client.post(url, data={"subscribed_fields": "feed", "access_token": creator.page_token})
        (app,) = (await sandbox_client.get(url, params={"access_token": creator.page_token})).json()["data"]
        assert app["subscribed_fields"] == ["feed"]
        deleted = await sandbox_client.delete(url, params={"access_token": creator.page_token})
        assert deleted.json() == {"success": True}

    async def test_needs_subscribed_fields(self, sandbox_client, creator):
        url = f"/graph/v24.0/{creator.page_id}/subscribed_apps"
        response = await sandbox_client.post(url, data={"access_token": creator.page_token})
        assert response.json()["error"]["message"] == "(#100) The parameter subscribed_fields is required"
