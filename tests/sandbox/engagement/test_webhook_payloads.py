"""Webhook signing and payload shapes, without HTTP."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from graph_sandbox import webhooks
from graph_sandbox.world import Comment, Media, Message

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SECRET = "s3cret"


def a_media() -> Media:
    return Media("17918195224117851", "17841400000000001", "IMAGE", "FEED", NOW, "abc", "https://x/p/abc/")


class TestSigning:
    def test_sha256_is_an_hmac_of_the_raw_body_with_the_app_secret(self):
        body = b'{"object":"instagram"}'
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert webhooks.sign_sha256(body, SECRET) == f"sha256={expected}"

    def test_sha1_header_value(self):
        assert webhooks.sign_sha1(b"x", SECRET).startswith("sha1=")

    def test_verify_accepts_the_right_signature(self):
        body = b"payload"
        assert webhooks.verify_signature(body, webhooks.sign_sha256(body, SECRET), SECRET)

    def test_verify_rejects_a_tampered_body(self):
        signature = webhooks.sign_sha256(b"payload", SECRET)
        assert not webhooks.verify_signature(b"payload!", signature, SECRET)
        assert not webhooks.verify_signature(b"payload", None, SECRET)


class TestPayloads:
    def test_comment_change_carries_parent_id_only_on_replies(self):
        top = Comment("1", "17918195224117851", "hi", NOW, "2001", "fan")
        reply = Comment("2", "17918195224117851", "re", NOW, "2001", "fan", parent_id="1")
        assert "parent_id" not in webhooks.comment_change(top, a_media())["value"]
        change = webhooks.comment_change(reply, a_media())
        assert change == {
            "field": "comments",
            "value": {
                "from": {"id": "2001", "username": "fan"},
                "id": "2",
                "text": "re",
                "media": {"id": "17918195224117851", "media_product_type": "FEED"},
                "parent_id": "1",
            },
        }

    def test_story_insights_values_below_five_are_minus_one(self):
        change = webhooks.story_insights_change("9", {"reach": 44, "exits": 3})
        assert change["value"] == {"media_id": "9", "reach": 44, "exits": -1}

    def test_mention_in_a_caption_carries_only_the_media_id(self):
        assert webhooks.mention_change("5") == {"field": "mentions", "value": {"media_id": "5"}}

    def test_message_event_uses_milliseconds(self):
        message = Message("mid.1", "c1", "2001", "fan", "1784", "biz", NOW, text="hello")
        event = webhooks.message_event(message, ig_user_id="1784")
        assert event["sender"] == {"id": "2001"}
        assert event["recipient"] == {"id": "1784"}
        assert event["timestamp"] == int(NOW.timestamp() * 1000)
        assert event["message"] == {"mid": "mid.1", "text": "hello"}

    def test_entries_time_changes_in_seconds_and_messaging_in_milliseconds(self):
        assert webhooks.changes_entry("1", NOW, [])["time"] == int(NOW.timestamp())
        assert webhooks.messaging_entry("1", NOW, [])["time"] == int(NOW.timestamp() * 1000)
