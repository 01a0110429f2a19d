"""A state is redeemed only by the user it names: signed in, or in the browser that started the flow.

Otherwise an attacker could send a victim the dialog link of the attacker's own flow, and the victim's
Instagram account would land on the attacker's Content Clipper user (OAuth account-linking CSRF).
"""

from __future__ import annotations

import asyncio
from http.cookies import SimpleCookie

import httpx
from sqlalchemy import select

from clipper.accounts.models import Account
from clipper.oauth.pages import NONCE_COOKIE
from tests.fixtures.auth import signup
from tests.fixtures.oauth_flow import (
    API,
    follow_to_callback,
    oauth_result,
    open_dialog,
    start_authorization,
    submit_dialog,
)

CALLBACK_PATH = f"{API}/callback"


def nonce_cookie(response) -> SimpleCookie:
    (header,) = [value for value in response.headers.get_list("set-cookie") if value.startswith(NONCE_COOKIE)]
    cookie = SimpleCookie()
    cookie.load(header)
    return cookie


async def stored_accounts(session) -> list[Account]:
    return list((await session.scalars(select(Account))).all())


async def available(client, headers) -> list[dict]:
    response = await client.get(f"{API}/available-accounts", headers=headers)
    items: list[dict] = response.json()["items"]
    return items


class TestNonceCookie:
    async def test_authorize_sets_a_short_lived_httponly_lax_cookie_for_the_callback_only(
        self, client, signup
    ):
        user = await signup(client)
        for params in ({}, {"redirect": "1"}):
            response = await client.get(f"{API}/authorize", params=params, headers=user.headers)
            assert response.status_code in (200, 302)
            morsel = nonce_cookie(response)[NONCE_COOKIE]
            assert len(morsel.value) >= 43
            assert morsel["path"] == CALLBACK_PATH
            assert morsel["httponly"] is True
            assert morsel["samesite"].lower() == "lax"
            assert 0 < int(morsel["max-age"]) <= 600

    async def test_the_nonce_cookie_alone_finishes_the_flow_without_our_session(self, client, signup):
        user = await signup(client)
        form = await open_dialog(client, await start_authorization(client, user.headers))
        # No Authorization header or session cookie: only the nonce cookie /authorize left in the jar.
        assert [cookie.name for cookie in client.cookies.jar] == [NONCE_COOKIE]
        response = await follow_to_callback(client, await submit_dialog(client, form))
        assert response.status_code == 200
        assert oauth_result(response)["status"] == "success"
        assert len(await available(client, user.headers)) == 2
        assert nonce_cookie(response)[NONCE_COOKIE]["max-age"] == "0"


class TestRefused:
    async def test_without_our_session_or_the_nonce_cookie_the_callback_is_refused_and_stores_nothing(
        self, client, signup, session
    ):
        user = await signup(client)
        form = await open_dialog(client, await start_authorization(client, user.headers))
        redirect = await submit_dialog(client, form)
        client.cookies.clear()  # another browser: the victim's, who never asked us for this flow
        response = await follow_to_callback(client, redirect)
        assert response.status_code == 400
        result = oauth_result(response)
        assert result["status"] == "error"
        assert result["reason"] == "invalid_state"
        assert "start again from Accounts → Connect Instagram" in result["error"]
        assert "not started in this browser" in response.text
        assert await stored_accounts(session) == []
        assert await available(client, user.headers) == []

    async def test_the_nonce_cookie_of_another_flow_does_not_unlock_a_state(self, client, signup, session):
        attacker, victim = await signup(client), await signup(client)
        form = await open_dialog(client, await start_authorization(client, attacker.headers))
        redirect = await submit_dialog(client, form)
        client.cookies.clear()
        await start_authorization(client, victim.headers)  # the victim's browser holds its own nonce
        response = await follow_to_callback(client, redirect)
        assert response.status_code == 400
        assert oauth_result(response)["reason"] == "invalid_state"
        assert await stored_accounts(session) == []
        assert await available(client, attacker.headers) == []

    async def test_a_refused_state_is_used_up(self, client, signup):
        user = await signup(client)
        form = await open_dialog(client, await start_authorization(client, user.headers))
        redirect = await submit_dialog(client, form)
        client.cookies.clear()
        assert (await follow_to_callback(client, redirect)).status_code == 400
        retried = await follow_to_callback(client, redirect, user.headers)
        assert retried.status_code == 400
        assert "expired or was already used" in oauth_result(retried)["error"]


class TestNonceCookieOnHttps:
    async def test_the_cookie_is_deleted_with_the_attributes_it_was_set_with(self, settings):
        from clipper import migrate
        from clipper.main import create_app

        origin = "https://clipper.example"
        settings = settings.model_copy(update={"backend_url": origin, "frontend_url": origin})
        await asyncio.to_thread(migrate.upgrade, settings.database_url)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=origin) as client:
                user = await signup(client)
                started = await client.get(f"{API}/authorize", headers=user.headers)
                refused = await client.get(CALLBACK_PATH, params={"state": "not-ours", "code": "x"})
        set_cookie, deleted = nonce_cookie(started)[NONCE_COOKIE], nonce_cookie(refused)[NONCE_COOKIE]
        assert deleted["max-age"] == "0"
        for attribute in ("path", "secure", "httponly", "samesite"):
            assert deleted[attribute] == set_cookie[attribute], attribute
        assert set_cookie["secure"] is True
