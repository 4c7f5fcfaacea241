"""Routing: topics, helper profiles, suggestions, offers, and the terms similar requests share.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "helper_profiles",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("weekly_capacity", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("last_suggested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_helper_profiles")),
    )
    op.create_table(
        "helper_skills",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("skill", sa.String(length=64), nullable=False),
        sa.Column("stem", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", "skill", name=op.f("pk_helper_skills")),
    )
    with op.batch_alter_table("helper_skills", schema=None) as batch_op:
        batch_op.create_index("ix_helper_skills_stem", ["team_id", "stem"], unique=False)

    op.create_table(
        "term_stats",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("term", sa.String(length=40), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "term", name=op.f("pk_term_stats")),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("team_id", "name", name=op.f("uq_topics_team_id_name")),
    )
    op.create_table(
        "helper_topics",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_helper_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", "topic_id", name=op.f("pk_helper_topics")),
    )
    with op.batch_alter_table("helper_topics", schema=None) as batch_op:
        batch_op.create_index("ix_helper_topics_topic", ["topic_id"], unique=False)

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("helper_id", sa.String(length=32), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "button", "direct", "reaction", name="offersource", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "offered", "accepted", "withdrawn", name="offerstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_offers_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("request_id", "helper_id", name=op.f("uq_offers_request_id_helper_id")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offers_helper", ["team_id", "helper_id", "created_at"], unique=False
        )

    op.create_table(
        "request_terms",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_request_terms_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "term", name=op.f("pk_request_terms")),
    )
    with op.batch_alter_table("request_terms", schema=None) as batch_op:
        batch_op.create_index(
            "ix_request_terms_term", ["team_id", "term", "request_id"], unique=False
        )

    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "suggested",
                "asked",
                "offered",
                "declined",
                name="suggestionstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_suggestions_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint(
            "request_id", "user_id", name=op.f("uq_suggestions_request_id_user_id")
        ),
    )
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_suggestions_user", ["team_id", "user_id", "created_at"], unique=False
        )

    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "route",
                sa.Enum("channel", "direct", "both", name="route", native_enum=False, length=32),
                server_default="channel",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("widen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("widened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_help_requests_widen", ["widen_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_help_requests_topic_id_topics"),
            "topics",
            ["topic_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_help_requests_topic_id_topics"), type_="foreignkey")
        batch_op.drop_index("ix_help_requests_widen")
        batch_op.drop_column("widened_at")
        batch_op.drop_column("widen_at")
        batch_op.drop_column("route")
        batch_op.drop_column("topic_id")

    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestions_user")

    op.drop_table("suggestions")
    with op.batch_alter_table("request_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_request_terms_term")

    op.drop_table("request_terms")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_helper")

    op.drop_table("offers")
    with op.batch_alter_table("helper_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_helper_topics_topic")

    op.drop_table("helper_topics")
    op.drop_table("topics")
    op.drop_table("term_stats")
    with op.batch_alter_table("helper_skills", schema=None) as batch_op:
        batch_op.drop_index("ix_helper_skills_stem")

    op.drop_table("helper_skills")
    op.drop_table("helper_profiles")
