"""On SQLite, connect, disconnect, delete and the health check never hold a transaction while Meta answers.

At every Graph call another connection takes the write lock and commits a write: a write transaction held
across the call would refuse it, and a deferred one that read before the call would then fail its own write
("database is locked") — both would show up here.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from clipper import worker
from clipper.accounts.models import Account
from clipper.config import Settings
from clipper.db import unit_of_work
from tests.fixtures.graph_observer import observe_graph_calls
from tests.fixtures.oauth_flow import authorize_and_return, connect_instagram, oauth_result, sandbox_of
from tests.fixtures.sqlite_probe import commit_elsewhere
from tests.social.live_app import live_publisher
from tests.social.publish_helpers import Publisher

OAUTH = "/api/v1/oauth/instagram"


class Calls:
    """Every Graph call the app makes, and whether another writer got in at that moment."""

    def __init__(self, publisher: Publisher, settings: Settings) -> None:
        path = make_url(settings.database_url).database
        assert path
        self.seen: list[tuple[str, bool]] = []
        observe_graph_calls(
            publisher.app,
            lambda what, _status, _code, _seconds: self.seen.append((what, commit_elsewhere(path))),
        )

    @property
    def made(self) -> set[str]:
        return {what for what, _free in self.seen}

    @property
    def under_a_lock(self) -> list[str]:
        return [what for what, free in self.seen if not free]


async def stored(publisher: Publisher, account_id: int) -> Account | None:
    async with publisher.app.state.resources.session_factory() as session:
        return await session.get(Account, account_id)


async def refuse_the_subscription(publisher: Publisher) -> None:
    """Store the account's Page as not subscribed, so that the health check retries it."""
    async with unit_of_work(publisher.app.state.resources.session_factory) as session:
        account = await session.get_one(Account, publisher.account["id"])
        record = {"subscribed": False, "fields": [], "error": "(#200) Permissions error", "at": "2026-01-01"}
        account.meta_info = {**(account.meta_info or {}), "webhook_subscription": record}


class TestNoTransactionAcrossGraphCalls:
    async def test_the_periodic_health_check(self, settings: Settings) -> None:
        async with live_publisher(settings) as publisher:
            await refuse_the_subscription(publisher)
            calls = Calls(publisher, settings)
            worker.load_jobs()
            await publisher.app.state.worker.run_periodic_once("accounts.check_health")
            account = await stored(publisher, publisher.account["id"])
        assert {"GET /debug_token", "GET /{id}", "POST /{id}/subscribed_apps"} <= calls.made, calls.seen
        assert calls.under_a_lock == []
        assert account is not None
        assert account.last_checked_at is not None
        assert account.meta_info["webhook_subscription"]["subscribed"] is True

    async def test_check_now(self, settings: Settings) -> None:
        async with live_publisher(settings) as publisher:
            calls = Calls(publisher, settings)
            checked = await publisher.client.post(
                f"/api/v1/accounts/{publisher.account['id']}/check", headers=publisher.headers
            )
        assert checked.status_code == 200, checked.text
        assert "GET /debug_token" in calls.made
        assert calls.under_a_lock == []

    async def test_connecting_by_selecting_an_account(self, settings: Settings) -> None:
        async with live_publisher(settings) as publisher:
            calls = Calls(publisher, settings)
            again = await connect_instagram(publisher.client, publisher.headers)
            account = await stored(publisher, again["id"])
        assert {"GET /oauth/access_token", "GET /me/accounts", "POST /{id}/subscribed_apps"} <= calls.made
        assert calls.under_a_lock == [], calls.seen
        assert account is not None
        assert account.is_active
        assert account.meta_info["webhook_subscription"]["subscribed"] is True

    async def test_the_callback_connecting_the_only_account_found(self, settings: Settings) -> None:
        async with live_publisher(settings) as publisher:
            world = sandbox_of(publisher.app).world
            studio = next(ig for ig in world.ig_users.values() if ig.username == "sandbox.studio")
            world.pages[studio.page_id].ig_user_id = None
            calls = Calls(publisher, settings)
            result = oauth_result(await authorize_and_return(publisher.client, publisher.headers))
            account = await stored(publisher, result["account_id"])
        assert result["status"] == "success"
        assert result["accounts_available"] == 1
        assert {"GET /oauth/access_token", "POST /{id}/subscribed_apps"} <= calls.made, calls.seen
        assert calls.under_a_lock == []
        assert account is not None
        assert account.meta_info["webhook_subscription"]["subscribed"] is True

    async def test_disconnecting(self, settings: Settings) -> None:
        async with live_publisher(settings) as publisher:
            calls = Calls(publisher, settings)
            answer = await publisher.client.post(
                f"{OAUTH}/disconnect", json={"account_id": publisher.account["id"]}, headers=publisher.headers
            )
            account = await stored(publisher, publisher.account["id"])
        assert answer.status_code == 200, answer.text
        assert {"DELETE /{id}/subscribed_apps", "DELETE /me/permissions"} <= calls.made, calls.seen
        assert calls.under_a_lock == []
        assert account is not None
        assert account.is_active is False
        assert account.page_access_token_enc is None

    async def test_deleting(self, settings: Settings) -> None:
        async with live_publisher(settings) as publisher:
            calls = Calls(publisher, settings)
            answer = await publisher.client.delete(
                f"/api/v1/accounts/{publisher.account['id']}", headers=publisher.headers
            )
            account = await stored(publisher, publisher.account["id"])
        assert answer.status_code == 204, answer.text
        assert {"DELETE /{id}/subscribed_apps", "DELETE /me/permissions"} <= calls.made, calls.seen
        assert calls.under_a_lock == []
        assert account is None
