"""Password guessing is slowed down with growing delays, atomically, without locking the real owner out."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from clipper.db import create_engine, create_session_factory
from clipper.kv import MemoryStore
from clipper.users.cookies import DEVICE_COOKIE
from clipper.users.throttle import EMAIL_LIMIT, FIRST_WINDOW_SECONDS, IP_LIMIT, PAIR_LIMIT
from tests.fixtures.auth import DEFAULT_PASSWORD, signup
from tests.fixtures.kv import FakeClock
from tests.users.users_helpers import ClientFrom, random_email, random_ip

LOGIN = "/api/v1/auth/login"
WRONG = "Wrong-Password-123"


async def attempt(client: httpx.AsyncClient, email: str, password: str = WRONG) -> httpx.Response:
    """One login; the session cookies are dropped (the device cookie, if any, stays in the jar)."""
    response = await client.post(LOGIN, json={"email": email, "password": password})
    client.cookies.delete("clipper_session")
    client.cookies.delete("csrf_token")
    return response


async def statuses(client: httpx.AsyncClient, email: str, count: int) -> list[int]:
    return [(await attempt(client, email)).status_code for _ in range(count)]


class TestOneEmailFromOneAddress:
    async def test_slows_down_after_repeated_failures(self, client_from: ClientFrom) -> None:
        client = await client_from(random_ip())
        user = await signup(client, email=random_email())

        failures = await statuses(client, user.email, PAIR_LIMIT)
        waiting = await attempt(client, user.email, DEFAULT_PASSWORD)

        assert failures == [401] * PAIR_LIMIT
        assert waiting.status_code == 429
        retry_after = int(waiting.headers["Retry-After"])
        assert 0 < retry_after <= FIRST_WINDOW_SECONDS
        assert waiting.json()["error"] == "TooManyRequests"
        assert waiting.json()["retry_after"] == retry_after
        assert f"{retry_after} seconds" in waiting.json()["detail"]

    async def test_unknown_emails_are_throttled_alike(self, client_from: ClientFrom) -> None:
        client = await client_from(random_ip())

        assert await statuses(client, random_email(), PAIR_LIMIT + 1) == [401] * PAIR_LIMIT + [429]

    async def test_a_success_resets_the_count(self, client_from: ClientFrom) -> None:
        client = await client_from(random_ip())
        user = await signup(client, email=random_email())
        await statuses(client, user.email, PAIR_LIMIT - 1)

        assert (await attempt(client, user.email, DEFAULT_PASSWORD)).status_code == 200
        client.cookies.delete(DEVICE_COOKIE)  # counted like a new browser again
        assert await statuses(client, user.email, PAIR_LIMIT - 1) == [401] * (PAIR_LIMIT - 1)
        assert (await attempt(client, user.email, DEFAULT_PASSWORD)).status_code == 200

    async def test_a_parallel_burst_cannot_pass_the_limit(
        self, client_from: ClientFrom, app: FastAPI, database_url: str
    ) -> None:
        client = await client_from(random_ip())
        email = random_email()
        # Requests in parallel need a connection each (the test's shared one takes one at a time).
        engine = create_engine(database_url)
        app.state.resources.session_factory = create_session_factory(engine)
        try:
            burst = await asyncio.gather(*[attempt(client, email) for _ in range(PAIR_LIMIT * 4)])
        finally:
            await engine.dispose()

        codes = sorted(response.status_code for response in burst)
        assert codes == [401] * PAIR_LIMIT + [429] * (PAIR_LIMIT * 3)


class TestTheOwnerIsNotLockedOut:
    async def test_failures_from_one_address_do_not_stop_the_owner_elsewhere(
        self, client_from: ClientFrom
    ) -> None:
        owner = await client_from(random_ip())
        user = await signup(owner, email=random_email())
        owner.cookies.clear()  # not even a known browser
        attacker = await client_from(random_ip())
        await statuses(attacker, user.email, PAIR_LIMIT + 3)

        assert (await attempt(owner, user.email, DEFAULT_PASSWORD)).status_code == 200

    async def test_a_browser_that_signed_in_before_gets_in_through_a_distributed_attack(
        self, client_from: ClientFrom
    ) -> None:
        browser = await client_from(random_ip())
        user = await signup(browser, email=random_email())
        assert (await attempt(browser, user.email, DEFAULT_PASSWORD)).status_code == 200
        assert DEVICE_COOKIE in browser.cookies
        for _ in range(EMAIL_LIMIT):
            await statuses(await client_from(random_ip()), user.email, 2)
        new_place = await client_from(random_ip())

        from_a_new_browser = await attempt(new_place, user.email, DEFAULT_PASSWORD)
        from_the_known_browser = await attempt(browser, user.email, DEFAULT_PASSWORD)

        assert from_a_new_browser.status_code == 429
        assert from_the_known_browser.status_code == 200

    async def test_a_device_cookie_only_counts_for_its_own_email(self, client_from: ClientFrom) -> None:
        browser = await client_from(random_ip())
        user = await signup(browser, email=random_email())
        assert (await attempt(browser, user.email, DEFAULT_PASSWORD)).status_code == 200
        victim = random_email()
        for _ in range(EMAIL_LIMIT):
            await statuses(await client_from(random_ip()), victim, 1)

        assert (await attempt(browser, victim)).status_code == 429


class TestPerAddress:
    async def test_slows_the_address_after_failures_across_emails(self, client_from: ClientFrom) -> None:
        ip = random_ip()
        attacker = await client_from(ip)
        for _ in range(IP_LIMIT):
            assert (await attempt(attacker, random_email())).status_code == 401
        other_person = await client_from(random_ip())
        victim = await signup(other_person, email=random_email())
        other_person.cookies.clear()

        from_attacker = await attempt(attacker, victim.email, DEFAULT_PASSWORD)
        from_elsewhere = await attempt(other_person, victim.email, DEFAULT_PASSWORD)

        assert from_attacker.status_code == 429
        assert int(from_attacker.headers["Retry-After"]) > 0
        assert from_elsewhere.status_code == 200


class TestGrowingDelays:
    @pytest.fixture
    def clock(self, app: FastAPI, client_from: ClientFrom) -> FakeClock:  # noqa: ARG002 - lifespan started
        clock = FakeClock()
        app.state.resources.kv = MemoryStore(clock=clock)
        return clock

    async def test_each_full_window_is_followed_by_a_longer_one(
        self, client_from: ClientFrom, clock: FakeClock
    ) -> None:
        client = await client_from(random_ip())
        email = random_email()
        waits = []
        for _ in range(3):
            assert await statuses(client, email, PAIR_LIMIT) == [401] * PAIR_LIMIT
            refused = await attempt(client, email)
            assert refused.status_code == 429
            waits.append(int(refused.headers["Retry-After"]))
            clock.now += waits[-1] - 0.5
            assert (await attempt(client, email)).status_code == 429  # not over yet
            clock.now += 1

        assert waits == [FIRST_WINDOW_SECONDS, FIRST_WINDOW_SECONDS * 4, FIRST_WINDOW_SECONDS * 16]
