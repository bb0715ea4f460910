"""ecology (issue #25): eco_status_input (HJ 192-2015 sub-indices per county and year, with the EI
and grade derived), eco_survey_area (the key biodiversity survey areas, plan 9.1) and
eco_occurrence (species records in a Darwin Core–like shape).

Revision ID: 0039_ecology
Revises: 0038_portal_rights
Create Date: 2026-12-07 13:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039_ecology"
down_revision: str | None = "0038_portal_rights"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eco_status_input",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("biological_abundance", sa.Float(), nullable=False),
        sa.Column("vegetation_cover", sa.Float(), nullable=False),
        sa.Column("water_network_density", sa.Float(), nullable=False),
        sa.Column("land_stress", sa.Float(), nullable=False),
        sa.Column("pollution_load", sa.Float(), nullable=False),
        sa.Column("restriction", sa.String(length=200), nullable=False),
        sa.Column("ei", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_eco_status_input_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eco_status_input")),
        sa.UniqueConstraint("region_code", "year", name=op.f("uq_eco_status_input_region_code_year")),
    )  # fmt: skip
    op.create_index(op.f("ix_eco_status_input_region_code"), "eco_status_input", ["region_code"])
    op.create_index(op.f("ix_eco_status_input_year"), "eco_status_input", ["year"])
    op.create_table(
        "eco_survey_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("ecosystem", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("finished_on", sa.Date(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_eco_survey_area_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eco_survey_area")),
        sa.UniqueConstraint("code", name=op.f("uq_eco_survey_area_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_eco_survey_area_region_code"), "eco_survey_area", ["region_code"])
    op.create_table(
        "eco_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.String(length=100), nullable=False),
        sa.Column("scientific_name", sa.String(length=200), nullable=False),
        sa.Column("vernacular_name", sa.String(length=100), nullable=False),
        sa.Column("taxon_rank", sa.String(length=32), nullable=False),
        sa.Column("kingdom", sa.String(length=64), nullable=False),
        sa.Column("phylum", sa.String(length=64), nullable=False),
        sa.Column("class_name", sa.String(length=64), nullable=False),
        sa.Column("order_name", sa.String(length=64), nullable=False),
        sa.Column("family", sa.String(length=64), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("coordinate_uncertainty_m", sa.Float(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("basis_of_record", sa.String(length=32), nullable=False),
        sa.Column("individual_count", sa.Integer(), nullable=True),
        sa.Column("survey_area_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_eco_occurrence_region_code_region")),
        sa.ForeignKeyConstraint(["survey_area_id"], ["eco_survey_area.id"], name=op.f("fk_eco_occurrence_survey_area_id_eco_survey_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eco_occurrence")),
        sa.UniqueConstraint("occurrence_id", name=op.f("uq_eco_occurrence_occurrence_id")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_eco_occurrence_scientific_name"), "eco_occurrence", ["scientific_name"]
    )
    op.create_index(op.f("ix_eco_occurrence_event_date"), "eco_occurrence", ["event_date"])
    op.create_index(op.f("ix_eco_occurrence_survey_area_id"), "eco_occurrence", ["survey_area_id"])
    op.create_index(op.f("ix_eco_occurrence_region_code"), "eco_occurrence", ["region_code"])


def downgrade() -> None:
    op.drop_table("eco_occurrence")
    op.drop_table("eco_survey_area")
    op.drop_table("eco_status_input")
