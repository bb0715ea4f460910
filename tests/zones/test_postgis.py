"""The same siting answers on SQLite, PostgreSQL without PostGIS and PostgreSQL with PostGIS
(fixture ``gis_engine``): the hand-drawn cases (inside, on the boundary — an edge, a corner, the
edge of an overlapping unit —, two overlapping units, a red line, a first-level water-source zone,
a hair outside) through the service, each backend held to the same expected answer; on PostGIS
the candidate selection (``ST_Intersects`` on the GiST-indexed column) alone already finds
exactly the features shapely's ``intersects`` finds, and the column follows every write."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime

import pytest
from alembic import command
from shapely.geometry import Point, box, mapping
from sqlalchemy import func, make_url, select, text, update

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import alembic_config, is_up_to_date, upgrade
from qingshan.geo.regions import seed_regions
from qingshan.zones import postgis, service
from qingshan.zones.layers import LayerKind, Verdict
from qingshan.zones.models import ZoneFeatureRow
from qingshan.zones.service import LayerMeta

from .cases import R1, U1, U2, W1, fc

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
ON = date(2026, 6, 1)
UNIT1, UNIT2, RED, WATER = "ZH33010620001", "ZH33010630001", "HX-330106-01", "SY-DW001-1"

# (site, industry) → (touched feature codes in the check's order, verdict, deciding feature)
CASES = {
    "inside U1": (Point(120.02, 30.25), "2614", [UNIT1], Verdict.CONDITIONAL, UNIT1),
    "on U1's west edge": (Point(120.00, 30.25), "C2619", [UNIT1], Verdict.PROHIBITED, UNIT1),
    "a hair west of U1": (Point(119.9999999, 30.25), "C2619", [], Verdict.PERMITTED, None),
    "on the red line's corner": (Point(120.20, 30.20), "C1713", [RED], Verdict.PROHIBITED, RED),
    "a polygon sharing the red line's edge": (
        box(120.16, 30.22, 120.20, 30.24),
        "C1713",
        [RED],
        Verdict.PROHIBITED,
        RED,
    ),  # fmt: skip
    "a polygon meeting the red line's corner": (
        box(120.16, 30.16, 120.20, 30.20),
        "C1713",
        [RED],
        Verdict.PROHIBITED,
        RED,
    ),  # fmt: skip
    "between the layers": (Point(120.17, 30.25), "C2619", [], Verdict.PERMITTED, None),
    "in two overlapping units": (
        Point(120.07, 30.25),
        "C2619",
        [UNIT1, UNIT2],
        Verdict.PROHIBITED,
        UNIT1,
    ),  # fmt: skip
    "on U2's edge inside U1": (
        Point(120.05, 30.25),
        "C2619",
        [UNIT1, UNIT2],
        Verdict.PROHIBITED,
        UNIT1,
    ),  # fmt: skip
    "only in U2 (free text)": (Point(120.12, 30.25), "C1713", [UNIT2], Verdict.PERMITTED, None),
    "in the red line, farming": (Point(120.25, 30.25), "A0111", [RED], Verdict.CONDITIONAL, RED),
    "across U2 and the red line": (
        box(120.14, 30.21, 120.22, 30.23),
        "C2614",
        [RED, UNIT2],
        Verdict.PROHIBITED,
        RED,
    ),  # fmt: skip
    "in a first-level zone": (Point(120.42, 30.22), "C1713", [WATER], Verdict.PROHIBITED, WATER),
}


def _seed(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
        for kind, name, region, feats in [
            (LayerKind.RED_LINE, "浙江省生态保护红线", "330000", [R1]),
            (LayerKind.CONTROL_UNIT, "西湖区管控单元", "330106", [U1, U2]),
            (LayerKind.WATER_SOURCE, "饮用水水源保护区", "330000", [W1]),
        ]:
            meta = LayerMeta(kind, name, "2024", region, date(2024, 1, 1))
            service.import_layer(
                s, PROVINCE, meta, fc(feats), "l.geojson", actor="province", now=NOW
            )


def test_hand_drawn_cases_answer_the_same_on_every_backend(gis_engine):
    _seed(gis_engine)
    with session_scope(gis_engine) as s:
        use_postgis = postgis.enabled(s)
        codes = dict(s.execute(select(ZoneFeatureRow.id, ZoneFeatureRow.code)).all())
        for name, (site, industry, hits, verdict, decided) in CASES.items():
            r = service.check_site(s, XIHU, mapping(site), industry, on=ON)
            got = ([h.feature.code for h in r.hits], r.verdict,
                   r.decided_by.feature.code if r.decided_by else None)  # fmt: skip
            assert got == (hits, verdict, decided), name
            if use_postgis:  # PostGIS's candidates are already exactly shapely's hits
                assert sorted(codes[i] for i in postgis.intersecting_ids(s, site)) == sorted(
                    hits
                ), name
        r = service.check_site(s, XIHU, mapping(Point(120.42, 30.22)), "4610", on=ON)
        assert r.verdict is Verdict.CONDITIONAL and "第六十五条" in r.decided_by.deciding.clause
        # scope and validity still select the layers with PostGIS choosing the candidates
        assert (
            service.check_site(s, NINGBO, mapping(Point(120.07, 30.25)), "C2619", on=ON).hits == ()
        )
        r = service.check_site(s, XIHU, mapping(Point(120.25, 30.25)), "C1713", on=date(2023, 6, 1))
        assert r.hits == () and r.verdict is Verdict.PERMITTED


def test_the_postgis_column_follows_every_write(gis_engine):
    _seed(gis_engine)
    with session_scope(gis_engine) as s:
        if not postgis.enabled(s):
            assert gis_engine.dialect.name == "sqlite" or not s.scalar(
                text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")
            )
            return
        n = s.scalar(select(func.count()).select_from(ZoneFeatureRow))
        assert n == 4
        assert s.scalar(text("SELECT count(*) FROM zone_feature WHERE geom IS NOT NULL "
                             "AND ST_SRID(geom) = 4490 AND ST_IsValid(geom)")) == n  # fmt: skip
        # a corrected geometry (any UPDATE of the GeoJSON column) moves the PostGIS column too
        s.execute(update(ZoneFeatureRow).where(ZoneFeatureRow.code == RED)
                  .values(geometry=mapping(box(120.20, 30.20, 120.21, 30.21))))  # fmt: skip
        s.flush()
        r = service.check_site(s, XIHU, mapping(Point(120.25, 30.25)), "C1713", on=ON)
        assert r.hits == ()
        r = service.check_site(s, XIHU, mapping(Point(120.21, 30.21)), "C1713", on=ON)
        assert [h.feature.code for h in r.hits] == [RED]
        # the GiST index serves ST_Intersects (with 4 rows the planner would scan; told not to)
        s.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(s.scalars(text(
            "EXPLAIN SELECT id FROM zone_feature WHERE ST_Intersects(geom, "
            "ST_SetSRID(ST_MakePoint(120.25, 30.25), 4490))")))  # fmt: skip
        assert "ix_zone_feature_geom" in plan, plan


def _migrate(engine, revision: str, down: bool = False) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _has_geom(engine) -> bool:
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return bool(conn.scalar(text("SELECT count(*) FROM information_schema.columns "
                                     "WHERE table_name = 'zone_feature' AND column_name = 'geom'")))  # fmt: skip


def test_the_migration_fills_rows_already_there_and_goes_back(gis_engine, request):
    """0025 on a database with features: PostGIS (where it is to be had and not turned off)
    gets every one of them; the downgrade leaves the features as they were; elsewhere no-ops."""
    flavour = request.node.callspec.params["gis_engine"]
    _migrate(gis_engine, "0024_zero_discharge_parks", down=True)
    assert not _has_geom(gis_engine)
    _seed(gis_engine)  # written without the trigger: the upgrade must backfill
    _migrate(gis_engine, "head")
    assert _has_geom(gis_engine) is (flavour == "postgis")
    with session_scope(gis_engine) as s:
        if flavour == "postgis":
            assert s.scalar(text("SELECT count(*) FROM zone_feature WHERE geom IS NOT NULL")) == 4
        r = service.check_site(s, XIHU, mapping(Point(120.07, 30.25)), "C2619", on=ON)
        assert [h.feature.code for h in r.hits] == [UNIT1, UNIT2]
    _migrate(gis_engine, "0024_zero_discharge_parks", down=True)
    assert not _has_geom(gis_engine)
    with session_scope(gis_engine) as s:
        assert s.scalar(select(func.count()).select_from(ZoneFeatureRow)) == 4


@pytest.mark.skipif(os.environ.get("QINGSHAN_TEST_POSTGIS") != "1",
                    reason="needs PostgreSQL with PostGIS installed (scripts/with-postgres.sh)")  # fmt: skip
def test_a_role_that_may_not_create_postgis_migrates_without_it():
    """PostGIS is not a trusted extension: an owner without superuser gets the database
    migrated to the head all the same, without the extension, and the service without it."""
    url = make_url(os.environ["QINGSHAN_TEST_POSTGRES_URL"])
    role = db = f"nosu_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER"))
        conn.execute(text(f"CREATE DATABASE {db} OWNER {role} TEMPLATE template0"))
    eng = make_engine(url.set(username=role, database=db).render_as_string(hide_password=False))
    try:
        upgrade(eng)
        assert is_up_to_date(eng) and not _has_geom(eng)
        with session_scope(eng) as s:
            assert not postgis.enabled(s)
            assert not s.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"))
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {db} WITH (FORCE)"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
