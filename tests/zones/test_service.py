"""Layers stored and checked on a migrated database (SQLite and PostgreSQL): import all or
nothing, versions and validity dates, scope (a county officer checks against the province's red
line; another city's layers stay out of reach), export that imports back, and the API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.zones import service
from qingshan.zones.errors import LayerNotFound, LayerRejected, ZoneError
from qingshan.zones.geoio import ASSUMED_WARNING as ASSUMED
from qingshan.zones.layers import LayerKind, Verdict
from qingshan.zones.models import ZoneFeatureRow, ZoneLayer
from qingshan.zones.service import LayerMeta

from .cases import R1, U1, U2, W1, fc, feature, square

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
ON = date(2026, 6, 1)


def _seed(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
        service.import_layer(s, PROVINCE, LayerMeta(LayerKind.RED_LINE, "浙江省生态保护红线", "2023",
                                                    "330000", date(2023, 1, 1)),
                             fc([R1]), "red.geojson", actor="province", now=NOW)  # fmt: skip
        service.import_layer(s, PROVINCE, LayerMeta(LayerKind.CONTROL_UNIT, "西湖区管控单元", "2024",
                                                    "330106", date(2024, 8, 30)),
                             fc([U1, U2], crs="EPSG:4490"), "units.geojson", actor="province", now=NOW)  # fmt: skip


def test_import_check_and_scope(engine):
    _seed(engine)
    with session_scope(engine) as s:
        r = service.check_site(
            s, XIHU, {"type": "Point", "coordinates": [120.07, 30.25]}, "2619", on=ON
        )
        assert r.verdict is Verdict.PROHIBITED and r.decided_by.feature.code == "ZH33010620001"
        assert [h.feature.code for h in r.hits] == ["ZH33010620001", "ZH33010630001"]
        r = service.check_site(
            s, XIHU, {"type": "Point", "coordinates": [120.25, 30.25]}, "C1713", on=ON
        )
        assert (
            r.verdict is Verdict.PROHIBITED
            and r.decided_by.feature.layer_name == "浙江省生态保护红线"
        )
        # before the units' validity: only the red line is in force (the point is in U1 only)
        r = service.check_site(s, XIHU, {"type": "Point", "coordinates": [120.02, 30.25]}, "C2619",
                               on=date(2024, 1, 1))  # fmt: skip
        assert r.hits == () and r.verdict is Verdict.PERMITTED
        # another city reads the province's red line, not 西湖's units
        r = service.check_site(
            s, NINGBO, {"type": "Point", "coordinates": [120.07, 30.25]}, "2619", on=ON
        )
        assert r.hits == ()
        assert [x.name for x in service.layers(s, NINGBO)] == ["浙江省生态保护红线"]
        with pytest.raises(LayerNotFound):
            service.export_geojson(s, NINGBO, service.layers(s, XIHU, LayerKind.CONTROL_UNIT)[0].id)


def test_bad_import_stores_nothing_and_bad_sites_are_named(engine):
    _seed(engine)
    bad = feature(square(120.4, 30.2, 120.45, 30.25), code="W-x", name="缺水源", level="一级")
    with session_scope(engine) as s:
        with pytest.raises(LayerRejected, match=r"feature 2 \(W-x\): site_code: missing"):
            service.import_layer(s, PROVINCE, LayerMeta(LayerKind.WATER_SOURCE, "水源保护区", "2024", "330000",
                                                        date(2024, 1, 1)), fc([W1, bad]), "w.geojson",
                                 actor="province", now=NOW)  # fmt: skip
        with pytest.raises(
            ZoneError, match="version: layer red_line '浙江省生态保护红线' version '2023' exists"
        ):
            service.import_layer(s, PROVINCE, LayerMeta(LayerKind.RED_LINE, "浙江省生态保护红线", "2023",
                                                        "330000", date(2023, 1, 1)), fc([R1]), "r.geojson",
                                 actor="province", now=NOW)  # fmt: skip
        with pytest.raises(ZoneError, match="region_code: 330000 is outside your scope"):
            service.import_layer(s, NINGBO, LayerMeta(LayerKind.RED_LINE, "x", "1", "330000", date(2023, 1, 1)),
                                 fc([R1]), "r.geojson", actor="ningbo", now=NOW)  # fmt: skip
        with pytest.raises(
            ZoneError, match="site: outside Zhejiang .*look swapped .*e.g. 120.0700, 30.2500"
        ):
            service.check_site(
                s, XIHU, {"type": "Point", "coordinates": [30.25, 120.07]}, "2619", on=ON
            )  # fmt: skip
        with pytest.raises(
            ZoneError,
            match=r"site: outside Zhejiang \(bounds 116.0000,30.0000,116.0000,30.0000\); GeoJSON",
        ):
            service.check_site(
                s, XIHU, {"type": "Point", "coordinates": [116.0, 30.0]}, "2619", on=ON
            )  # fmt: skip
        with pytest.raises(ZoneError, match="industry: industry 'Z99'"):
            service.check_site(
                s, XIHU, {"type": "Point", "coordinates": [120.07, 30.25]}, "Z99", on=ON
            )
        with pytest.raises(PermissionDenied):
            service.check_site(s, Scope("330106", Role.ENTERPRISE, 1), {"type": "Point", "coordinates": [120.07, 30.25]},
                               "2619", on=ON)  # fmt: skip
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(ZoneLayer)) == 2
        assert s.scalar(select(func.count()).select_from(ZoneFeatureRow)) == 3


def test_export_imports_back(engine):
    _seed(engine)
    with session_scope(engine) as s:
        units = service.layers(s, XIHU, LayerKind.CONTROL_UNIT)[0]
        doc = service.export_geojson(s, XIHU, units.id)
        assert doc["qingshan:layer"]["valid_from"] == "2024-08-30"
        assert [f["properties"]["code"] for f in doc["features"]] == [
            "ZH33010620001",
            "ZH33010630001",
        ]
        again = service.import_layer(s, PROVINCE, LayerMeta(LayerKind.CONTROL_UNIT, "西湖区管控单元", "2024-re",
                                                            "330106", date(2024, 8, 30)),
                                     json.dumps(doc).encode(), "back.geojson", actor="province", now=NOW)  # fmt: skip
        assert service.export_geojson(s, XIHU, again.id)["features"] == doc["features"]


PASSWORD = "zones-api-pass"


def test_api(engine, app_settings):
    from qingshan.platform.app import create_app

    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "province", PASSWORD, Role.PROVINCE, "330000")
        create_user(s, "xihu", PASSWORD, Role.COUNTY, "330106")
    with TestClient(create_app(app_settings)) as c:

        def auth(u: str) -> dict[str, str]:
            r = c.post("/api/v1/auth/login", data={"username": u, "password": PASSWORD})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        form = {"kind": "red_line", "name": "红线", "version": "2023", "region_code": "330000",
                "valid_from": "2023-01-01"}  # fmt: skip
        r = c.post("/api/v1/zones/layers", data=form, files={"file": ("r.geojson", fc([R1]))},
                   headers=auth("province"))  # fmt: skip
        assert r.status_code == 201, r.text
        assert r.json()["warnings"] == [
            "no CRS given: CGCS2000 / WGS 84 longitude–latitude (EPSG:4490) assumed"
        ]
        lid = r.json()["id"]
        # a province-wide layer is larger than an API body (1 MB): the upload's own limit applies
        big = fc([R1]) + b" " * (app_settings.max_request_bytes + 1)
        r = c.post("/api/v1/zones/layers", data=form | {"version": "2024"},
                   files={"file": ("r.geojson", big)}, headers=auth("province"))  # fmt: skip
        assert r.status_code == 201, r.text
        h = auth("xihu")
        # a county officer reads layers and checks sites, but does not import (as on the page)
        r = c.post("/api/v1/zones/layers", data=form | {"version": "2025", "region_code": "330106"},
                   files={"file": ("r.geojson", fc([R1]))}, headers=h)  # fmt: skip
        assert r.status_code == 403, r.text
        assert "province and city" in r.text
        body = {"site": {"type": "Polygon", "coordinates": square(120.16, 30.22, 120.20, 30.24)["coordinates"]},
                "industry": "C2614", "on": "2026-06-01"}  # fmt: skip
        r = c.post("/api/v1/zones/siting-check", json=body, headers=h)
        assert r.status_code == 200, r.text
        assert (
            r.json()["verdict"] == "prohibited" and r.json()["decided_by"]["code"] == "HX-330106-01"
        )
        r = c.post("/api/v1/zones/siting-check", json={**body, "industry": "Z9"}, headers=h)
        assert r.status_code == 422 and "industry" in r.text
        assert (
            c.get(f"/api/v1/zones/layers/{lid}/geojson", headers=h).json()["features"][0][
                "properties"
            ]["code"]
            == "HX-330106-01"
        )
        c.cookies.clear()  # the login left a session cookie
        assert c.post("/api/v1/zones/siting-check", json=body).status_code == 401


def _source(s, code: str, kind=None) -> None:
    from qingshan.monitoring.models import ControlLevel, Site, SiteKind

    s.add(Site(code=code, name=f"水源{code}", kind=kind or SiteKind.DRINKING_WATER_SOURCE,
               control_level=ControlLevel.PROVINCIAL, region_code="330106",
               longitude=120.42, latitude=30.22))  # fmt: skip


def test_site_code_is_checked_against_the_monitoring_registry(engine):
    """Zones reach monitoring's drinking-water sources through the Protocol the platform wires
    (:data:`qingshan.platform.zones_links.DRINKING_WATER_SOURCES`): an unknown code, or the code
    of a site of another kind, is a problem of that feature and nothing is stored."""
    from qingshan.monitoring.models import SiteKind
    from qingshan.platform.zones_links import DRINKING_WATER_SOURCES

    other = feature(square(120.46, 30.20, 120.48, 30.22), code="SY-S1-1", name="S1 一级", level="一级",
                    site_code="S1")  # fmt: skip
    meta = LayerMeta(LayerKind.WATER_SOURCE, "水源保护区", "2024", "330000", date(2024, 1, 1))
    with session_scope(engine) as s:
        seed_regions(s)
        _source(s, "DW001")
        _source(s, "S1", SiteKind.WATER_SECTION)
    with session_scope(engine) as s:
        with pytest.raises(LayerRejected) as e:
            service.import_layer(s, PROVINCE, meta, fc([W1, other]), "w.geojson", actor="p", now=NOW,
                                 sources=DRINKING_WATER_SOURCES)  # fmt: skip
        assert e.value.problems == [
            "feature 2 (SY-S1-1): site_code: 'S1' is not a drinking-water source of the "
            "monitoring registry"
        ]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(ZoneLayer)) == 0
        layer = service.import_layer(s, PROVINCE, meta, fc([W1]), "w.geojson", actor="p", now=NOW,
                                     sources=DRINKING_WATER_SOURCES)  # fmt: skip
        assert layer.warnings == [ASSUMED]
        unchecked = service.import_layer(s, PROVINCE, LayerMeta(LayerKind.WATER_SOURCE, "水源保护区", "2024b",
                                                                "330000", date(2024, 1, 1)),
                                         fc([other]), "w.geojson", actor="p", now=NOW)  # fmt: skip
        assert unchecked.warnings == [ASSUMED, service.SITE_CODES_UNCHECKED]


def test_bulk_import_stores_every_feature_with_its_attributes(engine):
    """The features go in as one multi-row insert: 300 of them, each read back as imported."""
    units = [feature(square(120.0 + 0.01 * (i % 30), 30.0 + 0.01 * (i // 30),
                            120.009 + 0.01 * (i % 30), 30.009 + 0.01 * (i // 30)),
                     code=f"U{i:03d}", name=f"单元{i}", unit_type="一般管控", region_code="330106",
                     requirements={"资源开发效率要求": [f"要求{i}"]},
                     rules=[{"prefix": "C26", "verdict": "prohibited", "clause": f"清单{i}"}])
             for i in range(300)]  # fmt: skip
    with session_scope(engine) as s:
        seed_regions(s)
        layer = service.import_layer(s, PROVINCE, LayerMeta(LayerKind.CONTROL_UNIT, "units", "1", "330000",
                                                            date(2024, 1, 1)), fc(units), "u.geojson",
                                     actor="p", now=NOW)  # fmt: skip
        lid = layer.id
    with session_scope(engine) as s:
        rows = s.scalars(select(ZoneFeatureRow).where(ZoneFeatureRow.layer_id == lid)
                         .order_by(ZoneFeatureRow.code)).all()  # fmt: skip
        assert len(rows) == 300
        r = rows[31]
        assert (r.code, r.unit_type, r.region_code) == ("U031", "一般管控", "330106")
        assert (r.min_lon, r.min_lat) == pytest.approx((120.01, 30.01))
        assert r.requirements == {"资源开发效率要求": ["要求31"]}
        assert r.rules == [{"prefix": "C26", "verdict": "prohibited", "clause": "清单31",
                            "discharging_only": False}]  # fmt: skip
        assert r.valid_from is None and r.geometry["type"] == "Polygon"


def test_service_reads_the_features_near_the_site_for_its_near_misses(engine):
    """The candidates are read with the site's box widened by 1 km (bbox columns, or PostGIS),
    so a red line 962 m away is a near miss on every backend."""
    from qingshan.zones.schemas import siting_public

    _seed(engine)
    with session_scope(engine) as s:
        r = service.check_site(
            s, XIHU, {"type": "Point", "coordinates": [120.19, 30.25]}, "2614", on=ON
        )
        assert r.hits == () and [n.feature.code for n in r.near] == ["HX-330106-01"]
        body = siting_public(r).model_dump()
        assert body["near"][0]["distance_m"] == pytest.approx(962.2, abs=0.5)
        assert body["metric_crs"] == "EPSG:4549" and body["near_m"] == 1000.0
        r = service.check_site(
            s, XIHU, {"type": "Point", "coordinates": [120.02, 30.25]}, "2614", on=ON
        )
        assert siting_public(r).model_dump()["hits"][0]["boundary_m"] == pytest.approx(
            1924.4, abs=1
        )
