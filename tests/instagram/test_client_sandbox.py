"""The seed's usage examples, as written, against the sandbox (publishing, comments, analytics)."""

from __future__ import annotations

import asyncio

from tests.fixtures import media_factory


async def wait_finished(graph, container_id):
    status = await graph.check_container_status(container_id)
    while status.get("status_code") == "IN_PROGRESS":
        await asyncio.sleep(0.05)
        status = await graph.check_container_status(container_id)
    return status


class TestSeedUsageExamples:
    async def test_publishing_a_post(self, graph, sandbox, tokens):
        ig_api = graph
        video_url = sandbox.cdn.put(media_factory.mp4(seconds=3), "video/mp4")
        container_id = await ig_api.create_video_container(
            ig_account_id=tokens.creator_ig,
            video_url=video_url,
            caption="Check out this awesome video! #content #creator",
            media_type="REELS",
        )
        status = await ig_api.check_container_status(container_id)
        while status.get("status_code") != "FINISHED":
            await asyncio.sleep(0.05)
            status = await ig_api.check_container_status(container_id)
        media_id = await ig_api.publish_container(ig_account_id=tokens.creator_ig, creation_id=container_id)
        details = await ig_api.get_media_details(media_id)
        permalink = details.get("permalink")
        assert permalink.endswith(f"/reel/{details['shortcode']}/")
        assert details.media_product_type == "REELS"
        assert details.caption == "Check out this awesome video! #content #creator"

    async def test_managing_comments(self, graph, tokens):
        ig_api = graph
        media = await ig_api.get_user_media(tokens.creator_ig, fields="id,comments_count")
        media_id = max(media, key=lambda m: m.comments_count or 0).id
        comments = await ig_api.get_media_comments(media_id=media_id)
        assert len(comments) >= 3
        reply_id = await ig_api.reply_to_comment(
            comment_id=comments[0]["id"], message="Thanks for your comment!"
        )
        await ig_api.hide_comment(comment_id=comments[1]["id"], hide=True)
        await ig_api.delete_comment(comment_id=comments[2]["id"])
        after = {c.id: c for c in await ig_api.get_media_comments(media_id=media_id)}
        assert comments[2].id not in after
        assert after[comments[1].id].hidden is True
        assert reply_id in {r.id for r in after[comments[0].id].replies.data}

    async def test_getting_analytics(self, graph, tokens):
        ig_api = graph
        insights = await ig_api.get_account_insights(
            ig_account_id=tokens.creator_ig, metrics=["impressions", "reach", "profile_views"], period="day"
        )
        assert [m.name for m in insights] == ["views", "reach"]
        [media] = await ig_api.get_user_media(tokens.creator_ig, max_items=1)
        post_insights = await ig_api.get_media_insights(
            media_id=media.id, metrics=["engagement", "impressions", "reach", "saved"]
        )
        assert {m.name for m in post_insights} <= {"total_interactions", "views", "reach", "saved"}
