"""污染源 (/enterprises, login required): the enterprises of the user's scope with permit and
outlets; the data come from /api/v1/archive/enterprises."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.archive.models import Industry
from qingshan.geo.regions import children, get_region
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)


@router.get("/enterprises", response_class=HTMLResponse)
def enterprises_page(
    request: Request,
    viewer: LoggedInViewer,
    industry: str | None = None,
    region: str | None = None,
    q: str | None = None,
) -> HTMLResponse:
    """污染源: enterprises in the user's scope with permit and outlets, each outlet's newest
    values against its permit limits (超标 in red), linked to the outlet's QC page. The filters
    (``industry``, ``region``, ``q``) are kept in the address so that a filtered list is a link."""
    lang = get_lang(request)
    scope = viewer.scope
    here = get_region(scope.region_code)
    regions = [
        {"code": r.code, "name": r.name if lang == "zh" else r.name_en}
        for r in (children(here.code) if here.code.endswith("00") else ())
    ]
    config = {
        "lang": lang,
        "listUrl": f"{API}/archive/enterprises",
        "outletUrl": "/qc/outlets/",
        "limit": 500,
        "industries": [
            {"key": i.value, "name": translate(f"industry.{i.value}", lang)} for i in Industry
        ],
        "regions": regions,
        "regionLabel": "ent.city" if here.code.endswith("0000") else "ent.county",
        "initial": {
            "industry": industry if industry in {i.value for i in Industry} else "",
            "region": region if region in {r["code"] for r in regions} else "",
            "q": (q or "")[:64],
        },
        "labels": labels_for(("ent.", "industry.", "layout.cst", "punct."), lang),
    }
    return render(request, "enterprises.html", {"config": config}, viewer=viewer)
