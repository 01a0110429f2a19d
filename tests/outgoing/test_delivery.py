"""Deliveries reach a real local receiver signed, are retried with backoff, and never go where refused."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from clipper import migrate
from clipper.config import Settings
from clipper.db import utcnow
from clipper.outgoing import delivery, outbox, sender, signing, targets
from clipper.outgoing.models import WebhookDelivery, WebhookEndpoint
from clipper.security import TokenCipher
from tests.fixtures.auth import SignUp, signup
from tests.outgoing.helpers import API, allow_local, create_endpoint, deliveries, run_due
from tests.outgoing.receiver import Receiver


def _signed_by(secret: str, header: str, body: bytes) -> bool:
    """The receiver's check, written from the documented scheme (not with our signing module)."""
    parts = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(parts["v1"], expected) and abs(time.time() - int(parts["t"])) < 60


def _attempts(result: str) -> float:
    return REGISTRY.get_sample_value("outgoing_webhook_attempts_total", {"result": result}) or 0.0


@dataclass(frozen=True)
class Pinged:
    """A user's endpoint on the receiver with a test ping queued."""

    user: SignUp
    endpoint: dict[str, Any]
    queued: dict[str, Any]


@pytest.fixture
async def pinged(client: httpx.AsyncClient, local: FastAPI, signup: SignUp, receiver: Receiver) -> Pinged:
    del local  # started, allowing the loopback receiver
    user = await signup(client)
    endpoint = await create_endpoint(client, user.headers, f"{receiver.origin}/in?src=clipper")
    response = await client.post(f"{API}/{endpoint['id']}/test", headers=user.headers)
    assert response.status_code == 202, response.text
    return Pinged(user, endpoint, response.json())


