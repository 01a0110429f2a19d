"""The messaging-window rules, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graph_sandbox.engagement import windows

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


class TestCheckWindow:
    def test_allows_a_reply_within_24_hours(self):
        assert (
            windows.check_window(NOW - timedelta(hours=23), NOW, tag=None, human_agent_enabled=False) is None
        )

    def test_refuses_a_reply_after_24_hours_with_2534022(self):
        error = windows.check_window(NOW - timedelta(hours=25), NOW, tag=None, human_agent_enabled=False)
        assert error is not None
        assert (error.code, error.subcode) == (10, 2534022)
        assert error.message == "(#10) This message is sent outside of allowed window."

    def test_human_agent_tag_extends_the_window_to_7_days(self):
        last = NOW - timedelta(days=6)
        assert windows.check_window(last, NOW, tag="HUMAN_AGENT", human_agent_enabled=True) is None

    def test_human_agent_tag_needs_the_feature(self):
        last = NOW - timedelta(days=2)
        assert windows.check_window(last, NOW, tag="HUMAN_AGENT", human_agent_enabled=False) is not None

    def test_human_agent_tag_ends_after_7_days(self):
        last = NOW - timedelta(days=7, minutes=1)
        assert windows.check_window(last, NOW, tag="HUMAN_AGENT", human_agent_enabled=True) is not None

    def test_a_conversation_the_user_never_started_is_closed(self):
        assert windows.check_window(None, NOW, tag=None, human_agent_enabled=True) is not None


class TestCheckPrivateReply:
    def test_allows_the_first_reply_within_7_days(self):
        assert windows.check_private_reply(NOW - timedelta(days=6), NOW, already_sent=False) is None

    def test_refuses_a_second_reply_with_2534025(self):
        error = windows.check_private_reply(NOW, NOW, already_sent=True)
        assert error is not None
        assert error.subcode == 2534025

    def test_refuses_a_comment_older_than_7_days(self):
        assert windows.check_private_reply(NOW - timedelta(days=8), NOW, already_sent=False) is not None


class TestCheckText:
    def test_caps_text_at_1000_characters(self):
        assert windows.check_text("x" * 1000) is None
        error = windows.check_text("x" * 1001)
        assert error is not None
        assert error.code == 100
