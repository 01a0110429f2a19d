"""Comments, direct messages and insights through the client, against the sandbox."""

from __future__ import annotations

import asyncio

import pytest

from clipper.instagram import MessagingWindowError
from tests.fixtures import media_factory


@pytest.fixture
async def busiest_media(graph, tokens):
    media = await graph.get_user_media(tokens.creator_ig, fields="id,comments_count")
    return max(media, key=lambda m: m.comments_count or 0).id


@pytest.fixture
async def page(graph, tokens):
    """The creator's Page id and a client holding its Page token."""
    page_id = next(
        p.id
        for p in await graph.get_facebook_pages()
        if p.instagram_business_account and p.instagram_business_account.id == tokens.creator_ig
    )
    return page_id, graph.with_token(tokens.ig_users[tokens.creator_ig])


class TestComments:
    async def test_read_write_moderate(self, graph, busiest_media):
        comment_id = await graph.post_comment(busiest_media, "First!")
        comment = await graph.get_comment(comment_id)
        assert comment.text == "First!"
        reply_id = await graph.reply_to_comment(comment_id=comment_id, message="A reply")
        replies = await graph.get_replies(comment_id)
        assert [r.id for r in replies] == [reply_id]
        assert replies[0].parent_id == comment_id
        assert await graph.delete_comment(comment_id=reply_id) is True
        assert await graph.get_replies(comment_id) == []

    async def test_turning_comments_off(self, graph, busiest_media):
        assert await graph.set_comment_enabled(busiest_media, False) is True
        media = await graph.get_media_details(busiest_media)
        assert media.is_comment_enabled is False
        assert await graph.set_comment_enabled(busiest_media, True) is True

    async def test_a_follower_comment_shows_up(self, graph, sandbox_client, busiest_media):
        response = await sandbox_client.post(
            "/_admin/simulate/comment", json={"media_id": busiest_media, "text": "Love it"}
        )
        new_id = response.json()["id"]
        comments = await graph.get_media_comments(media_id=busiest_media)
        assert comments[0].id == new_id
        assert comments[0].username == "sandbox.follower"
        assert comments[0]["from"].username == "sandbox.follower"
        assert await graph.hide_comment(comment_id=new_id, hide=True) is True
        assert (await graph.get_comment(new_id)).hidden is True
        assert await graph.hide_comment(comment_id=new_id, hide=False) is True
        assert (await graph.get_comment(new_id)).hidden is False


class TestMessages:
    async def test_conversations_and_replying(self, page, sandbox_client, tokens):
        page_id, page_api = page
        simulated = (
            await sandbox_client.post(
                "/_admin/simulate/message", json={"ig_user_id": tokens.creator_ig, "text": "Hi there"}
            )
        ).json()
        conversations = await page_api.get_conversations(page_id)
        assert simulated["conversation_id"] in {c.id for c in conversations}
        one = await page_api.get_conversations(page_id, user_id=simulated["sender_id"])
        assert [c.id for c in one] == [simulated["conversation_id"]]
        assert (await page_api.get_conversation(simulated["conversation_id"])).id == simulated[
            "conversation_id"
        ]
        sent = await page_api.send_message(page_id, recipient_id=simulated["sender_id"], text="Hello back")
        assert sent.recipient_id == simulated["sender_id"]
        messages = await page_api.get_conversation_messages(simulated["conversation_id"])
        assert [m.message for m in messages[:2]] == ["Hello back", "Hi there"]
        detail = await page_api.get_message(simulated["message_id"])
        assert detail.from_.id == simulated["sender_id"]

    async def test_private_reply_and_attachment(self, page, graph, sandbox_client, tokens, busiest_media):
        page_id, page_api = page
        comment = (
            await sandbox_client.post(
                "/_admin/simulate/comment", json={"media_id": busiest_media, "text": "Price?"}
            )
        ).json()
        replied = await page_api.send_message(page_id, comment_id=comment["id"], text="Sent you a DM")
        assert replied.message_id
        dm = (
            await sandbox_client.post(
                "/_admin/simulate/message", json={"ig_user_id": tokens.creator_ig, "text": "Pic?"}
            )
        ).json()
        picture = await page_api.send_message(
            page_id, recipient_id=dm["sender_id"], attachment_url="https://cdn.example.com/p.jpg"
        )
        assert picture.recipient_id == dm["sender_id"]

    async def test_outside_the_window_is_refused(self, page, sandbox_client, tokens):
        page_id, page_api = page
        simulated = (
            await sandbox_client.post(
                "/_admin/simulate/message", json={"ig_user_id": tokens.creator_ig, "text": "Hi"}
            )
        ).json()
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 8 * 24 * 3600})
        with pytest.raises(MessagingWindowError) as raised:
            await page_api.send_message(page_id, recipient_id=simulated["sender_id"], text="Too late")
        assert (raised.value.code, raised.value.subcode) == (10, 2534022)
        assert "24 hours" in raised.value.user_message


class TestInsights:
    async def test_account_insights_split_by_metric_type(self, graph, tokens):
        metrics = await graph.get_account_insights(
            tokens.creator_ig, ["reach", "follower_count", "likes", "views"], breakdown=None
        )
        by_name = {m.name: m for m in metrics}
        assert list(by_name) == ["reach", "follower_count", "likes", "views"]
        assert by_name["likes"].total_value is not None
        assert by_name["reach"].values

    async def test_breakdown(self, graph, tokens):
        [reach] = await graph.get_account_insights(tokens.creator_ig, ["reach"], breakdown="follow_type")
        assert reach.total_value.breakdowns[0].dimension_keys == ["follow_type"]

    async def test_media_and_story_insights(self, graph, tokens, sandbox):
        [media] = await graph.get_user_media(tokens.creator_ig, max_items=1)
        insights = await graph.get_media_insights(media.id, ["impressions", "reach", "saved"])
        assert [m.name for m in insights] == ["views", "reach", "saved"]
        story = await graph.create_story_container(
            tokens.creator_ig, image_url=sandbox.cdn.put(media_factory.jpeg(1080, 1920), "image/jpeg")
        )
        while (await graph.check_container_status(story)).status_code == "IN_PROGRESS":
            await asyncio.sleep(0.05)
        story_id = await graph.publish_container(tokens.creator_ig, story)
        story_metrics = await graph.get_story_insights(story_id)
        assert {m.name for m in story_metrics} >= {"views", "reach"}

    async def test_page_insights_with_the_page_token(self, page):
        page_id, page_api = page
        [views] = await page_api.get_page_insights(page_id, ["page_media_view"], period="week")
        assert views.name == "page_media_view"
        assert views.values
