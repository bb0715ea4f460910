"""The sites area's pure core: the stage rule (forward one step, backwards only with a reason,
both stages named), the safe-use rate with hand-worked numbers, the boundary's area on the
Gauss–Krüger plane against a hand computation, and sample rows judged by GB 36600-2018 with
every bad row named."""

from __future__ import annotations

import math
from datetime import date

import pytest

from qingshan.soil.sites.boundary import gauss_kruger_epsg, parse_boundary
from qingshan.soil.sites.errors import SiteError
from qingshan.soil.sites.landuse import land_category
from qingshan.soil.sites.safe_use import ReuseRecord, safe_use_rate
from qingshan.soil.sites.samples import check_samples, parse_sample_table
from qingshan.soil.sites.stages import check_move
from qingshan.standards import soil_construction as sc


def test_stage_moves_forward_one_step_and_back_only_with_a_reason():
    assert check_move("investigation", "risk_assessment") is False
    assert check_move("risk_assessment", "control") is False
    assert check_move("risk_assessment", "remediation") is False
    assert check_move("remediation", "effect_evaluation") is False
    assert check_move("effect_evaluation", "removed") is False
    with pytest.raises(SiteError, match=r"'investigation' → 'remediation' skips a stage"):
        check_move("investigation", "remediation")
    with pytest.raises(SiteError, match=r"moving back from 'effect_evaluation' to 'remediation' "
                                        r"needs a reason"):  # fmt: skip
        check_move("effect_evaluation", "remediation")
    assert check_move("effect_evaluation", "remediation", "效果评估未通过") is True
    with pytest.raises(SiteError, match="from 'control' to 'remediation' needs a reason"):
        check_move("control", "remediation", "  ")
    with pytest.raises(SiteError, match="already at 'control'"):
        check_move("control", "control", "x")
    with pytest.raises(SiteError, match="'closed' is not a stage"):
        check_move("control", "closed")


def test_safe_use_rate_hand_worked():
    on = date(2026, 12, 31)
    recs = [
        # first-category, re-used after the targets were met (removed 2024-05-01): safe
        ReuseRecord("A", 1, date(2024, 6, 1), date(2024, 5, 1)),
        # the same day counts as met before re-use
        ReuseRecord("B", 1, date(2025, 3, 1), date(2025, 3, 1)),
        # re-used before the targets were met: unsafe
        ReuseRecord("C", 1, date(2025, 1, 1), date(2025, 2, 1)),
        # re-used, never removed from the register: unsafe
        ReuseRecord("D", 1, date(2026, 1, 1), None),
        # second category: not counted
        ReuseRecord("E", 2, date(2025, 1, 1), None),
        # not re-used yet, or after the day counted: not counted
        ReuseRecord("F", 1, None, date(2024, 1, 1)),
        ReuseRecord("G", 1, date(2027, 1, 1), date(2026, 1, 1)),
    ]
    r = safe_use_rate(recs, on)
    assert (r.safe, r.reused, r.unsafe) == (2, 4, ("C", "D"))
    assert r.rate == 50.0  # 2 / 4
    # 11 safe of 12: 91.67 % (below the plan's 92 %)
    many = [ReuseRecord(f"S{i}", 1, date(2025, 1, 2), date(2025, 1, 1)) for i in range(11)]
    many.append(ReuseRecord("U", 1, date(2025, 1, 2), None))
    assert safe_use_rate(many, on).rate == 91.67
    assert safe_use_rate([], on).rate is None
    assert safe_use_rate(recs[4:], on).rate is None  # no first-category re-use: no data


def test_planned_use_gives_the_land_category():
    assert land_category("residential") == 1 and land_category("school") == 1
    assert land_category("industrial") == 2 and land_category("commercial") == 2
    with pytest.raises(SiteError, match="'farm' is not a planned use"):
        land_category("farm")


def test_boundary_area_against_a_hand_computation():
    # a 0.002° × 0.001° box at 120°E (EPSG:4549's central meridian), 30.2°N:
    # 0.001° lat ≈ 110 851 m × 0.001 = 110.85 m; 0.002° lon ≈ 111 320 · cos 30.2° · 0.002 =
    # 192.4 m (the ellipsoid's prime-vertical radius gives 192.7 m) → ≈ 21 360 m²
    box = {"type": "Polygon", "coordinates": [[[120.0, 30.2], [120.002, 30.2], [120.002, 30.201],
                                               [120.0, 30.201], [120.0, 30.2]]]}  # fmt: skip
    b = parse_boundary(box)
    hand = (111_320 * math.cos(math.radians(30.2005)) * 0.002) * (110_851 * 0.001)
    assert b.area_m2 == pytest.approx(hand, rel=3e-3)
    assert 120.0 < b.lon < 120.002 and 30.2 < b.lat < 30.201
    assert gauss_kruger_epsg(120.0) == 4549 and gauss_kruger_epsg(121.6) == 4550
    bow = {"type": "Polygon", "coordinates": [[[120.0, 30.2], [120.002, 30.201], [120.002, 30.2],
                                               [120.0, 30.201], [120.0, 30.2]]]}  # fmt: skip
    with pytest.raises(SiteError, match=r"boundary: not a valid polygon \(Self-intersection"):
        parse_boundary(bow)
    with pytest.raises(SiteError, match="type 'Point' is not Polygon"):
        parse_boundary({"type": "Point", "coordinates": [120, 30]})
    far = {"type": "Polygon", "coordinates": [[[116.0, 39.9], [116.01, 39.9], [116.01, 39.91],
                                               [116.0, 39.9]]]}  # fmt: skip
    with pytest.raises(SiteError, match="lies outside Zhejiang"):
        parse_boundary(far)


