"""碳排放数据导入 ``/carbon/import`` (signed-in region and enterprise users): download the
template, upload a workbook, and read what was stored and the per-row problems (row, column,
what is wrong) of the rows that were not. The form posts to the same address, which calls
:func:`qingshan.carbon.service.import_activity_excel` once and renders the report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.carbon import imports, service
from qingshan.carbon.errors import CarbonError
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

API = "/api/v1"


def _context(request: Request, viewer: Viewer, settings_max: int) -> dict[str, Any]:
    lang = get_lang(request)
    fixed = imports.COLUMNS[: len(imports.COLUMNS) - 3 * imports.FUEL_SLOTS]
    fuel = imports.COLUMNS[len(fixed) : len(fixed) + 3]
    return {
        "lang": lang,
        "template_url": f"{API}/carbon/import/template",
        "max_mb": round(settings_max / 2**20, 1),
        "slots": imports.FUEL_SLOTS,
        "columns": [
            {
                "header": c.header,
                "key": c.key,
                "unit": c.unit,
                "what": c.zh if lang == "zh" else c.en,
            }
            for c in (*fixed, *fuel)
        ],  # fmt: skip
        "allowed": viewer.role is not Role.PUBLIC,
        "config": {"lang": lang},
    }


@router.get("/carbon/import", response_class=HTMLResponse)
def import_page(request: Request, viewer: LoggedInViewer, settings: SettingsDep) -> HTMLResponse:
    """The upload form, the template and the layout."""
    return render(request, "carbon_import.html",
                  _context(request, viewer, settings.max_file_bytes), viewer=viewer)  # fmt: skip


@router.post("/carbon/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import the uploaded workbook; good rows stored, bad rows reported."""
    ctx = _context(request, viewer, settings.max_file_bytes)
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        report = service.import_activity_excel(
            session, viewer.scope, data, actor=viewer.username,
            library=service.library_of(settings.data_dir), max_bytes=settings.max_file_bytes,
        )  # fmt: skip
    except CarbonError as exc:
        response = render(request, "carbon_import.html", ctx | {"error": str(exc)}, viewer=viewer)
        response.status_code = exc.status_code
        return response
    names = service.enterprises_in_scope(session, viewer.scope)
    stored = sorted({eid for eid, _ in report.months})
    ctx |= {
        "report": report,
        "filename": file.filename or "",
        "stored": [{"id": eid, "name": names[eid].name if eid in names else str(eid),
                    "months": sorted(m for e, m in report.months if e == eid)} for eid in stored],
    }  # fmt: skip
    return render(request, "carbon_import.html", ctx, viewer=viewer)
