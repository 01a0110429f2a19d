"""OAuth, tokens, permissions and Pages through the client, against the sandbox."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from clipper.instagram import InvalidParameterError, InvalidTokenError, PermissionDeniedError
from graph_sandbox.permissions import PRODUCT_PERMISSIONS

REDIRECT = "http://app.test/oauth/callback"


async def log_in_through_the_dialog(sandbox_client, app_id, scopes):
    """Open the login dialog, submit its form as rendered (every box ticked), return the code."""
    query = {"client_id": app_id, "redirect_uri": REDIRECT, "state": "xyz", "scope": ",".join(scopes)}
    page = await sandbox_client.get(f"/v24.0/dialog/oauth?{urlencode(query)}")
    assert page.status_code == 200
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    ticked = re.findall(
        r'<input type="checkbox" id="[^"]+" name="granted" value="([^"]+)" checked>', page.text
    )
    user = re.search(r'<option value="([^"]+)" selected>', page.text).group(1)
    form = [*hidden, ("user_id", user), *(("granted", s) for s in ticked), ("action", "continue")]
    answer = await sandbox_client.post(
        "/v24.0/dialog/oauth",
        content=urlencode(form),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


class TestOAuth:
    async def test_connect_flow_code_long_lived_token_pages(self, graph, sandbox, sandbox_client):
        code = await log_in_through_the_dialog(sandbox_client, sandbox.config.app_id, PRODUCT_PERMISSIONS)
        app = graph.with_token("")
        short = await app.exchange_code_for_token(code, REDIRECT)
        assert short.token_type == "bearer"
        long = await app.exchange_for_long_lived_token(short.access_token)
        assert long.expires_in > 5_000_000
        user = graph.with_token(long.access_token)
        info = await user.debug_token(long.access_token)
        assert info.is_valid
        assert set(PRODUCT_PERMISSIONS) <= set(info.scopes)
        assert info.app_id == sandbox.config.app_id
        granted = {p.permission for p in await user.get_permissions() if p.status == "granted"}
        assert set(PRODUCT_PERMISSIONS) <= granted
        pages = await user.get_facebook_pages()
        linked = [p for p in pages if p.instagram_business_account is not None]
        assert len(pages) == 3
        assert len(linked) == 2
        assert linked[0].instagram_business_account.username
        assert linked[0].access_token

    async def test_a_code_is_single_use(self, graph, sandbox, sandbox_client):
        code = await log_in_through_the_dialog(sandbox_client, sandbox.config.app_id, ["instagram_basic"])
        await graph.exchange_code_for_token(code, REDIRECT)
        with pytest.raises(InvalidParameterError) as raised:
            await graph.exchange_code_for_token(code, REDIRECT)
        assert raised.value.code == 100
        assert raised.value.subcode == 36009

    async def test_app_token_and_debugging_an_invalid_token(self, graph, sandbox):
        app_token = await graph.get_app_access_token()
        assert app_token.access_token.startswith(f"{sandbox.config.app_id}|")
        assert sandbox.config.app_secret not in repr(app_token)
        info = await graph.debug_token("not-a-real-token")
        assert info.is_valid is False


class TestPagesAndPermissions:
    async def test_page_lookups(self, graph, tokens):
        page_id = next(iter(tokens.pages))
        page = await graph.get_page(page_id)
        assert page.instagram_business_account is not None
        assert await graph.get_page_access_token(page_id) == tokens.pages[page_id]
        unlinked = await graph.get_page(tokens.unlinked_page_id)
        assert unlinked.instagram_business_account is None
        assert "instagram_business_account" not in unlinked

    async def test_any_node_and_several_nodes(self, graph, tokens):
        page_id = next(iter(tokens.pages))
        node = await graph.get_object(page_id, fields="id,name")
        assert node["id"] == page_id
        assert node.get("name")
        both = await graph.get_objects([page_id, tokens.creator_ig], fields="id")
        assert set(both) == {page_id, tokens.creator_ig}

    async def test_account_info(self, graph, tokens):
        account = await graph.get_instagram_account_info(tokens.creator_ig)
        assert account.username == "sandbox.creator"
        assert account.followers_count is not None

    async def test_revoking_one_permission_then_the_app(self, graph, tokens):
        assert await graph.revoke_permissions("instagram_manage_insights") is True
        with pytest.raises(PermissionDeniedError) as raised:
            await graph.get_account_insights(tokens.creator_ig, ["reach"])
        assert "insights" in raised.value.message
        assert "insights" in raised.value.user_message
        assert await graph.revoke_permissions() is True
        with pytest.raises(InvalidTokenError) as raised:
            await graph.get_instagram_account_info(tokens.creator_ig)
        assert raised.value.subcode == 458
        assert raised.value.user_message.startswith("Reconnect your Instagram account")
        assert tokens.user not in str(raised.value)
