"""Instagram Login (flavour=instagram) over HTTP against the sandbox: dialog, callback, status, disconnect."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from clipper.accounts.permissions import INSTAGRAM_LOGIN_PERMISSIONS
from clipper.config import Settings
from tests.fixtures.instagram_login import connect_with_instagram, instagram_login_callback
from tests.fixtures.oauth_flow import (
    API,
    authorize_and_return,
    dialog_query,
    oauth_result,
    open_dialog,
    sandbox_of,
    start_authorization,
)


class TestAuthorize:
    async def test_the_instagram_dialog_with_its_own_app_and_scopes(self, client, signup):
        user = await signup(client)
        path, query = dialog_query(await start_authorization(client, user.headers, flavour="instagram"))
        assert path == "/sandbox/instagram/oauth/authorize"
        assert query["scope"].split(",") == list(INSTAGRAM_LOGIN_PERMISSIONS)
        assert query["client_id"] == sandbox_of(client._transport.app).config.instagram_app_id
        assert query["redirect_uri"] == "http://testserver/api/v1/oauth/instagram/callback"
        assert query["response_type"] == "code"

    async def test_facebook_is_the_default_and_other_flavours_are_refused(self, client, signup):
        user = await signup(client)
        default = await client.get(f"{API}/authorize", headers=user.headers)
        assert urlsplit(default.json()["authorization_url"]).path == "/sandbox/dialog/oauth"
        bad = await client.get(f"{API}/authorize", params={"flavour": "myspace"}, headers=user.headers)
        assert bad.status_code == 422


class TestCallback:
    async def test_connects_the_account_with_no_page(self, client, signup):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        assert account["login_flavour"] == "instagram"
        assert account["username"] == "sandbox.creator"
        assert account["is_active"] is True
        assert account["missing_permissions"] == []
        status = (await client.get(f"{API}/status", headers=user.headers)).json()
        assert status["connected"] is True
        assert [a["login_flavour"] for a in status["accounts"]] == ["instagram"]
        available = (await client.get(f"{API}/available-accounts", headers=user.headers)).json()
        assert [
            (item["username"], item["facebook_page_id"], item["connected"]) for item in available["items"]
        ] == [("sandbox.creator", None, True)]
        again = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": account["platform_account_id"]},
            headers=user.headers,
        )
        assert again.status_code == 200, again.text

    async def test_without_the_basic_scope_nothing_connects_and_the_scope_is_named(self, client, signup):
        user = await signup(client)
        response = await instagram_login_callback(client, user.headers, untick=("instagram_business_basic",))
        result = oauth_result(response)
        assert (result["status"], result["reason"]) == ("error", "missing_permission"), result
        assert "'instagram_business_basic'" in result["error"]
        listed = (await client.get("/api/v1/accounts", headers=user.headers)).json()
        assert listed["items"] == []

    async def test_an_optional_scope_left_out_is_named_under_its_instagram_login_name(self, client, signup):
        user = await signup(client)
        untick = ("instagram_business_manage_messages",)
        result = oauth_result(await instagram_login_callback(client, user.headers, untick=untick))
        assert result["status"] == "success", result
        assert result["missing_permissions"] == ["instagram_business_manage_messages"]
        account = (await client.get(f"/api/v1/accounts/{result['account_id']}", headers=user.headers)).json()
        assert account["missing_permissions"] == ["instagram_business_manage_messages"]
        assert account["health_status"] == "permission_missing"

    async def test_a_refused_webhook_subscription_says_what_to_do_without_a_page(self, client, signup):
        fault = {
            "path": "subscribed_apps",
            "method": "POST",
            "code": 200,
            "message": "(#200) Permissions error",
        }
        assert (await client.post("/sandbox/_admin/faults", json=fault)).status_code == 201
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        problem = account["webhook_problem"]
        assert "Permissions error" in problem
        assert "periodic sync" in problem
        assert "Instagram Login" in problem
        assert "Page" not in problem

    async def test_cancel_stores_nothing(self, client, signup):
        user = await signup(client)
        result = oauth_result(await instagram_login_callback(client, user.headers, action="cancel"))
        assert result["status"] == "cancelled"
        listed = (await client.get("/api/v1/accounts", headers=user.headers)).json()
        assert listed["items"] == []

    async def test_disconnect(self, client, signup):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        response = await client.post(
            f"{API}/disconnect", json={"account_id": account["id"]}, headers=user.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["is_active"] is False
        world = sandbox_of(client._transport.app).world
        assert world.ig_users[account["platform_account_id"]].subscribed_fields == []


class TestSettings:
    def test_either_way_in_or_both(self):
        sandbox = Settings(_env_file=None)
        assert (sandbox.facebook_login_enabled, sandbox.instagram_login_enabled) == (True, True)
        only_instagram = Settings(
            _env_file=None, instagram_login_app_id="42", instagram_login_app_secret="s3"
        )
        assert only_instagram.sandbox_mode is False
        assert (only_instagram.facebook_login_enabled, only_instagram.instagram_login_enabled) == (
            False,
            True,
        )
        assert (only_instagram.instagram_app_id, only_instagram.instagram_app_secret) == ("42", "s3")
        assert only_instagram.instagram_graph_url == "https://graph.instagram.com"
        assert only_instagram.instagram_login_dialog_url == "https://www.instagram.com/oauth/authorize"
        assert only_instagram.instagram_login_token_url == "https://api.instagram.com/oauth/access_token"
        assert only_instagram.app_secret == "s3"
        only_facebook = Settings(_env_file=None, instagram_client_id="7", instagram_client_secret="f")
        assert (only_facebook.facebook_login_enabled, only_facebook.instagram_login_enabled) == (True, False)

    async def test_a_flavour_not_configured_is_a_422_naming_its_settings(self, client, signup, app):
        user = await signup(client)
        settings = app.state.resources.settings
        settings.instagram_client_id = "7"  # Facebook Login only: Instagram Login is not offered
        try:
            response = await client.get(
                f"{API}/authorize", params={"flavour": "instagram"}, headers=user.headers
            )
        finally:
            settings.instagram_client_id = ""
        assert response.status_code == 422
        assert "INSTAGRAM_LOGIN_APP_ID" in response.json()["detail"]


class TestLoginFlavours:
    async def test_zero_configuration_offers_both_ways_in(self, client, signup):
        user = await signup(client)
        response = await client.get(f"{API}/login-flavours", headers=user.headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"flavours": ["facebook", "instagram"]}

    @pytest.mark.parametrize(
        ("configured", "offered"),
        [
            ({"instagram_client_id": "7"}, ["facebook"]),
            ({"instagram_login_app_id": "42"}, ["instagram"]),
            ({"instagram_client_id": "7", "instagram_login_app_id": "42"}, ["facebook", "instagram"]),
        ],
    )
    async def test_only_the_configured_ways_in_are_offered(self, client, signup, app, configured, offered):
        user = await signup(client)
        settings = app.state.resources.settings
        for name, value in configured.items():
            setattr(settings, name, value)
        try:
            response = await client.get(f"{API}/login-flavours", headers=user.headers)
        finally:
            for name in configured:
                setattr(settings, name, "")
        assert response.json() == {"flavours": offered}

    async def test_needs_a_session(self, client):
        response = await client.get(f"{API}/login-flavours")
        assert response.status_code == 401


class TestMessagesNameInstagramLogin:
    async def test_a_cancelled_instagram_login_says_instagram(self, client, signup):
        user = await signup(client)
        result = oauth_result(await instagram_login_callback(client, user.headers, action="cancel"))
        assert result["status"] == "cancelled", result
        assert "Instagram login" in result["error"]
        assert "Facebook" not in result["error"]

    async def test_a_missing_scope_says_instagram_and_links_no_facebook_page(self, client, signup):
        user = await signup(client)
        response = await instagram_login_callback(client, user.headers, untick=("instagram_business_basic",))
        result = oauth_result(response)
        assert "Connect with Instagram Login" in result["error"]
        assert "Facebook" not in result["error"]
        assert result["help_url"] is None

    async def test_an_optional_scope_left_out_points_at_the_instagram_dialog(self, client, signup):
        user = await signup(client)
        untick = ("instagram_business_manage_messages",)
        result = oauth_result(await instagram_login_callback(client, user.headers, untick=untick))
        assert "Instagram dialog" in result["permissions_hint"]
        assert "Facebook" not in result["permissions_hint"]
        assert result["help_url"] is None
        available = (await client.get(f"{API}/available-accounts", headers=user.headers)).json()
        assert "Facebook" not in available["permissions_hint"]
        assert available["help_url"] is None

    async def test_a_callback_without_a_code_names_instagram(self, client, signup):
        user = await signup(client)
        form = await open_dialog(client, await start_authorization(client, user.headers, flavour="instagram"))
        state = {"state": form.hidden["state"]}
        response = await client.get(f"{API}/callback", params=state, headers=user.headers)
        result = oauth_result(response)
        assert result["reason"] == "invalid_callback", result
        assert result["error"].startswith("Instagram did not return an authorization code")
        assert "Facebook" not in result["error"]

    async def test_a_cancelled_facebook_login_still_says_facebook(self, client, signup):
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers, action="cancel"))
        assert result["error"] == "You cancelled the Facebook login: nothing was connected."
