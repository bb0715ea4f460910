"""Importing vehicles and I/M tests from CSV / Excel into the Parquet store: per-row problems,
all or nothing, pass/fail computed, tests partitioned by CST month, uncommitted files unseen."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from qingshan.vehicles.errors import ImportRejected
from qingshan.vehicles.judge import LimitTable
from qingshan.vehicles.service import get_store, import_tests, import_vehicles, read_rows

# test-only limits (NOT the standards' values): free acceleration k ≤ 2.0 (a) / 1.0 (b)
TABLE = LimitTable.from_dict(
    {
        "limit_set_b_from": {"national": {"date": "2023-07-01"}},
        "cells": [
            {"method": "free_accel", "limit_set": ls, "item": "k", "column": "k_m1", "unit": "m⁻¹",
             "standard": "GB 3847-2018", "table": "test", "confidence": "test", "source": "test", "max": mx}
            for ls, mx in (("a", 2.0), ("b", 1.0))
        ],
    }
)  # fmt: skip

VEHICLES_CSV = """车辆识别代号,号牌号码,号牌种类,燃料种类,车辆类别,注册登记日期,行政区划代码,所有人类型
LFV2A21K573123456,浙A12345,小型汽车,汽油,轻型载客,2019-08-01,330106,个人
1M8GDM9AXKP042788,浙AD12345,new_energy_small,hybrid,light_passenger,2021/3/5,330102,company
"""


def _csv(text: str) -> list[list[str]]:
    return read_rows(text.encode("utf-8"))


def test_vehicles_import_and_read_back(tmp_path):
    store = get_store(tmp_path)
    result = import_vehicles(store, _csv(VEHICLES_CSV))
    assert result.rows == 2
    got = store.read_vehicles().sort_values("plate").reset_index(drop=True)
    assert list(got["plate"]) == ["浙A12345", "浙AD12345"]
    assert list(got["stage"]) == ["国VI", "国VI"]  # computed from fuel, category, date (Zhejiang)
    assert list(got["fuel"]) == ["gasoline", "hybrid"]
    # the same VINs again: refused, nothing added
    with pytest.raises(ImportRejected, match=r"row 2: vin: LFV2A21K573123456 is already stored"):
        import_vehicles(store, _csv(VEHICLES_CSV))
    assert len(store.read_vehicles()) == 2


def test_bad_vehicle_rows_are_all_named_and_nothing_is_stored(tmp_path):
    store = get_store(tmp_path)
    bad = VEHICLES_CSV + (
        "LFV2A21K673123456,浙A1O345,小型汽车,汽油,轻型载客,2019-08-01,330106,个人\n"
        "LFV2A21K573123456,浙AD12345,小型汽车,柴油,拖拉机,2019-08-01,3301,个人\n"
    )
    with pytest.raises(ImportRejected) as info:
        import_vehicles(store, _csv(bad))
    problems = info.value.problems
    assert (
        "row 4: vin: VIN 'LFV2A21K673123456': position 9: check digit is '6', the other 16 characters give '5'"
        in problems
    )
    assert any(p.startswith("row 4: plate: plate '浙A1O345': position 4: 'O'") for p in problems)
    assert any(p.startswith("row 5: category: '拖拉机' is not one of") for p in problems)
    assert (
        "row 5: plate: plate '浙AD12345' is a new_energy_small plate, but plate_type is 'small'"
        in problems
    )
    assert "row 5: region_code: '3301' is not a 6-digit region code" in problems
    assert "row 5: vin: LFV2A21K573123456 already on row 2" in problems
    assert store.read_vehicles().empty
    assert not list(tmp_path.rglob("*.parquet"))


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["机动车排放检验记录"])  # a title row above the header
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["检验流水号", "VIN", "号牌号码", "检验机构编码", "检测线号", "检测方法", "检验类别", "检测开始时间",
          "检测结束时间", "k_m1", "检验结论"]  # fmt: skip


def _test_row(tid, k, start="2023-07-01 08:00:00", method="自由加速法", verdict="合格"):
    return [
        tid,
        "LFV2A21K573123456",
        "浙A12345",
        "S330106001",
        1,
        method,
        "初检",
        start,
        "2023-07-01 08:06:00",
        k,
        verdict,
    ]


def test_tests_import_judges_and_partitions_by_cst_month(tmp_path):
    store = get_store(tmp_path)
    rows = read_rows(_xlsx([HEADER, _test_row("T1", 0.9), _test_row("T2", 1.5),
                            _test_row("T3", 1.5, start="2023-06-30 23:59:00")]))  # fmt: skip
    result = import_tests(store, rows, table=TABLE)
    assert result.rows == 3
    got = store.read_tests().set_index("test_id").sort_index()
    # the file's 检验结论 (合格) is ignored: T2 fails 限值b (k 1.5 > 1.0); T3 is June CST → 限值a
    assert list(got["passed"]) == [True, False, True]
    assert list(got["limit_set"]) == ["b", "b", "a"]
    assert got.loc["T1", "started_at"] == pd.Timestamp("2023-07-01 00:00", tz="UTC")
    assert str(got["started_at"].dtype) == "datetime64[ns, UTC]"
    months = sorted(p.parent.name for p in (tmp_path / "vehicles" / "im_tests").rglob("*.parquet"))
    assert months == ["month=2023-06", "month=2023-07"]
    assert len(store.read_tests(months=["2023-06"])) == 1


def test_bad_test_rows_are_all_named_and_nothing_is_stored(tmp_path):
    store = get_store(tmp_path)
    import_tests(store, read_rows(_xlsx([HEADER, _test_row("T1", 0.9)])), table=TABLE)
    rows = read_rows(_xlsx([HEADER, _test_row("T9", 0.5), _test_row("T1", 0.5), _test_row("T8", 17.0),
                            _test_row("T7", 0.5, method="加载减速法"), _test_row("T9", 0.5)]))  # fmt: skip
    with pytest.raises(ImportRejected) as info:
        import_tests(store, rows, table=TABLE)
    problems = info.value.problems
    assert "row 5: k_m1: 17 is outside the instrument's range 0–16" in problems
    assert "row 6: nox_ppm: missing — a lug_down test needs it" in problems
    assert "row 7: test_id: T9 already on row 3" in problems
    assert "row 4: test_id: T1 is already stored" in problems
    assert len(store.read_tests()) == 1
    # without those rows, the stored T1 is the duplicate; the missing lug-down limit is named per row
    rows = read_rows(_xlsx([HEADER, _test_row("T1", 0.5)]))
    with pytest.raises(ImportRejected, match=r"row 3: test_id: T1 is already stored"):
        import_tests(store, rows, table=TABLE)
    lug = _test_row("T7", 0.5, method="加载减速法") + [300]
    rows = read_rows(_xlsx([[*HEADER, "nox_ppm"], lug]))
    with pytest.raises(
        ImportRejected,
        match=r"row 3: limit: no limit for method 'lug_down', limit set 'b', item 'k_m1'",
    ):
        import_tests(store, rows, table=TABLE)
    assert len(store.read_tests()) == 1


def test_a_batch_without_its_commit_record_is_invisible(tmp_path):
    store = get_store(tmp_path)
    import_vehicles(store, _csv(VEHICLES_CSV))
    # a writer killed after placing its file, before the commit record
    orphan = tmp_path / "vehicles" / "vehicles" / "part-deadbeef.parquet"
    pq.write_table(pa.table({"vin": ["X"]}), orphan)
    assert len(store.read_vehicles()) == 2
    assert store.discard_uncommitted() == [orphan]
    assert not orphan.exists()


def test_a_file_without_its_header_or_columns_is_named(tmp_path):
    store = get_store(tmp_path)
    with pytest.raises(
        ImportRejected, match=r"file: no header row with a VIN / 车辆识别代号 column"
    ):
        import_vehicles(store, _csv("a,b\n1,2\n"))
    with pytest.raises(
        ImportRejected, match=r"row 1: header: missing column\(s\) plate_type, owner_type"
    ):
        import_vehicles(store, _csv("VIN,号牌号码,燃料种类,车辆类别,注册登记日期,行政区划代码\n"))
    gbk = VEHICLES_CSV.encode("gbk")  # bureaus' spreadsheets often save CSV as GBK
    assert import_vehicles(store, read_rows(gbk)).rows == 2
