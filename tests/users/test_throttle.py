"""Repeated failed logins are slowed down per email and per IP: 429 with Retry-After."""

from __future__ import annotations

import httpx
from users_helpers import ClientFrom, random_email, random_ip

from auth_helpers import DEFAULT_PASSWORD, signup
from clipper.users.throttle import EMAIL_LIMIT, IP_LIMIT, WINDOW_SECONDS

LOGIN = "/api/v1/auth/login"
WRONG = "Wrong-Password-123"


async def attempt(client: httpx.AsyncClient, email: str, password: str = WRONG) -> httpx.Response:
    response = await client.post(LOGIN, json={"email": email, "password": password})
    client.cookies.clear()
    return response


class TestPerEmail:
    async def test_locks_the_email_after_repeated_failures(self, client_from: ClientFrom) -> None:
        client = await client_from(random_ip())
        user = await signup(client, email=random_email())

        failures = [await attempt(client, user.email) for _ in range(EMAIL_LIMIT)]
        locked = await attempt(client, user.email, DEFAULT_PASSWORD)

        assert [response.status_code for response in failures] == [401] * EMAIL_LIMIT
        assert locked.status_code == 429
        retry_after = int(locked.headers["Retry-After"])
        assert 0 < retry_after <= WINDOW_SECONDS
        assert locked.json()["error"] == "TooManyRequests"
        assert locked.json()["retry_after"] == retry_after
        assert f"{retry_after} seconds" in locked.json()["detail"]

    async def test_the_lock_follows_the_email_to_another_address(self, client_from: ClientFrom) -> None:
        user_email = random_email()
        first = await client_from(random_ip())
        await signup(first, email=user_email)
        for _ in range(EMAIL_LIMIT):
            await attempt(first, user_email)

        elsewhere = await client_from(random_ip())

        assert (await attempt(elsewhere, user_email, DEFAULT_PASSWORD)).status_code == 429

    async def test_unknown_emails_are_throttled_alike(self, client_from: ClientFrom) -> None:
        client = await client_from(random_ip())
        email = random_email()

        statuses = [(await attempt(client, email)).status_code for _ in range(EMAIL_LIMIT + 1)]

        assert statuses == [401] * EMAIL_LIMIT + [429]

    async def test_a_success_resets_the_count(self, client_from: ClientFrom) -> None:
        client = await client_from(random_ip())
        user = await signup(client, email=random_email())
        for _ in range(EMAIL_LIMIT - 1):
            await attempt(client, user.email)

        assert (await attempt(client, user.email, DEFAULT_PASSWORD)).status_code == 200

        statuses = [(await attempt(client, user.email)).status_code for _ in range(EMAIL_LIMIT - 1)]
        assert statuses == [401] * (EMAIL_LIMIT - 1)
        assert (await attempt(client, user.email, DEFAULT_PASSWORD)).status_code == 200

    async def test_other_emails_are_not_affected(self, client_from: ClientFrom) -> None:
        client = await client_from(random_ip())
        victim = await signup(client, email=random_email())
        for _ in range(EMAIL_LIMIT):
            await attempt(client, random_email())

        assert (await attempt(client, victim.email, DEFAULT_PASSWORD)).status_code == 200


class TestPerAddress:
    async def test_locks_the_address_after_failures_across_emails(self, client_from: ClientFrom) -> None:
        ip = random_ip()
        attacker = await client_from(ip)
        for _ in range(IP_LIMIT):
            assert (await attempt(attacker, random_email())).status_code == 401
        other_person = await client_from(random_ip())
        victim = await signup(other_person, email=random_email())

        from_attacker = await attempt(attacker, victim.email, DEFAULT_PASSWORD)
        from_elsewhere = await attempt(other_person, victim.email, DEFAULT_PASSWORD)

        assert from_attacker.status_code == 429
        assert int(from_attacker.headers["Retry-After"]) > 0
        assert from_elsewhere.status_code == 200
