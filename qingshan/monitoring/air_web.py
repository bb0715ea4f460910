"""The air station page (/air/stations/{code}) and the city air page (/air/cities/{city_code})
of issue #13: hourly AQI and pollutants, the daily AQI calendar (日历图), 优良天数比例, the
comprehensive index, primary-pollutant shares, 环比 and 同比.

Like the other pages they compute nothing: the route hands the template its labels, the AQI
legend and the API URL (``/api/v1/air/.../history``, scoped to the caller there); the browser
draws the answer with ECharts (``air_history.js``). Air quality is public: no login needed.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.web.auth import OptionalViewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.legend import aqi_legend
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

#: quick ranges offered above the charts [days]
QUICK_DAYS = (7, 30, 90, 366)


def _config(request: Request, kind: str, code: str, url: str) -> dict:
    lang = get_lang(request)
    return {
        "lang": lang,
        "kind": kind,
        "code": code,
        "historyUrl": url,
        "from": request.query_params.get("from") or "",
        "to": request.query_params.get("to") or "",
        "quickDays": list(QUICK_DAYS),
        "legend": aqi_legend(lang),
        "labels": labels_for(("airh.", "aqi.level.", "control.", "layout.cst", "punct."), lang),
    }


@router.get("/air/stations/{code}", response_class=HTMLResponse)
def station_page(request: Request, code: str, viewer: OptionalViewer) -> HTMLResponse:
    """空气质量站点: one station's history (its own values)."""
    url = f"{API}/air/stations/{quote(code, safe='')}/history"
    config = _config(request, "station", code, url)
    return render(request, "air_station.html", {"config": config, "code": code}, viewer=viewer)


@router.get("/air/cities/{city_code}", response_class=HTMLResponse)
def city_page(request: Request, city_code: str, viewer: OptionalViewer) -> HTMLResponse:
    """城市空气质量: a city's history from the mean of its national stations."""
    url = f"{API}/air/cities/{quote(city_code, safe='')}/history"
    config = _config(request, "city", city_code, url)
    return render(request, "air_city.html", {"config": config, "code": city_code}, viewer=viewer)
