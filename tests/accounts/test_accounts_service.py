"""The account helpers other domains call, and the token health check, against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from clipper import worker
from clipper.accounts import service as accounts
from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account, AccountHealth
from clipper.accounts.tokens import mark_token_invalid
from clipper.errors import NotFound, PermissionMissing, ReconnectRequired
from clipper.users.models import User
from tests.fixtures.factories import create_account, create_user
from tests.fixtures.oauth_flow import API, connect_instagram, sandbox_admin, sandbox_of


def expiry_events() -> float:
    return REGISTRY.get_sample_value("token_expiry_events_total") or 0.0


async def connected_account(client, signup, session, username: str | None = None) -> tuple[Account, dict]:
    user = await signup(client)
    connected = await connect_instagram(client, user.headers, username=username)
    return await session.get_one(Account, connected["id"]), user.headers


async def check_all(app) -> accounts.HealthReport:
    return await accounts.check_all_accounts(AccountGraph.of(app.state.resources))


async def check_one(app, session, account: Account) -> None:
    """Check one account as the periodic job does (its own units of work), then re-read it."""
    await accounts.check_account_health(AccountGraph.of(app.state.resources), account_id=account.id)
    await session.refresh(account)


class TestOwnership:
    async def test_get_account_is_not_found_for_another_user(self, session):
        owner, other = await create_user(session), await create_user(session)
        account = await create_account(session, user=owner)
        assert (await accounts.get_account(session, user=owner, account_id=account.id)).id == account.id
        with pytest.raises(NotFound):
            await accounts.get_account(session, user=other, account_id=account.id)

    async def test_list_accounts_only_lists_the_users_own(self, session):
        owner, other = await create_user(session), await create_user(session)
        mine = [await create_account(session, user=owner) for _ in range(2)]
        await create_account(session, user=other)
        listed = await accounts.list_accounts(session, user=owner)
        assert [account.id for account in listed] == [account.id for account in mine]


class TestRequirements:
    async def test_require_active_asks_to_reconnect(self, session):
        account = await create_account(session, is_active=False, health_reason="the token expired")
        with pytest.raises(ReconnectRequired) as caught:
            accounts.require_active(account)
        assert caught.value.status_code == 409
        assert "reconnect" in caught.value.message
        assert "the token expired" in caught.value.message

    async def test_an_account_without_a_page_token_cannot_be_used(self, session, app):
        account = await create_account(session)
        with pytest.raises(ReconnectRequired):
            accounts.page_token(account, cipher=app.state.cipher)

    async def test_a_token_under_a_forgotten_key_asks_to_reconnect(self, session, app):
        account = await create_account(session, page_access_token_enc="gAAAAAnotafernettoken")
        with pytest.raises(ReconnectRequired) as caught:
            accounts.page_token(account, cipher=app.state.cipher)
        assert "decrypted" in caught.value.message

    async def test_an_instagram_login_account_is_checked_under_its_own_names(self, session):
        account = await create_account(
            session,
            login_flavour="instagram",
            granted_permissions=["instagram_business_basic", "instagram_business_content_publish"],
        )
        accounts.require_permission(account, "instagram_content_publish")
        assert accounts.can(account, "pages_read_engagement")  # no Page with Instagram Login
        with pytest.raises(PermissionMissing) as caught:
            accounts.require_permission(account, "instagram_manage_insights")
        assert caught.value.permission == "instagram_business_manage_insights"
        assert "'instagram_business_manage_insights'" in caught.value.message

    async def test_a_facebook_login_account_with_instagram_login_names_is_refused(self, session):
        account = await create_account(session, granted_permissions=["instagram_business_content_publish"])
        assert not accounts.can(account, "instagram_content_publish")

    async def test_each_name_is_its_own_grant_with_no_equivalent_from_the_other_login(self, session):
        account = await create_account(
            session, granted_permissions=["instagram_business_basic", "instagram_content_publish"]
        )
        accounts.require_permission(account, "instagram_content_publish")
        accounts.require_permission(account, "instagram_business_basic")
        for name in ("instagram_basic", "instagram_business_content_publish"):
            with pytest.raises(PermissionMissing) as caught:
                accounts.require_permission(account, name)
            assert caught.value.permission == name


class TestGatewayClients:
    async def test_the_account_client_carries_the_page_token(self, client, signup, session, app):
        account, _ = await connected_account(client, signup, session, "sandbox.studio")
        graph = AccountGraph.of(app.state.resources).client(account, "instagram_basic")
        info = await graph.get_instagram_account_info(account.platform_account_id)
        assert info.username == "sandbox.studio"

    async def test_bearing_needs_a_stored_token_but_not_an_active_account(self, client, signup, session, app):
        account, _ = await connected_account(client, signup, session, "sandbox.studio")
        gateway = AccountGraph.of(app.state.resources)
        account.is_active = False
        info = await gateway.bearing(account).get_instagram_account_info(account.platform_account_id)
        assert info.username == "sandbox.studio"
        account.page_access_token_enc = None
        with pytest.raises(ReconnectRequired, match="holds no access"):
            gateway.bearing(account)


class TestMarkTokenInvalid:
    async def test_marks_inactive_counts_logs_and_status_says_reconnect(self, client, signup, session):
        account, headers = await connected_account(client, signup, session)
        before = expiry_events()
        with capture_logs() as events:
            await mark_token_invalid(session, account=account, reason="Meta said 190")
        assert account.is_active is False
        assert account.health_status == AccountHealth.RECONNECT_REQUIRED
        assert expiry_events() == before + 1
        logged = next(event for event in events if event["event"] == "instagram token invalid")
        assert logged["account_id"] == account.id
        status = (await client.get(f"{API}/status", headers=headers)).json()
        assert status["accounts"][0]["action"] == "reconnect"
        assert status["accounts"][0]["health_reason"] == "Meta said 190"


class TestHealthCheck:
    @pytest.mark.parametrize(
        ("subcode", "words"), [(460, "password changed"), (463, "expired"), (458, "removed")]
    )
    async def test_an_invalid_page_token_marks_the_account_for_reconnection(
        self, client, signup, session, app, subcode, words
    ):
        account, headers = await connected_account(client, signup, session)
        token = app.state.resources.cipher.decrypt(account.page_access_token_enc)
        await sandbox_admin(client, "tokens/invalidate", {"token": token, "subcode": subcode})
        before = expiry_events()
        with capture_logs() as events:
            report = await accounts.check_all_accounts(AccountGraph.of(app.state.resources))
        await session.refresh(account)
        assert report.invalid == 1
        assert account.is_active is False
        assert words in account.health_reason
        assert expiry_events() == before + 1
        assert any(event["event"] == "instagram token invalid" for event in events)
        assert token not in str(events)
        status = (await client.get(f"{API}/status", headers=headers)).json()
        assert status["connected"] is False
        assert status["accounts"][0]["action"] == "reconnect"
        with pytest.raises(ReconnectRequired):
            accounts.require_active(account)

    async def test_a_valid_token_keeps_the_expiry_current(self, client, signup, session, app):
        account, _ = await connected_account(client, signup, session)
        user_token = sandbox_of(app).world.tokens[
            app.state.resources.cipher.decrypt(account.access_token_enc)
        ]
        account.token_expires_at = datetime(2000, 1, 1, tzinfo=UTC)
        await session.flush()
        await check_one(app, session, account)
        assert account.is_active is True
        assert account.health_status == AccountHealth.HEALTHY
        assert abs(account.token_expires_at - user_token.expires_at) < timedelta(seconds=1)
        assert account.last_checked_at is not None

    async def test_a_revoked_permission_shows_up_after_the_check(self, client, signup, session, app):
        account, _ = await connected_account(client, signup, session)
        for token in sandbox_of(app).world.tokens.values():
            if "instagram_manage_comments" in token.scopes:
                token.scopes.remove("instagram_manage_comments")
        await check_one(app, session, account)
        assert account.is_active is True
        assert account.health_status == AccountHealth.PERMISSION_MISSING
        assert "instagram_manage_comments" not in account.granted_permissions

    async def test_skips_inactive_accounts_and_survives_meta_errors(self, client, signup, session, app):
        account, _ = await connected_account(client, signup, session)
        await create_account(session, user=await session.get_one(User, account.user_id), is_active=False)
        await sandbox_admin(
            client, "faults", {"path": ".*debug_token.*", "code": 2, "http_status": 500, "times": 20}
        )
        report = await check_all(app)
        await session.refresh(account)
        assert (report.checked, report.errors, report.invalid) == (1, 1, 0)
        assert account.is_active is True

    async def test_check_now_answers_503_when_meta_is_down(self, client, signup, session):
        account, headers = await connected_account(client, signup, session)
        await sandbox_admin(
            client, "faults", {"path": ".*debug_token.*", "code": 2, "http_status": 500, "times": 20}
        )
        response = await client.post(f"/api/v1/accounts/{account.id}/check", headers=headers)
        assert response.status_code == 503

    async def test_the_periodic_check_refreshes_the_profile(self, client, signup, session, app):
        account, _ = await connected_account(client, signup, session)
        ig = sandbox_of(app).world.ig_users[account.platform_account_id]
        ig.followers_count, ig.profile_picture_url = 98765, "https://cdn.example/new.jpg"
        before = account.profile_refreshed_at
        report = await check_all(app)
        await session.refresh(account)
        assert report.healthy == 1
        assert (account.followers_count, account.profile_picture_url) == (
            98765,
            "https://cdn.example/new.jpg",
        )
        assert account.profile_refreshed_at > before

    async def test_a_failed_profile_read_keeps_the_verdict_and_the_old_numbers(
        self, client, signup, session, app
    ):
        account, _ = await connected_account(client, signup, session)
        followers = account.followers_count
        sandbox_of(app).world.ig_users[account.platform_account_id].followers_count = 5
        await sandbox_admin(
            client,
            "faults",
            {"path": f"^/?{account.platform_account_id}$", "code": 2, "http_status": 500, "times": 20},
        )
        await check_one(app, session, account)
        assert account.is_active is True
        assert account.health_status == AccountHealth.HEALTHY
        assert account.followers_count == followers

    def test_runs_periodically_in_the_worker(self):
        worker.load_jobs()
        assert "accounts.check_health" in worker._PERIODIC

    async def test_the_periodic_job_marks_a_dead_token_and_keeps_it(self, client, signup, session, app):
        account, headers = await connected_account(client, signup, session)
        token = app.state.resources.cipher.decrypt(account.page_access_token_enc)
        await sandbox_admin(client, "tokens/invalidate", {"token": token, "subcode": 463})
        worker.load_jobs()
        await app.state.worker.run_periodic_once("accounts.check_health")
        status = (await client.get(f"{API}/status", headers=headers)).json()
        (reported,) = status["accounts"]
        assert reported["action"] == "reconnect"
        assert reported["is_active"] is False
        assert "the access token expired" in reported["health_reason"]


class TestWebhookSubscription:
    async def test_connecting_subscribes_the_page_with_its_token(self, client, signup, session, app, calls):
        account, headers = await connected_account(client, signup, session)
        page_id = account.meta_info["facebook_page_id"]
        assert "POST /{id}/subscribed_apps" in calls  # the sandbox only takes a Page token there
        assert sandbox_of(app).world.pages[page_id].subscribed_fields == ["feed", "messages"]
        assert account.meta_info["webhook_subscription"]["subscribed"] is True
        reported = (await client.get(f"/api/v1/accounts/{account.id}", headers=headers)).json()
        assert reported["webhook_problem"] is None

    async def test_a_refused_subscription_still_connects_and_says_what_to_do(
        self, client, signup, session, app
    ):
        await sandbox_admin(
            client,
            "faults",
            {
                "path": ".*subscribed_apps.*",
                "method": "POST",
                "code": 200,
                "message": "(#200) Permissions error",
            },
        )
        account, headers = await connected_account(client, signup, session)
        assert account.is_active is True
        assert account.meta_info["webhook_subscription"]["subscribed"] is False
        status = (await client.get(f"{API}/status", headers=headers)).json()
        (reported,) = status["accounts"]
        assert reported["is_active"] is True
        problem = reported["webhook_problem"]
        assert account.meta_info["facebook_page_name"] in problem
        assert "periodic sync" in problem
        assert "reconnect" in problem

    async def test_the_health_check_retries_a_refused_subscription(self, client, signup, session, app):
        await sandbox_admin(
            client,
            "faults",
            {"path": ".*subscribed_apps.*", "method": "POST", "code": 2, "http_status": 500, "times": 5},
        )
        account, headers = await connected_account(client, signup, session)
        page = sandbox_of(app).world.pages[account.meta_info["facebook_page_id"]]
        assert page.subscribed_fields == []
        assert (await client.delete("/sandbox/_admin/faults")).status_code == 200
        checked = await client.post(f"/api/v1/accounts/{account.id}/check", headers=headers)
        assert checked.json()["webhook_problem"] is None
        assert page.subscribed_fields == ["feed", "messages"]