class TestSigned:
    async def test_the_receiver_verifies_the_hmac_of_a_test_ping(
        self, client: httpx.AsyncClient, local: FastAPI, pinged: Pinged, receiver: Receiver
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint

        await run_due(local)

        [request] = receiver.requests
        body = json.loads(request.body)
        assert (request.method, request.path) == ("POST", "/in?src=clipper")
        assert _signed_by(endpoint["secret"], request.headers["clipper-signature"], request.body)
        assert not _signed_by("whsec_wrong", request.headers["clipper-signature"], request.body)
        assert set(body) == {"id", "type", "created_at", "data"}
        assert (body["id"], body["type"], body["data"]["endpoint_id"]) == (
            pinged.queued["event_id"],
            "ping",
            endpoint["id"],
        )
        assert request.headers["clipper-event-id"] == pinged.queued["event_id"]
        assert request.headers["content-type"] == "application/json"
        [logged] = await deliveries(client, user.headers, endpoint["id"])
        assert (logged["status"], logged["attempts"], logged["last_status_code"]) == ("delivered", 1, 200)
        assert logged["last_duration_ms"] is not None
        assert logged["delivered_at"] is not None

    async def test_a_rotated_secret_signs_the_next_attempt(
        self, client: httpx.AsyncClient, local: FastAPI, pinged: Pinged, receiver: Receiver
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint
        rotated = (await client.post(f"{API}/{endpoint['id']}/rotate-secret", headers=user.headers)).json()

        await run_due(local)

        [request] = receiver.requests
        assert _signed_by(rotated["secret"], request.headers["clipper-signature"], request.body)
        assert not _signed_by(endpoint["secret"], request.headers["clipper-signature"], request.body)

    def test_verify_accepts_the_header_and_refuses_old_or_altered_ones(self) -> None:
        header = signing.signature_header("whsec_k", 1_700_000_000, b'{"a":1}')

        assert signing.verify("whsec_k", header, b'{"a":1}', now=1_700_000_100)
        assert not signing.verify("whsec_k", header, b'{"a":2}', now=1_700_000_100)
        assert not signing.verify("whsec_k", header, b'{"a":1}', now=1_700_001_000)


class TestRetries:
    async def test_a_500_is_retried_after_a_backoff_then_delivered(
        self, client: httpx.AsyncClient, local: FastAPI, pinged: Pinged, receiver: Receiver
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint
        receiver.statuses = [500]
        before = {result: _attempts(result) for result in ("retry", "delivered")}

        await run_due(local)
        [failed_once] = await deliveries(client, user.headers, endpoint["id"])
        not_yet = await run_due(local)
        retry_at = datetime.fromisoformat(failed_once["next_attempt_at"])
        await run_due(local, now=retry_at + timedelta(seconds=1))

        assert (failed_once["status"], failed_once["attempts"], failed_once["last_status_code"]) == (
            "pending",
            1,
            500,
        )
        assert failed_once["last_error"] == "Answered HTTP 500."
        wait = (retry_at - utcnow()).total_seconds()
        assert 0.8 * delivery.BACKOFF_BASE_SECONDS - 5 < wait <= 1.2 * delivery.BACKOFF_BASE_SECONDS
        assert not_yet == []
        [done] = await deliveries(client, user.headers, endpoint["id"])
        assert (done["status"], done["attempts"], done["last_status_code"]) == ("delivered", 2, 200)
        first, second = receiver.requests
        assert first.body == second.body
        assert {result: _attempts(result) - count for result, count in before.items()} == {
            "retry": 1,
            "delivered": 1,
        }
        assert all(
            _signed_by(endpoint["secret"], r.headers["clipper-signature"], r.body) for r in receiver.requests
        )

    async def test_gives_up_once_the_next_try_would_pass_a_day(
        self, client: httpx.AsyncClient, local: FastAPI, pinged: Pinged, receiver: Receiver
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint
        receiver.statuses = [503]

        await run_due(local, now=utcnow() + timedelta(hours=23, minutes=59, seconds=50))

        [logged] = await deliveries(client, user.headers, endpoint["id"])
        assert (logged["status"], logged["last_status_code"]) == ("failed", 503)

    def test_the_backoff_doubles_up_to_an_hour(self) -> None:
        waits = [delivery.backoff_seconds(attempt) for attempt in (1, 2, 3, 12)]

        assert 24 <= waits[0] <= 36
        assert 48 <= waits[1] <= 72
        assert 96 <= waits[2] <= 144
        assert 2880 <= waits[3] <= 4320

    async def test_a_redirect_is_not_followed(
        self, client: httpx.AsyncClient, local: FastAPI, pinged: Pinged, receiver: Receiver
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint
        receiver.statuses = [302]

        await run_due(local)

        [logged] = await deliveries(client, user.headers, endpoint["id"])
        assert len(receiver.requests) == 1
        assert (logged["status"], logged["last_status_code"]) == ("pending", 302)
        assert "redirects are not followed" in logged["last_error"]


class TestRefusedTargets:
    async def test_loopback_is_refused_at_send_time_unless_allowed(
        self, client: httpx.AsyncClient, local: FastAPI, pinged: Pinged, receiver: Receiver
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint
        allow_local(local, private=False)

        await run_due(local)
        [refused] = await deliveries(client, user.headers, endpoint["id"])
        allow_local(local)
        await run_due(local, now=datetime.fromisoformat(refused["next_attempt_at"]) + timedelta(seconds=1))

        assert (refused["status"], refused["last_status_code"]) == ("pending", None)
        assert "127.0.0.1 is a loopback address" in refused["last_error"]
        assert len(receiver.requests) == 1  # only once allowed
        [logged] = await deliveries(client, user.headers, endpoint["id"])
        assert logged["status"] == "delivered"

    async def test_connects_to_the_checked_address_with_the_name_as_host(self, receiver: Receiver) -> None:
        port = int(receiver.origin.rsplit(":", 1)[1])
        # A name that resolves nowhere: the connection can only go to the address it is given.
        target = targets.parse(f"http://hooks.receiver.example:{port}/in", allow_http=True)

        status = await sender._post(target, ipaddress.ip_address("127.0.0.1"), b"{}", {"X-Test": "1"})

        [request] = receiver.requests
        assert status == 200
        assert request.headers["host"] == f"hooks.receiver.example:{port}"

    async def test_a_disabled_endpoint_fails_its_deliveries_without_a_request(
        self, client: httpx.AsyncClient, local: FastAPI, pinged: Pinged, receiver: Receiver
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint
        await client.patch(f"{API}/{endpoint['id']}", json={"enabled": False}, headers=user.headers)

        await run_due(local)

        [logged] = await deliveries(client, user.headers, endpoint["id"])
        assert (logged["status"], logged["last_error"]) == ("failed", "The endpoint is disabled.")
        assert receiver.requests == []


class TestBounds:
    async def test_one_busy_endpoint_leaves_room_for_the_others(
        self, client: httpx.AsyncClient, local: FastAPI, signup: SignUp, session: AsyncSession
    ) -> None:
        user = await signup(client)
        busy = await create_endpoint(client, user.headers, "https://busy.example/in")
        quiet = await create_endpoint(client, user.headers, "https://quiet.example/in")
        for _ in range(3 * delivery.PER_ENDPOINT_IN_FLIGHT):
            outbox.enqueue(session, endpoint_ids=[busy["id"]], event_type=outbox.PING, data={})
        outbox.enqueue(session, endpoint_ids=[quiet["id"]], event_type=outbox.PING, data={})
        await session.flush()
        later = utcnow() + timedelta(seconds=1)

        first = await delivery.claim_due(session, now=later)
        second = await delivery.claim_due(session, now=later)

        assert len(first) == delivery.PER_ENDPOINT_IN_FLIGHT + 1
        assert second == []  # the busy endpoint's slots are all in flight

    def test_a_large_event_keeps_only_its_id(self) -> None:
        body = outbox.envelope(
            "comment.created", {"id": 7, "texts": ["x" * 2000] * 50}, event_id="evt_1", at=utcnow()
        )

        assert len(body.encode()) <= outbox.MAX_BODY_BYTES
        assert json.loads(body)["data"] == {"id": 7, "truncated": True}

    def test_an_outcome_is_delivered_only_on_2xx(self) -> None:
        assert sender.Outcome(204, None, 3).delivered
        assert not sender.Outcome(302, "x", 3).delivered
        assert not sender.Outcome(None, "x", 3).delivered


class TestCrashesAndKeys:
    async def test_a_delivery_whose_worker_died_is_taken_again_after_its_lease(
        self, client: httpx.AsyncClient, local: FastAPI, signup: SignUp, session: AsyncSession
    ) -> None:
        user = await signup(client)
        endpoint = await create_endpoint(client, user.headers, "https://receiver.example/in")
        [row] = outbox.enqueue(session, endpoint_ids=[endpoint["id"]], event_type=outbox.PING, data={})
        await session.flush()
        now = utcnow() + timedelta(seconds=1)

        [first] = await delivery.claim_due(session, now=now)
        during = await delivery.claim_due(session, now=first.lease_until - timedelta(seconds=1))
        [again] = await delivery.claim_due(session, now=first.lease_until + timedelta(seconds=1))

        assert first.delivery_id == again.delivery_id == row.id
        assert during == []
        await session.refresh(row)
        assert (row.status, row.attempts) == ("sending", 2)

    async def test_a_secret_no_key_can_read_is_reported_not_sent(
        self,
        client: httpx.AsyncClient,
        local: FastAPI,
        pinged: Pinged,
        receiver: Receiver,
        session: AsyncSession,
    ) -> None:
        user, endpoint = pinged.user, pinged.endpoint
        stranger = TokenCipher([Fernet.generate_key().decode()]).encrypt("whsec_lost")
        await session.execute(
            update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint["id"]).values(secret_enc=stranger)
        )
        await session.flush()

        await run_due(local)

        [logged] = await deliveries(client, user.headers, endpoint["id"])
        assert (logged["status"], logged["last_error"]) == ("pending", delivery.SECRET_UNREADABLE)
        assert receiver.requests == []

    async def test_a_task_that_waited_past_its_lease_sends_nothing(
        self, local: FastAPI, pinged: Pinged, receiver: Receiver, session: AsyncSession
    ) -> None:
        resources = local.state.resources
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == pinged.queued["id"])
            .values(next_attempt_at=utcnow() - timedelta(minutes=2))
        )
        # Claimed a minute ago: only a few seconds of the lease are left, less than an attempt may take.
        [stale] = await delivery.claim_due(session, now=utcnow() - timedelta(seconds=55))

        outcome = await delivery.attempt(
            resources.session_factory, stale, cipher=resources.cipher, settings=resources.settings
        )

        assert outcome is None
        assert receiver.requests == []
        assert stale.delivery_id == pinged.queued["id"]


class TestWorker:
    async def test_one_pass_drains_a_healthy_endpoints_backlog_past_its_bound(
        self, settings: Settings, receiver: Receiver
    ) -> None:
        from clipper.main import create_app

        # Its own migrated database: the worker's tasks run concurrently, each in its own connection.
        await asyncio.to_thread(migrate.upgrade, settings.database_url)
        app = create_app(
            settings.model_copy(
                update={"outgoing_webhooks_allow_http": True, "outgoing_webhooks_allow_private": True}
            )
        )
        backlog = delivery.PER_ENDPOINT_IN_FLIGHT + 3
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client,
        ):
            user = await signup(client)
            endpoint = await create_endpoint(client, user.headers, f"{receiver.origin}/in")
            for _ in range(backlog):
                await client.post(f"{API}/{endpoint['id']}/test", headers=user.headers)

            await app.state.worker.run_periodic_once("outgoing.dispatch")
            for _ in range(backlog):  # each drain waits for the tasks queued so far, chained ones next
                await app.state.worker.drain()

            logged = await deliveries(client, user.headers, endpoint["id"])
        assert [item["status"] for item in logged] == ["delivered"] * backlog
        assert len(receiver.requests) == backlog


class TestRetention:
    async def test_finished_deliveries_are_pruned_after_thirty_days(
        self, client: httpx.AsyncClient, local: FastAPI, signup: SignUp, session: AsyncSession
    ) -> None:
        user = await signup(client)
        endpoint = await create_endpoint(client, user.headers, "https://receiver.example/in")
        rows = outbox.enqueue(session, endpoint_ids=[endpoint["id"]] * 4, event_type=outbox.PING, data={})
        old = utcnow() - timedelta(days=31)
        ages_and_states = [(old, "delivered"), (old, "failed"), (old, "pending"), (utcnow(), "delivered")]
        for row, (created_at, status) in zip(rows, ages_and_states, strict=True):
            row.created_at, row.status = created_at, status
        await session.flush()

        pruned = await delivery.prune(session)

        logged = await deliveries(client, user.headers, endpoint["id"])
        assert pruned == 2
        assert sorted(item["id"] for item in logged) == [rows[2].id, rows[3].id]
