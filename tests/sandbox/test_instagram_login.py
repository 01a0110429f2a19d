"""Instagram Login in the sandbox: its dialog, code exchange, long-lived token and refresh."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from graph_sandbox.config import SandboxConfig
from graph_sandbox.permissions import INSTAGRAM_LOGIN_PERMISSIONS

REDIRECT = "http://app.test/oauth/instagram/callback"
SCOPE = ",".join(INSTAGRAM_LOGIN_PERMISSIONS)


def dialog_fields(config: SandboxConfig, scope: str = SCOPE) -> dict[str, str]:
    return {"client_id": config.instagram_app_id, "redirect_uri": REDIRECT, "state": "st4te", "scope": scope}


async def allow(client: httpx.AsyncClient, config: SandboxConfig, *, granted: tuple[str, ...] = ()) -> str:
    """Press Allow as the first professional account; → the code."""
    page = await client.get("/instagram/oauth/authorize", params=dialog_fields(config))
    ig_user_id = page.text.split('<option value="')[1].split('"')[0]
    ticked = granted or INSTAGRAM_LOGIN_PERMISSIONS
    form = dialog_fields(config) | {"ig_user_id": ig_user_id, "action": "continue", "granted": list(ticked)}
    response = await client.post("/instagram/oauth/authorize", data=form)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    assert location.endswith("#_")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["st4te"]
    return query["code"][0].removesuffix("#_")


async def exchange(
    client: httpx.AsyncClient, config: SandboxConfig, code: str, **extra: str
) -> httpx.Response:
    form = {
        "client_id": config.instagram_app_id,
        "client_secret": config.instagram_app_secret,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "code": code,
        **extra,
    }
    return await client.post("/instagram/oauth/access_token", data=form)


class TestDialog:
    async def test_lists_the_professional_accounts_and_the_scopes(self, sandbox_client, sandbox_config):
        page = await sandbox_client.get("/instagram/oauth/authorize", params=dialog_fields(sandbox_config))
        assert page.status_code == 200
        assert "@sandbox.creator" in page.text
        for scope in INSTAGRAM_LOGIN_PERMISSIONS:
            assert f'value="{scope}" checked' in page.text

    async def test_classic_facebook_login_names_are_invalid_scopes(self, sandbox_client, sandbox_config):
        scope = "instagram_business_basic,instagram_basic,pages_show_list"
        fields = dialog_fields(sandbox_config, scope=scope)
        page = await sandbox_client.get("/instagram/oauth/authorize", params=fields)
        assert page.status_code == 400
        assert "Invalid Scopes: instagram_basic, pages_show_list." in page.text
        assert "Allow" not in page.text

    async def test_instagram_business_basic_is_required(self, sandbox_client, sandbox_config):
        # OAuth Authorize reference: "instagram_basic or instagram_business_basic is required".
        fields = dialog_fields(sandbox_config, scope="instagram_business_content_publish")
        page = await sandbox_client.get("/instagram/oauth/authorize", params=fields)
        assert page.status_code == 400
        assert "The scope instagram_business_basic is required." in page.text
        assert "Allow" not in page.text

    async def test_the_facebook_app_id_is_not_the_instagram_app_id(self, sandbox_client, sandbox_config):
        fields = dialog_fields(sandbox_config) | {"client_id": sandbox_config.app_id}
        page = await sandbox_client.get("/instagram/oauth/authorize", params=fields)
        assert page.status_code == 400
        assert "Invalid app ID" in page.text

    async def test_cancel_redirects_with_access_denied(self, sandbox_client, sandbox_config):
        form = dialog_fields(sandbox_config) | {"action": "cancel"}
        response = await sandbox_client.post("/instagram/oauth/authorize", data=form)
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["error"] == ["access_denied"]
        assert query["state"] == ["st4te"]


class TestTokens:
    async def test_code_then_long_lived_then_refresh(self, sandbox_client, sandbox_config, sandbox):
        code = await allow(sandbox_client, sandbox_config)
        answer = await exchange(sandbox_client, sandbox_config, code)
        (entry,) = answer.json()["data"]
        assert entry["permissions"].split(",") == list(INSTAGRAM_LOGIN_PERMISSIONS)
        assert sandbox.world.ig_users[entry["user_id"]].username == "sandbox.creator"
        short = entry["access_token"]
        params = {
            "grant_type": "ig_exchange_token",
            "client_secret": sandbox_config.instagram_app_secret,
            "access_token": short,
        }
        long = (await sandbox_client.get("/graph-instagram/access_token", params=params)).json()
        assert long["token_type"] == "bearer"
        lifetime = sandbox_config.long_token_seconds
        assert lifetime - 5 <= long["expires_in"] <= lifetime
        refresh = {"grant_type": "ig_refresh_token", "access_token": long["access_token"]}
        too_soon = await sandbox_client.get("/graph-instagram/refresh_access_token", params=refresh)
        assert too_soon.status_code == 400
        assert "24 hours" in too_soon.json()["error"]["message"]
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 25 * 3600})
        url = "/graph-instagram/v24.0/refresh_access_token"
        refreshed = (await sandbox_client.get(url, params=refresh)).json()
        assert refreshed["access_token"] != long["access_token"]
        assert refreshed["expires_in"] > sandbox_config.long_token_seconds - 5

    async def test_a_code_is_single_use(self, sandbox_client, sandbox_config):
        code = await allow(sandbox_client, sandbox_config)
        assert (await exchange(sandbox_client, sandbox_config, code)).status_code == 200
        again = await exchange(sandbox_client, sandbox_config, code)
        assert again.status_code == 400
        assert again.json()["error_type"] == "OAuthException"

    async def test_the_facebook_app_does_not_exchange_an_instagram_code(self, sandbox_client, sandbox_config):
        code = await allow(sandbox_client, sandbox_config)
        answer = await exchange(
            sandbox_client, sandbox_config, code, client_id=sandbox_config.app_id, client_secret="x"
        )
        assert answer.status_code == 400

    async def test_an_instagram_login_code_is_no_facebook_login_code(self, sandbox_client, sandbox_config):
        code = await allow(sandbox_client, sandbox_config)
        params = {
            "client_id": sandbox_config.app_id,
            "client_secret": sandbox_config.app_secret,
            "redirect_uri": REDIRECT,
            "code": code,
        }
        response = await sandbox_client.get("/graph/oauth/access_token", params=params)
        assert response.json()["error"]["code"] == 100

    async def test_a_facebook_login_token_is_refused_on_the_instagram_host(self, sandbox_client, tokens):
        params = {"grant_type": "ig_refresh_token", "access_token": tokens.user}
        response = await sandbox_client.get("/graph-instagram/refresh_access_token", params=params)
        assert response.json()["error"]["code"] == 190
