"""`GET|POST /api/v1/webhooks/instagram`: verification, signatures, the three payload shapes, idempotency."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from clipper.config import SANDBOX_APP_SECRET, Settings
from clipper.errors import Forbidden
from clipper.webhooks import service
from clipper.webhooks.models import EventStatus, WebhookEvent
from tests.fixtures.inbox import API, busiest_media, connect, drain

URL = "/api/v1/webhooks/instagram"


def signed(body: dict, secret: str = SANDBOX_APP_SECRET) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


async def events(app):
    async with app.state.resources.session_factory() as session:
        return (await session.scalars(select(WebhookEvent).order_by(WebhookEvent.id))).all()


class TestVerification:
    async def test_echoes_the_challenge_as_plain_text(self, client):
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": "sandbox-verify-token",
            "hub.challenge": "1158201444",
        }
        response = await client.get(URL, params=params)
        assert response.status_code == 200
        assert response.text == "1158201444"
        assert response.headers["content-type"].startswith("text/plain")

    async def test_accepts_underscore_spellings(self, client):
        params = {"hub_mode": "subscribe", "hub_verify_token": "sandbox-verify-token", "hub_challenge": "42"}
        assert (await client.get(URL, params=params)).text == "42"

    async def test_a_wrong_token_is_403(self, client):
        params = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
        assert (await client.get(URL, params=params)).status_code == 403

    async def test_the_sandbox_handshake_succeeds(self, client, webhooks_on, admin):
        assert (await admin("webhooks/verify"))["verified"] is True


class TestDelivery:
    async def test_a_forged_signature_is_refused_and_nothing_stored(self, client, app, session_factory):
        body, headers = signed({"object": "instagram", "entry": []}, secret="not-the-app-secret")
        assert (await client.post(URL, content=body, headers=headers)).status_code == 403
        missing = {"Content-Type": "application/json"}
        assert (await client.post(URL, content=body, headers=missing)).status_code == 403
        assert await events(app) == []

    async def test_flat_and_unknown_fields_are_stored_and_ignored(self, client, app, owner):
        payload = {
            "object": "instagram",
            "entry": [
                {
                    "id": owner.ig_id,
                    "time": 1,
                    "field": "comments",
                    "value": {"id": "555", "text": "flat", "media": {"id": "77"}},
                },
                {
                    "id": owner.ig_id,
                    "time": 1,
                    "changes": [{"field": "brand_new_field", "value": {"x": [1, 2]}}],
                },
            ],
        }
        body, headers = signed(payload)
        response = await client.post(URL, content=body, headers=headers)
        assert response.status_code == 200
        assert response.json() == {"received": 2}
        await drain(app)
        stored = await events(app)
        assert [(e.field, e.status) for e in stored] == [
            ("comments", EventStatus.PROCESSED),
            ("brand_new_field", EventStatus.IGNORED),
        ]
        inbox = await client.get(f"{API}/comments", headers=owner.headers)
        assert [c["text"] for c in inbox.json()["items"]] == ["flat"]

    async def test_messaging_echoes_and_reactions(self, client, app, owner):
        payload = {
            "object": "instagram",
            "entry": [
                {
                    "id": owner.ig_id,
                    "time": 1569262486134,
                    "messaging": [
                        {
                            "sender": {"id": "9001"},
                            "recipient": {"id": owner.ig_id},
                            "timestamp": 1569262485349,
                            "message": {"mid": "m1", "text": "hello"},
                        },
                        {
                            "sender": {"id": owner.ig_id},
                            "recipient": {"id": "9001"},
                            "timestamp": 1569262485999,
                            "message": {"mid": "m2", "text": "hi!", "is_echo": True},
                        },
                        {
                            "sender": {"id": "9001"},
                            "recipient": {"id": owner.ig_id},
                            "timestamp": 1569262486000,
                            "reaction": {"mid": "m2", "action": "react", "reaction": "love"},
                        },
                    ],
                }
            ],
        }
        body, headers = signed(payload)
        assert (await client.post(URL, content=body, headers=headers)).json() == {"received": 3}
        await drain(app)
        conversations = (await client.get(f"{API}/conversations", headers=owner.headers)).json()["items"]
        thread = next(c for c in conversations if c["participants"][0]["id"] == "9001")
        messages = await client.get(f"{API}/conversations/{thread['id']}/messages", headers=owner.headers)
        assert [(m["text"], m["from_account"]) for m in messages.json()["items"]] == [
            ("hi!", True),
            ("hello", False),
        ]

    async def test_malformed_json_is_a_4xx_not_a_500(self, client):
        body = b"{not json"
        signature = "sha256=" + hmac.new(SANDBOX_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        response = await client.post(URL, content=body, headers={"X-Hub-Signature-256": signature})
        assert response.status_code == 422

    async def test_events_for_an_unknown_account_are_ignored(self, client, app):
        body, headers = signed(
            {
                "object": "instagram",
                "entry": [
                    {
                        "id": "1",
                        "changes": [{"field": "comments", "value": {"id": "2", "media": {"id": "3"}}}],
                    }
                ],
            }
        )
        assert (await client.post(URL, content=body, headers=headers)).status_code == 200
        await drain(app)
        assert [e.status for e in await events(app)] == [EventStatus.IGNORED]

    async def test_routes_to_every_user_who_connected_the_account(
        self, client, app, owner, signup, webhooks_on, admin
    ):
        other = await connect(client, signup)
        media_id = await busiest_media(client, owner.ig_id)
        await admin("simulate/comment", {"media_id": media_id, "text": "Seen by both"})
        await drain(app)
        for who in (owner, other):
            inbox = await client.get(f"{API}/comments", params={"search": "seen by"}, headers=who.headers)
            assert len(inbox.json()["items"]) == 1


class TestSweep:
    async def test_a_lost_job_is_picked_up_again(self, client, app, owner, session):
        payload = {"id": "901", "text": "late", "media": {"id": "77"}}
        stored = await service.store_updates(
            session, updates=[service.Update("instagram", owner.ig_id, "comments", payload)]
        )
        event = await session.get(WebhookEvent, stored[0])
        event.received_at = event.received_at - timedelta(minutes=5)
        await session.flush()
        await app.state.worker.run_periodic_once("webhooks.sweep")
        await drain(app)
        inbox = await client.get(f"{API}/comments", headers=owner.headers)
        assert [c["text"] for c in inbox.json()["items"]] == ["late"]


class TestSignatureSecrets:
    """Meta does not say which of an Instagram Login app's two secrets signs: either configured one counts."""

    @pytest.fixture
    def both_apps(self, app):
        settings = app.state.resources.settings
        settings.instagram_client_id, settings.instagram_client_secret = "7001", "facebook-app-secret-1"
        settings.instagram_login_app_id, settings.instagram_login_app_secret = (
            "7002",
            "instagram-app-secret-2",
        )
        yield settings
        settings.instagram_client_id = settings.instagram_client_secret = ""
        settings.instagram_login_app_id = settings.instagram_login_app_secret = ""

    async def test_either_configured_app_secret_signs(self, client, both_apps):
        for secret in (both_apps.instagram_login_app_secret, both_apps.instagram_client_secret):
            body, headers = signed({"object": "instagram", "entry": []}, secret=secret)
            response = await client.post(URL, content=body, headers=headers)
            assert response.status_code == 200, response.text

    async def test_an_unrelated_secret_is_refused(self, client, app, both_apps):
        del both_apps
        body, headers = signed({"object": "instagram", "entry": []}, secret="someone-elses-secret")
        assert (await client.post(URL, content=body, headers=headers)).status_code == 403
        sandbox_signed, sandbox_headers = signed({"object": "instagram", "entry": []})
        assert (await client.post(URL, content=sandbox_signed, headers=sandbox_headers)).status_code == 403
        assert await events(app) == []

    def test_only_instagram_login_configured_takes_its_secret(self):
        settings = Settings(_env_file=None, instagram_login_app_id="42", instagram_login_app_secret="s3")
        body = b"{}"
        header = "sha256=" + hmac.new(b"s3", body, hashlib.sha256).hexdigest()
        service.check_signature(body, header, app_secrets=settings.webhook_app_secrets)
        with pytest.raises(Forbidden):
            service.check_signature(body, header, app_secrets=("other",))
