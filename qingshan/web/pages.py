"""Dashboard pages beyond the map: 设备状态 (/devices, login required), 水质 (/water) and
污染源 (/enterprises, login required).

Like the map, a page route only hands the page its labels, legend and API URLs; the data come
from the JSON API (scoped to the caller there) and are drawn in the browser.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.hj212.registry import OFFLINE_AFTER
from qingshan.web.auth import LoggedInViewer, OptionalViewer, scope_of_viewer
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.legend import water_legend

router = APIRouter(include_in_schema=False)

#: HJ 212-2017 command codes (CN) of data uploads, in the order the page shows them
DATA_CNS = ("2011", "2051", "2061", "2031")


@router.get("/devices", response_class=HTMLResponse)
def devices_page(request: Request, viewer: LoggedInViewer) -> HTMLResponse:
    """设备状态: every data logger in the user's scope, with the latest rejected frames."""
    from qingshan.web.routes import API, render

    lang = get_lang(request)
    config = {
        "lang": lang,
        "statusUrl": f"{API}/hj212/status",
        "rejectsUrl": f"{API}/hj212/rejects?limit=30",
        "refreshSeconds": 30,
        "cns": list(DATA_CNS),
        "labels": labels_for(("devices.", "reason.", "layout.cst", "punct."), lang),
    }
    minutes = int(OFFLINE_AFTER.total_seconds() // 60)
    return render(
        request, "devices.html", {"config": config, "offline_minutes": minutes}, viewer=viewer
    )


@router.get("/water", response_class=HTMLResponse)
def water_page(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """水质: national and provincial sections coloured by their latest GB 3838-2002 class."""
    from qingshan.web.routes import API, _overlaps, render

    lang = get_lang(request)
    scope = scope_of_viewer(viewer)
    config = {
        "lang": lang,
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "sectionsUrl": f"{API}/water/sections/latest",
        "refreshSeconds": 600,
        "legend": water_legend(lang),
        "labels": labels_for(("water.", "control.", "layout.cst", "punct.", "map.loading"), lang),
        "cityNamesEn": {REGIONS[c].name: REGIONS[c].name_en for c in CITY_CODES},
        "scopeCities": [c for c in CITY_CODES if _overlaps(c, scope.region_code)],
    }
    return render(request, "water.html", {"config": config}, viewer=viewer)


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
    from qingshan.archive.models import Industry
    from qingshan.geo.regions import children, get_region
    from qingshan.web.routes import API, render

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
