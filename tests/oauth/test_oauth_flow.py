"""The whole Facebook Login flow over HTTP against the sandbox: authorize, dialog, callback, select."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from clipper.accounts.models import Account
from clipper.accounts.permissions import REQUESTED_PERMISSIONS
from clipper.oauth.outcomes import NoPages
from tests.fixtures.oauth_flow import (
    API,
    authorize_and_return,
    callback_payload,
    connect_instagram,
    dialog_query,
    follow_to_callback,
    oauth_result,
    open_dialog,
    sandbox_of,
    start_authorization,
    submit_dialog,
)

WORLD_ACCOUNTS = {"sandbox.creator", "sandbox.studio"}


class TestAuthorize:
    async def test_answers_the_dialog_url_with_the_facebook_login_permissions_and_a_fresh_state(
        self, client, signup
    ):
        user = await signup(client)
        path, query = dialog_query(await start_authorization(client, user.headers))
        assert path == "/sandbox/dialog/oauth"
        assert query["scope"].split(",") == list(REQUESTED_PERMISSIONS)
        assert query["redirect_uri"] == "http://testserver/api/v1/oauth/instagram/callback"
        assert query["response_type"] == "code"
        assert len(query["state"]) >= 43
        assert (
            query["state"]
            != parse_qs(urlsplit(await start_authorization(client, user.headers)).query)["state"][0]
        )

    async def test_the_dialog_asks_only_for_facebook_login_names_covering_every_feature(self, client, signup):
        user = await signup(client)
        scope = parse_qs(urlsplit(await start_authorization(client, user.headers)).query)["scope"][0]
        asked = scope.split(",")
        # Stated here, not read from the product: dropping or adding a name must fail this test.
        assert sorted(asked) == sorted(
            (
                "public_profile",
                "pages_show_list",
                "pages_read_engagement",
                "pages_manage_metadata",
                "business_management",
                "instagram_basic",
                "instagram_content_publish",
                "instagram_manage_comments",
                "instagram_manage_insights",
                "instagram_manage_messages",
                "pages_messaging",
            )
        )

    async def test_extra_scopes_from_the_settings_are_asked_for_once_after_the_product_s(
        self, settings, client, signup
    ):
        settings.oauth_extra_scopes = ["instagram_shopping_tag_products", "pages_show_list"]
        user = await signup(client)
        url = await start_authorization(client, user.headers)
        scope = parse_qs(urlsplit(url).query)["scope"][0].split(",")
        assert scope == [*REQUESTED_PERMISSIONS, "instagram_shopping_tag_products"]
        form = await open_dialog(client, url)
        assert "instagram_shopping_tag_products" in form.permissions

    async def test_redirect_variant_answers_a_302_to_the_dialog(self, client, signup):
        user = await signup(client)
        response = await client.get(f"{API}/authorize", params={"redirect": "1"}, headers=user.headers)
        assert response.status_code == 302
        assert urlsplit(response.headers["location"]).path == "/sandbox/dialog/oauth"

    async def test_needs_a_signed_in_user(self, client):
        response = await client.get(f"{API}/authorize")
        assert response.status_code == 401

    async def test_an_unsupported_platform_is_a_404_listing_the_supported_ones(self, client, signup):
        user = await signup(client)
        for path in ("authorize", "status", "callback"):
            response = await client.get(f"/api/v1/oauth/tiktok/{path}", headers=user.headers)
            assert response.status_code == 404
            assert "instagram" in response.json()["detail"]
        response = await client.post(
            "/api/v1/oauth/tiktok/disconnect", json={"account_id": 1}, headers=user.headers
        )
        assert response.status_code == 404
        assert "supported platforms are instagram" in response.json()["detail"]


class TestCallbackPage:
    async def test_posts_the_result_to_the_opener_at_the_exact_frontend_origin_and_closes(
        self, client, signup
    ):
        user = await signup(client)
        response = await authorize_and_return(client, user.headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        payload = callback_payload(response)
        assert payload["target_origin"] == "http://testserver"
        assert "window.opener.postMessage(data.message, data.target_origin)" in response.text
        assert "window.close()" in response.text
        message = payload["message"]
        assert message["type"] == "oauth-result"
        assert message["status"] == "success"
        assert message["platform"] == "instagram"
        assert message["accounts_available"] == 2
        assert message["error"] is None

    async def test_without_an_opener_it_sends_the_browser_to_the_accounts_page_with_the_result(
        self, client, signup
    ):
        user = await signup(client)
        response = await authorize_and_return(client, user.headers)
        redirect = urlsplit(callback_payload(response)["redirect_url"])
        assert redirect.path == "/accounts"
        query = parse_qs(redirect.query)
        assert query["oauth"] == ["success"]
        assert query["accounts_available"] == ["2"]
        assert "window.location.replace(data.redirect_url)" in response.text

    async def test_a_failure_without_an_opener_keeps_its_reason_and_help_link(self, client, signup):
        user = await signup(client)
        response = await authorize_and_return(client, user.headers, log_in_as="Nora Nopages")
        query = parse_qs(urlsplit(callback_payload(response)["redirect_url"]).query)
        assert query["oauth"] == ["error"]
        assert query["reason"] == ["no_pages"]
        assert query["help_url"] == [NoPages.help_url]
        assert "does not manage any Facebook Page" in query["error"][0]

    async def test_the_redirect_flow_ends_with_a_302_to_the_accounts_page(self, client, signup):
        user = await signup(client)
        start = await client.get(f"{API}/authorize", params={"redirect": "1"}, headers=user.headers)
        form = await open_dialog(client, start.headers["location"])
        response = await follow_to_callback(client, await submit_dialog(client, form), user.headers)
        assert response.status_code == 302
        target = urlsplit(response.headers["location"])
        assert target.path == "/accounts"
        assert parse_qs(target.query)["oauth"] == ["success"]

    async def test_works_from_the_browser_session_cookie(self, client, signup, browser_login):
        user = await signup(client)
        browser = await browser_login(client, user.email, user.password)
        response = await authorize_and_return(client, browser.headers)
        assert oauth_result(response)["status"] == "success"

    async def test_never_shows_a_token(self, client, signup, app):
        user = await signup(client)
        response = await authorize_and_return(client, user.headers)
        world_tokens = sandbox_of(app).world.tokens
        assert world_tokens
        for token in world_tokens:
            assert token not in response.text


class TestSelection:
    async def test_lists_the_accounts_found_with_their_pages(self, client, signup):
        user = await signup(client)
        await authorize_and_return(client, user.headers)
        response = await client.get(f"{API}/available-accounts", headers=user.headers)
        assert response.status_code == 200
        body = response.json()
        assert body["next_cursor"] is None
        assert {item["username"] for item in body["items"]} == WORLD_ACCOUNTS
        for item in body["items"]:
            assert re.fullmatch(r"178414\d{11}", item["id"])
            assert item["name"]
            assert item["profile_picture_url"].startswith("http")
            assert item["followers_count"] > 0
            assert item["facebook_page_id"]
            assert item["facebook_page_name"]
            assert item["connected"] is False
            assert "page_access_token" not in item
        assert "EAA" not in response.text

    async def test_tells_which_pages_have_no_instagram_account(self, client, signup):
        user = await signup(client)
        await authorize_and_return(client, user.headers)
        body = (await client.get(f"{API}/available-accounts", headers=user.headers)).json()
        assert [page["name"] for page in body["pages_without_instagram"]] == ["Sandbox Bakery"]
        assert "Sandbox Bakery" in body["hint"]
        assert "Business or Creator" in body["hint"]

    async def test_select_connects_one_and_again_connects_another(self, client, signup):
        user = await signup(client)
        first = await connect_instagram(client, user.headers, username="sandbox.creator")
        second = await connect_instagram(client, user.headers, username="sandbox.studio")
        assert first["id"] != second["id"]
        assert first["meta_info"]["username"] == "sandbox.creator"
        listed = (await client.get("/api/v1/accounts", headers=user.headers)).json()["items"]
        assert {item["username"] for item in listed} == WORLD_ACCOUNTS
        available = (await client.get(f"{API}/available-accounts", headers=user.headers)).json()["items"]
        assert all(item["connected"] for item in available)

    async def test_connecting_the_same_account_again_refreshes_it(self, client, signup):
        user = await signup(client)
        first = await connect_instagram(client, user.headers, username="sandbox.studio")
        again = await connect_instagram(client, user.headers, username="sandbox.studio")
        assert again["id"] == first["id"]
        listed = (await client.get("/api/v1/accounts", headers=user.headers)).json()["items"]
        assert len(listed) == 1

    async def test_stores_the_seed_meta_info_and_only_encrypted_tokens(self, client, signup, session, app):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers, username="sandbox.studio")
        account = await session.get_one(Account, connected["id"])
        assert set(account.meta_info) == {
            "id",
            "username",
            "name",
            "profile_picture_url",
            "facebook_user_id",
            "facebook_page_id",
            "facebook_page_name",
            "instagram_business_account_id",
            "page_source",
            "business_name",
            "webhook_subscription",
        }
        assert account.meta_info["page_source"] == "page_role"
        assert account.meta_info["instagram_business_account_id"] == account.platform_account_id
        assert account.meta_info["webhook_subscription"]["subscribed"] is True
        cipher = app.state.resources.cipher
        tokens = sandbox_of(app).world.tokens
        page_token = cipher.decrypt(account.page_access_token_enc)
        user_token = cipher.decrypt(account.access_token_enc)
        assert tokens[page_token].kind.value == "PAGE"
        assert tokens[user_token].kind.value == "USER_LONG"
        assert page_token not in str(account.meta_info)
        assert account.token_expires_at is not None
        assert "access_token" not in connected["meta_info"]
        assert "_enc" not in str(connected)

    async def test_exactly_one_account_found_is_connected_by_the_callback(self, client, signup, app):
        world = sandbox_of(app).world
        studio = next(ig for ig in world.ig_users.values() if ig.username == "sandbox.studio")
        world.pages[studio.page_id].ig_user_id = None
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers))
        assert result["status"] == "success"
        assert result["accounts_available"] == 1
        account = (await client.get(f"/api/v1/accounts/{result['account_id']}", headers=user.headers)).json()
        assert account["username"] == "sandbox.creator"
        assert account["is_active"] is True

    async def test_an_account_outside_the_last_authorization_is_a_404(self, client, signup):
        user = await signup(client)
        await authorize_and_return(client, user.headers)
        response = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": "17841400000000099"},
            headers=user.headers,
        )
        assert response.status_code == 404
        assert "Connect Instagram again" in response.json()["detail"]

    async def test_selecting_without_an_authorization_is_a_409(self, client, signup, session):
        user = await signup(client)
        response = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": "17841400000000099"},
            headers=user.headers,
        )
        assert response.status_code == 409
        assert "Connect Instagram again" in response.json()["detail"]
        assert (await session.scalars(select(Account))).all() == []
