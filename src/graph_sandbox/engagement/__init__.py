"""Engagement half of the sandbox: comments (§5), mentions, messaging (§6) and their admin simulations.

Importing the package registers its node types (`comment`, `conversation`, `message`), the `comments`
edge on `media`, the mention fields on `ig_user`, its Graph handlers and its `/_admin` routes.

Messaging permissions follow Meta's pages (cited next to each constant): the Conversations and Send
APIs need `instagram_basic`, `instagram_manage_messages` and `pages_manage_metadata`; private replies
also `instagram_manage_comments` and `pages_messaging`; `subscribed_apps` needs `pages_manage_metadata`
and `pages_show_list`. Facebook Login grants only these classic names (see `permissions`).
"""

from graph_sandbox.engagement import (
    admin,
    attachments,
    comment_nodes,
    comment_writes,
    conversations,
    mentions,
    send,
    simulate,
    subscriptions,
)

__all__ = [
    "admin",
    "attachments",
    "comment_nodes",
    "comment_writes",
    "conversations",
    "mentions",
    "send",
    "simulate",
    "subscriptions",
]
