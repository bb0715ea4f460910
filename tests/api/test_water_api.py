"""GET /api/v1/water/sections/latest: GB 3838-2002 classes of the newest hour, scoped.

Worked figures from GB 3838-2002 Table 1 (limits of classes I…V, inclusive; DO a lower limit)
and the over-standard multiples of 环办〔2011〕22号 3.3, (C − S_III)/S_III.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.scope import PUBLIC_SCOPE
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.monitoring.water import (
    WATER_KEYS,
    concentrations_of,
    get_sections_latest,
    summarise_sections,
)
from qingshan.platform.app import create_app

HOUR = datetime(2026, 11, 29, 2, tzinfo=UTC)  # 10:00 CST
CODES = ("w01001", "w01009", "w01019", "w21003", "w21011")  # pH DO CODMn NH3-N TP

#: code, region, control, water body, target, (pH, DO, CODMn, NH3-N, TP) at HOUR
SECTIONS = [
    # on every limit of class I (Table 1: DO ≥ 7.5, CODMn ≤ 2, NH3-N ≤ 0.15, river TP ≤ 0.02)
    ("W-I", "330100", ControlLevel.NATIONAL, "river", "II", (7.0, 7.5, 2.0, 0.15, 0.02)),
    # TP 0.04: river class II (≤ 0.1) …
    ("W-RIVER", "330100", ControlLevel.PROVINCIAL, "river", "II", (7.0, 7.0, 3.0, 0.4, 0.04)),
    # … but lake class III (0.025 < 0.04 ≤ 0.05)
    ("W-LAKE", "330100", ControlLevel.NATIONAL, "lake", "II", (7.0, 7.0, 3.0, 0.4, 0.04)),
    # NH3-N 1.2 (IV: 1.0 < 1.2 ≤ 1.5) and TP 0.25 (IV: 0.2 < 0.25 ≤ 0.3)
    ("W-IV", "330200", ControlLevel.NATIONAL, "river", "III", (7.0, 6.0, 5.0, 1.2, 0.25)),
    # DO 1.5 < 2, NH3-N 2.5 > 2.0, TP 0.45 > 0.4: worse than V; CODMn 12: V
    ("W-BAD", "330200", ControlLevel.PROVINCIAL, "river", 4, (7.0, 1.5, 12.0, 2.5, 0.45)),
    # a city-controlled section is not among 国控/省控
    ("W-CITY", "330100", ControlLevel.CITY, "river", "III", (7.0, 8.0, 1.0, 0.1, 0.01)),
    # no values
    ("W-EMPTY", "330300", ControlLevel.PROVINCIAL, "river", "III", None),
]


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "nb", "ningbo-pass-123", Role.CITY, "330200")
        for code, region, control, body, target, values in SECTIONS:
            site = Site(code=code, name=f"断面{code}", kind=SiteKind.WATER_SECTION,
                        control_level=control, region_code=region, longitude=120.0, latitude=30.0,
                        attrs={"water_body": body, "target_class": target, "basin": "钱塘江"})  # fmt: skip
            s.add(site)
            s.flush()
            if values is None:
                continue
            for pcode, value in zip(CODES, values, strict=True):
                series = get_or_create_series(s, site, pcode, Period.HOUR, "mg/L")
                s.add(LatestValue(series_id=series.id, time=HOUR, value=value, qc_flag=0))
        # an older hour of TN at W-I is not part of its newest hour
        site = s.query(Site).filter_by(code="W-I").one()
        tn = get_or_create_series(s, site, "w21001", Period.HOUR, "mg/L")
        s.add(LatestValue(series_id=tn.id, time=HOUR - timedelta(hours=3), value=9.0, qc_flag=0))
    with TestClient(create_app(app_settings)) as c:
        yield c


def _by_code(body: dict) -> dict:
    return {s["code"]: s for s in body["sections"]}


def test_classes_from_gb3838_table1(client):
    r = client.get("/api/v1/water/sections/latest")
    assert r.status_code == 200, r.text
    got = _by_code(r.json())
    assert sorted(got) == ["W-BAD", "W-EMPTY", "W-I", "W-IV", "W-LAKE", "W-RIVER"]  # no 市控

    one = got["W-I"]
    assert one["section_class"] == "I" and one["class_rank"] == 1
    assert one["indicator_classes"] == {"pH": "I", "DO": "I", "CODMn": "I", "NH3_N": "I", "TP": "I"}
    assert one["target_class"] == "II" and one["meets_target"] is True
    assert one["time"].startswith("2026-11-29T02:00")
    assert one["concentrations"] == {"pH": 7.0, "DO": 7.5, "CODMn": 2.0, "NH3_N": 0.15, "TP": 0.02}
    assert one["main_pollutants"] == [] and one["main_pollutants_label"] == ""
    assert one["city_name"] == "杭州市" and one["basin"] == "钱塘江"

    assert (
        got["W-RIVER"]["section_class"] == "II"
        and got["W-RIVER"]["indicator_classes"]["TP"] == "II"
    )
    lake = got["W-LAKE"]
    assert lake["water_body"] == "lake"
    assert lake["section_class"] == "III" and lake["indicator_classes"]["TP"] == "III"
    assert lake["meets_target"] is False  # III is worse than the target II

    four = got["W-IV"]
    assert four["section_class"] == "IV" and four["status"] == "轻度污染"
    assert four["over_standard_multiples"] == pytest.approx({"NH3_N": 0.2, "TP": 0.25})
    # equal classes: the larger multiple first
    assert [p["key"] for p in four["main_pollutants"]] == ["TP", "NH3_N"]
    assert four["main_pollutants"][0] == {
        "key": "TP", "name": "总磷", "name_en": "TP", "indicator_class": "IV", "multiple": 0.25,
    }  # fmt: skip
    assert four["main_pollutants_label"] == "总磷(0.25)、氨氮(0.2)"
    assert four["meets_target"] is False

    bad = got["W-BAD"]
    assert bad["section_class"] == "劣V" and bad["class_rank"] == 6 and bad["status"] == "重度污染"
    assert bad["target_class"] == "IV"  # stored as the number 4
    # (2.5 − 1)/1 = 1.5, (0.45 − 0.2)/0.2 = 1.25, (12 − 6)/6 = 1.0; none for DO
    assert bad["over_standard_multiples"] == pytest.approx({"NH3_N": 1.5, "TP": 1.25, "CODMn": 1.0})
    assert [p["key"] for p in bad["main_pollutants"]] == ["NH3_N", "TP", "DO"]
    assert bad["main_pollutants"][2]["multiple"] is None
    assert bad["main_pollutants_label"] == "氨氮(1.5)、总磷(1.25)、溶解氧"

    empty = got["W-EMPTY"]
    assert (
        empty["section_class"] is None and empty["meets_target"] is None and empty["time"] is None
    )


def test_summary_counts(client):
    summary = client.get("/api/v1/water/sections/latest").json()["summary"]
    assert summary["sections"] == 6 and summary["assessed"] == 5
    assert summary["by_class"] == {"I": 1, "II": 1, "III": 1, "IV": 1, "V": 0, "劣V": 1}
    # targets met: W-I (I ≤ II) and W-RIVER (II ≤ II) of the 5 assessed → 40 %
    assert summary["with_target"] == 5 and summary["meeting_target"] == 2
    assert summary["compliance_rate"] == 40.0
    assert summary["good_rate"] == 60.0  # classes I–III: 3 of 5
    assert summary["worse_than_v_rate"] == 20.0
    assert summary["networks"] == {"national": 3, "provincial": 3}
    assert summary["latest_time"].startswith("2026-11-29T02:00")


def test_a_city_user_sees_only_their_city(client):
    r = client.post("/api/v1/auth/login", data={"username": "nb", "password": "ningbo-pass-123"})
    token = r.json()["access_token"]
    client.cookies.clear()
    body = client.get("/api/v1/water/sections/latest",
                      headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
    assert sorted(_by_code(body)) == ["W-BAD", "W-IV"]
    assert body["summary"]["sections"] == 2 and body["summary"]["compliance_rate"] == 0.0


def test_empty_scope_has_no_rates(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        assert get_sections_latest(s, PUBLIC_SCOPE) == []
    summary = summarise_sections([])
    assert summary.compliance_rate is None and summary.good_rate is None
    assert summary.by_class == {"I": 0, "II": 0, "III": 0, "IV": 0, "V": 0, "劣V": 0}


def test_hj212_codes_map_to_gb3838_keys():
    assert dict(WATER_KEYS) == {"w01001": "pH", "w01009": "DO", "w01019": "CODMn",
                                "w21003": "NH3_N", "w21011": "TP", "w21001": "TN"}  # fmt: skip
    # water temperature has no class limits and is left out
    assert concentrations_of({"w01010": 18.0, "w21003": 0.5}) == {"NH3_N": 0.5}
