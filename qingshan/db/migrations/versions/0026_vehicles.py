"""vehicles (issue #21): vehicle_station — I/M inspection stations (I站) with their CMA number
and status; vehicle_test_line — a station's test lines and the methods each runs;
vehicle_equipment — the devices on a line with their calibration dates; nonroad_machine — the
non-road mobile machinery registry (编码登记). Vehicles and tests themselves are Parquet
(qingshan.vehicles.store), not tables.

Revision ID: 0026_vehicles
Revises: 0025_zone_postgis
Create Date: 2026-12-07 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_vehicles"
down_revision: str | None = "0025_zone_postgis"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vehicle_station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("cma_number", sa.String(length=64), nullable=False),
        sa.Column("cma_valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_vehicle_station_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_station")),
        sa.UniqueConstraint("station_code", name=op.f("uq_vehicle_station_station_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_vehicle_station_region_code"), "vehicle_station", ["region_code"])
    op.create_table(
        "vehicle_test_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("methods", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["vehicle_station.id"], name=op.f("fk_vehicle_test_line_station_id_vehicle_station")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_test_line")),
        sa.UniqueConstraint("station_id", "line_no", name=op.f("uq_vehicle_test_line_station_id_line_no")),
    )  # fmt: skip
    op.create_index(op.f("ix_vehicle_test_line_station_id"), "vehicle_test_line", ["station_id"])
    op.create_table(
        "vehicle_equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("calibrated_on", sa.Date(), nullable=True),
        sa.Column("calibration_due", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["line_id"], ["vehicle_test_line.id"], name=op.f("fk_vehicle_equipment_line_id_vehicle_test_line")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_equipment")),
        sa.UniqueConstraint("device_id", name=op.f("uq_vehicle_equipment_device_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_vehicle_equipment_line_id"), "vehicle_equipment", ["line_id"])
    op.create_table(
        "nonroad_machine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("engine_stage", sa.String(length=8), nullable=False),
        sa.Column("power_kw", sa.Float(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("registered", sa.Date(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_nonroad_machine_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nonroad_machine")),
        sa.UniqueConstraint("code", name=op.f("uq_nonroad_machine_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_nonroad_machine_region_code"), "nonroad_machine", ["region_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_nonroad_machine_region_code"), table_name="nonroad_machine")
    op.drop_table("nonroad_machine")
    op.drop_index(op.f("ix_vehicle_equipment_line_id"), table_name="vehicle_equipment")
    op.drop_table("vehicle_equipment")
    op.drop_index(op.f("ix_vehicle_test_line_station_id"), table_name="vehicle_test_line")
    op.drop_table("vehicle_test_line")
    op.drop_index(op.f("ix_vehicle_station_region_code"), table_name="vehicle_station")
    op.drop_table("vehicle_station")
