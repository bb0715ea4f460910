"""ranking roll-ups (issue #16): ranking_air_day, the daily air statistics of each city and
county that the public ranking reads (GB 3095-2012 Table 4 daily values; the synthetic previous
year of the demo flagged ``synthetic``), and ranking_water_month, the monthly means of each
surface-water section for CWQI (环办监测〔2017〕51号)

Revision ID: 0016_ranking_rollups
Revises: 0015_water_warning
Create Date: 2026-12-06 20:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_ranking_rollups"
down_revision: str | None = "0015_water_warning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ranking_air_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("so2", sa.Float(), nullable=True),
        sa.Column("no2", sa.Float(), nullable=True),
        sa.Column("pm10", sa.Float(), nullable=True),
        sa.Column("pm25", sa.Float(), nullable=True),
        sa.Column("co", sa.Float(), nullable=True),
        sa.Column("o3_8h", sa.Float(), nullable=True),
        sa.Column("sites", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_ranking_air_day_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_air_day")),
        sa.UniqueConstraint("level", "region_code", "day", name=op.f("uq_ranking_air_day_level_region_code_day")),
    )  # fmt: skip
    op.create_index("ix_ranking_air_day_level_day", "ranking_air_day", ["level", "day"])
    op.create_table(
        "ranking_water_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_code", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("water_body", sa.String(length=8), nullable=False),
        sa.Column("means", sa.JSON(), nullable=False),
        sa.Column("valid_days", sa.Integer(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_ranking_water_month_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_water_month")),
        sa.UniqueConstraint("section_code", "month", name=op.f("uq_ranking_water_month_section_code_month")),
    )  # fmt: skip
    op.create_index("ix_ranking_water_month_month", "ranking_water_month", ["month"])


def downgrade() -> None:
    op.drop_index("ix_ranking_water_month_month", table_name="ranking_water_month")
    op.drop_table("ranking_water_month")
    op.drop_index("ix_ranking_air_day_level_day", table_name="ranking_air_day")
    op.drop_table("ranking_air_day")
