"""Comments over HTTP (GRAPH_API.md §5): reads, paging, replies, moderation, permissions, shapes."""

from __future__ import annotations

from graph_sandbox.permissions import PRODUCT_PERMISSIONS
from tests.sandbox.engagement.engagement_helpers import fixture, simulate, token_with
from tests.sandbox.shapes import assert_same_shape


async def add_comments(client, media_id: str, count: int) -> list[str]:
    return [
        (await simulate(client, "comment", media_id=media_id, text=f"comment {n}"))["id"]
        for n in range(count)
    ]


class TestListComments:
    async def test_default_fields_are_timestamp_text_and_id(self, graph, feed_media):
        body = (await graph.get(f"{feed_media.id}/comments")).json()
        assert body["data"]
        assert all(set(item) == {"timestamp", "text", "id"} for item in body["data"])

    async def test_top_level_only_and_newest_first(self, graph, sandbox, feed_media):
        body = (await graph.get(f"{feed_media.id}/comments", fields="id,timestamp,parent_id")).json()
        assert all("parent_id" not in item for item in body["data"])
        stamps = [item["timestamp"] for item in body["data"]]
        assert stamps == sorted(stamps, reverse=True)

    async def test_at_most_50_per_page_with_a_next_link(self, graph, sandbox_client, feed_media):
        await add_comments(sandbox_client, feed_media.id, 55)
        first = (await graph.get(f"{feed_media.id}/comments", limit=100)).json()
        assert len(first["data"]) == 50
        assert first["data"][0]["text"] == "comment 54"
        after = first["paging"]["cursors"]["after"]
        second = (await graph.get(f"{feed_media.id}/comments", limit=50, after=after)).json()
        assert "paging" not in second  # the last page has no `next`, nor any `paging` (comments_p2.json)
        assert {i["id"] for i in first["data"]}.isdisjoint(i["id"] for i in second["data"])

    async def test_replies_expand_inline(self, graph, sandbox_client, feed_media):
        top = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="question?"))["id"]
        await simulate(sandbox_client, "comment", media_id=feed_media.id, text="me too", parent_id=top)
        body = (
            await graph.get(f"{feed_media.id}/comments", fields="id,from{id,username},replies{id,text}")
        ).json()
        item = next(i for i in body["data"] if i["id"] == top)
        assert item["replies"]["data"][0]["text"] == "me too"
        assert set(item["from"]) == {"id", "username"}

    async def test_expands_from_the_account_media_edge(self, graph, creator):
        fields = "id,comments.limit(50){id,text,replies{id,text}}"
        body = (await graph.get(f"{creator.ig_id}/media", fields=fields)).json()
        with_comments = [m for m in body["data"] if "comments" in m]
        assert with_comments
        assert all("text" in c for m in with_comments for c in m["comments"]["data"])

    async def test_expands_on_the_media_node(self, graph, feed_media):
        body = (await graph.get(feed_media.id, fields="id,comments{id,text,replies{id,text}}")).json()
        assert body["comments"]["data"]
        assert all(set(c) <= {"id", "text", "replies"} for c in body["comments"]["data"])

    async def test_hidden_comments_stay_listed_as_hidden(self, graph, sandbox_client, feed_media):
        comment = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="meh"))["id"]
        await graph.post(comment, hide="true")
        body = (await graph.get(f"{feed_media.id}/comments", fields="id,hidden", limit=50)).json()
        assert {"id": comment, "hidden": True} in body["data"]

    async def test_needs_instagram_manage_comments(self, graph, sandbox_client, feed_media):
        scopes = [p for p in PRODUCT_PERMISSIONS if p != "instagram_manage_comments"]
        token = await token_with(sandbox_client, scopes)
        response = await graph.get(f"{feed_media.id}/comments", token=token)
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "(#200) Requires instagram_manage_comments permission"

    async def test_matches_the_recorded_shape(self, graph, feed_media):
        body = (await graph.get(f"{feed_media.id}/comments", limit=2)).json()
        assert_same_shape(
            fixture("instagram/apidata/medias/comments_p1.json"), body, ignore=("$.paging.cursors",)
        )


class TestReadComment:
    async def test_matches_the_recorded_shape(self, graph, sandbox_client, feed_media):
        comment = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="@x hi"))["id"]
        body = (await graph.get(comment, fields="id,like_count,text,timestamp,username")).json()
        assert_same_shape(fixture("instagram/apidata/comments/comment_fields.json"), body)

    async def test_reads_several_comments_with_ids(self, graph, sandbox_client, feed_media):
        ids = await add_comments(sandbox_client, feed_media.id, 2)
        body = (await graph.get("", ids=",".join(ids), fields="id,like_count,text,timestamp,username")).json()
        assert sorted(body) == sorted(ids)
        recorded = next(iter(fixture("instagram/apidata/comments/comments_fields.json").values()))
        for item in body.values():
            assert_same_shape(recorded, item)

    async def test_user_is_only_present_on_the_accounts_own_comments(self, graph, sandbox_client, feed_media):
        theirs = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="nice"))["id"]
        own = (await graph.post(f"{feed_media.id}/comments", message="thanks")).json()["id"]
        assert "user" not in (await graph.get(theirs, fields="id,user,username")).json()
        assert "user" in (await graph.get(own, fields="id,user,username")).json()

    async def test_media_field_has_the_product_type(self, graph, sandbox_client, feed_media):
        comment = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="hey"))["id"]
        body = (await graph.get(comment, fields="media{id,media_product_type}")).json()
        assert body["media"] == {"id": feed_media.id, "media_product_type": "FEED"}


