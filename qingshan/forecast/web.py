"""The forecast pages (issue #15): ``/forecast`` (the landing: air, water, warnings, skill),
``/forecast/air`` (the cities' next three days), ``/forecast/air/{city_code}`` (a city's next
three days with intervals, each pollutant's band, the past weeks against what happened) and
``/forecast/skill`` (the backtest). Air quality is public: no login. The routes hand the
templates their labels, the AQI legend and the API URLs; the browser draws the answers
(``forecast.js``)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.web.auth import OptionalViewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.legend import aqi_legend
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

_LABELS = ("fc.", "aqi.level.", "aqi.no_data", "punct.")


def _config(request: Request, page: str, url: str, **extra: object) -> dict:
    lang = get_lang(request)
    return {
        "lang": lang,
        "page": page,
        "url": url,
        "legend": aqi_legend(lang),
        "labels": labels_for(_LABELS, lang),
        **extra,
    }


@router.get("/forecast", response_class=HTMLResponse)
def landing(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """预报预警: links to the air forecast, the water forecast, the warnings and the skill."""
    return render(request, "forecast.html", {}, viewer=viewer)


@router.get("/forecast/air", response_class=HTMLResponse)
def air_page(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """城市空气质量预报: the cities in the caller's scope, next three days."""
    config = _config(request, "air", f"{API}/forecast/air", cityPage="/forecast/air/{code}")
    return render(request, "forecast_air.html", {"config": config}, viewer=viewer)


@router.get("/forecast/air/{city_code}", response_class=HTMLResponse)
def city_page(request: Request, city_code: str, viewer: OptionalViewer) -> HTMLResponse:
    """A city's forecast with intervals and its past weeks against what happened."""
    url = f"{API}/forecast/air/{quote(city_code, safe='')}"
    config = _config(
        request, "city", url, code=city_code, historyPage=f"/air/cities/{quote(city_code, safe='')}"
    )
    return render(
        request, "forecast_city.html", {"config": config, "code": city_code}, viewer=viewer
    )


@router.get("/forecast/skill", response_class=HTMLResponse)
def skill_page(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """预报技巧评估: the backtest's skill charts against the baselines."""
    config = _config(request, "skill", f"{API}/forecast/skill")
    return render(request, "forecast_skill.html", {"config": config}, viewer=viewer)
