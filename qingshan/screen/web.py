"""/screen: the leader's big screen (大屏), a full-screen page for a wall display; its data come
from ``GET /api/v1/screen/summary`` and the maps' geo and layer APIs, refreshed in the browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from qingshan.geo.regions import get_region
from qingshan.screen.service import check_screen
from qingshan.web.auth import LoggedInViewer, scope_of_viewer
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.legend import aqi_legend, water_legend
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

#: refresh interval bounds [s]
REFRESH_DEFAULT = 60
REFRESH_MIN = 10


@router.get("/screen", response_class=HTMLResponse)
def screen_page(
    request: Request,
    viewer: LoggedInViewer,
    region: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    refresh: Annotated[int, Query(ge=REFRESH_MIN, le=3600)] = REFRESH_DEFAULT,
) -> HTMLResponse:
    """大屏: the viewer's region (or ``?region=`` within it) on a wall, refreshed every
    ``refresh`` seconds without reloading."""
    scope = scope_of_viewer(viewer)
    lang = get_lang(request)
    check_screen(scope, translate("screen.refused", lang))
    code = get_region(region).code if region else scope.region_code
    scope.check_region(code)
    q = f"?region={code}"
    shown = get_region(code)
    config = {
        "lang": lang,
        "region": code,
        "level": shown.level.value,
        "cityCode": code[:4] + "00",
        "refreshSeconds": refresh,
        "summaryUrl": f"{API}/screen/summary{q}",
        "airUrl": f"{API}/air/layers/latest{q}",
        "regionUrl": f"{API}/geo/regions/{code}",
        "citiesUrl": f"{API}/geo/zhejiang-cities.geojson",
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson",
        "aqiLegend": aqi_legend(lang),
        "waterLegend": water_legend(lang),
        "labels": labels_for(("screen.", "case.state.", "layout.cst"), lang),
    }
    name = shown.name if lang == "zh" else shown.name_en
    return render(
        request, "screen.html", {"config": config, "shown_name": name}, viewer=viewer,
        region_code=code,
    )  # fmt: skip
