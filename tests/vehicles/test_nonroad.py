"""Non-road machinery: the registry (form and file, all or nothing, errors named per row) and
the low-emission-zone check (a zones layer of kind low_emission) opening one case per machine
and zone, idempotently — on SQLite and PostgreSQL (the ``session`` fixture)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.vehicles import nonroad_service as ns
from qingshan.vehicles.errors import ImportRejected
from qingshan.vehicles.models import NonRoadMachine
from qingshan.vehicles.nonroad import parse_machine
from qingshan.zones import service as zones_service
from qingshan.zones.errors import LayerRejected
from qingshan.zones.layers import LayerKind, prohibited_stages
from qingshan.zones.service import LayerMeta

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
HZ = Scope("330100", Role.CITY, username="hz")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
# a square around West Lake (120.10–120.20 E, 30.20–30.30 N)
SQUARE = [[120.10, 30.20], [120.20, 30.20], [120.20, 30.30], [120.10, 30.30], [120.10, 30.20]]


def _lez(level: str = "国II") -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
        "properties": {"code": "LEZ-HZ-1", "name": "杭州市高排放非道路移动机械禁用区", "level": level}}]}).encode()  # fmt: skip


ROWS = [
    ["环保编码", "机械类型", "排放阶段", "额定功率", "所属单位", "行政区划代码", "登记日期", "作业地点", "经度", "纬度"],
    ["HZ000001", "挖掘机", "国二", "92", "甲建设公司", "330106", "2024-03-01", "湖滨工地", "120.16", "30.25"],
    ["HZ000002", "叉车", "国三", "40", "甲建设公司", "330106", "2024-03-01", "湖滨工地", "120.16", "30.25"],
    ["HZ000003", "发电机组", "国一", "60", "乙公司", "330106", "2024-03-01", "城外", "120.40", "30.40"],
    ["HZ000004", "装载机", "国I", "120", "丙公司", "330106", "2024-03-01", "边界上", "120.20", "30.25"],
]  # fmt: skip


def test_one_machine_is_validated_with_every_problem_named():
    row, p = parse_machine({"code": "hz000009", "kind": "推土机", "engine_stage": "国Ⅲ", "owner": "甲",
                            "region_code": "330106", "registered": "2024/05/01"}, today=TODAY)  # fmt: skip
    assert p == [] and row is not None
    assert (row.code, row.kind, row.engine_stage, row.lon) == (
        "HZ000009",
        "bulldozer",
        "国III",
        None,
    )
    _, p = parse_machine({"code": "x!", "kind": "坦克", "engine_stage": "国五", "owner": "",
                          "region_code": "110101", "registered": "2027-01-01", "lon": "30.25",
                          "lat": "120.16", "power_kw": "-3"}, today=TODAY)  # fmt: skip
    assert p == [
        "owner: missing",
        "code: 'X!' is not 6–32 letters or digits",
        p[2],  # the scope list, named in full
        "engine_stage: '国五' is not one of 国I, 国II, 国III, 国IV (GB 20891)",
        "power_kw: -3 is outside 0–5000 kW",
        "region_code: '110101' is not a 6-digit Zhejiang code (33xxxx)",
        "registered: 2027-01-01 is in the future",
        "lon, lat: 30.25, 120.16 is outside Zhejiang; latitude and longitude look swapped",
    ]
    assert p[2].startswith("kind: '坦克' is not a GB 36886-2018 scope type (装载机, 挖掘机")


def test_file_import_is_all_or_nothing_and_names_rows(session):
    seed_regions(session)
    bad = [*ROWS, ["HZ000001", "挖掘机", "国二", "", "丁", "330106", "2024-01-01", "", "", ""],
           ["HZ000005", "挖掘机", "国二", "", "丁", "330206", "2024-01-01", "", "120.1", ""]]  # fmt: skip
    with pytest.raises(ImportRejected) as e:
        ns.import_machines(session, HZ, bad, today=TODAY)
    assert e.value.problems == [
        "row 6: code: HZ000001 is also on row 2",
        "row 7: lon, lat: give both or neither",
    ]
    assert session.scalar(select(func.count()).select_from(NonRoadMachine)) == 0
    out_of_scope = [
        ROWS[0],
        ["NB000001", "叉车", "国三", "", "宁波公司", "330203", "2024-01-01", "", "", ""],
    ]
    with pytest.raises(
        ImportRejected, match=r"row 2: region_code: 330203 is outside your scope \(330100\)"
    ):
        ns.import_machines(session, HZ, out_of_scope, today=TODAY)
    assert ns.import_machines(session, HZ, ROWS, today=TODAY) == 4
    with pytest.raises(ImportRejected, match="row 3: code: HZ000002 is already registered"):
        ns.import_machines(session, HZ, ROWS[:3], today=TODAY)
    with pytest.raises(PermissionDenied):
        ns.import_machines(
            session, Scope("330106", Role.ENTERPRISE, username="e"), ROWS, today=TODAY
        )
    m = ns.register_machine(session, XIHU, {"code": "XH000001", "kind": "压路机", "engine_stage": "国四",
                            "owner": "戊", "region_code": "330106", "registered": "2025-01-02"}, today=TODAY)  # fmt: skip
    assert m.id and m.kind == "roller"
    rows, total = ns.list_machines(session, HZ, stage="国II")
    assert total == 1 and rows[0].code == "HZ000001"
    assert ns.count_by(session, HZ, "engine_stage") == {"国I": 2, "国II": 1, "国III": 1, "国IV": 1}
    assert ns.list_machines(session, Scope("330200", Role.CITY, username="nb"))[1] == 0


def test_low_emission_zone_layer_and_cases(session):
    seed_regions(session)
    assert prohibited_stages("国II") == ("国I", "国II")
    with pytest.raises(LayerRejected, match=r"level.*'国IV' is not one of 国I, 国II, 国III"):
        zones_service.import_layer(session, HZ, LayerMeta(LayerKind.LOW_EMISSION, "x", "bad", "330100",
                                   date(2024, 1, 1)), _lez("国IV"), "lez.geojson", actor="hz", now=NOW)  # fmt: skip
    zones_service.import_layer(session, HZ, LayerMeta(LayerKind.LOW_EMISSION, "杭州市禁用区", "2024", "330100",
                               date(2024, 1, 1)), _lez("国II"), "lez.geojson", actor="hz", now=NOW)  # fmt: skip
    ns.import_machines(session, HZ, ROWS, today=TODAY)
    hits = ns.check_lez(session, HZ, TODAY)
    # 000001 国II inside; 000004 国I on the edge; 000002 国III allowed; 000003 outside
    assert [(h.machine_code, h.engine_stage, h.zone.code) for h in hits] == [
        ("HZ000001", "国II", "LEZ-HZ-1"),
        ("HZ000004", "国I", "LEZ-HZ-1"),
    ]
    assert ns.check_lez(session, HZ, date(2023, 12, 31)) == []  # the layer not yet in force
    first = ns.open_lez_cases(session, HZ, CASES_SINK, on=TODAY, found_at=NOW)
    again = ns.open_lez_cases(session, HZ, CASES_SINK, on=TODAY, found_at=NOW)
    assert first == again and len(set(first.values())) == 2
    assert session.scalar(select(func.count()).select_from(CaseRecord)) == 2
    case = session.get(CaseRecord, first[next(iter(first))])
    assert case.category == "air_pollution" and "禁止使用国I、国II" in case.description
