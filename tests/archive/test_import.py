"""Importing the archive's exchange file (issue #12): a good workbook and the same as GBK CSV
files import with their counts; bad rows refuse the whole file, each named by sheet, row,
column and reason (through the archive's own rules); a round trip export → import changes
nothing; a dry run stores nothing; region scope; the size cap; wrong sheets and columns."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.export import archive_tables, export_csv_zip, export_xlsx
from qingshan.archive.import_archive import ArchiveImportRejected, import_archive
from qingshan.archive.import_layout import template_xlsx
from qingshan.archive.models import Enterprise, EnterpriseChange, Permit, PermitCap, PermitLimit
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import Site

from .import_world import COUNTS, DYE, P1, PAPER, POWER, SHEET_ROWS, changed, csv_files, xlsx

PROVINCE = Scope(region_code="330000", role=Role.PROVINCE, username="province")
HANGZHOU = Scope(region_code="330100", role=Role.CITY, username="hangzhou")
MB = 2**20


@pytest.fixture
def s(session):
    seed_regions(session)
    session.flush()
    return session


def _import(s, files, **kw):
    kw = {"actor": "tester", "max_bytes": 10 * MB} | kw
    return import_archive(s, files, **kw)


def _stored(s) -> tuple[int, ...]:
    return tuple(
        s.scalar(select(func.count()).select_from(t))
        for t in (Enterprise, Site, Permit, PermitLimit, PermitCap)
    )


def _problems(exc) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.header) for p in exc.value.problems]


def test_a_good_workbook_imports_with_its_counts(s):
    result = _import(s, [("archive.xlsx", xlsx())])
    assert result.rows == sum(COUNTS.values()) == 21
    assert result.counts() == {
        "企业": {"new": 3},
        "排口": {"new": 4},
        "排污许可证": {"new": 3, "version": 1},
        "许可限值": {"new": 10},
    }
    # 3 enterprises, 4 outlets, 4 permit versions, 7 concentration limits, 3 caps
    assert _stored(s) == (3, 4, 4, 7, 3)
    power = s.scalar(select(Enterprise).where(Enterprise.credit_code == POWER))
    assert (power.region_code, power.industry.value, power.key_categories) == (
        "330106",
        "thermal_power",
        ["water", "air"],
    )
    assert power.contacts == [{"name": "陈立新", "role": "环保负责人", "phone": "0571-87651234"}]
    v1, v2 = s.scalars(select(Permit).where(Permit.number == P1).order_by(Permit.version))
    assert (v1.version, v2.version, v1.superseded_by_id) == (1, 2, v2.id)
    nox = s.scalar(
        select(PermitLimit).where(
            PermitLimit.permit_id == v2.id, PermitLimit.parameter_code == "a21002"
        )
    )
    assert (nox.limit, nox.unit, nox.averaging) == (50.0, "mg/m³", "hour")  # "NOx" read as a21002
    paper = s.scalar(select(Enterprise).where(Enterprise.credit_code == PAPER))
    assert (paper.status, paper.key_unit, paper.region_code) == ("suspended", False, "330402")
    assert s.scalar(select(func.count()).select_from(EnterpriseChange)) == 3  # one history row each


def test_the_same_as_gbk_csv_files(s):
    files = csv_files("gbk")
    with pytest.raises(UnicodeDecodeError):
        files[0][1].decode("utf-8")  # really GBK
    result = _import(s, files)
    assert result.rows == 21 and _stored(s) == (3, 4, 4, 7, 3)
    assert (
        s.scalar(select(Enterprise.name).where(Enterprise.credit_code == DYE))
        == "杭州萧然印染有限公司"
    )


def test_three_bad_rows_import_nothing_and_each_is_named(s):
    sheets = changed("企业", 2, "统一社会信用代码", "91330106MA2H7K3B8A")  # check character: 0
    sheets["企业"][3][sheets["企业"][0].index("所在区县")] = "西湖县"  # no such county
    sheets["许可限值"][8][sheets["许可限值"][0].index("单位")] = "mg/m³"  # NH3-N is in mg/L
    with pytest.raises(ArchiveImportRejected, match="nothing was imported: 3 problem") as exc:
        _import(s, [("bad.xlsx", xlsx(sheets))])
    assert _problems(exc) == [
        ("企业", 2, "A", "统一社会信用代码"),
        ("企业", 4, "E", "所在区县"),
        ("许可限值", 9, "F", "单位"),
    ]
    code, region, unit = (p.message for p in exc.value.problems)
    assert "check character (position 18) is 'A', expected '0'" in code
    assert "'西湖县' names no county of Zhejiang" in region
    assert "the limit of w21003 (氨氮) at 913301097042156AXT-DW001 is in 'mg/m³'" in unit
    assert "gives 'mg/L'" in unit
    assert _stored(s) == (0, 0, 0, 0, 0)


def test_overlapping_validity_and_a_bad_cap_are_named_on_their_rows(s):
    _import(s, [("a.xlsx", xlsx())])
    second = {
        "排污许可证": [SHEET_ROWS["排污许可证"][0], [f"{DYE}002P", None, DYE, "简化", "2027-01-01", "2031-12-31", "", "新证"]],
        "许可限值": [SHEET_ROWS["许可限值"][0], [f"{DYE}002P", None, None, "w01001", None, None, None, None, 3]],
    }  # fmt: skip
    with pytest.raises(ArchiveImportRejected) as exc:
        _import(s, [("b.xlsx", xlsx(second))])
    assert _problems(exc) == [
        ("排污许可证", 2, "E", "有效期起"),
        ("许可限值", 2, "D", "污染物代码"),
    ]
    overlap, cap = (p.message for p in exc.value.problems)
    assert "overlaps permit 913301097042156AXT001P v1 (2023-03-01–2028-02-29)" in overlap
    assert "a pollutant with a discharged mass" in cap


def test_a_changed_permit_is_a_new_version_and_a_dry_run_stores_nothing(s):
    _import(s, [("a.xlsx", xlsx())])
    before = _stored(s)
    sheets = changed("排污许可证", 4, "有效期止", "2030-02-28")  # the dyeing works' permit renewed
    preview = _import(s, [("c.xlsx", xlsx(sheets))], dry_run=True)
    assert _stored(s) == before
    (change,) = [c for c in preview.changes if c.action != "unchanged" and c.sheet == "排污许可证"]
    assert (change.row, change.action, change.key) == (4, "version", "913301097042156AXT001P v2")
    assert [str(v) for v in change.fields["valid_to"]] == ["2028-02-29", "2030-02-28"]
    _import(s, [("c.xlsx", xlsx(sheets))])
    assert _stored(s) == (3, 4, 5, 9, 4)  # v2 of the dyeing permit: 2 limits, 1 cap
    # a version on file is history: changing it in place is refused
    bad = changed("许可限值", 2, "浓度限值", 45)
    with pytest.raises(
        ArchiveImportRejected,
        match="version 1 of 91330106MA2H7K3B80001P is on file with other values",
    ):
        _import(s, [("d.xlsx", xlsx(bad))])


def test_round_trip_export_then_import_changes_nothing(s):
    _import(s, [("a.xlsx", xlsx())])
    tables = archive_tables(s, PROVINCE)
    assert {k: len(v) for k, v in tables.rows.items()} == COUNTS
    book = export_xlsx(tables)
    wb = load_workbook(io.BytesIO(book))
    assert wb.sheetnames == ["企业", "排口", "排污许可证", "许可限值"]
    changes = s.scalar(select(func.count()).select_from(EnterpriseChange))
    for files in ([("export.xlsx", book)], [("export.zip", export_csv_zip(tables, "gbk"))]):
        result = _import(s, files)
        assert {c.action for c in result.changes} == {"unchanged"}, files[0][0]
        assert result.rows == 21
    assert s.scalar(select(func.count()).select_from(EnterpriseChange)) == changes
    assert archive_tables(s, PROVINCE).rows == tables.rows
    with zipfile.ZipFile(io.BytesIO(export_csv_zip(tables))) as z:
        assert z.namelist() == ["企业.csv", "排口.csv", "排污许可证.csv", "许可限值.csv"]


def test_a_city_imports_only_its_own_enterprises(s):
    with pytest.raises(ArchiveImportRejected) as exc:
        _import(s, [("a.xlsx", xlsx())], scope=HANGZHOU)
    assert _problems(exc) == [("企业", 4, "E", "所在区县")]  # 嘉兴's paper mill
    assert "330402 is outside your region 330100" in exc.value.problems[0].message
    assert _stored(s) == (0, 0, 0, 0, 0)
    _import(s, [("a.xlsx", xlsx())], scope=PROVINCE)
    # on file in 嘉兴: 杭州 may not change it, even when the row moves it into 杭州
    sheets = {
        "企业": [
            SHEET_ROWS["企业"][0],
            [*SHEET_ROWS["企业"][3][:4], "330106", *SHEET_ROWS["企业"][3][5:]],
        ]
    }
    with pytest.raises(
        ArchiveImportRejected, match="91330402MA29XQ5R2N is on file in 330402, outside your region"
    ):
        _import(s, [("b.xlsx", xlsx(sheets))], scope=HANGZHOU)
    own = {
        "企业": [
            SHEET_ROWS["企业"][0],
            [*SHEET_ROWS["企业"][1][:2], "火电", "4412", *SHEET_ROWS["企业"][1][4:]],
        ]
    }
    result = _import(s, [("c.xlsx", xlsx(own))], scope=HANGZHOU)
    assert [(c.action, c.fields) for c in result.changes] == [
        ("changed", {"industry_code": ["4411", "4412"]})
    ]
    assert {r[0] for r in archive_tables(s, HANGZHOU).rows["企业"]} == {POWER, DYE}


def test_a_file_over_the_size_cap_is_refused(s):
    data = xlsx()
    with pytest.raises(ArchiveImportRejected, match="larger than the limit of 1000 bytes"):
        _import(s, [("a.xlsx", data)], max_bytes=1000)
    with pytest.raises(
        ArchiveImportRejected, match=r"expands to \d+ bytes, more than the limit of 20000"
    ):
        _import(s, [("a.xlsx", data)], max_bytes=20_000)
    assert len(data) < 20_000


def test_wrong_sheets_and_columns_are_named(s):
    with pytest.raises(
        ArchiveImportRejected,
        match=r"no sheet named 企业, 排口, 排污许可证 or 许可限值 \(the workbook has: Sheet1\)",
    ):
        _import(s, [("x.xlsx", xlsx({"Sheet1": [["名称", "地址"], ["某公司", "杭州"]]}))])
    no_name = {
        "企业": [[c for c in r if c != "杭州之江热电有限公司"] for r in SHEET_ROWS["企业"][:2]]
    }
    no_name["企业"][0].remove("企业名称")
    no_name["企业"][0][0] = "企业名称?"
    with pytest.raises(
        ArchiveImportRejected,
        match="no header row: none of the first 10 rows has the column 企业名称",
    ):
        _import(s, [("x.xlsx", xlsx(no_name))])
    missing = {"排污许可证": [[c for c in SHEET_ROWS["排污许可证"][0] if c != "有效期止"]]}
    with pytest.raises(ArchiveImportRejected) as exc:
        _import(s, [("x.xlsx", xlsx(missing))])
    assert _problems(exc) == [("排污许可证", 1, "", "")]
    assert (
        "missing column(s): 有效期止 (the header row has: 许可证编号, 版本"
        in exc.value.problems[0].message
    )
    with pytest.raises(ArchiveImportRejected, match="an Excel 97-2003 workbook"):
        _import(s, [("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600)])
    with pytest.raises(
        ArchiveImportRejected, match="neither its name nor its header row says which table"
    ):
        _import(s, [("list.csv", "名称,地址\n某公司,杭州\n".encode())])


def test_the_template_imports(s):
    result = _import(s, [("template.xlsx", template_xlsx())])
    assert result.counts()["许可限值"] == {"new": 2}
    assert _stored(s) == (1, 1, 1, 1, 1)
