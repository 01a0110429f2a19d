"""Hashtag search in the sandbox: search, the IG Hashtag node, top/recent media, the 30-per-7-days limit,
the permission and feature requirements, Facebook Login only."""

from __future__ import annotations

import pytest

from tests.sandbox.sandbox_helpers import issue_token


async def search(client, token: str, user_id: str, q: str):
    return await client.get(
        "/graph/ig_hashtag_search", params={"access_token": token, "user_id": user_id, "q": q}
    )


async def hashtag_id(client, tokens, name: str) -> str:
    response = await search(client, tokens.user, tokens.creator_ig, name)
    assert response.status_code == 200, response.text
    return response.json()["data"][0]["id"]


def error_of(response) -> dict:
    return response.json()["error"]


class TestSearch:
    async def test_answers_the_hashtag_id_in_a_data_list(self, sandbox_client, tokens):
        body = (await search(sandbox_client, tokens.user, tokens.creator_ig, "photography")).json()
        assert list(body) == ["data"]
        assert [list(item) for item in body["data"]] == [["id"]]

    async def test_ids_are_static_and_global_whatever_the_case(self, sandbox_client, tokens):
        first = await hashtag_id(sandbox_client, tokens, "Travel")
        second_account = list(tokens.ig_users)[1]
        again = await search(sandbox_client, tokens.user, second_account, "travel")
        assert again.json()["data"][0]["id"] == first

    async def test_reads_the_hashtag_name(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "foodie")
        params = {"access_token": tokens.user, "fields": "id,name"}
        assert (await sandbox_client.get(f"/graph/{tag}", params=params)).json() == {
            "id": tag,
            "name": "foodie",
        }
        default = await sandbox_client.get(f"/graph/{tag}", params={"access_token": tokens.user})
        assert default.json() == {"id": tag}

    @pytest.mark.parametrize("missing", ["user_id", "q"])
    async def test_user_id_and_q_are_required(self, sandbox_client, tokens, missing):
        params = {"access_token": tokens.user, "user_id": tokens.creator_ig, "q": "travel"}
        del params[missing]
        response = await sandbox_client.get("/graph/ig_hashtag_search", params=params)
        assert response.status_code == 400
        assert error_of(response)["code"] == 100

    async def test_refuses_emoji_queries(self, sandbox_client, tokens):
        response = await search(sandbox_client, tokens.user, tokens.creator_ig, "sun🌅")
        assert (response.status_code, error_of(response)["code"]) == (400, 100)

    async def test_refuses_a_user_id_the_token_cannot_act_for(self, sandbox_client, tokens):
        response = await search(sandbox_client, tokens.user, "17841400000000000", "travel")
        assert (error_of(response)["code"], error_of(response)["error_subcode"]) == (100, 33)


class TestPermissions:
    async def test_needs_instagram_basic(self, sandbox_client, tokens):
        token = await issue_token(
            sandbox_client, kind="USER_LONG", user_id=tokens.user_id, scopes=["pages_show_list"]
        )
        response = await search(sandbox_client, token, tokens.creator_ig, "travel")
        assert (response.status_code, error_of(response)["code"]) == (403, 200)
        assert "instagram_basic" in error_of(response)["message"]

    async def test_needs_the_public_content_access_feature(self, sandbox_client, tokens, sandbox):
        tag = await hashtag_id(sandbox_client, tokens, "travel")
        sandbox.config.instagram_public_content_access = False
        refused = await search(sandbox_client, tokens.user, tokens.creator_ig, "travel")
        node = await sandbox_client.get(f"/graph/{tag}", params={"access_token": tokens.user})
        edge = await sandbox_client.get(
            f"/graph/{tag}/top_media", params={"access_token": tokens.user, "user_id": tokens.creator_ig}
        )
        for response in (refused, node, edge):
            assert (response.status_code, error_of(response)["code"]) == (403, 10)
            assert "Instagram Public Content Access" in error_of(response)["message"]

    async def test_is_not_served_on_graph_instagram_com(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "user_id": tokens.creator_ig, "q": "travel"}
        response = await sandbox_client.get("/graph-instagram/ig_hashtag_search", params=params)
        assert (error_of(response)["code"], error_of(response)["error_subcode"]) == (100, 33)


