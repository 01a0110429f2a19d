"""The sandbox keeps Meta's two logins apart: their dialogs, their tokens and their permission names."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph_sandbox.config import SandboxConfig
from graph_sandbox.permissions import INSTAGRAM_LOGIN_PERMISSIONS, PRODUCT_PERMISSIONS
from graph_sandbox.seed import add_business_manager_user
from tests.sandbox.sandbox_helpers import VERSION, SeedTokens, issue_token

REDIRECT = "http://app.test/oauth/callback"
# What the seed asked for: classic names mixed with Instagram Login's.
SEED_SCOPES = (
    "public_profile,pages_show_list,instagram_basic,instagram_business_basic,"
    "instagram_business_content_publish,instagram_manage_comments,instagram_manage_messages,"
    "instagram_business_manage_messages,instagram_business_manage_insights,pages_read_engagement,"
    "business_management"
)


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def creator_page(tokens: SeedTokens) -> str:
    """The Page linked to @sandbox.creator."""
    token = tokens.ig_users[tokens.creator_ig]
    return next(page_id for page_id, page_token in tokens.pages.items() if page_token == token)


async def open_dialog(client: httpx.AsyncClient, config: SandboxConfig, scope: str) -> httpx.Response:
    params = {"client_id": config.app_id, "redirect_uri": REDIRECT, "state": "s", "scope": scope}
    return await client.get(f"/{VERSION}/dialog/oauth", params=params)


class TestFacebookLoginDialog:
    async def test_the_seed_s_mixed_list_gets_invalid_scopes_naming_the_instagram_login_ones(
        self, sandbox_client, sandbox_config
    ):
        response = await open_dialog(sandbox_client, sandbox_config, SEED_SCOPES)
        assert response.status_code == 400
        assert (
            "Invalid Scopes: instagram_business_basic, instagram_business_content_publish, "
            "instagram_business_manage_messages, instagram_business_manage_insights." in response.text
        )
        assert "Continue" not in response.text
        assert "instagram_basic," not in response.text  # the valid names are not blamed

    async def test_posting_a_mixed_list_issues_no_code(self, sandbox_client, sandbox_config):
        form = {
            "client_id": sandbox_config.app_id,
            "redirect_uri": REDIRECT,
            "scope": "instagram_basic,instagram_business_manage_insights",
            "granted": "instagram_basic",
            "action": "continue",
        }
        response = await sandbox_client.post("/dialog/oauth", data=form)
        assert response.status_code == 400
        assert "Invalid Scopes: instagram_business_manage_insights." in response.text
        assert "location" not in response.headers

    async def test_the_product_s_facebook_login_set_is_accepted(self, sandbox_client, sandbox_config):
        response = await open_dialog(sandbox_client, sandbox_config, ",".join(PRODUCT_PERMISSIONS))
        assert response.status_code == 200
        assert ">Continue</button>" in response.text


class TestTokensOfTheOtherLogin:
    async def test_an_instagram_login_token_is_refused_on_the_facebook_host_with_190(self, sandbox_client):
        token = await issue_token(sandbox_client, flavour="instagram")
        response = await sandbox_client.get("/graph/me", params={"access_token": token})
        error = error_of(response)
        assert error["code"] == 190
        assert "Cannot parse access token" in error["message"]

    async def test_an_instagram_login_token_carries_only_instagram_login_names(self, sandbox_client):
        response = await sandbox_client.post(
            "/_admin/tokens/issue", json={"flavour": "instagram", "scopes": ["instagram_basic"]}
        )
        assert response.status_code == 422
        issued = await sandbox_client.post("/_admin/tokens/issue", json={"flavour": "instagram"})
        assert issued.json()["scopes"] == list(INSTAGRAM_LOGIN_PERMISSIONS)
        assert issued.json()["flavour"] == "instagram"

    async def test_instagram_login_issues_no_app_or_page_token(self, sandbox_client):
        for kind in ("APP", "PAGE"):
            response = await sandbox_client.post(
                "/_admin/tokens/issue", json={"flavour": "instagram", "kind": kind}
            )
            assert response.status_code == 422, kind
            assert "only user tokens" in response.json()["detail"]


class TestEndpointsCheckTheFacebookLoginName:
    @pytest.mark.parametrize(
        ("missing", "path", "params"),
        [
            ("instagram_manage_insights", "{ig}/insights", {"metric": "reach", "period": "day"}),
            ("instagram_manage_messages", "{page}/conversations", {"platform": "instagram"}),
            ("pages_manage_metadata", "{page}/conversations", {"platform": "instagram"}),
            ("instagram_manage_comments", "{media}/comments", {}),
        ],
    )
    async def test_a_token_without_the_name_is_refused_with_200(
        self, sandbox_client, tokens, missing, path, params
    ):
        scopes = [name for name in PRODUCT_PERMISSIONS if name != missing]
        user = await issue_token(sandbox_client, scopes=scopes)
        page_id = creator_page(tokens)
        page = await issue_token(sandbox_client, scopes=scopes, kind="PAGE", page_id=page_id)
        media = (
            await sandbox_client.get(
                f"/graph/{tokens.creator_ig}/media", params={"access_token": tokens.user}
            )
        ).json()["data"][0]["id"]
        target = path.format(ig=tokens.creator_ig, page=page_id, media=media)
        token = page if "{page}" in path else user
        response = await sandbox_client.get(f"/graph/{target}", params={"access_token": token, **params})
        assert response.status_code == 403
        assert error_of(response)["code"] == 200
        assert error_of(response)["message"] == f"(#200) Requires {missing} permission"

    async def test_subscribing_the_page_needs_pages_manage_metadata(self, sandbox_client, tokens):
        scopes = [name for name in PRODUCT_PERMISSIONS if name != "pages_manage_metadata"]
        page_id = creator_page(tokens)
        page = await issue_token(sandbox_client, scopes=scopes, kind="PAGE", page_id=page_id)
        response = await sandbox_client.post(
            f"/graph/{page_id}/subscribed_apps",
            params={"access_token": page, "subscribed_fields": "feed"},
        )
        assert error_of(response)["message"] == "(#200) Requires pages_manage_metadata permission"


class TestBusinessManagerEdges:
    async def test_businesses_then_owned_and_client_pages(self, sandbox_client, sandbox):
        bo = add_business_manager_user(sandbox.world, sandbox.cdn)
        token = await issue_token(sandbox_client, user_id=bo.id)
        own = await sandbox_client.get("/graph/me/accounts", params={"access_token": token, "fields": "name"})
        assert [page["name"] for page in own.json()["data"]] == ["Bo's Bakery"]
        businesses = await sandbox_client.get("/graph/me/businesses", params={"access_token": token})
        (business,) = businesses.json()["data"]
        assert business["name"] == "Bo Holdings"
        names = {}
        for edge in ("owned_pages", "client_pages"):
            response = await sandbox_client.get(
                f"/graph/{business['id']}/{edge}",
                params={"access_token": token, "fields": "name,access_token,instagram_business_account"},
            )
            names[edge] = [page["name"] for page in response.json()["data"]]
            assert all(page["access_token"] for page in response.json()["data"])
        assert names == {"owned_pages": ["Bo's Bakery", "Bo's Bistro"], "client_pages": ["Cleo's Cafe"]}

    async def test_they_need_business_management(self, sandbox_client, sandbox):
        bo = add_business_manager_user(sandbox.world, sandbox.cdn)
        scopes = [name for name in PRODUCT_PERMISSIONS if name != "business_management"]
        token = await issue_token(sandbox_client, user_id=bo.id, scopes=scopes)
        response = await sandbox_client.get("/graph/me/businesses", params={"access_token": token})
        assert error_of(response)["message"] == "(#200) Requires business_management permission"

    async def test_another_user_cannot_read_the_business(self, sandbox_client, sandbox, tokens):
        add_business_manager_user(sandbox.world, sandbox.cdn)
        (business_id,) = sandbox.world.businesses
        url = f"/graph/{business_id}/owned_pages"
        response = await sandbox_client.get(url, params={"access_token": tokens.user})
        assert error_of(response)["code"] == 100
