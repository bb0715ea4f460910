"""Recomputation after a factor correction: new versions where the factor was used (the old
kept, ``current=False``, the reason recorded), none where it was not, none on a second run; a
correction dropped in the data dir is picked up by :func:`service.library_of`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from qingshan.carbon import service
from qingshan.carbon.account import account
from qingshan.carbon.activity import ActivityMonth, FuelUse
from qingshan.carbon.errors import BadActivity
from qingshan.carbon.factors import load_library
from qingshan.carbon.models import CarbonResult
from qingshan.carbon.results import results_frame
from qingshan.db.engine import session_scope

from .conftest import NOW, PROVINCE, corrected

JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


def _seed(engine, world) -> None:
    lib = load_library()
    with session_scope(engine) as s:
        for m in (JAN, FEB):
            # the plant burns raw coal; the mill only buys electricity
            service.submit_activity(s, PROVINCE, ActivityMonth(
                world.power, m, fuels=(FuelUse("raw_coal", 1000.0, "t"),)), source="sim",
                actor="sim", library=lib, now=NOW)  # fmt: skip
            service.submit_activity(s, PROVINCE, ActivityMonth(
                world.dyeing[0], m, electricity_purchased_mwh=100.0), source="sim", actor="sim",
                library=lib, now=NOW)  # fmt: skip


def test_a_correction_writes_new_versions_and_keeps_the_old(engine, carbon_world):
    _seed(engine, carbon_world)
    lib = load_library()
    coal = lib.fuel("raw_coal", JAN)
    fixed = lib.with_override(corrected(coal, cc=0.02700))  # a corrected carbon content
    with session_scope(engine) as s:
        n = service.recompute(s, fixed, reason="raw coal CC 0.02700 per lab test", now=NOW)
    assert n == 2  # the plant's two months; the mill's electricity-only months are unchanged
    with session_scope(engine) as s:
        rows = s.scalars(select(CarbonResult).where(CarbonResult.enterprise_id == carbon_world.power,
                                                    CarbonResult.month == JAN)
                         .order_by(CarbonResult.version)).all()  # fmt: skip
        assert [(r.version, r.current) for r in rows] == [(1, False), (2, True)]
        assert rows[1].reason == "factor correction: raw coal CC 0.02700 per lab test"
        assert rows[1].library_version == fixed.version != rows[0].library_version
        # 1000 t × 20.908 GJ/t × CC × 0.94 × 44/12: the ratio of the two is 0.02700 / 0.02637
        assert rows[1].total_tco2 / rows[0].total_tco2 == pytest.approx(0.02700 / 0.02637)
        assert rows[1].data["factors"][coal.id]["params"]["cc"] == 0.027
        mill = s.scalars(select(CarbonResult).where(
            CarbonResult.enterprise_id == carbon_world.dyeing[0])).all()  # fmt: skip
        assert {(r.version, r.current) for r in mill} == {(1, True)}
        acc = account(s, PROVINCE, carbon_world.power, 2026)
        assert [v.version for v in acc.months[0].versions] == [2, 1]
        assert acc.months[0].versions[1].reason == "computed"
        # a second run with the same library changes nothing
        assert service.recompute(s, fixed, reason="again", now=NOW) == 0
        # restricted to one month: only that month
        back = service.recompute(s, lib, reason="undo", months=[FEB], now=NOW)
        assert back == 1


def test_a_correction_in_the_data_dir_is_in_force(engine, carbon_world, tmp_path):
    _seed(engine, carbon_world)
    lib = load_library()
    heat_dir = tmp_path / "carbon" / "factors"
    heat_dir.mkdir(parents=True)
    grid = lib.get("grid/ets/2022").to_json() | {"value": 0.5810, "source": "test correction"}
    (heat_dir / "correction.json").write_text(json.dumps({
        "header": {"source": "a test", "licence": "CC0"}, "factors": [grid]}), "utf-8")  # fmt: skip
    in_dir = service.library_of(tmp_path)
    assert in_dir.get("grid/ets/2022").value == 0.5810
    with session_scope(engine) as s:
        n = service.recompute(s, in_dir, reason="grid factor corrected", now=NOW)
        frame = results_frame(s, PROVINCE, year_from=2026, year_to=2026)
    assert n == 2  # the mill's two months (the plant buys no electricity)
    mill = frame[frame["enterprise_id"] == carbon_world.dyeing[0]]
    assert list(mill["total_tco2"]) == pytest.approx([58.1, 58.1])  # 100 MWh × 0.5810
    with pytest.raises(BadActivity, match="needs a reason"):
        with session_scope(engine) as s:
            service.recompute(s, in_dir, reason="  ")
