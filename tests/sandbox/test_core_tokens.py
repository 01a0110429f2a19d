"""Token lifecycles on every call, permission grants/revocation, appsecret_proof, token transport."""

from __future__ import annotations

import hashlib
import hmac

from graph_sandbox.auth import resolve_token
from graph_sandbox.registry import GraphCall
from tests.sandbox.sandbox_helpers import VERSION, issue_token


def error_of(response):
    return response.json()["error"]


class TestTokenTransport:
    async def test_a_missing_token_is_104(self, sandbox_client):
        response = await sandbox_client.get(f"/graph/{VERSION}/me")
        assert response.status_code == 400
        error = error_of(response)
        assert error["code"] == 104
        assert error["message"] == "An access token is required to request this resource."
        assert error["type"] == "OAuthException"
        assert len(error["fbtrace_id"]) > 10
        assert response.headers["www-authenticate"].startswith('OAuth "Facebook Platform" "invalid_request"')

    async def test_a_malformed_token_is_190(self, sandbox_client):
        response = await sandbox_client.get("/graph/me", params={"access_token": "garbage"})
        error = error_of(response)
        assert (error["code"], error["message"]) == (
            190,
            "Invalid OAuth access token - Cannot parse access token",
        )
        assert "error_subcode" not in error

    async def test_bearer_header_works(self, sandbox_client, tokens):
        response = await sandbox_client.get("/graph/me", headers={"Authorization": f"Bearer {tokens.user}"})
        assert response.json()["id"] == tokens.user_id

    async def test_token_in_a_json_body(self, sandbox_client, tokens):
        response = await sandbox_client.post(
            f"/graph/{VERSION}/me", json={"access_token": tokens.user, "method": "get", "fields": "id"}
        )
        assert response.json() == {"id": tokens.user_id}

    async def test_version_is_echoed_and_unversioned_uses_the_default(self, sandbox_client, tokens):
        versioned = await sandbox_client.get("/graph/v22.0/me", params={"access_token": tokens.user})
        plain = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert versioned.headers["facebook-api-version"] == "v22.0"
        assert plain.headers["facebook-api-version"] == "v24.0"

    async def test_me_with_a_page_token_is_the_page(self, sandbox_client, tokens):
        page_id, page_token = next(iter(tokens.pages.items()))
        response = await sandbox_client.get("/graph/me", params={"access_token": page_token})
        assert response.json()["id"] == page_id


class TestLifecycle:
    async def test_an_expired_token_is_190_463(self, sandbox_client):
        short = await issue_token(sandbox_client, kind="USER_SHORT")
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 3601})
        response = await sandbox_client.get("/graph/me", params={"access_token": short})
        error = error_of(response)
        assert (error["code"], error["error_subcode"]) == (190, 463)
        assert error["message"].startswith("Error validating access token: Session has expired on ")
        assert '"invalid_token"' in response.headers["www-authenticate"]

    async def test_long_lived_token_outlives_a_day_but_not_sixty(self, sandbox_client, tokens):
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 86_400})
        assert (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        ).status_code == 200
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 60 * 86_400})
        error = error_of(await sandbox_client.get("/graph/me", params={"access_token": tokens.user}))
        assert error["error_subcode"] == 463

    async def test_page_tokens_of_a_long_lived_user_token_do_not_expire(self, sandbox_client, tokens):
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 61 * 86_400})
        page_token = tokens.ig_users[tokens.creator_ig]
        # 61 days: past the user token's 60-day life, still inside the 90-day data-access window
        response = await sandbox_client.get(
            f"/graph/{tokens.creator_ig}", params={"access_token": page_token}
        )
        assert response.status_code == 200

    async def test_password_change_invalidates_with_460(self, sandbox_client, tokens):
        await sandbox_client.post("/_admin/tokens/invalidate", json={"token": tokens.user, "subcode": 460})
        error = error_of(await sandbox_client.get("/graph/me", params={"access_token": tokens.user}))
        assert (error["code"], error["error_subcode"]) == (190, 460)
        assert "changed their password" in error["message"]

    async def test_tokens_never_appear_in_error_messages(self, sandbox_client, tokens):
        await sandbox_client.post("/_admin/tokens/invalidate", json={"token": tokens.user, "subcode": 467})
        response = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert tokens.user not in response.text


