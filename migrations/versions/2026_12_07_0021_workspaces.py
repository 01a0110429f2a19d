"""Workspaces: members with roles, invitations; every user gets a personal workspace holding their data.

The owned tables get a nullable `workspace_id`, filled here with the owner's personal workspace (and by
`clipper.workspaces.models` on new rows) until the routers move from `user_id` to workspaces.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 23:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("owner", "admin", "editor", "approver", "viewer")
OWNED_TABLES = ("accounts", "clips", "social_posts", "webhook_endpoints", "hashtag_group", "account_queues")


def _role() -> sa.Enum:
    return sa.Enum(*ROLES, name="workspace_role", native_enum=False, create_constraint=True, length=16)


def _now() -> sa.Column[object]:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("personal_user_id", sa.Integer(), nullable=True),
        _now(),
        sa.ForeignKeyConstraint(
            ["personal_user_id"],
            ["users.id"],
            name=op.f("fk_workspaces_personal_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspaces")),
        sa.UniqueConstraint("personal_user_id", name=op.f("uq_workspaces_personal_user_id")),
    )
    op.create_table(
        "workspace_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", _role(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_workspace_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_workspace_members_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_members")),
        sa.UniqueConstraint(
            "workspace_id", "user_id", name=op.f("uq_workspace_members_workspace_id_user_id")
        ),
    )
    with op.batch_alter_table("workspace_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workspace_members_user_id"), ["user_id"], unique=False)
    op.create_table(
        "workspace_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("role", _role(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _now(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_workspace_invitations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["used_by_id"],
            ["users.id"],
            name=op.f("fk_workspace_invitations_used_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_workspace_invitations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_workspace_invitations_token_hash")),
    )
    with op.batch_alter_table("workspace_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workspace_invitations_workspace_id"), ["workspace_id"], unique=False
        )
    for table in OWNED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("workspace_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_workspace_id"), ["workspace_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_workspace_id_workspaces"), "workspaces", ["workspace_id"], ["id"]
            )
    _give_every_user_a_personal_workspace()


def _give_every_user_a_personal_workspace() -> None:
    op.execute("INSERT INTO workspaces (name, personal_user_id) SELECT 'Personal', id FROM users ORDER BY id")
    op.execute(
        "INSERT INTO workspace_members (workspace_id, user_id, role) "
        "SELECT id, personal_user_id, 'owner' FROM workspaces WHERE personal_user_id IS NOT NULL ORDER BY id"
    )
    for table in OWNED_TABLES:
        op.execute(
            f"UPDATE {table} SET workspace_id = "  # noqa: S608 - table names from the constant above
            f"(SELECT workspaces.id FROM workspaces WHERE workspaces.personal_user_id = {table}.user_id)"
        )


def downgrade() -> None:
    for table in OWNED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_workspace_id_workspaces"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_workspace_id"))
            batch_op.drop_column("workspace_id")
    op.drop_table("workspace_invitations")
    op.drop_table("workspace_members")
    op.drop_table("workspaces")
