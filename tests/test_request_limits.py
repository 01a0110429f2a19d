"""Nobody can stall others with a request body: slow bodies never hold the database, big ones get 413,
and a body that arrives too slowly gets 408 — all in the `{error, detail}` shape.

On SQLite a request's unit of work takes the write lock: a route that opened it before reading a slow
body made every other writer wait (a sign-up failed with "database is locked"). Each slow-body test
sends its body a piece at a time and, halfway, has another connection commit and another person sign
up: both must succeed while the body is still arriving.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from clipper import migrate
from clipper.config import Settings
from tests.fixtures.auth import DEFAULT_PASSWORD, SignedUp, signup, unique_email
from tests.fixtures.media_factory import png
from tests.fixtures.sqlite_probe import commit_elsewhere

WEBHOOK = "/api/v1/webhooks/instagram"
BOUNDARY = "limits-boundary"
Meanwhile = Callable[[], Awaitable[None]]


@asynccontextmanager
async def live_app(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app on its own migrated SQLite file, with real commits (no shared test transaction)."""
    from clipper.main import create_app

    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, client


async def dribble(body: bytes, *, pieces: int = 6, pause: float = 0.05, halfway: Meanwhile | None = None):
    """The body a few bytes at a time; `halfway` runs (and is awaited) in the middle of it."""
    size = max(1, -(-len(body) // pieces))
    chunks = [body[start : start + size] for start in range(0, len(body), size)]
    for number, chunk in enumerate(chunks):
        yield chunk
        if halfway is not None and number == len(chunks) // 2:
            await halfway()
        await asyncio.sleep(pause)


def signed(settings: Settings, body: bytes) -> dict[str, str]:
    digest = hmac.new(settings.app_secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A multipart/form-data body of (name, filename, data) parts."""
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def form_headers(owner: SignedUp) -> dict[str, str]:
    """The owner's headers for a body built by `multipart`."""
    return {**owner.headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


class Witness:
    """What happened halfway through a slow body: another writer's commit, and someone's sign-up."""

    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        path = make_url(settings.database_url).database
        assert path
        self.client, self.path = client, path
        self.other_writer_committed: bool | None = None
        self.signup_status: int | None = None

    async def __call__(self) -> None:
        self.other_writer_committed = await asyncio.to_thread(commit_elsewhere, self.path)
        registered = await self.client.post(
            "/api/v1/auth/register", json={"email": unique_email("meanwhile"), "password": DEFAULT_PASSWORD}
        )
        self.signup_status = registered.status_code

    def assert_nobody_waited(self) -> None:
        assert self.other_writer_committed is True
        assert self.signup_status == 201


class TestSlowBodiesDoNotHoldTheDatabase:
    async def test_a_slow_webhook_delivery(self, settings: Settings) -> None:
        body = json.dumps({"object": "instagram", "entry": []}).encode()
        async with live_app(settings) as (_app, client):
            witness = Witness(client, settings)
            response = await client.post(
                WEBHOOK, content=dribble(body, halfway=witness), headers=signed(settings, body)
            )
        assert response.status_code == 200, response.text
        witness.assert_nobody_waited()

    async def test_a_slow_forged_webhook_delivery_is_refused_without_touching_the_database(
        self, settings: Settings
    ) -> None:
        body = json.dumps({"object": "instagram", "entry": []}).encode()
        async with live_app(settings) as (_app, client):
            witness = Witness(client, settings)
            headers = {**signed(settings, b"something else"), "Content-Type": "application/json"}
            response = await client.post(WEBHOOK, content=dribble(body, halfway=witness), headers=headers)
        assert response.status_code == 403
        witness.assert_nobody_waited()

    async def test_a_slow_clip_upload(self, settings: Settings) -> None:
        body = multipart(("title", None, b"Slow"), ("file", "slow.png", png(64, 64)))
        async with live_app(settings) as (_app, client):
            owner = await signup(client)
            witness = Witness(client, settings)
            response = await client.post(
                "/api/v1/clips",
                content=dribble(body, pieces=8, halfway=witness),
                headers=form_headers(owner),
            )
        assert response.status_code == 201, response.text
        assert response.json()["title"] == "Slow"
        witness.assert_nobody_waited()

    async def test_a_slow_bulk_csv(self, settings: Settings) -> None:
        body = b"caption,media_type,clip_ids,account_ids\nHello,IMAGE,1,1\n"
        async with live_app(settings) as (_app, client):
            owner = await signup(client)
            witness = Witness(client, settings)
            response = await client.post(
                "/api/v1/social/bulk",
                content=dribble(body, halfway=witness),
                headers={**owner.headers, "Content-Type": "text/csv"},
            )
        # The row names a clip and an account the owner does not have: refused, and nothing else waited.
        assert response.status_code == 422, response.text
        witness.assert_nobody_waited()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small caps and a short read timeout, so the limits are cheap to reach."""
    return settings.model_copy(
        update={
            "max_json_body_bytes": 4_000,
            "max_webhook_body_bytes": 8_000,
            "max_bulk_body_bytes": 16_000,
            "max_upload_bytes": 200_000,
        }
    )


def assert_refused(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error
    assert body["detail"]
    return body


class TestBodyCaps:
    async def test_a_webhook_delivery_over_its_cap_is_413(self, client: httpx.AsyncClient, settings) -> None:
        body = json.dumps({"object": "instagram", "entry": [{"id": "1", "pad": "x" * 9_000}]}).encode()
        response = await client.post(WEBHOOK, content=body, headers=signed(settings, body))
        assert "8,000 bytes" in assert_refused(response, 413, "PayloadTooLarge")["detail"]

    async def test_a_chunked_body_without_a_length_is_counted_as_it_arrives(
        self, client: httpx.AsyncClient, settings
    ) -> None:
        body = json.dumps({"object": "instagram", "entry": [{"pad": "x" * 9_000}]}).encode()
        response = await client.post(WEBHOOK, content=dribble(body, pause=0), headers=signed(settings, body))
        assert_refused(response, 413, "PayloadTooLarge")

    async def test_a_json_body_over_its_cap_is_413(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/v1/auth/login", json={"email": "a@example.com", "password": "p" * 5_000}
        )
        assert_refused(response, 413, "PayloadTooLarge")

    async def test_a_bulk_upload_over_its_cap_is_413(
        self, client: httpx.AsyncClient, signup, settings
    ) -> None:
        owner: SignedUp = await signup(client)
        body = b"caption,media_type\n" + b"Hello,IMAGE\n" * 2_000
        response = await client.post(
            "/api/v1/social/bulk", content=body, headers={**owner.headers, "Content-Type": "text/csv"}
        )
        assert_refused(response, 413, "PayloadTooLarge")

    async def test_a_clip_upload_over_its_cap_is_413(self, client: httpx.AsyncClient, signup) -> None:
        owner: SignedUp = await signup(client)
        body = multipart(("file", "big.png", b"\0" * 300_000))
        headers = form_headers(owner)
        response = await client.post("/api/v1/clips", content=body, headers=headers)
        assert_refused(response, 413, "PayloadTooLarge")

    async def test_a_long_form_field_is_413(self, client: httpx.AsyncClient, signup) -> None:
        owner: SignedUp = await signup(client)
        body = multipart(("title", None, b"t" * 70_000), ("file", "a.png", png(16, 16)))
        headers = form_headers(owner)
        response = await client.post("/api/v1/clips", content=body, headers=headers)
        assert "title" in assert_refused(response, 413, "PayloadTooLarge")["detail"]

    async def test_a_form_of_many_parts_is_413(self, client: httpx.AsyncClient, signup) -> None:
        owner: SignedUp = await signup(client)
        body = multipart(
            *[(f"f{number}", None, b"x") for number in range(40)], ("file", "a.png", png(16, 16))
        )
        headers = form_headers(owner)
        response = await client.post("/api/v1/clips", content=body, headers=headers)
        assert "parts" in assert_refused(response, 413, "PayloadTooLarge")["detail"]

    async def test_a_bulk_form_of_many_fields_is_413(self, client: httpx.AsyncClient, signup) -> None:
        owner: SignedUp = await signup(client)
        body = multipart(
            *[(f"f{number}", None, b"x") for number in range(40)],
            ("file", "posts.csv", b"caption,media_type\nHello,IMAGE\n"),
        )
        headers = form_headers(owner)
        response = await client.post("/api/v1/social/bulk", content=body, headers=headers)
        assert "Too many fields" in assert_refused(response, 413, "PayloadTooLarge")["detail"]

    async def test_a_bulk_form_of_two_files_is_413(self, client: httpx.AsyncClient, signup) -> None:
        owner: SignedUp = await signup(client)
        csv_file = b"caption,media_type\nHello,IMAGE\n"
        body = multipart(("file", "a.csv", csv_file), ("other", "b.csv", csv_file))
        headers = form_headers(owner)
        response = await client.post("/api/v1/social/bulk", content=body, headers=headers)
        assert "Too many files" in assert_refused(response, 413, "PayloadTooLarge")["detail"]


class TestReadTimeout:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"body_read_timeout_seconds": 1.0})

    async def test_a_body_that_stalls_is_408(self, client: httpx.AsyncClient, settings) -> None:
        body = json.dumps({"object": "instagram", "entry": []}).encode()
        response = await client.post(
            WEBHOOK, content=dribble(body, pieces=3, pause=0.6), headers=signed(settings, body)
        )
        assert_refused(response, 408, "RequestTimeout")
        assert response.headers["Connection"] == "close"

    async def test_an_upload_may_take_longer_than_the_timeout_while_it_keeps_coming(
        self, client: httpx.AsyncClient, signup
    ) -> None:
        owner: SignedUp = await signup(client)
        body = multipart(("file", "steady.png", png(64, 64)))
        headers = form_headers(owner)
        response = await client.post(
            "/api/v1/clips", content=dribble(body, pieces=8, pause=0.2), headers=headers
        )
        assert response.status_code == 201, response.text
