"""``/api/v1/export``: any table the dashboard shows, as a file — Excel (.xlsx, written by
openpyxl) or CSV (UTF-8 with a byte-order mark, so that Excel opens Chinese text as such).

The page sends what it already shows (``{title, columns, rows}``); the server only writes the
file, through :mod:`qingshan.tablefile`'s writers, so CSV and Excel follow one rule: a text cell
that a spreadsheet would run as a formula (``= + - @``) is text (a leading apostrophe in CSV, a
string cell in Excel), a number stays a number. Nothing is read from the database, so there is
no scope to leak; against use as an open file-conversion service the caller must be signed in
(bearer token or login cookie) or be a page of this site (``Sec-Fetch-Site: same-origin`` or an
``Origin`` equal to the request's own). The body is bounded (:data:`MAX_ROWS` rows,
:data:`MAX_COLUMNS` columns, the ``QINGSHAN_EXPORT_MAX_BYTES`` setting: 413 above it).

Lists paged on the server (enterprises, cases) are exported whole by their own routes with
:func:`table_download`, not through this endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from qingshan.accounts.errors import AuthenticationFailed
from qingshan.api.deps import OptionalUser
from qingshan.api.limits import NoNul
from qingshan.tablefile import XLSX_MEDIA_TYPE, attachment_header, write_csv, write_workbook
from qingshan.timeutil import as_cst, utcnow

__all__ = [
    "FILE_RESPONSES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "TableExport",
    "router",
    "table_download",
    "table_filename",
]

router = APIRouter(prefix="/export", tags=["export 导出"])

#: rows of one exported table (a larger list is exported by its own route, filtered)
MAX_ROWS = 20_000
#: columns of one exported table
MAX_COLUMNS = 60
#: characters of one cell (Excel's own limit, 32,767)
MAX_CELL_CHARS = 32_767

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_MEDIA_TYPE}
#: a list route's ``responses`` when it also answers ``format=csv|xlsx`` with a file
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}}, "description": "the list, or its file"}
}

_Text = Annotated[str, StringConstraints(max_length=MAX_CELL_CHARS), NoNul]
_Number = Annotated[float, Field(allow_inf_nan=False, strict=True)]
Cell = StrictBool | StrictInt | _Number | _Text | None
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
# characters an .xlsx cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): C0 controls but tab/LF/CR
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TableExport(BaseModel):
    """A table as the page shows it: a title (the file's name), column headers (with their
    units, e.g. ``PM2.5（μg/m³）``) and rows of cells — text, numbers (kept as numbers in the
    workbook), true/false or null (an empty cell)."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(min_length=1, max_length=120), NoNul]
    columns: Annotated[
        list[Annotated[str, StringConstraints(max_length=200), NoNul]],
        Field(min_length=1, max_length=MAX_COLUMNS),
    ]
    rows: Annotated[list[list[Cell]], Field(max_length=MAX_ROWS)]
    format: Literal["xlsx", "csv"] = "xlsx"

    @model_validator(mode="after")
    def _rows_fit_columns(self) -> TableExport:
        for i, row in enumerate(self.rows):
            if len(row) > len(self.columns):
                raise ValueError(
                    f"rows[{i}] has {len(row)} cells, more than the {len(self.columns)} columns"
                )
        return self


def table_filename(title: str, ext: str) -> str:
    """``<title>-<YYYYMMDD-HHMM>.<ext>`` (China Standard Time), the title without characters a
    file system refuses."""
    stem = _UNSAFE_NAME.sub("_", title).strip(" ._") or "export"
    return f"{stem[:100]}-{as_cst(utcnow()):%Y%m%d-%H%M}.{ext}"


def _sheet_name(title: str) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\\x00-\x1f]", "_", title)[:31].strip("'") or "Sheet1"


def _xlsx_cell(value: Any) -> Any:
    return _ILLEGAL_XLSX.sub("", value) if isinstance(value, str) else value


def table_download(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str
) -> Response:
    """The table as a download: ``fmt`` ``xlsx`` or ``csv`` (formula-guarded, UTF-8 with a
    BOM), named by :func:`table_filename`, not cached."""
    if fmt == "xlsx":
        clean = ([_xlsx_cell(v) for v in r] for r in rows)
        widths = {_xlsx_cell(c): min(60, max(10, 2 * len(c) + 2)) for c in columns}
        heads = [_xlsx_cell(c) for c in columns]
        data = write_workbook({_sheet_name(title): (heads, clean)}, widths=widths)
    else:
        data = write_csv(columns, rows, guard_formulas=True)
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": attachment_header(table_filename(title, fmt)),
            "Cache-Control": "no-store",
        },
    )


def _same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site") == "same-origin":
        return True
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc == request.headers.get("host")


@router.post(
    "/table",
    response_class=Response,
    responses={
        200: {"content": {XLSX_MEDIA_TYPE: {}, "text/csv": {}}, "description": "the file"},
        413: {"description": "the body is larger than QINGSHAN_EXPORT_MAX_BYTES"},
    },
)
def export_table(body: TableExport, request: Request, user: OptionalUser) -> Response:
    """导出表格: the table sent (as the page shows it) as an Excel workbook or a CSV file, named
    after its title and the time (CST). Signed in, or a page of this site."""
    if user is None and not _same_origin(request):
        raise AuthenticationFailed(
            "export: log in (POST /api/v1/auth/login) or call from a page of this site"
        )
    return table_download(body.title, body.columns, body.rows, body.format)
