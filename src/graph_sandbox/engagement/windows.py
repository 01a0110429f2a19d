"""Messaging windows (§6.2): 24 h standard, 7 days with HUMAN_AGENT, one private reply per comment.

Pure rules: each `check_*` returns None when the send is allowed, else the GraphError Meta answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from graph_sandbox.errors import GraphError

STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
PRIVATE_REPLY_WINDOW = timedelta(days=7)
MAX_TEXT_CHARS = 1000

OUTSIDE_WINDOW = "(#10) This message is sent outside of allowed window."
_WINDOW_USER_TITLE = "Message not sent"
_WINDOW_USER_MSG = (
    "This message is sent outside of allowed window. You need page_messaging_human_agent permission to be "
    "able to do it."
)


def outside_window() -> GraphError:
    """10/2534022: the reply comes too late for the window that applies."""
    return GraphError(
        10,
        OUTSIDE_WINDOW,
        subcode=2534022,
        http_status=400,
        error_user_title=_WINDOW_USER_TITLE,
        error_user_msg=_WINDOW_USER_MSG,
    )


def private_reply_used() -> GraphError:
    """10/2534025: the one private reply of this comment was already sent."""
    return GraphError(10, "(#10) A private reply has already been sent for this comment.", subcode=2534025)


def private_reply_expired() -> GraphError:
    """10/2534022: private replies are possible for 7 days after the comment."""
    return GraphError(
        10, "(#10) This comment is too old to send a private reply.", subcode=2534022, http_status=400
    )


def window_for(*, tag: str | None, human_agent_enabled: bool) -> timedelta:
    """The window a send may use: 7 days with an approved HUMAN_AGENT tag, else 24 h."""
    if tag == "HUMAN_AGENT" and human_agent_enabled:
        return HUMAN_AGENT_WINDOW
    return STANDARD_WINDOW


def check_window(
    last_user_message_at: datetime | None, now: datetime, *, tag: str | None, human_agent_enabled: bool
) -> GraphError | None:
    """None when `now` lies within the window opened by the user's last message."""
    if last_user_message_at is None:
        return outside_window()  # conversations can only be started by the Instagram user
    window = window_for(tag=tag, human_agent_enabled=human_agent_enabled)
    return None if now - last_user_message_at <= window else outside_window()


def check_private_reply(commented_at: datetime, now: datetime, *, already_sent: bool) -> GraphError | None:
    """None when a private reply to this comment may still be sent."""
    if already_sent:
        return private_reply_used()
    if now - commented_at > PRIVATE_REPLY_WINDOW:
        return private_reply_expired()
    return None


def check_text(text: str) -> GraphError | None:
    """The Send API's 1000-character cap on text messages."""
    if len(text) > MAX_TEXT_CHARS:
        return GraphError(100, "(#100) Length of param message[text] must be less than or equal to 1000")
    return None


def recipient_unavailable() -> GraphError:
    """551/1545041: the person blocked the account or deactivated theirs."""
    return GraphError(551, "(#551) This person isn't available right now.", subcode=1545041)
