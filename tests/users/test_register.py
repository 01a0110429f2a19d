"""POST /api/v1/auth/register: normalized email, strong password, one account per email."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth_helpers import DEFAULT_PASSWORD, unique_email
from clipper.users.models import User

REGISTER = "/api/v1/auth/register"


def field_messages(response: httpx.Response) -> dict[str, str]:
    return {item["field"]: item["message"] for item in response.json()["fields"]}


class TestRegister:
    async def test_creates_the_user_with_a_normalized_email(self, client: httpx.AsyncClient) -> None:
        email = unique_email("Ada.Lovelace")
        response = await client.post(
            REGISTER, json={"email": f"  {email.upper()} ", "password": DEFAULT_PASSWORD}
        )

        assert response.status_code == 201
        body = response.json()
        assert body["email"] == email.lower()
        assert set(body) == {"id", "email", "created_at"}

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

    async def test_a_taken_email_is_a_conflict_whatever_its_case(self, client: httpx.AsyncClient) -> None:
        email = unique_email()
        await client.post(REGISTER, json={"email": email, "password": DEFAULT_PASSWORD})

        response = await client.post(REGISTER, json={"email": email.upper(), "password": DEFAULT_PASSWORD})

        assert response.status_code == 409
        assert response.json() == {
            "error": "Conflict",
            "detail": "An account with this email already exists: sign in instead.",
        }

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
