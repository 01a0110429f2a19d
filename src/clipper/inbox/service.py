"""The inbox, the front door the router calls: comments, mentions, direct messages, moderation, sync.

Each job has its module: `comments` (the unified inbox, threads, reply/hide/delete, bulk), `mentions`,
`messages` (conversations, the messaging window, private replies), `moderation` (rules and their audit),
`sync` (the backfill, with `fetch` reading Meta and `schedule` deciding when). Functions that call Meta
take the gateway (`clipper.accounts.graph.AccountGraph`) and hold no transaction while Meta answers.
"""

from __future__ import annotations

from clipper.inbox.comments import (
    InboxFilter,
    InboxStatus,
    bulk,
    delete,
    hide,
    list_inbox,
    media_thread,
    reply,
    set_comments_enabled,
)
from clipper.inbox.mentions import list_mentions
from clipper.inbox.messages import (
    Outgoing,
    list_conversations,
    list_messages,
    private_reply,
    reply_deadline,
    send,
)
from clipper.inbox.moderation import (
    RuleInput,
    create_rule,
    delete_rule,
    get_rule,
    list_actions,
    list_rules,
    update_rule,
)
from clipper.inbox.pagination import DEFAULT_LIMIT, MAX_LIMIT
from clipper.inbox.sync import sync_now

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "InboxFilter",
    "InboxStatus",
    "Outgoing",
    "RuleInput",
    "bulk",
    "create_rule",
    "delete",
    "delete_rule",
    "get_rule",
    "hide",
    "list_actions",
    "list_conversations",
    "list_inbox",
    "list_mentions",
    "list_messages",
    "list_rules",
    "media_thread",
    "private_reply",
    "reply",
    "reply_deadline",
    "send",
    "set_comments_enabled",
    "sync_now",
    "update_rule",
]
