"""qingshan.tablefile's writers as the exports use them: CSV with a BOM and the formula guard,
Excel with numbers as numbers and "=…" text as text, the download's file name."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from qingshan.tablefile import (
    attachment_header,
    formula_safe,
    read_csv_rows,
    write_csv,
    write_workbook,
)


def test_csv_has_a_bom_crlf_and_chinese_headers():
    data = write_csv(["断面名称", "水质类别", "高锰酸盐指数（mg/L）"], [["街口", "II", 2.4]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text == "断面名称,水质类别,高锰酸盐指数（mg/L）\r\n街口,II,2.4\r\n"
    assert read_csv_rows(data) == [
        ["断面名称", "水质类别", "高锰酸盐指数（mg/L）"],
        ["街口", "II", "2.4"],
    ]


def test_csv_formula_guard_prefixes_text_only():
    rows = [['=HYPERLINK("http://x")', "+86 571", "-1+2", "@SUM(A1)", "\tx", -3, "西湖"]]
    data = write_csv(["a", "b", "c", "d", "e", "f", "g"], rows, guard_formulas=True)
    cells = read_csv_rows(data)[1]
    assert cells == [
        '\'=HYPERLINK("http://x")',
        "'+86 571",
        "'-1+2",
        "'@SUM(A1)",
        "'\tx",
        "-3",
        "西湖",
    ]
    # without the guard (the archive's exchange files) the text is written as it is
    assert read_csv_rows(write_csv(["a"], [["=1+1"]]))[1] == ["=1+1"]
    assert formula_safe(-3) == -3 and formula_safe(None) is None and formula_safe("a=b") == "a=b"


def test_xlsx_numbers_stay_numbers_and_formulas_stay_text():
    data = write_workbook(
        {"断面": (["名称", "pH", "超标倍数"], [["=1+1", 7.2, 0], ["钱塘江", 6, None]])}
    )
    ws = load_workbook(io.BytesIO(data))["断面"]
    assert [c.value for c in ws[1]] == ["名称", "pH", "超标倍数"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 7.2 and ws["B2"].data_type == "n"
    assert ws["C2"].value == 0 and ws["C2"].data_type == "n"
    assert ws["B3"].value == 6 and ws["C3"].value is None


def test_attachment_header_has_an_ascii_fallback_and_rfc_6266_filename_star():
    h = attachment_header("数据时效 PM2.5-20261206.csv")
    assert h == (
        'attachment; filename="PM2.5-20261206.csv"; '
        "filename*=UTF-8''%E6%95%B0%E6%8D%AE%E6%97%B6%E6%95%88%20PM2.5-20261206.csv"
    )
    assert attachment_header("断面.xlsx").startswith('attachment; filename="export.xlsx"; ')
