"""emergency gas (issue #22): gas_park — chemical parks (化工园区) with boundary and county;
gas_station — boundary stations (a park_boundary site tied to its park, substances measured);
gas_alarm — toxic-gas alarms per station × substance (level, data time, raised, escalation,
acknowledgement, clearing, incident/case opened; never deleted); gas_cursor — the newest
reading of each series already judged.

Revision ID: 0032_emergency_gas
Revises: 0031_emergency_radiation
Create Date: 2026-12-07 09:58:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032_emergency_gas"
down_revision: str | None = "0031_emergency_radiation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gas_park",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("boundary", sa.JSON(), nullable=False),
        sa.Column("zones_park_id", sa.Integer(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_gas_park_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_park")),
        sa.UniqueConstraint("code", name=op.f("uq_gas_park_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_gas_park_region_code"), "gas_park", ["region_code"])
    op.create_table(
        "gas_station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("substances", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["gas_park.id"], name=op.f("fk_gas_station_park_id_gas_park")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_gas_station_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_station")),
        sa.UniqueConstraint("site_id", name=op.f("uq_gas_station_site_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_gas_station_park_id"), "gas_station", ["park_id"])
    op.create_table(
        "gas_alarm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("parameter_code", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("data_time", _TS, nullable=False),
        sa.Column("raised_at", _TS, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("peak", sa.Float(), nullable=False),
        sa.Column("last_time", _TS, nullable=False),
        sa.Column("last_value", sa.Float(), nullable=False),
        sa.Column("over_count", sa.Integer(), nullable=False),
        sa.Column("below_count", sa.Integer(), nullable=False),
        sa.Column("escalated_at", _TS, nullable=True),
        sa.Column("escalation", sa.String(length=16), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_at", _TS, nullable=True),
        sa.Column("ack_note", sa.Text(), nullable=False),
        sa.Column("cleared_at", _TS, nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("wind_from", sa.Float(), nullable=True),
        sa.Column("wind_speed", sa.Float(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["gas_park.id"], name=op.f("fk_gas_alarm_park_id_gas_park")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_gas_alarm_site_id_site")),
        sa.ForeignKeyConstraint(["series_id"], ["series.id"], name=op.f("fk_gas_alarm_series_id_series")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_gas_alarm_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gas_alarm")),
    )  # fmt: skip
    for col in ("park_id", "site_id", "series_id", "region_code", "state"):
        op.create_index(op.f(f"ix_gas_alarm_{col}"), "gas_alarm", [col])
    op.create_table(
        "gas_cursor",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("last_time", _TS, nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["series.id"], name=op.f("fk_gas_cursor_series_id_series")),
        sa.PrimaryKeyConstraint("series_id", name=op.f("pk_gas_cursor")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("gas_cursor")
    for col in ("park_id", "site_id", "series_id", "region_code", "state"):
        op.drop_index(op.f(f"ix_gas_alarm_{col}"), table_name="gas_alarm")
    op.drop_table("gas_alarm")
    op.drop_index(op.f("ix_gas_station_park_id"), table_name="gas_station")
    op.drop_table("gas_station")
    op.drop_index(op.f("ix_gas_park_region_code"), table_name="gas_park")
    op.drop_table("gas_park")
