"""POST /api/v1/auth/register: normalized email, strong password, one account per email."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clipper.db import create_engine, create_session_factory
from clipper.security import passwords
from clipper.users.hashing import CONCURRENT_HASHES
from clipper.users.models import User
from clipper.users.throttle import REGISTER_LIMIT
from tests.fixtures.auth import DEFAULT_PASSWORD, login, unique_email

REGISTER = "/api/v1/auth/register"


def field_messages(response: httpx.Response) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["fields"]}


class TestRegister:
    async def test_creates_the_user_with_a_normalized_email(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        email = unique_email("Ada.Lovelace")
        response = await client.post(
            REGISTER, json={"email": f"  {email.upper()} ", "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 201
        assert response.json()["email"] == email.lower()
        assert set(response.json()) == {"email", "detail"}
        assert await session.scalar(select(User.id).where(User.email == email.lower())) is not None

    async def test_stores_an_argon2_hash_not_the_password(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        email = unique_email()
        await client.post(REGISTER, json={"email": email, "password": DEFAULT_PASSWORD})

        user = await session.scalar(select(User).where(User.email == email))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert DEFAULT_PASSWORD not in user.password_hash

    async def test_does_not_sign_in(self, client: httpx.AsyncClient) -> None:
        response = await client.post(REGISTER, json={"email": unique_email(), "password": DEFAULT_PASSWORD})

        assert "set-cookie" not in response.headers
        assert (await client.get("/api/v1/auth/me")).status_code == 401

    async def test_a_taken_email_answers_exactly_like_a_free_one(self, client: httpx.AsyncClient) -> None:
        taken = unique_email()
        await client.post(REGISTER, json={"email": taken, "password": DEFAULT_PASSWORD})

        again = await client.post(REGISTER, json={"email": taken.upper(), "password": "Another-Secret-77"})
        fresh = await client.post(REGISTER, json={"email": unique_email(), "password": "Another-Secret-77"})

        assert again.status_code == fresh.status_code == 201
        assert again.headers.keys() == fresh.headers.keys()
        assert again.json() == {**fresh.json(), "email": taken}
        assert "sign in" in again.json()["detail"].lower()

    async def test_a_taken_email_keeps_its_owner_and_password(self, client: httpx.AsyncClient) -> None:
        taken = unique_email()
        await client.post(REGISTER, json={"email": taken, "password": DEFAULT_PASSWORD})

        await client.post(REGISTER, json={"email": taken, "password": "Another-Secret-77"})

        assert (await login(client, taken, "Another-Secret-77")).status_code == 401
        assert (await login(client, taken, DEFAULT_PASSWORD)).status_code == 200

    async def test_a_weak_password_is_rejected_naming_the_field_and_every_reason(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(REGISTER, json={"email": unique_email(), "password": "short"})

        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "InvalidInput"
        assert "body.password" in body["detail"]
        message = field_messages(response)["body.password"]
        assert "at least 10 characters" in message
        assert "two kinds of characters" in message
        assert "short" not in body["detail"]

    @pytest.mark.parametrize("password", ["Password2024!", "qwerty12345"])
    async def test_a_common_password_is_rejected(self, client: httpx.AsyncClient, password: str) -> None:
        response = await client.post(REGISTER, json={"email": unique_email(), "password": password})

        assert response.status_code == 422
        assert "too common" in field_messages(response)["body.password"]

    async def test_the_email_as_password_is_rejected(self, client: httpx.AsyncClient) -> None:
        email = unique_email("someone.long")
        response = await client.post(REGISTER, json={"email": email, "password": email})

        assert response.status_code == 422
        assert "email address" in field_messages(response)["body.password"]

    @pytest.mark.parametrize(
        "email",
        ["", "not-an-email", "a@b", "two@@example.com", "sp ace@example.com", "x@example..com", "a@-x.com"],
    )
    async def test_a_malformed_email_is_rejected_naming_the_field(
        self, client: httpx.AsyncClient, email: str
    ) -> None:
        response = await client.post(REGISTER, json={"email": email, "password": DEFAULT_PASSWORD})

        assert response.status_code == 422
        assert list(field_messages(response)) == ["body.email"]

    async def test_missing_fields_are_named(self, client: httpx.AsyncClient) -> None:
        response = await client.post(REGISTER, json={})

        assert response.status_code == 422
        assert set(field_messages(response)) == {"body.email", "body.password"}

    async def test_an_oversized_password_is_rejected_without_hashing_it(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(REGISTER, json={"email": unique_email(), "password": "Aa1!" * 1000})

        assert response.status_code == 422
        assert "body.password" in field_messages(response)


class TestSignUpThrottle:
    async def test_sign_ups_from_one_address_are_limited(self, client: httpx.AsyncClient) -> None:
        answers = [
            (
                await client.post(REGISTER, json={"email": unique_email(), "password": DEFAULT_PASSWORD})
            ).status_code
            for _ in range(REGISTER_LIMIT + 1)
        ]

        assert answers == [201] * REGISTER_LIMIT + [429]


class TestBoundedHashing:
    async def test_parallel_sign_ups_hash_a_few_at_a_time(
        self, app: FastAPI, database_url: str, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        hasher = Watched(passwords._hasher)
        monkeypatch.setattr(passwords, "_hasher", hasher)
        engine = create_engine(database_url)
        app.state.resources.session_factory = create_session_factory(engine)  # a connection per request
        try:
            answers = await asyncio.gather(
                *[
                    client.post(REGISTER, json={"email": unique_email(), "password": DEFAULT_PASSWORD})
                    for _ in range(8)
                ]
            )
        finally:
            await engine.dispose()

        assert [answer.status_code for answer in answers] == [201] * 8
        assert hasher.calls == 8
        assert hasher.most_at_once == CONCURRENT_HASHES


class Watched:
    """pwdlib's PasswordHash, slowed a little, counting how many hashes run at the same time."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.lock = inner, threading.Lock()
        self.running = self.most_at_once = self.calls = 0

    def hash(self, password: str) -> str:
        with self.lock:
            self.running += 1
            self.calls += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(0.1)
            return str(self.inner.hash(password))
        finally:
            with self.lock:
                self.running -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
