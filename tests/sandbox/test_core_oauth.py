"""The login dialog, the code exchange with its errors, long-lived tokens, app tokens and debug_token."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from graph_sandbox.config import SandboxConfig
from graph_sandbox.permissions import PRODUCT_PERMISSIONS
from tests.fixtures.paths import GRAPH_FIXTURES
from tests.sandbox.sandbox_helpers import VERSION, issue_token
from tests.sandbox.shapes import assert_same_shape

FIXTURES = GRAPH_FIXTURES
REDIRECT = "http://app.test/oauth/callback"


def dialog_params(config: SandboxConfig, **extra: str) -> dict[str, str]:
    return {
        "client_id": config.app_id,
        "redirect_uri": REDIRECT,
        "state": "st4te",
        "scope": ",".join(PRODUCT_PERMISSIONS),
        **extra,
    }


async def submit(
    client: httpx.AsyncClient, config: SandboxConfig, *, granted: list[str], action: str = "continue"
) -> httpx.Response:
    pairs = [*dialog_params(config).items(), ("action", action), *(("granted", scope) for scope in granted)]
    headers = {"content-type": "application/x-www-form-urlencoded"}
    return await client.post(f"/{VERSION}/dialog/oauth", content=urlencode(pairs), headers=headers)


async def login(client: httpx.AsyncClient, config: SandboxConfig, granted: list[str] | None = None) -> str:
    response = await submit(client, config, granted=list(PRODUCT_PERMISSIONS) if granted is None else granted)
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def exchange_params(config: SandboxConfig, code: str, **extra: str) -> dict[str, str]:
    return {
        "client_id": config.app_id,
        "client_secret": config.app_secret,
        "redirect_uri": REDIRECT,
        "code": code,
        **extra,
    }


class TestDialog:
    async def test_renders_a_form_with_every_permission_ticked(self, sandbox_client, sandbox_config):
        response = await sandbox_client.get("/dialog/oauth", params=dialog_params(sandbox_config))
        assert response.status_code == 200
        html = response.text
        assert sandbox_config.app_name in html
        for scope in PRODUCT_PERMISSIONS:
            assert f'<label for="perm-{scope}">{scope}</label>' in html
            assert re.search(rf'value="{scope}" checked', html)
        assert ">Continue</button>" in html
        assert ">Cancel</button>" in html
        assert 'name="state" value="st4te"' in html
        assert re.search(r'<option value="\d+" selected>Sandbox Creator</option>', html)

    async def test_versioned_path_works_too(self, sandbox_client, sandbox_config):
        response = await sandbox_client.get(f"/{VERSION}/dialog/oauth", params=dialog_params(sandbox_config))
        assert response.status_code == 200

    async def test_escapes_the_state(self, sandbox_client, sandbox_config):
        params = dialog_params(sandbox_config, state='"><script>alert(1)</script>')
        response = await sandbox_client.get("/dialog/oauth", params=params)
        assert "<script>alert(1)" not in response.text

    async def test_rejects_an_unknown_client_id(self, sandbox_client, sandbox_config):
        params = dialog_params(sandbox_config, client_id="999")
        response = await sandbox_client.get("/dialog/oauth", params=params)
        assert response.status_code == 400
        assert "Error validating application. Invalid application ID." in response.text

    async def test_requires_a_redirect_uri(self, sandbox_client, sandbox_config):
        params = dialog_params(sandbox_config)
        del params["redirect_uri"]
        response = await sandbox_client.get("/dialog/oauth", params=params)
        assert response.status_code == 400

    async def test_continue_redirects_with_a_code_and_the_state(self, sandbox_client, sandbox_config):
        response = await submit(sandbox_client, sandbox_config, granted=["public_profile"])
        assert response.status_code == 302
        location = urlsplit(response.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
        query = parse_qs(location.query)
        assert query["state"] == ["st4te"]
        assert query["code"][0]

    async def test_cancel_redirects_with_access_denied(self, sandbox_client, sandbox_config):
        response = await submit(sandbox_client, sandbox_config, granted=[], action="cancel")
        assert response.status_code == 302
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query == {
            "error": ["access_denied"],
            "error_reason": ["user_denied"],
            "error_description": ["Permissions error"],
            "state": ["st4te"],
        }

    async def test_unticked_permissions_become_declined(self, sandbox_client, sandbox_config):
        granted = [p for p in PRODUCT_PERMISSIONS if p != "instagram_manage_comments"]
        code = await login(sandbox_client, sandbox_config, granted)
        token = await sandbox_client.get(
            "/graph/oauth/access_token", params=exchange_params(sandbox_config, code)
        )
        perms = await sandbox_client.get(
            "/graph/me/permissions", params={"access_token": token.json()["access_token"]}
        )
        rows = {row["permission"]: row["status"] for row in perms.json()["data"]}
        assert rows["instagram_manage_comments"] == "declined"
        assert rows["instagram_basic"] == "granted"


class TestCodeExchange:
    async def test_returns_a_short_lived_bearer_token(self, sandbox_client, sandbox_config):
        code = await login(sandbox_client, sandbox_config)
        response = await sandbox_client.get(
            f"/graph/{VERSION}/oauth/access_token", params=exchange_params(sandbox_config, code)
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["access_token"].startswith("EAA")
        assert 3500 < body["expires_in"] <= 3600

    async def test_post_with_grant_type_works(self, sandbox_client, sandbox_config):
        code = await login(sandbox_client, sandbox_config)
        params = exchange_params(sandbox_config, code, grant_type="authorization_code")
        response = await sandbox_client.post("/graph/oauth/access_token", data=params)
        assert response.status_code == 200

    async def test_a_used_code_gives_36009_and_www_authenticate(self, sandbox_client, sandbox_config):
        code = await login(sandbox_client, sandbox_config)
        params = exchange_params(sandbox_config, code)
        await sandbox_client.get("/graph/oauth/access_token", params=params)
        response = await sandbox_client.get("/graph/oauth/access_token", params=params)
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["code"], error["error_subcode"]) == (100, 36009)
        assert error["message"] == "This authorization code has been used."
        assert response.headers["www-authenticate"].startswith('OAuth "Facebook Platform" "invalid_code"')

    async def test_an_expired_code_gives_36007(self, sandbox_client, sandbox_config):
        code = await login(sandbox_client, sandbox_config)
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 601})
        response = await sandbox_client.get(
            "/graph/oauth/access_token", params=exchange_params(sandbox_config, code)
        )
        assert response.json()["error"]["error_subcode"] == 36007

    async def test_a_different_redirect_uri_gives_36008(self, sandbox_client, sandbox_config):
        code = await login(sandbox_client, sandbox_config)
        params = exchange_params(sandbox_config, code, redirect_uri=REDIRECT + "/")
        response = await sandbox_client.get("/graph/oauth/access_token", params=params)
        assert response.json()["error"]["error_subcode"] == 36008

    async def test_a_bad_secret_gives_code_1(self, sandbox_client, sandbox_config):
        code = await login(sandbox_client, sandbox_config)
        params = exchange_params(sandbox_config, code, client_secret="wrong")
        error = (await sandbox_client.get("/graph/oauth/access_token", params=params)).json()["error"]
        assert (error["code"], error["message"]) == (1, "Error validating client secret.")

    async def test_a_bad_client_id_gives_101(self, sandbox_client, sandbox_config):
        code = await login(sandbox_client, sandbox_config)
        params = exchange_params(sandbox_config, code, client_id="42")
        error = (await sandbox_client.get("/graph/oauth/access_token", params=params)).json()["error"]
        assert (error["code"], error["message"]) == (
            101,
            "Error validating application. Invalid application ID.",
        )

    async def test_an_unknown_code_is_rejected(self, sandbox_client, sandbox_config):
        response = await sandbox_client.get(
            "/graph/oauth/access_token", params=exchange_params(sandbox_config, "AQx")
        )
        assert response.json()["error"]["code"] == 100


class TestLongLivedExchange:
    async def test_short_becomes_long_lived_for_sixty_days(self, sandbox_client, sandbox_config):
        short = await issue_token(sandbox_client, kind="USER_SHORT")
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": sandbox_config.app_id,
            "client_secret": sandbox_config.app_secret,
            "fb_exchange_token": short,
        }
        response = await sandbox_client.get("/graph/oauth/access_token", params=params)
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["access_token"] != short
        assert body["expires_in"] >= 5_183_900
        assert_same_shape(json.loads((FIXTURES / "base/long_term_token.json").read_text()), body)

    async def test_an_expired_token_cannot_be_exchanged(self, sandbox_client, sandbox_config):
        short = await issue_token(sandbox_client, kind="USER_SHORT")
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 3601})
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": sandbox_config.app_id,
            "client_secret": sandbox_config.app_secret,
            "fb_exchange_token": short,
        }
        error = (await sandbox_client.get("/graph/oauth/access_token", params=params)).json()["error"]
        assert (error["code"], error["error_subcode"]) == (190, 463)


class TestAppToken:
    async def test_client_credentials_returns_an_app_token(self, sandbox_client, sandbox_config):
        params = {
            "grant_type": "client_credentials",
            "client_id": sandbox_config.app_id,
            "client_secret": sandbox_config.app_secret,
        }
        body = (await sandbox_client.get("/graph/oauth/access_token", params=params)).json()
        assert body["token_type"] == "bearer"
        assert body["access_token"].startswith(f"{sandbox_config.app_id}|")
        assert sandbox_config.app_secret not in body["access_token"]

    @pytest.mark.parametrize("form", ["hashed", "id_secret"])
    async def test_app_tokens_can_call_debug_token(self, sandbox_client, sandbox_config, tokens, form):
        app_token = await issue_token(sandbox_client, kind="APP")
        if form == "id_secret":
            app_token = f"{sandbox_config.app_id}|{sandbox_config.app_secret}"
        response = await sandbox_client.get(
            "/graph/debug_token", params={"input_token": tokens.user, "access_token": app_token}
        )
        assert response.json()["data"]["is_valid"] is True


class TestDebugToken:
    async def test_describes_a_long_lived_user_token(self, sandbox_client, tokens, sandbox_config):
        response = await sandbox_client.get(
            "/graph/debug_token", params={"input_token": tokens.user, "access_token": tokens.user}
        )
        data = response.json()["data"]
        assert data["type"] == "USER"
        assert data["app_id"] == sandbox_config.app_id
        assert data["application"] == sandbox_config.app_name
        assert data["user_id"] == tokens.user_id
        assert set(data["scopes"]) == set(PRODUCT_PERMISSIONS)
        assert data["expires_at"] > data["issued_at"] > 0
        granular = {g["scope"]: g.get("target_ids") for g in data["granular_scopes"]}
        assert set(granular["instagram_basic"]) == set(tokens.ig_users)
        assert set(granular["pages_show_list"]) == set(tokens.pages)
        fixture = json.loads((FIXTURES / "base/token_info.json").read_text())
        fixture["data"]["issued_at"] = 0
        fixture["data"]["granular_scopes"] = [{"scope": "public_profile"}]
        assert_same_shape(fixture, {"data": {**data, "granular_scopes": [{"scope": "public_profile"}]}})

    async def test_page_tokens_never_expire(self, sandbox_client, tokens):
        page_token = tokens.ig_users[tokens.creator_ig]
        data = (
            await sandbox_client.get(
                "/graph/debug_token", params={"input_token": page_token, "access_token": tokens.user}
            )
        ).json()["data"]
        assert data["type"] == "PAGE"
        assert data["expires_at"] == 0
        assert data["profile_id"] in tokens.pages

    async def test_an_invalid_token_is_a_200_with_is_valid_false(self, sandbox_client, tokens):
        response = await sandbox_client.get(
            "/graph/debug_token", params={"input_token": "EAAnonsense", "access_token": tokens.user}
        )
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["is_valid"] is False
        assert data["error"]["code"] == 190

    async def test_an_expired_token_reports_its_subcode(self, sandbox_client, tokens):
        short = await issue_token(sandbox_client, kind="USER_SHORT")
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 7200})
        data = (
            await sandbox_client.get(
                "/graph/debug_token", params={"input_token": short, "access_token": tokens.user}
            )
        ).json()["data"]
        assert data["is_valid"] is False
        assert data["error"]["subcode"] == 463
