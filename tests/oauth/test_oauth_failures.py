"""What goes wrong during Facebook Login: each case has a specific, actionable answer and stores nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select
from structlog.testing import capture_logs

from clipper.accounts import service as accounts
from clipper.accounts.models import Account
from clipper.errors import PermissionMissing
from clipper.kv import MemoryStore
from clipper.oauth import outcomes
from graph_sandbox.seed import add_personal_account_user
from tests.fixtures.factories import create_account
from tests.fixtures.kv import FakeClock
from tests.fixtures.oauth_flow import (
    API,
    authorize_and_return,
    connect_instagram,
    follow_to_callback,
    oauth_result,
    open_dialog,
    sandbox_of,
    start_authorization,
    submit_dialog,
)


def counter(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def stored_accounts(session) -> list[Account]:
    return list((await session.scalars(select(Account))).all())


async def nothing_available(client, headers) -> bool:
    body = (await client.get(f"{API}/available-accounts", headers=headers)).json()
    return body["items"] == []


class TestDialogOutcomes:
    async def test_cancel_reports_cancelled_and_stores_nothing(self, client, signup, session):
        user = await signup(client)
        response = await authorize_and_return(client, user.headers, action="cancel")
        assert response.status_code == 200
        result = oauth_result(response)
        assert result["status"] == "cancelled"
        assert "cancelled" in result["error"]
        assert await stored_accounts(session) == []
        assert await nothing_available(client, user.headers)

    async def test_no_pages_says_to_create_or_select_a_page(self, client, signup, session):
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers, log_in_as="Nora Nopages"))
        assert result["status"] == "error"
        assert result["reason"] == "no_pages"
        assert "does not manage any Facebook Page" in result["error"]
        assert "create a Page" in result["error"]
        assert result["help_url"].startswith("https://www.facebook.com/")
        assert await stored_accounts(session) == []
        assert await nothing_available(client, user.headers)

    async def test_pages_without_instagram_say_which_and_how_to_link(self, client, signup, session):
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers, log_in_as="Uma Unlinked"))
        assert result["reason"] == "no_instagram_account"
        assert "'Uma's Corner'" in result["error"]
        assert "Business or Creator" in result["error"]
        assert "link it to one of these Pages" in result["error"]
        assert "https://help.instagram.com/" in result["error"]
        assert result["help_url"].startswith("https://www.facebook.com/business/help/")
        assert await stored_accounts(session) == []

    @pytest.mark.parametrize("unticked", ["pages_show_list", "instagram_basic"])
    async def test_an_unticked_required_permission_is_named_with_how_to_fix(
        self, client, signup, session, unticked
    ):
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers, untick=(unticked,)))
        assert result["status"] == "error"
        assert result["reason"] == "missing_permission"
        assert f"'{unticked}'" in result["error"]
        assert "Connect Instagram again" in result["error"]
        assert "keep every permission ticked" in result["error"]
        assert await stored_accounts(session) == []

    async def test_a_personal_instagram_account_says_to_switch_to_professional(
        self, client, signup, session, app
    ):
        sandbox = sandbox_of(app)
        add_personal_account_user(sandbox.world, sandbox.cdn)
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers, log_in_as="Pia Personal"))
        assert result["status"] == "error"
        assert result["reason"] == "not_professional"
        assert "'Pia's Pottery'" in result["error"]
        assert "is a personal account" in result["error"]
        assert "Switch to professional account" in result["error"]
        assert "Business or Creator" in result["error"]
        assert result["help_url"] == outcomes.HELP_PROFESSIONAL_ACCOUNT
        assert await stored_accounts(session) == []
        assert await nothing_available(client, user.headers)

    async def test_the_popup_page_shows_the_message_to_a_person_too(self, client, signup):
        user = await signup(client)
        response = await authorize_and_return(client, user.headers, log_in_as="Nora Nopages")
        assert "Instagram could not be connected" in response.text
        assert "does not manage any Facebook Page" in response.text


class TestFewerPermissions:
    async def test_an_unticked_optional_permission_is_named_with_its_purpose_and_a_help_link(
        self, client, signup
    ):
        user = await signup(client)
        response = await authorize_and_return(client, user.headers, untick=("instagram_content_publish",))
        result = oauth_result(response)
        assert result["status"] == "success"
        assert result["missing_permissions"] == ["instagram_content_publish"]
        assert "'instagram_content_publish' (to publish posts)" in result["permissions_hint"]
        assert "Connect Instagram again" in result["permissions_hint"]
        assert result["help_url"] == outcomes.HELP_LOGIN_PERMISSIONS
        assert "(to publish posts)" in response.text  # the page a person sees says it too
        available = (await client.get(f"{API}/available-accounts", headers=user.headers)).json()
        assert available["missing_permissions"] == ["instagram_content_publish"]
        assert available["permissions_hint"] == result["permissions_hint"]
        assert available["help_url"] == outcomes.HELP_LOGIN_PERMISSIONS

    async def test_the_account_is_flagged_permission_missing_at_once(self, client, signup):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers, untick=("instagram_content_publish",))
        assert connected["health_status"] == "permission_missing"
        status = (await client.get(f"{API}/status", headers=user.headers)).json()
        (account,) = status["accounts"]
        assert account["health_status"] == "permission_missing"
        assert account["missing_permissions"] == ["instagram_content_publish"]

    async def test_the_redirect_flow_carries_them_in_the_query(self, client, signup):
        user = await signup(client)
        start = await client.get(f"{API}/authorize", params={"redirect": "1"}, headers=user.headers)
        form = await open_dialog(client, start.headers["location"])
        redirect = await submit_dialog(client, form, untick=("instagram_manage_comments",))
        response = await follow_to_callback(client, redirect, user.headers)
        assert response.status_code == 302
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["oauth"] == ["success"]
        assert query["missing_permissions"] == ["instagram_manage_comments"]
        assert "(to read and moderate comments)" in query["permissions_hint"][0]
        assert query["help_url"] == [outcomes.HELP_LOGIN_PERMISSIONS]

    async def test_with_every_permission_nothing_is_reported_missing(self, client, signup):
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers))
        assert result["missing_permissions"] == []
        assert result["permissions_hint"] is None
        assert result["help_url"] is None

    async def test_connects_and_works_for_what_it_has(self, client, signup, session):
        user = await signup(client)
        connected = await connect_instagram(
            client, user.headers, untick=("instagram_manage_insights", "instagram_manage_comments")
        )
        assert connected["is_active"] is True
        assert connected["missing_permissions"] == ["instagram_manage_comments", "instagram_manage_insights"]
        account = await session.get_one(Account, connected["id"])
        accounts.require_permission(account, "instagram_content_publish")
        accounts.require_permission(account, "instagram_basic")

    async def test_features_needing_a_missing_permission_answer_409_naming_it(self, client, signup, session):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers, untick=("instagram_manage_insights",))
        account = await session.get_one(Account, connected["id"])
        with pytest.raises(PermissionMissing) as caught:
            accounts.require_permission(account, "instagram_manage_insights")
        assert caught.value.status_code == 409
        assert caught.value.permission == "instagram_manage_insights"
        # Named as the Facebook dialog shows it, so the person can find the box to tick.
        assert "'instagram_manage_insights'" in caught.value.message
        assert "reconnect" in caught.value.message

    async def test_an_instagram_login_name_does_not_stand_in_for_the_facebook_login_one(self, session):
        account = await create_account(
            session, granted_permissions=["instagram_basic", "instagram_business_manage_insights"]
        )
        with pytest.raises(PermissionMissing) as caught:
            accounts.require_permission(account, "instagram_manage_insights")
        assert caught.value.permission == "instagram_manage_insights"


class TestState:
    async def test_a_replayed_callback_is_a_400_and_touches_nothing(self, client, signup, session):
        user = await signup(client)
        form = await open_dialog(client, await start_authorization(client, user.headers))
        redirect = await submit_dialog(client, form)
        first = await follow_to_callback(client, redirect, user.headers)
        assert oauth_result(first)["status"] == "success"
        replay = await follow_to_callback(client, redirect, user.headers)
        assert replay.status_code == 400
        result = oauth_result(replay)
        assert result["reason"] == "invalid_state"
        assert "expired or was already used" in result["error"]

    async def test_a_forged_state_is_a_400(self, client, signup, session):
        user = await signup(client)
        response = await client.get(
            f"{API}/callback", params={"code": "whatever", "state": "forged" * 8}, headers=user.headers
        )
        assert response.status_code == 400
        assert oauth_result(response)["reason"] == "invalid_state"
        assert await stored_accounts(session) == []

    async def test_a_missing_state_is_a_400(self, client, signup):
        user = await signup(client)
        response = await client.get(f"{API}/callback", params={"code": "whatever"}, headers=user.headers)
        assert response.status_code == 400

    async def test_another_users_state_is_a_400_and_connects_nobody(self, client, signup, session):
        owner, intruder = await signup(client), await signup(client)
        form = await open_dialog(client, await start_authorization(client, owner.headers))
        response = await follow_to_callback(client, await submit_dialog(client, form), intruder.headers)
        assert response.status_code == 400
        assert "another Content Clipper user" in oauth_result(response)["error"]
        assert await stored_accounts(session) == []
        assert await nothing_available(client, intruder.headers)
        assert await nothing_available(client, owner.headers)

    async def test_an_expired_state_is_a_400(self, client, signup, app):
        clock = FakeClock()
        app.state.resources.kv = MemoryStore(clock=clock)
        user = await signup(client)
        form = await open_dialog(client, await start_authorization(client, user.headers))
        redirect = await submit_dialog(client, form)
        clock.now += 601
        response = await follow_to_callback(client, redirect, user.headers)
        assert response.status_code == 400
        assert "expired" in oauth_result(response)["error"]


class TestCode:
    async def callback_with(self, client, headers, code: str):
        state = parse_qs(urlsplit(await start_authorization(client, headers)).query)["state"][0]
        return await client.get(
            f"{API}/callback?{urlencode({'code': code, 'state': state})}", headers=headers
        )

    async def test_a_reused_code_is_a_400_that_says_so_and_touches_no_account(self, client, signup, session):
        user = await signup(client)
        form = await open_dialog(client, await start_authorization(client, user.headers))
        redirect = await submit_dialog(client, form)
        await follow_to_callback(client, redirect, user.headers)
        connected = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": (await self.first_available(client, user.headers))},
            headers=user.headers,
        )
        before = connected.json()
        code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
        response = await self.callback_with(client, user.headers, code)
        assert response.status_code == 400
        result = oauth_result(response)
        assert result["reason"] == "invalid_code"
        assert "already used" in result["error"]
        after = (await client.get(f"/api/v1/accounts/{before['id']}", headers=user.headers)).json()
        assert after == before

    async def first_available(self, client, headers) -> str:
        body = (await client.get(f"{API}/available-accounts", headers=headers)).json()
        return str(body["items"][0]["id"])

    async def test_an_invalid_code_is_a_400(self, client, signup, session):
        user = await signup(client)
        response = await self.callback_with(client, user.headers, "not-a-code")
        assert response.status_code == 400
        assert oauth_result(response)["reason"] == "invalid_code"
        assert "start again from Connect Instagram" in oauth_result(response)["error"]
        assert await stored_accounts(session) == []

    async def test_a_callback_without_code_or_error_is_a_400(self, client, signup):
        user = await signup(client)
        state = parse_qs(urlsplit(await start_authorization(client, user.headers)).query)["state"][0]
        response = await client.get(f"{API}/callback", params={"state": state}, headers=user.headers)
        assert response.status_code == 400


class TestObservability:
    async def test_logs_start_success_and_failure_with_the_user_and_never_a_token(self, client, signup, app):
        user = await signup(client)
        with capture_logs() as events:
            await connect_instagram(client, user.headers)
            await authorize_and_return(client, user.headers, action="cancel")
        names = [event["event"] for event in events]
        assert "oauth start" in names
        assert "oauth success" in names
        failure = next(event for event in events if event["event"] == "oauth failure")
        assert failure["user_id"] == user.user_id
        assert failure["reason"] == "cancelled"
        text = str(events)
        for token in app.state.sandbox_app.state.sandbox.world.tokens:
            assert token not in text

    async def test_success_and_failure_counters_count_each_outcome(self, client, signup):
        user = await signup(client)
        successes, no_pages = (
            counter("oauth_success_total"),
            counter("oauth_failure_total", reason="no_pages"),
        )
        await connect_instagram(client, user.headers)
        assert counter("oauth_success_total") == successes + 1
        await authorize_and_return(client, user.headers, log_in_as="Nora Nopages")
        assert counter("oauth_failure_total", reason="no_pages") == no_pages + 1
        assert counter("oauth_success_total") == successes + 1
        metrics = (await client.get("/metrics")).text
        assert f"oauth_success_total {successes + 1}" in metrics
        assert f'oauth_failure_total{{reason="no_pages"}} {no_pages + 1}' in metrics

    async def test_success_counts_connected_accounts_not_authorizations(self, client, signup):
        user = await signup(client)
        before = counter("oauth_success_total")
        await authorize_and_return(client, user.headers)  # two accounts found, none chosen yet
        assert counter("oauth_success_total") == before
        await connect_instagram(client, user.headers, username="sandbox.studio")
        assert counter("oauth_success_total") == before + 1
