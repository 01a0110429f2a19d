"""Engagement half of the sandbox: comments (§5), mentions, messaging (§6) and their admin simulations.

Importing the package registers its node types (`comment`, `conversation`, `message`), the `comments`
edge on `media`, the mention fields on `ig_user`, its Graph handlers and its `/_admin` routes.

Messaging permissions: GRAPH_API.md §6 lists `pages_manage_metadata` for the conversations API, but
the product requests the seed's eleven permissions, which do not include it. The sandbox therefore
accepts a Page token holding `instagram_manage_messages` (or `instagram_business_manage_messages`) and
`pages_show_list`; private replies likewise do not demand `pages_messaging`, and `subscribed_apps`
takes `pages_show_list` instead of `pages_manage_metadata`.
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
