"""The case list's exports through the app's gzip (issue #14): the CSV comes gzipped to a
browser and decodes to the same text as without it; the Excel file (a ZIP archive already) is
sent as it is, a workbook that opens."""

from __future__ import annotations

import gzip
import io

from openpyxl import load_workbook

from .conftest import auth
from .test_export import XLSX, cases  # noqa: F401 (the six cases, a fixture)


def _raw(client, path: str, encoding: str, headers: dict[str, str]):
    with client.stream("GET", path, headers={"Accept-Encoding": encoding, **headers}) as r:
        return r.status_code, r.headers, b"".join(r.iter_raw())


def test_the_csv_export_gzipped_is_the_same_text(client, cases):  # noqa: F811
    h = auth(client, "zj")
    status, plain_headers, plain = _raw(client, "/api/v1/cases/export.csv", "identity", h)
    assert status == 200 and "content-encoding" not in plain_headers
    assert plain_headers["content-type"].startswith("text/csv")
    assert plain_headers["content-disposition"].startswith("attachment")
    assert len(plain) > 1024 and plain.decode("utf-8-sig").count("\n") == 7  # header + 6 cases
    status, headers, body = _raw(client, "/api/v1/cases/export.csv", "gzip", h)
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["content-disposition"] == plain_headers["content-disposition"]
    assert gzip.decompress(body) == plain and len(body) < len(plain)


def test_the_excel_export_is_not_gzipped(client, cases):  # noqa: F811
    h = auth(client, "zj")
    status, headers, body = _raw(client, "/api/v1/cases/export.xlsx", "gzip", h)
    assert status == 200 and headers["content-type"] == XLSX
    assert "content-encoding" not in headers and int(headers["content-length"]) == len(body)
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None and sheet.max_row == 9  # the six cases and the sheet's head and foot
    names = [sheet.cell(row, 1).value for row in range(1, 10)]
    assert len(body) > 1024 and all(names[2:8])
