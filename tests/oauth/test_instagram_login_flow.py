"""Instagram Login (flavour=instagram) over HTTP against the sandbox: dialog, callback, status, disconnect."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from clipper.oauth.permissions import INSTAGRAM_LOGIN_PERMISSIONS
from instagram_login_flow import connect_with_instagram, instagram_login_callback, start_instagram_login
from oauth_flow import API, oauth_result, sandbox_of


class TestAuthorize:
    async def test_the_instagram_dialog_with_its_own_app_and_scopes(self, client, signup):
        user = await signup(client)
        url = await start_instagram_login(client, user.headers)
        parts = urlsplit(url)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert parts.path == "/sandbox/instagram/oauth/authorize"
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