class TestPermissions:
    async def test_lists_granted_permissions(self, sandbox_client, tokens):
        body = (
            await sandbox_client.get("/graph/me/permissions", params={"access_token": tokens.user})
        ).json()
        assert {"permission": "instagram_basic", "status": "granted"} in body["data"]
        assert all(row["status"] == "granted" for row in body["data"])

    async def test_revoking_everything_gives_190_458_to_user_and_page_tokens(self, sandbox_client, tokens):
        response = await sandbox_client.delete("/graph/me/permissions", params={"access_token": tokens.user})
        assert response.json() == {"success": True}
        for token in (tokens.user, tokens.ig_users[tokens.creator_ig]):
            error = error_of(await sandbox_client.get("/graph/me", params={"access_token": token}))
            assert (error["code"], error["error_subcode"]) == (190, 458)

    async def test_revoking_one_permission_declines_it_and_enforces_it(self, sandbox_client, tokens):
        url = "/graph/me/permissions/instagram_basic"
        assert (await sandbox_client.delete(url, params={"access_token": tokens.user})).json() == {
            "success": True
        }
        rows = (
            await sandbox_client.get("/graph/me/permissions", params={"access_token": tokens.user})
        ).json()["data"]
        assert {"permission": "instagram_basic", "status": "declined"} in rows
        response = await sandbox_client.get(
            f"/graph/{tokens.creator_ig}", params={"access_token": tokens.user}
        )
        assert response.status_code == 403
        assert error_of(response)["message"] == "(#200) Requires instagram_basic permission"

    async def test_no_facebook_login_token_carries_instagram_login_names(self, sandbox_client):
        response = await sandbox_client.post(
            "/_admin/tokens/issue",
            json={"kind": "USER_LONG", "scopes": ["pages_show_list", "instagram_business_basic"]},
        )
        assert response.status_code == 422
        assert "instagram_business_basic" in response.json()["detail"]

    async def test_accounts_needs_pages_show_list(self, sandbox_client):
        token = await issue_token(sandbox_client, scopes=["public_profile"])
        response = await sandbox_client.get("/graph/me/accounts", params={"access_token": token})
        assert error_of(response)["message"] == "(#200) Requires pages_show_list permission"


class TestAppsecretProof:
    def proof(self, secret: str, token: str) -> str:
        return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()

    async def test_not_needed_by_default(self, sandbox_client, tokens):
        assert (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        ).status_code == 200

    async def test_missing_proof_when_required(self, sandbox_client, tokens):
        await sandbox_client.patch("/_admin/config", json={"require_appsecret_proof": True})
        error = error_of(await sandbox_client.get("/graph/me", params={"access_token": tokens.user}))
        assert error == {**error, "code": 100, "type": "GraphMethodException"}
        assert error["message"] == "API calls from the server require an appsecret_proof argument"

    async def test_wrong_proof_when_required(self, sandbox_client, tokens):
        await sandbox_client.patch("/_admin/config", json={"require_appsecret_proof": True})
        params = {"access_token": tokens.user, "appsecret_proof": self.proof("other", tokens.user)}
        error = error_of(await sandbox_client.get("/graph/me", params=params))
        assert error["message"] == "Invalid appsecret_proof provided in the API argument"
        assert error["type"] == "GraphMethodException"

    async def test_a_non_ascii_proof_is_a_wrong_proof(self, sandbox_client, tokens):
        await sandbox_client.patch("/_admin/config", json={"require_appsecret_proof": True})
        params = {"access_token": tokens.user, "appsecret_proof": "é" * 64}
        response = await sandbox_client.get("/graph/me", params=params)
        assert response.status_code == 400
        assert error_of(response)["message"] == "Invalid appsecret_proof provided in the API argument"

    async def test_right_proof_when_required(self, sandbox_client, tokens, sandbox_config):
        await sandbox_client.patch("/_admin/config", json={"require_appsecret_proof": True})
        params = {
            "access_token": tokens.user,
            "appsecret_proof": self.proof(sandbox_config.app_secret, tokens.user),
        }
        assert (await sandbox_client.get("/graph/me", params=params)).status_code == 200

    async def test_an_instagram_login_token_is_proven_with_the_instagram_app_secret(
        self, sandbox_client, sandbox_config
    ):
        await sandbox_client.patch("/_admin/config", json={"require_appsecret_proof": True})
        token = await issue_token(sandbox_client, flavour="instagram")
        answers = {}
        for secret in (sandbox_config.instagram_app_secret, sandbox_config.app_secret):
            params = {"access_token": token, "appsecret_proof": self.proof(secret, token)}
            answers[secret] = await sandbox_client.get("/graph-instagram/v24.0/me", params=params)
        assert answers[sandbox_config.instagram_app_secret].status_code == 200
        wrong = error_of(answers[sandbox_config.app_secret])
        assert wrong["message"] == "Invalid appsecret_proof provided in the API argument"


class TestSecrecy:
    async def test_tokens_stay_out_of_reprs(self, sandbox, tokens):
        token = resolve_token(sandbox, tokens.user)
        call = GraphCall(sandbox, "GET", "v24.0", "me", {"access_token": tokens.user}, token=token)
        for text in (repr(token), repr(call), repr(sandbox.config), repr(tokens)):
            assert tokens.user not in text
        assert sandbox.config.app_secret not in repr(sandbox.config)