class TestReplies:
    async def test_reply_returns_an_id_and_is_listed(self, graph, sandbox_client, feed_media):
        top = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="hello"))["id"]
        reply = (await graph.post(f"{top}/replies", message="hi back")).json()["id"]
        body = (await graph.get(f"{top}/replies")).json()
        assert [item["id"] for item in body["data"]] == [reply]
        assert_same_shape(fixture("instagram/apidata/comments/replies.json"), body, ignore=("$.paging",))

    async def test_reply_to_a_reply_attaches_to_the_top_level_comment(
        self, graph, sandbox_client, feed_media
    ):
        top = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="hello"))["id"]
        first = (await graph.post(f"{top}/replies", message="one")).json()["id"]
        second = (await graph.post(f"{first}/replies", message="two")).json()["id"]
        assert (await graph.get(second, fields="parent_id")).json()["parent_id"] == top

    async def test_hidden_comments_cannot_be_replied_to(self, graph, sandbox_client, feed_media):
        top = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="spam"))["id"]
        await graph.post(top, hide="true")
        response = await graph.post(f"{top}/replies", message="no")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 100


class TestCreateComment:
    async def test_returns_the_new_id_and_counts_it(self, graph, feed_media):
        before = (await graph.get(feed_media.id, fields="comments_count")).json()["comments_count"]
        body = (await graph.post(f"{feed_media.id}/comments", message="first!")).json()
        assert set(body) == {"id"}
        after = (await graph.get(feed_media.id, fields="comments_count")).json()["comments_count"]
        assert after == before + 1

    async def test_refused_when_comments_are_disabled(self, graph, feed_media):
        assert (await graph.post(feed_media.id, comment_enabled="false")).json() == {"success": True}
        response = await graph.post(f"{feed_media.id}/comments", message="hello?")
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "(#100) Comments are disabled for this media"

    async def test_followers_cannot_comment_either(self, graph, sandbox_client, feed_media):
        await graph.post(feed_media.id, comment_enabled="false")
        response = await sandbox_client.post(
            "/_admin/simulate/comment", json={"media_id": feed_media.id, "text": "hi"}
        )
        assert response.status_code == 409

    async def test_requires_a_message(self, graph, feed_media):
        response = await graph.post(f"{feed_media.id}/comments")
        assert response.json()["error"]["message"] == "(#100) The parameter message is required"


class TestModeration:
    async def test_hide_and_unhide(self, graph, sandbox_client, feed_media):
        comment = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="rude"))["id"]
        assert (await graph.post(comment, hide="true")).json() == {"success": True}
        assert (await graph.get(comment, fields="hidden")).json()["hidden"] is True
        await graph.post(comment, hide="false")
        assert (await graph.get(comment, fields="hidden")).json()["hidden"] is False

    async def test_the_owners_own_comments_stay_visible(self, graph, feed_media):
        own = (await graph.post(f"{feed_media.id}/comments", message="mine")).json()["id"]
        assert (await graph.post(own, hide="true")).json() == {"success": True}
        assert (await graph.get(own, fields="hidden")).json()["hidden"] is False

    async def test_another_pages_token_cannot_hide(self, graph, sandbox_client, tokens, feed_media):
        comment = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="x"))["id"]
        other_page = next(t for ig, t in tokens.ig_users.items() if ig != feed_media.ig_user_id)
        response = await graph.post(comment, hide="true", token=other_page)
        assert response.status_code in (400, 403)
        assert (await graph.get(comment, fields="hidden")).json()["hidden"] is False

    async def test_delete_removes_the_comment_and_its_replies(self, graph, sandbox_client, feed_media):
        top = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="bye"))["id"]
        reply = (await graph.post(f"{top}/replies", message="ok")).json()["id"]
        assert (await graph.delete(top)).json() == {"success": True}
        listed = (await graph.get(f"{feed_media.id}/comments", limit=50)).json()["data"]
        assert top not in {item["id"] for item in listed}
        assert (await graph.get(reply)).json()["error"]["error_subcode"] == 33
        assert (await graph.get(top)).status_code == 400


class TestMentions:
    async def test_mentioned_comment_is_readable(self, graph, sandbox_client, creator):
        mention = await simulate(
            sandbox_client, "mention", ig_user_id=creator.ig_id, text="@sandbox.creator good"
        )
        fields = (
            f"mentioned_comment.comment_id({mention['comment_id']}){{id,like_count,text,timestamp,username}}"
        )
        body = (await graph.get(creator.ig_id, fields=fields)).json()
        assert body["mentioned_comment"]["text"] == "@sandbox.creator good"
        assert_same_shape(fixture("instagram/apidata/users/mentioned_comment.json"), body)

    async def test_mentioned_media_is_readable(self, graph, sandbox_client, creator):
        mention = await simulate(sandbox_client, "mention", ig_user_id=creator.ig_id, in_comment=False)
        fields = (
            f"mentioned_media.media_id({mention['media_id']})"
            "{caption,comments_count,id,like_count,media_type,media_url,timestamp}"
        )
        body = (await graph.get(creator.ig_id, fields=fields)).json()
        assert_same_shape(fixture("instagram/apidata/users/mentioned_media.json"), body)

    async def test_a_comment_id_that_does_not_mention_the_account_is_refused(
        self, graph, creator, feed_media
    ):
        response = await graph.get(creator.ig_id, fields="mentioned_comment.comment_id(123){text}")
        assert response.json()["error"]["code"] == 100
