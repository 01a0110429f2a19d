"""Initial schema: users, clips, accounts, social_posts, social_post_media.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 14:33:47.212191+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSONB on PostgreSQL, JSON text elsewhere (clipper.db.JSONType).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
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
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lowercase")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=50), nullable=False),
        sa.Column("account_username", sa.String(length=255), nullable=True),
        sa.Column("access_token_enc", sa.Text(), nullable=True),
        sa.Column("refresh_token_enc", sa.Text(), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "connected_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "meta_info",
            JSON,
            server_default="{}",
            nullable=False,
        ),
        sa.Column("platform_account_id", sa.String(length=64), nullable=False),
        sa.Column("page_access_token_enc", sa.Text(), nullable=True),
        sa.Column(
            "granted_permissions",
            JSON,
            server_default="[]",
            nullable=False,
        ),
        sa.Column("health_status", sa.String(length=32), server_default="healthy", nullable=False),
        sa.Column("health_reason", sa.Text(), nullable=True),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_accounts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint(
            "user_id",
            "platform",
            "platform_account_id",
            name=op.f("uq_accounts_user_id_platform_platform_account_id"),
        ),
    )
    op.create_index(
        op.f("ix_accounts_platform_account_id"), "accounts", ["platform_account_id"], unique=False
    )
    op.create_index(op.f("ix_accounts_user_id"), "accounts", ["user_id"], unique=False)

    op.create_table(
        "clips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), server_default="", nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("storage_key", sa.String(length=512), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("image", "video", name="clip_kind", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("fps", sa.Float(), nullable=True),
        sa.Column("video_codec", sa.String(length=32), nullable=True),
        sa.Column("audio_codec", sa.String(length=32), nullable=True),
        sa.Column("has_audio", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("rotation", sa.Integer(), server_default="0", nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("checksum_sha256", sa.String(length=64), nullable=True),
        sa.Column(
            "probe",
            JSON,
            server_default="{}",
            nullable=False,
        ),
        sa.Column("parent_clip_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "ready",
                "processing",
                "failed",
                name="clip_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            server_default="ready",
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
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
            ["parent_clip_id"], ["clips.id"], name=op.f("fk_clips_parent_clip_id_clips"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_clips_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clips")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_clips_storage_key")),
    )
    op.create_index(op.f("ix_clips_checksum_sha256"), "clips", ["checksum_sha256"], unique=False)
    op.create_index(op.f("ix_clips_parent_clip_id"), "clips", ["parent_clip_id"], unique=False)
    op.create_index(op.f("ix_clips_user_id"), "clips", ["user_id"], unique=False)

    op.create_table(
        "social_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=50), server_default="instagram", nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("hashtags", sa.Text(), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "scheduled",
                "publishing",
                "published",
                "failed",
                "unconfirmed",
                name="post_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("platform_post_id", sa.String(length=255), nullable=True),
        sa.Column("platform_url", sa.Text(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column(
            "media_type",
            sa.Enum(
                "IMAGE",
                "REELS",
                "CAROUSEL",
                "STORIES",
                name="post_media_type",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            server_default="IMAGE",
            nullable=False,
        ),
        sa.Column(
            "options",
            JSON,
            server_default="{}",
            nullable=False,
        ),
        sa.Column("container_id", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_code", sa.String(length=32), nullable=True),
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
            name=op.f("fk_social_posts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clip_id"], ["clips.id"], name=op.f("fk_social_posts_clip_id_clips"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_social_posts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_posts")),
    )
    op.create_index(op.f("ix_social_posts_account_id"), "social_posts", ["account_id"], unique=False)
    op.create_index(op.f("ix_social_posts_clip_id"), "social_posts", ["clip_id"], unique=False)
    op.create_index(
        "ix_social_posts_status_next_attempt_at", "social_posts", ["status", "next_attempt_at"], unique=False
    )
    op.create_index(
        "ix_social_posts_status_scheduled_for", "social_posts", ["status", "scheduled_for"], unique=False
    )
    op.create_index(op.f("ix_social_posts_user_id"), "social_posts", ["user_id"], unique=False)

    op.create_table(
        "social_post_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("container_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["clip_id"], ["clips.id"], name=op.f("fk_social_post_media_clip_id_clips"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["social_posts.id"],
            name=op.f("fk_social_post_media_post_id_social_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_post_media")),
        sa.UniqueConstraint("post_id", "position", name=op.f("uq_social_post_media_post_id_position")),
    )
    op.create_index(op.f("ix_social_post_media_clip_id"), "social_post_media", ["clip_id"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    for table in ("social_post_media", "social_posts", "clips", "accounts", "users"):
        op.drop_table(table)
