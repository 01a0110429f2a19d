"""Roles and the permission matrix: the one place that says which role may do what.

docs/workspaces.md shows the same matrix as a table; a test compares the two cell by cell.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    APPROVER = "approver"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"
    WORKSPACE_RENAME = "workspace.rename"
    WORKSPACE_DELETE = "workspace.delete"
    WORKSPACE_LEAVE = "workspace.leave"
    MEMBERS_MANAGE = "members.manage"
    OWNERS_MANAGE = "owners.manage"
    ACCOUNTS_MANAGE = "accounts.manage"
    RULES_MANAGE = "rules.manage"
    WEBHOOKS_MANAGE = "webhooks.manage"
    CLIPS_WRITE = "clips.write"
    POSTS_DRAFT = "posts.draft"
    POSTS_SUBMIT = "posts.submit"
    POSTS_APPROVE = "posts.approve"
    POSTS_SCHEDULE = "posts.schedule"
    INBOX_REPLY = "inbox.reply"


_EVERYONE = frozenset(Role)
_OWNER_ADMIN = frozenset({Role.OWNER, Role.ADMIN})
_WRITERS = frozenset({Role.OWNER, Role.ADMIN, Role.EDITOR})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: _EVERYONE,
    Action.WORKSPACE_RENAME: _OWNER_ADMIN,
    Action.WORKSPACE_DELETE: frozenset({Role.OWNER}),
    Action.WORKSPACE_LEAVE: _EVERYONE,
    Action.MEMBERS_MANAGE: _OWNER_ADMIN,
    # Making, unmaking or inviting an owner: only an owner, so an admin cannot take the workspace over.
    Action.OWNERS_MANAGE: frozenset({Role.OWNER}),
    Action.ACCOUNTS_MANAGE: _OWNER_ADMIN,
    Action.RULES_MANAGE: _OWNER_ADMIN,
    Action.WEBHOOKS_MANAGE: _OWNER_ADMIN,
    Action.CLIPS_WRITE: _WRITERS,
    Action.POSTS_DRAFT: _WRITERS,
    Action.POSTS_SUBMIT: _WRITERS,
    Action.POSTS_APPROVE: frozenset({Role.OWNER, Role.ADMIN, Role.APPROVER}),
    Action.POSTS_SCHEDULE: _OWNER_ADMIN,
    Action.INBOX_REPLY: _WRITERS,
}


def allows(role: Role, action: Action) -> bool:
    """Whether `role` may perform `action`."""
    return role in PERMISSIONS[action]
