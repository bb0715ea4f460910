"""数据导入 page (issue #21): ``/vehicles/import`` — upload a CSV or Excel file of vehicles, I/M
tests, remote-sensing readings or OBD samples; every row is checked against the importer's region and either
all are stored (a summary of what was) or none (every problem in a table: row, field, what).
``/vehicles/import/{kind}/template.{xlsx|csv}`` is the blank file with the headers the reader
knows. Province and city officers import; county officers see the page, the layouts and the
templates, without the upload forms. The work is :func:`qingshan.vehicles.import_service.import_file`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.api.export import table_download
from qingshan.errors import NotFound, PermissionDenied
from qingshan.vehicles.errors import ImportRejected
from qingshan.vehicles.import_service import (
    COLUMNS,
    IMPORTERS,
    KINDS,
    Kind,
    import_file,
    split_problems,
    template_headers,
)
from qingshan.vehicles.pages import officer, page_helpers
from qingshan.vehicles.service import ImportResult, get_store
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

#: the template's file name stem per kind
TEMPLATE_NAMES = {"vehicles": "机动车登记导入模板", "tests": "机动车检验记录导入模板",
                  "rs": "遥感监测数据导入模板", "obd": "重型柴油车远程监控数据导入模板"}  # fmt: skip


def _kind(kind: str) -> Kind:
    for k in KINDS:
        if k == kind:
            return k
    raise NotFound(f"no import {kind!r}: vehicles, tests, rs or obd")


def _page(request: Request, viewer: Viewer, settings, *, kind: Kind | None = None,
          result: ImportResult | None = None, problems: list[str] | None = None,
          filename: str = "", status_code: int = 200) -> HTMLResponse:  # fmt: skip
    context = {
        **page_helpers(request),
        "kinds": KINDS,
        "columns": COLUMNS,
        "can_import": viewer.role in IMPORTERS,
        "kind": kind,
        "result": result,
        "problems": split_problems(problems) if problems else None,
        "filename": filename,
        "max_mb": round(settings.max_file_bytes / 2**20, 1),
    }
    resp = render(request, "vehicles_import.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/vehicles/import", response_class=HTMLResponse)
def import_page(request: Request, viewer: LoggedInViewer, settings: SettingsDep) -> HTMLResponse:
    """The three imports: layout, template, upload form (province and city officers)."""
    officer(viewer)
    return _page(request, viewer, settings)


@router.get("/vehicles/import/{kind}/template.{fmt}")
def import_template(kind: str, fmt: str, viewer: LoggedInViewer) -> Response:
    """The blank file of ``kind`` with the headers the reader knows (.xlsx or .csv)."""
    officer(viewer)
    if fmt not in ("xlsx", "csv"):
        raise NotFound(f"no template .{fmt}: xlsx or csv")
    k = _kind(kind)
    return table_download(TEMPLATE_NAMES[k], template_headers(k), [], fmt)


@router.post("/vehicles/import/{kind}", response_class=HTMLResponse)
def import_upload(request: Request, kind: str, viewer: LoggedInViewer, session: SessionDep,
                  settings: SettingsDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:  # fmt: skip
    """Import the uploaded file for the viewer's region: all rows or none (422 with the
    problems)."""
    officer(viewer)
    if viewer.role not in IMPORTERS:
        raise PermissionDenied("importing vehicle data is for province and city officers")
    k = _kind(kind)
    name = file.filename or "file"
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        result = import_file(get_store(settings.data_dir), session, viewer.scope, k, data,
                             max_bytes=settings.max_file_bytes)  # fmt: skip
    except ImportRejected as exc:
        return _page(request, viewer, settings, kind=k, problems=exc.problems, filename=name,
                     status_code=422)  # fmt: skip
    return _page(request, viewer, settings, kind=k, result=result, filename=name)