def _row(**kw):
    row = {"point": "S1", "depth_m": 0.5, "unit": "mg/kg", "sampled_on": "2026-11-02",
           "values": {"Pb": 350}}  # fmt: skip
    row.update(kw)
    return row


def test_samples_judged_by_gb36600_from_the_tables_own_values():
    pb = sc.ITEMS["Pb"]
    s1, i1 = pb.screening[0], pb.intervention[0]  # first category (Table 1)
    rows = [_row(values={"Pb": s1}), _row(point="S2", values={"Pb": s1 + 1}),
            _row(point="S3", values={"铅": i1 + 1, "苯": 0.1})]  # fmt: skip
    out = check_samples(rows, 1)
    assert [s.level for s in out] == ["within_screening", "over_screening", "over_intervention"]
    assert out[2].over_intervention == ("Pb",) and out[2].values == {"Pb": i1 + 1, "benzene": 0.1}
    # the same content on second-category land (Pb 800 / 2500 mg/kg) is within screening
    assert check_samples([_row(values={"Pb": s1 + 1})], 2)[0].level == "within_screening"


def test_bad_sample_rows_are_each_named():
    rows = [_row(depth_m=None), _row(unit=""), _row(unit="µg/kg"), _row(values={"铅X": 1}),
            _row(sampled_on="2026-13-01"), _row(values={"Pb": -1}), _row(lon=0, lat=0),
            _row()]  # fmt: skip
    with pytest.raises(SiteError) as err:
        check_samples(rows, 1)
    p = err.value.problems
    assert p[0] == "sample 1: depth_m: missing (the sampling depth in m is required)"
    assert p[1] == "sample 2: unit: missing (mg/kg is required)"
    assert p[2].startswith("sample 3: unit: 'µg/kg' is not mg/kg")
    assert p[3].startswith("sample 4: item '铅X': unknown indicator")
    assert p[4].startswith("sample 5: sampled_on:")
    assert p[5] == "sample 6: values.Pb: -1 mg/kg is negative"
    assert p[6] == "sample 7: lon/lat: (0, 0) lies outside Zhejiang"
    assert len(p) == 7


def test_a_sample_table_with_an_unknown_item_column_is_refused_naming_it():
    good = "点位,深度,单位,采样日期,铅,苯并[a]芘\nS1,0.5,mg/kg,2026-11-02,120,0.3\n"
    rows, where = parse_sample_table(good.encode(), "s.csv", max_bytes=10**6)
    assert where == ["row 2"] and rows[0]["values"] == {"Pb": "120", "benzo_a_pyrene": "0.3"}
    bad = "点位,深度,单位,采样日期,铅,硼砂\nS1,0.5,mg/kg,2026-11-02,120,3\n"
    with pytest.raises(SiteError, match=r"row 1, column F \(硼砂\): item '硼砂'"):
        parse_sample_table(bad.encode(), "s.csv", max_bytes=10**6)
    nodepth = "点位,单位,采样日期,铅\nS1,mg/kg,2026-11-02,120\n"
    with pytest.raises(SiteError, match="column depth_m missing"):
        parse_sample_table(nodepth.encode(), "s.csv", max_bytes=10**6)


def test_the_api_lists_every_planned_use():
    from typing import get_args

    from qingshan.soil.sites.api import PlannedUse
    from qingshan.soil.sites.landuse import PLANNED_USES

    assert set(get_args(PlannedUse)) == set(PLANNED_USES)


def test_a_sample_workbook_is_read_by_its_content():
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["点位", "深度", "单位", "采样日期", "六价铬", "71-43-2"])
    ws.append(["S1", 0.5, "mg/kg", "2026-11-02", 3.5, 0.2])
    buf = io.BytesIO()
    wb.save(buf)
    rows, where = parse_sample_table(buf.getvalue(), "upload", max_bytes=10**6)
    assert where == ["row 2"] and rows[0]["values"] == {"Cr6": 3.5, "benzene": 0.2}
    out = check_samples(rows, 1, where=where)
    assert out[0].depth_m == 0.5 and out[0].values == {"Cr6": 3.5, "benzene": 0.2}
