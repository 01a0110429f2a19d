"""The `fields=` parser, rendering of nested selections, and cursor pagination."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from graph_sandbox.errors import GraphError
from graph_sandbox.fields import FieldSel, format_fields, parse_fields
from graph_sandbox.paging import decode_cursor, encode_cursor, paginate


class TestParser:
    def test_flat_list(self):
        assert [sel.name for sel in parse_fields("id, caption ,media_type")] == [
            "id",
            "caption",
            "media_type",
        ]

    def test_nesting_and_modifiers(self):
        (comments,) = parse_fields("comments.limit(10).after(QVFIabc=){id,replies{text}}")
        assert comments.modifier("limit") == "10"
        assert comments.modifier("after") == "QVFIabc="
        assert comments.child_names() == ["id", "replies"]
        assert comments.children is not None
        assert comments.children[1].child_names() == ["text"]

    def test_modifier_with_an_id_argument(self):
        (mention,) = parse_fields("mentioned_comment.comment_id(17894227972186120){text,timestamp}")
        assert mention == FieldSel(
            "mentioned_comment",
            {"comment_id": "17894227972186120"},
            (FieldSel("text"), FieldSel("timestamp")),
        )

    def test_picture_type(self):
        assert parse_fields("picture.type(large)")[0].modifier("type") == "large"

    @pytest.mark.parametrize("text", ["id,{", "a{b", "a.limit(3", "a}", "a..b"])
    def test_syntax_errors_are_code_100(self, text):
        with pytest.raises(GraphError) as caught:
            parse_fields(text)
        assert caught.value.code == 100
        assert caught.value.message.startswith("Syntax error")

    def test_round_trip(self):
        text = "id,media.limit(5){id,children{media_url}},picture.type(large)"
        assert format_fields(parse_fields(text)) == text


class TestRendering:
    async def test_nested_expansion_across_node_kinds(self, sandbox_client, tokens):
        params = {
            "access_token": tokens.user,
            "fields": "name,accounts.limit(3){name,instagram_business_account{username}}",
        }
        body = (await sandbox_client.get("/graph/me", params=params)).json()
        accounts = body["accounts"]
        assert set(accounts) == {"data", "paging"}
        usernames = {p["instagram_business_account"]["username"] for p in accounts["data"] if len(p) == 3}
        assert usernames == {"sandbox.creator", "sandbox.studio"}
        assert all("id" in page for page in accounts["data"])

    async def test_unknown_field_is_rejected_with_the_node_type(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "fields": "id,username,colour"}
        response = await sandbox_client.get(f"/graph/{tokens.creator_ig}", params=params)
        error = response.json()["error"]
        assert response.status_code == 400
        assert error["message"] == "(#100) Tried accessing nonexisting field (colour) on node type (IGUser)"

    async def test_unknown_nested_field_is_rejected_too(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "fields": "instagram_business_account{id,nope}"}
        error = (await sandbox_client.get("/graph/me/accounts", params=params)).json()["error"]
        assert "(nope) on node type (IGUser)" in error["message"]

    async def test_unknown_edge_is_unknown_path_components(self, sandbox_client, tokens):
        response = await sandbox_client.get("/graph/me/feelings", params={"access_token": tokens.user})
        assert response.json()["error"]["message"] == "Unknown path components: /feelings"

    async def test_wrong_method_is_unsupported(self, sandbox_client, tokens):
        response = await sandbox_client.delete("/graph/me/accounts", params={"access_token": tokens.user})
        error = response.json()["error"]
        assert (error["code"], error["error_subcode"], error["type"]) == (100, 33, "GraphMethodException")
        assert error["message"].startswith("Unsupported delete request. Object with ID")

    async def test_unknown_parameter_on_a_strict_endpoint(self, sandbox_client, sandbox_config):
        params = {"client_id": sandbox_config.app_id, "client_secret": "x", "flavour": "mint"}
        error = (await sandbox_client.get("/graph/oauth/access_token", params=params)).json()["error"]
        assert (error["code"], error["message"]) == (100, "(#100) Param flavour is not allowed")


class TestPaging:
    async def test_walks_forward_and_back_with_absolute_urls(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "fields": "id,name", "limit": "1"}
        first = (await sandbox_client.get("/graph/v24.0/me/accounts", params=params)).json()
        assert "previous" not in first["paging"]
        next_url = first["paging"]["next"]
        assert next_url.startswith(f"http://sandbox.test/graph/v24.0/{tokens.user_id}/accounts?")
        echoed = parse_qs(urlsplit(next_url).query)
        assert echoed["access_token"] == [tokens.user]
        assert echoed["fields"] == ["id,name"]
        assert echoed["limit"] == ["1"]
        second = (await sandbox_client.get(next_url)).json()
        third = (await sandbox_client.get(second["paging"]["next"])).json()
        assert "next" not in third["paging"]
        ids = [page["data"][0]["id"] for page in (first, second, third)]
        assert len(set(ids)) == 3
        back = (await sandbox_client.get(third["paging"]["previous"])).json()
        assert back["data"] == second["data"]

    async def test_cursors_are_opaque_base64(self):
        cursor = encode_cursor(7)
        assert "7" not in cursor
        assert decode_cursor(cursor) == 7

    async def test_a_foreign_cursor_is_rejected(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "after": "not-a-cursor"}
        response = await sandbox_client.get("/graph/me/accounts", params=params)
        assert response.json()["error"]["code"] == 100

    def test_limit_is_clamped_to_the_edge_maximum(self):
        page, paging = paginate(list(range(250)), params={"limit": "500"}, url="http://x/e", max_limit=100)
        assert len(page) == 100
        assert paging is not None
        assert "limit=100" in paging["next"]

    def test_last_page_has_no_next(self):
        page, paging = paginate(list(range(5)), params={}, url="http://x/e", default_limit=5)
        assert page == [0, 1, 2, 3, 4]
        assert paging is not None
        assert "next" not in paging
        assert "previous" not in paging

    def test_empty_list_has_no_paging(self):
        assert paginate([], params={}, url="http://x/e") == ([], None)
