"""The posting queue: per-account queue settings (time zone, paused), weekly slots, queued posts.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 20:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_queues",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_queues_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_queues_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_queues")),
    )
    op.create_index(op.f("ix_account_queues_user_id"), "account_queues", ["user_id"], unique=False)
    op.create_table(
        "queue_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_queue_slots_weekday_range")),
        sa.CheckConstraint("minute >= 0 AND minute < 1440", name=op.f("ck_queue_slots_minute_range")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_queue_slots_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_slots")),
        sa.UniqueConstraint(
            "account_id", "weekday", "minute", name=op.f("uq_queue_slots_account_id_weekday_minute")
        ),
    )
    op.create_index(op.f("ix_queue_slots_account_id"), "queue_slots", ["account_id"], unique=False)
    with op.batch_alter_table("social_posts") as batch_op:
        batch_op.add_column(sa.Column("queued", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("social_posts") as batch_op:
        batch_op.drop_column("queued")
    op.drop_index(op.f("ix_queue_slots_account_id"), table_name="queue_slots")
    op.drop_table("queue_slots")
    op.drop_index(op.f("ix_account_queues_user_id"), table_name="account_queues")
    op.drop_table("account_queues")