class TestMediaEdges:
    async def test_top_media_returns_the_allowed_fields(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "travel")
        fields = "id,caption,media_type,comments_count,like_count,permalink,timestamp,media_url"
        params = {"access_token": tokens.user, "user_id": tokens.creator_ig, "fields": fields}
        body = (await sandbox_client.get(f"/graph/{tag}/top_media", params=params)).json()
        assert len(body["data"]) == 12
        first = body["data"][0]
        assert {"id", "caption", "media_type", "comments_count", "permalink", "timestamp"} <= set(first)
        assert "#travel" in first["caption"]
        assert any("like_count" not in m for m in body["data"])  # hidden like counts are omitted
        assert any("media_url" not in m for m in body["data"] if m["media_type"] == "VIDEO")

    async def test_username_cannot_be_requested(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "travel")
        params = {"access_token": tokens.user, "user_id": tokens.creator_ig, "fields": "id,username"}
        response = await sandbox_client.get(f"/graph/{tag}/recent_media", params=params)
        assert (response.status_code, error_of(response)["code"]) == (400, 100)
        assert "username" in error_of(response)["message"]

    async def test_user_id_is_required(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "travel")
        response = await sandbox_client.get(f"/graph/{tag}/top_media", params={"access_token": tokens.user})
        assert error_of(response)["code"] == 100

    async def test_pages_at_most_fifty_with_only_an_after_cursor(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "photography")
        params = {"access_token": tokens.user, "user_id": tokens.creator_ig, "limit": "100"}
        first = (await sandbox_client.get(f"/graph/{tag}/top_media", params=params)).json()
        assert len(first["data"]) == 50
        assert set(first["paging"]["cursors"]) == {"after"}
        rest = (await sandbox_client.get(first["paging"]["next"])).json()
        assert len(rest["data"]) == 10
        assert {m["id"] for m in first["data"]}.isdisjoint(m["id"] for m in rest["data"])

    async def test_recent_media_only_shows_the_last_24_hours(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "photography")
        params = {
            "access_token": tokens.user,
            "user_id": tokens.creator_ig,
            "fields": "id,timestamp",
            "limit": "50",
        }
        recent = (await sandbox_client.get(f"/graph/{tag}/recent_media", params=params)).json()["data"]
        assert 0 < len(recent) < 60
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 24 * 3600})
        later = (await sandbox_client.get(f"/graph/{tag}/recent_media", params=params)).json()
        assert later["data"] == []

    async def test_hashtag_media_cannot_be_read_by_id(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "travel")
        params = {"access_token": tokens.user, "user_id": tokens.creator_ig}
        media_id = (await sandbox_client.get(f"/graph/{tag}/top_media", params=params)).json()["data"][0][
            "id"
        ]
        response = await sandbox_client.get(f"/graph/{media_id}", params={"access_token": tokens.user})
        assert (error_of(response)["code"], error_of(response)["error_subcode"]) == (100, 33)


class TestUniqueHashtagLimit:
    async def fill(self, client, tokens, count: int = 30) -> None:
        for index in range(count):
            assert (await search(client, tokens.user, tokens.creator_ig, f"tag{index}")).status_code == 200

    async def test_the_31st_unique_hashtag_is_refused(self, sandbox_client, tokens):
        await self.fill(sandbox_client, tokens)
        response = await search(sandbox_client, tokens.user, tokens.creator_ig, "onemore")
        assert response.status_code == 403
        assert error_of(response)["code"] == 613

    async def test_repeating_a_searched_hashtag_does_not_count(self, sandbox_client, tokens):
        await self.fill(sandbox_client, tokens)
        assert (await search(sandbox_client, tokens.user, tokens.creator_ig, "tag3")).status_code == 200

    async def test_the_limit_is_per_account(self, sandbox_client, tokens):
        await self.fill(sandbox_client, tokens)
        other = list(tokens.ig_users)[1]
        assert (await search(sandbox_client, tokens.user, other, "onemore")).status_code == 200

    async def test_edges_count_a_new_hashtag_too(self, sandbox_client, tokens):
        tag = await hashtag_id(sandbox_client, tokens, "travel")  # counted for the first account only
        await self.fill(sandbox_client, tokens, 29)
        other = list(tokens.ig_users)[1]
        await self.fill_other(sandbox_client, tokens, other)
        params = {"access_token": tokens.user, "user_id": other}
        response = await sandbox_client.get(f"/graph/{tag}/top_media", params=params)
        assert error_of(response)["code"] == 613

    async def fill_other(self, client, tokens, other: str) -> None:
        for index in range(30):
            assert (await search(client, tokens.user, other, f"other{index}")).status_code == 200

    async def test_a_hashtag_frees_up_seven_days_after_its_first_query(self, sandbox_client, tokens):
        await search(sandbox_client, tokens.user, tokens.creator_ig, "early")
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 3 * 86400})
        await self.fill(sandbox_client, tokens, 29)
        assert (await search(sandbox_client, tokens.user, tokens.creator_ig, "late")).status_code == 403
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 4 * 86400})
        assert (await search(sandbox_client, tokens.user, tokens.creator_ig, "late")).status_code == 200


class TestRecentlySearched:
    async def test_lists_the_hashtags_of_the_last_seven_days(self, sandbox_client, tokens):
        first = await hashtag_id(sandbox_client, tokens, "travel")
        second = await hashtag_id(sandbox_client, tokens, "foodie")
        url = f"/graph/{tokens.creator_ig}/recently_searched_hashtags"
        params = {"access_token": tokens.user, "fields": "id,name"}
        body = (await sandbox_client.get(url, params=params)).json()
        assert body["data"] == [{"id": first, "name": "travel"}, {"id": second, "name": "foodie"}]
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 7 * 86400})
        assert (await sandbox_client.get(url, params=params)).json()["data"] == []

    async def test_pages_at_most_thirty(self, sandbox_client, tokens):
        for index in range(30):
            await search(sandbox_client, tokens.user, tokens.creator_ig, f"tag{index}")
        url = f"/graph/{tokens.creator_ig}/recently_searched_hashtags"
        default = (await sandbox_client.get(url, params={"access_token": tokens.user})).json()
        assert len(default["data"]) == 25
        widest = (await sandbox_client.get(url, params={"access_token": tokens.user, "limit": "50"})).json()
        assert len(widest["data"]) == 30
