"""Engagement: inbox comments, conversations and messages, moderation rules and audit, webhook events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 14:52:07.155637+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSONB on PostgreSQL, JSON text elsewhere (clipper.db.JSONType).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "webhook_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("object", sa.String(length=32), nullable=False),
        sa.Column("ig_user_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column(
            "payload",
            JSON,
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "processed",
                "ignored",
                "failed",
                name="webhook_event_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_event")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_webhook_event_dedupe_key")),
    )
    with op.batch_alter_table("webhook_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_event_ig_user_id"), ["ig_user_id"], unique=False)
        batch_op.create_index("ix_webhook_event_status_received_at", ["status", "received_at"], unique=False)

    op.create_table(
        "inbox_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("platform_comment_id", sa.String(length=64), nullable=False),
        sa.Column("media_id", sa.String(length=64), nullable=False),
        sa.Column("parent_platform_id", sa.String(length=64), nullable=True),
        sa.Column("author_id", sa.String(length=64), nullable=True),
        sa.Column("author_username", sa.String(length=255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("commented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_account", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("answered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("private_reply_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_inbox_comment_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_comment")),
        sa.UniqueConstraint(
            "account_id", "platform_comment_id", name=op.f("uq_inbox_comment_account_id_platform_comment_id")
        ),
    )
    with op.batch_alter_table("inbox_comment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inbox_comment_account_id_commented_at", ["account_id", "commented_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inbox_comment_media_id"), ["media_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inbox_comment_parent_platform_id"), ["parent_platform_id"], unique=False
        )

    op.create_table(
        "inbox_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("platform_conversation_id", sa.String(length=255), nullable=True),
        sa.Column("participant_id", sa.String(length=64), nullable=False),
        sa.Column("participant_username", sa.String(length=255), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_message_text", sa.Text(), nullable=True),
        sa.Column("last_user_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unread_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_inbox_conversation_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_conversation")),
        sa.UniqueConstraint(
            "account_id", "participant_id", name=op.f("uq_inbox_conversation_account_id_participant_id")
        ),
    )
    with op.batch_alter_table("inbox_conversation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbox_conversation_last_message_at"), ["last_message_at"], unique=False
        )

    op.create_table(
        "inbox_sync_state",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("comments_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conversations_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_inbox_sync_state_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_inbox_sync_state")),
    )
    op.create_table(
        "moderation_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "keyword",
                "regex",
                name="moderation_rule_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "patterns",
            JSON,
            nullable=False,
        ),
        sa.Column(
            "action",
            sa.Enum(
                "hide",
                "delete",
                name="moderation_rule_action",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_moderation_rule_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_rule")),
    )
    with op.batch_alter_table("moderation_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_rule_account_id"), ["account_id"], unique=False)

    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("platform_message_id", sa.String(length=255), nullable=False),
        sa.Column("from_account", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column(
            "attachments",
            JSON,
            server_default="[]",
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["inbox_conversation.id"],
            name=op.f("fk_inbox_message_conversation_id_inbox_conversation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_message")),
        sa.UniqueConstraint(
            "conversation_id",
            "platform_message_id",
            name=op.f("uq_inbox_message_conversation_id_platform_message_id"),
        ),
    )
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inbox_message_conversation_id_sent_at", ["conversation_id", "sent_at"], unique=False
        )

    op.create_table(
        "moderation_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("rule_name", sa.String(length=100), nullable=False),
        sa.Column("platform_comment_id", sa.String(length=64), nullable=False),
        sa.Column("comment_text", sa.Text(), nullable=False),
        sa.Column("matched", sa.String(length=255), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "hide",
                "delete",
                name="moderation_action_action",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_moderation_action_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["moderation_rule.id"],
            name=op.f("fk_moderation_action_rule_id_moderation_rule"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_action")),
    )
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_action_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("moderation_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_action_account_id"))

    op.drop_table("moderation_action")
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_message_conversation_id_sent_at")

    op.drop_table("inbox_message")
    with op.batch_alter_table("moderation_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_rule_account_id"))

    op.drop_table("moderation_rule")
    op.drop_table("inbox_sync_state")
    with op.batch_alter_table("inbox_conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_conversation_last_message_at"))

    op.drop_table("inbox_conversation")
    with op.batch_alter_table("inbox_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_comment_parent_platform_id"))
        batch_op.drop_index(batch_op.f("ix_inbox_comment_media_id"))
        batch_op.drop_index("ix_inbox_comment_account_id_commented_at")

    op.drop_table("inbox_comment")
    with op.batch_alter_table("webhook_event", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_event_status_received_at")
        batch_op.drop_index(batch_op.f("ix_webhook_event_ig_user_id"))

    op.drop_table("webhook_event")
