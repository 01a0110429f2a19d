"""The webhook-endpoint API: validation, bounds, secrets shown once and stored encrypted, ownership."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.outgoing.models import WebhookEndpoint
from clipper.outgoing.service import MAX_ENDPOINTS_PER_USER
from tests.fixtures.auth import SignUp
from tests.outgoing.helpers import API, create_endpoint

PUBLIC = "https://receiver.example/hooks"  # `.example` never resolves: accepted, checked at each send


class TestCreate:
    async def test_answers_the_secret_once_and_stores_it_encrypted(
        self, client: httpx.AsyncClient, signup: SignUp, session: AsyncSession, app
    ) -> None:
        user = await signup(client)
        created = await create_endpoint(
            client, user.headers, PUBLIC, ["post.failed", "post.published", "post.failed"], description="CI"
        )

        assert created["secret"].startswith("whsec_")
        assert len(created["secret"]) > 40
        assert created["events"] == ["post.failed", "post.published"]
        assert (created["url"], created["description"], created["enabled"]) == (PUBLIC, "CI", True)
        one = (await client.get(f"{API}/{created['id']}", headers=user.headers)).json()
        listed = (await client.get(API, headers=user.headers)).json()["items"]
        assert "secret" not in one
        assert all("secret" not in item for item in listed)
        row = await session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.id == created["id"]))
        assert row is not None
        assert created["secret"] not in row.secret_enc
        assert app.state.resources.cipher.decrypt(row.secret_enc) == created["secret"]

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("http://receiver.example/hooks", "https://"),
            ("https://127.0.0.1/hooks", "loopback"),
            ("https://localhost:8443/hooks", "loopback"),
            ("https://10.1.2.3/hooks", "private"),
            ("https://169.254.169.254/latest/meta-data", "link-local"),
            ("https://[::1]/hooks", "loopback"),
            ("https://[::ffff:127.0.0.1]/hooks", "loopback"),
            ("https://[fe80::1]/hooks", "link-local"),
            ("https://0.0.0.0/hooks", "unspecified"),
            ("https://224.0.0.1/hooks", "multicast"),
            ("https://user:pw@receiver.example/hooks", "password"),
            ("ftp://receiver.example/hooks", "https://"),
            ("not a url", "https://"),
        ],
    )
    async def test_refuses_a_target_it_must_not_call(
        self, client: httpx.AsyncClient, signup: SignUp, url: str, reason: str
    ) -> None:
        user = await signup(client)
        response = await client.post(
            API, json={"url": url, "events": ["post.published"]}, headers=user.headers
        )

        assert response.status_code == 422, response.text
        assert reason in response.json()["detail"]
        assert (await client.get(API, headers=user.headers)).json()["items"] == []

    @pytest.mark.parametrize(
        "body",
        [
            {"url": PUBLIC, "events": []},
            {"url": PUBLIC, "events": ["post.deleted"]},
            {"url": PUBLIC},
            {"url": "https://receiver.example/" + "a" * 2048, "events": ["post.published"]},
            {"url": PUBLIC, "events": ["post.published"], "description": "d" * 201},
        ],
    )
    async def test_refuses_invalid_fields(
        self, client: httpx.AsyncClient, signup: SignUp, body: dict
    ) -> None:
        user = await signup(client)
        response = await client.post(API, json=body, headers=user.headers)

        assert response.status_code == 422, response.text
        assert response.json()["error"] == "InvalidInput"

    async def test_a_user_holds_at_most_ten_endpoints(
        self, client: httpx.AsyncClient, signup: SignUp
    ) -> None:
        user = await signup(client)
        for index in range(MAX_ENDPOINTS_PER_USER):
            await create_endpoint(client, user.headers, f"{PUBLIC}/{index}")

        response = await client.post(
            API, json={"url": PUBLIC, "events": ["post.failed"]}, headers=user.headers
        )

        assert response.status_code == 409, response.text
        assert "10 webhook endpoints" in response.json()["detail"]
        assert len((await client.get(API, headers=user.headers)).json()["items"]) == MAX_ENDPOINTS_PER_USER


class TestChange:
    async def test_updates_rotates_and_deletes(self, client: httpx.AsyncClient, signup: SignUp) -> None:
        user = await signup(client)
        created = await create_endpoint(client, user.headers, PUBLIC)
        url = f"{API}/{created['id']}"

        changed = await client.patch(
            url, json={"enabled": False, "events": ["comment.created"]}, headers=user.headers
        )
        refused = await client.patch(url, json={"url": "https://10.0.0.1/x"}, headers=user.headers)
        rotated = await client.post(f"{url}/rotate-secret", headers=user.headers)
        test_while_disabled = await client.post(f"{url}/test", headers=user.headers)
        deleted = await client.delete(url, headers=user.headers)

        assert changed.status_code == 200, changed.text
        assert (changed.json()["enabled"], changed.json()["events"]) == (False, ["comment.created"])
        assert refused.status_code == 422
        assert rotated.status_code == 200
        assert rotated.json()["secret"].startswith("whsec_")
        assert rotated.json()["secret"] != created["secret"]
        assert test_while_disabled.status_code == 409
        assert deleted.status_code == 204
        assert (await client.get(url, headers=user.headers)).status_code == 404

    async def test_send_test_queues_a_ping_in_the_log(
        self, client: httpx.AsyncClient, signup: SignUp
    ) -> None:
        user = await signup(client)
        created = await create_endpoint(client, user.headers, PUBLIC)

        queued = await client.post(f"{API}/{created['id']}/test", headers=user.headers)
        log = await client.get(f"{API}/{created['id']}/deliveries", headers=user.headers)

        assert queued.status_code == 202, queued.text
        assert (queued.json()["event_type"], queued.json()["status"], queued.json()["attempts"]) == (
            "ping",
            "pending",
            0,
        )
        assert [item["id"] for item in log.json()["items"]] == [queued.json()["id"]]

    async def test_the_log_pages_newest_first(self, client: httpx.AsyncClient, signup: SignUp) -> None:
        user = await signup(client)
        created = await create_endpoint(client, user.headers, PUBLIC)
        ids = [
            (await client.post(f"{API}/{created['id']}/test", headers=user.headers)).json()["id"]
            for _ in range(3)
        ]

        first = (await client.get(f"{API}/{created['id']}/deliveries?limit=2", headers=user.headers)).json()
        rest = await client.get(
            f"{API}/{created['id']}/deliveries", params={"cursor": first["next_cursor"]}, headers=user.headers
        )

        assert [item["id"] for item in first["items"]] == ids[:0:-1]
        assert [item["id"] for item in rest.json()["items"]] == ids[:1]
        assert rest.json()["next_cursor"] is None


class TestOwnership:
    async def test_another_user_sees_and_touches_nothing(
        self, client: httpx.AsyncClient, signup: SignUp
    ) -> None:
        owner, other = await signup(client), await signup(client)
        created = await create_endpoint(client, owner.headers, PUBLIC)
        url = f"{API}/{created['id']}"

        answers = [
            await client.get(url, headers=other.headers),
            await client.patch(url, json={"enabled": False}, headers=other.headers),
            await client.post(f"{url}/rotate-secret", headers=other.headers),
            await client.post(f"{url}/test", headers=other.headers),
            await client.get(f"{url}/deliveries", headers=other.headers),
            await client.delete(url, headers=other.headers),
        ]

        assert [answer.status_code for answer in answers] == [404] * 6
        assert (await client.get(API, headers=other.headers)).json()["items"] == []
        assert (await client.get(url, headers=owner.headers)).json()["enabled"] is True

    async def test_needs_a_signed_in_caller(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(API)).status_code == 401
