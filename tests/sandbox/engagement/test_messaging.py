"""Instagram messaging over HTTP (GRAPH_API.md §6): conversations, messages, the Send API and its windows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph_sandbox.permissions import PRODUCT_PERMISSIONS
from tests.sandbox.engagement.engagement_helpers import fixture, simulate, token_with
from tests.sandbox.shapes import assert_same_shape


def recent_and_stale(sandbox, ig_id):
    """The seeded conversations: the user wrote 2 h ago in one, 3 days ago in the other."""
    conversations = sorted(
        (c for c in sandbox.world.conversations.values() if c.ig_user_id == ig_id),
        key=lambda c: c.updated_time,
        reverse=True,
    )
    return conversations[0], conversations[1]


async def advance(client, seconds: float) -> None:
    assert (await client.post("/_admin/clock/advance", json={"seconds": seconds})).status_code == 200


async def set_account(client, ig_id: str, **body) -> None:
    assert (await client.patch(f"/_admin/engagement/accounts/{ig_id}", json=body)).status_code == 200


class TestConversations:
    async def test_lists_the_accounts_conversations_newest_first(self, graph, creator, sandbox):
        recent, stale = recent_and_stale(sandbox, creator.ig_id)
        body = (
            await graph.get(
                f"{creator.page_id}/conversations", platform="instagram", token=creator.page_token
            )
        ).json()
        assert [c["id"] for c in body["data"]] == [recent.id, stale.id]

    async def test_platform_is_required(self, graph, creator):
        response = await graph.get(f"{creator.page_id}/conversations", token=creator.page_token)
        assert response.json()["error"]["message"] == "(#100) The parameter platform is required"

    async def test_filters_by_user_id(self, graph, creator, sandbox):
        _, stale = recent_and_stale(sandbox, creator.ig_id)
        body = (
            await graph.get(
                f"{creator.page_id}/conversations",
                platform="instagram",
                user_id=stale.participant_id,
                token=creator.page_token,
            )
        ).json()
        assert [c["id"] for c in body["data"]] == [stale.id]

    async def test_fields_participants_unread_count_and_messages(self, graph, creator):
        fields = "participants,unread_count,updated_time,messages{id,created_time}"
        body = (
            await graph.get(
                f"{creator.page_id}/conversations",
                platform="instagram",
                fields=fields,
                token=creator.page_token,
            )
        ).json()
        first = body["data"][0]
        usernames = {p["username"] for p in first["participants"]["data"]}
        assert "sandbox.creator" in usernames
        assert first["unread_count"] == 1
        assert set(first["messages"]["data"][0]) == {"id", "created_time"}

    async def test_matches_the_recorded_conversation_shape(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        fields = "id,link,message_count,snippet,unread_count,updated_time"
        body = (await graph.get(recent.id, fields=fields, token=creator.page_token)).json()
        assert_same_shape(fixture("facebook/apidata/conversations/cvs_info.json"), body)

    async def test_reads_several_conversations_with_ids(self, graph, creator, sandbox):
        recent, stale = recent_and_stale(sandbox, creator.ig_id)
        fields = "id,link,message_count,snippet,unread_count,updated_time"
        body = (
            await graph.get("", ids=f"{recent.id},{stale.id}", fields=fields, token=creator.page_token)
        ).json()
        recorded = next(iter(fixture("facebook/apidata/conversations/cvses_info.json").values()))
        assert sorted(body) == sorted([recent.id, stale.id])
        for item in body.values():
            assert_same_shape(recorded, item)

    async def test_conversation_node_expands_messages(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        body = (await graph.get(recent.id, fields="messages", token=creator.page_token)).json()
        assert body["id"] == recent.id
        assert len(body["messages"]["data"]) == len(recent.message_ids)

    async def test_needs_a_page_token_with_instagram_manage_messages(self, graph, sandbox_client, creator):
        scopes = [p for p in PRODUCT_PERMISSIONS if "messages" not in p]
        token = await token_with(sandbox_client, scopes, page_id=creator.page_id)
        response = await graph.get(f"{creator.page_id}/conversations", platform="instagram", token=token)
        assert response.json()["error"]["message"] == "(#200) Requires instagram_manage_messages permission"


class TestMessages:
    async def test_message_fields(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        fields = "id,created_time,from,to,message,is_unsupported"
        body = (await graph.get(recent.message_ids[-1], fields=fields, token=creator.page_token)).json()
        assert body["from"]["id"] == recent.participant_id
        assert body["to"]["data"][0] == {"username": "sandbox.creator", "id": creator.ig_id}
        assert body["message"] == "Great, thanks! How long does it take?"
        assert body["is_unsupported"] is False

    async def test_matches_the_recorded_message_shape(self, graph, sandbox_client, creator):
        sent = await simulate(
            sandbox_client, "message", ig_user_id=creator.ig_id, attachment_url="https://example.com/a.jpg"
        )
        fields = "id,created_time,from,to,attachments"
        body = (await graph.get(sent["message_id"], fields=fields, token=creator.page_token)).json()
        # The recording is a Messenger message: people have name/email there, username on Instagram,
        # and Instagram has no `tags`.
        ignore = ("$.from.", "$.to.data[0].", "$.tags", "$.attachments.paging")
        assert_same_shape(fixture("facebook/apidata/messages/message_info.json"), body, ignore=ignore)
        assert set(body["from"]) == {"username", "id"}

    async def test_reads_several_messages_with_ids(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        ids = recent.message_ids[-2:]
        body = (
            await graph.get("", ids=",".join(ids), fields="id,created_time,from,to", token=creator.page_token)
        ).json()
        recorded = next(iter(fixture("facebook/apidata/messages/messages_info.json").values()))
        assert sorted(body) == sorted(ids)
        for item in body.values():
            assert_same_shape(recorded, item, ignore=("$.from.", "$.to.data[0].", "$.tags", "$.attachments"))

    async def test_only_the_20_most_recent_messages_are_readable(self, graph, sandbox_client, creator):
        ids = [
            (
                await simulate(
                    sandbox_client, "message", ig_user_id=creator.ig_id, from_username="chatty", text=str(n)
                )
            )["message_id"]
            for n in range(22)
        ]
        newest = (await graph.get(ids[-1], fields="message", token=creator.page_token)).json()
        assert newest["message"] == "21"
        oldest = await graph.get(ids[0], fields="message", token=creator.page_token)
        assert oldest.status_code == 400
        assert oldest.json()["error"]["message"] == "(#100) This message has been deleted"
        assert (await graph.get(ids[2], fields="message", token=creator.page_token)).status_code == 200


class TestSend:
    async def test_replies_within_24_hours(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        body = (
            await graph.post(
                "me/messages",
                recipient={"id": recent.participant_id},
                message={"text": "Hi!"},
                token=creator.page_token,
            )
        ).json()
        assert body["recipient_id"] == recent.participant_id
        assert body["message_id"] == recent.message_ids[-1]

    async def test_page_id_path_works_too(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        response = await graph.post(
            f"{creator.page_id}/messages",
            recipient={"id": recent.participant_id},
            message={"attachment": {"type": "image", "payload": {"url": "https://example.com/x.jpg"}}},
            messaging_type="RESPONSE",
            token=creator.page_token,
        )
        assert set(response.json()) == {"recipient_id", "message_id"}

    async def test_sends_an_uploaded_attachment(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        attachment = {"type": "image", "payload": {"url": "https://example.com/pic.jpg", "is_reusable": True}}
        uploaded = (
            await graph.post(
                f"{creator.page_id}/message_attachments",
                platform="instagram",
                message={"attachment": attachment},
                token=creator.page_token,
            )
        ).json()
        message = {"attachment": {"type": "image", "payload": {"attachment_id": uploaded["attachment_id"]}}}
        sent = await graph.post(
            "me/messages", recipient={"id": recent.participant_id}, message=message, token=creator.page_token
        )
        fields = "attachments"
        body = (await graph.get(sent.json()["message_id"], fields=fields, token=creator.page_token)).json()
        assert body["attachments"]["data"][0]["image_data"]["url"] == "https://example.com/pic.jpg"

    async def test_outside_the_24_hour_window(self, graph, creator, sandbox):
        _, stale = recent_and_stale(sandbox, creator.ig_id)
        response = await graph.post(
            "me/messages",
            recipient={"id": stale.participant_id},
            message={"text": "late"},
            token=creator.page_token,
        )
        error = response.json()["error"]
        assert response.status_code == 400
        assert (error["code"], error["error_subcode"]) == (10, 2534022)
        assert error["message"] == "(#10) This message is sent outside of allowed window."

    @pytest.mark.parametrize(("enabled", "status"), [(True, 200), (False, 400)])
    async def test_human_agent_tag_needs_the_feature(
        self, graph, sandbox_client, creator, sandbox, enabled, status
    ):
        _, stale = recent_and_stale(sandbox, creator.ig_id)
        await set_account(sandbox_client, creator.ig_id, human_agent_enabled=enabled)
        response = await graph.post(
            "me/messages",
            recipient={"id": stale.participant_id},
            message={"text": "A human here"},
            messaging_type="MESSAGE_TAG",
            tag="HUMAN_AGENT",
            token=creator.page_token,
        )
        assert response.status_code == status

    async def test_human_agent_window_ends_after_7_days(self, graph, sandbox_client, creator, sandbox):
        _, stale = recent_and_stale(sandbox, creator.ig_id)
        await set_account(sandbox_client, creator.ig_id, human_agent_enabled=True)
        await advance(sandbox_client, timedelta(days=4, hours=1).total_seconds())
        response = await graph.post(
            "me/messages",
            recipient={"id": stale.participant_id},
            message={"text": "Too late"},
            messaging_type="MESSAGE_TAG",
            tag="HUMAN_AGENT",
            token=creator.page_token,
        )
        assert response.json()["error"]["error_subcode"] == 2534022

    async def test_text_is_capped_at_1000_characters(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        response = await graph.post(
            "me/messages",
            recipient={"id": recent.participant_id},
            message={"text": "x" * 1001},
            token=creator.page_token,
        )
        assert response.json()["error"]["code"] == 100

    async def test_a_person_who_blocked_the_account(self, graph, sandbox_client, creator):
        sent = await simulate(
            sandbox_client, "message", ig_user_id=creator.ig_id, from_username="gone", text="hi"
        )
        await simulate(sandbox_client, "availability", username="gone", available=False)
        response = await graph.post(
            "me/messages",
            recipient={"id": sent["sender_id"]},
            message={"text": "hello?"},
            token=creator.page_token,
        )
        error = response.json()["error"]
        assert (error["code"], error["error_subcode"]) == (551, 1545041)

    async def test_unknown_recipient(self, graph, creator):
        response = await graph.post(
            "me/messages",
            recipient={"id": "2999999999999999"},
            message={"text": "?"},
            token=creator.page_token,
        )
        assert response.json()["error"]["error_subcode"] == 2018001

    async def test_a_user_token_is_refused(self, graph, creator, sandbox):
        recent, _ = recent_and_stale(sandbox, creator.ig_id)
        response = await graph.post(
            f"{creator.page_id}/messages", recipient={"id": recent.participant_id}, message={"text": "hi"}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 190


class TestPrivateReplies:
    async def test_one_private_reply_per_comment(self, graph, sandbox_client, creator, feed_media):
        comment = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="price?"))["id"]
        first = await graph.post(
            "me/messages",
            recipient={"comment_id": comment},
            message={"text": "DM'd you"},
            token=creator.page_token,
        )
        assert first.status_code == 200
        second = await graph.post(
            "me/messages",
            recipient={"comment_id": comment},
            message={"text": "again"},
            token=creator.page_token,
        )
        assert second.json()["error"]["error_subcode"] == 2534025

    async def test_the_private_reply_opens_a_conversation(self, graph, sandbox_client, creator, feed_media):
        comment = await simulate(
            sandbox_client, "comment", media_id=feed_media.id, text="info?", username="asker"
        )
        body = (
            await graph.post(
                "me/messages",
                recipient={"comment_id": comment["id"]},
                message={"text": "Hi"},
                token=creator.page_token,
            )
        ).json()
        listed = (
            await graph.get(
                f"{creator.page_id}/conversations",
                platform="instagram",
                user_id=body["recipient_id"],
                token=creator.page_token,
            )
        ).json()
        assert len(listed["data"]) == 1

    async def test_only_within_7_days_of_the_comment(self, graph, sandbox_client, creator, feed_media):
        comment = (await simulate(sandbox_client, "comment", media_id=feed_media.id, text="old"))["id"]
        await advance(sandbox_client, timedelta(days=8).total_seconds())
        response = await graph.post(
            "me/messages",
            recipient={"comment_id": comment},
            message={"text": "late"},
            token=creator.page_token,
        )
        assert response.json()["error"]["code"] == 10
