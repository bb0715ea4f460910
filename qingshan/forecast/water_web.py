"""断面水质预测 (/forecast/water), one section's forecast (/forecast/water/{code}) and 水质预警
(/forecast/warnings) pages (issue #15). A route checks the section is in the viewer's scope
(404 as a missing one) and hands the page its labels and API URLs; the data come from the JSON
API (:mod:`.water_api`), drawn in the browser."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.forecast.water_queries import section_meta
from qingshan.web.auth import LoggedInViewer, scope_of_viewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.legend import water_legend
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

_LABELS = ("fw.", "water.class.", "layout.cst", "punct.")


def _config(request: Request, **extra: object) -> dict:
    lang = get_lang(request)
    return {
        "lang": lang,
        "legend": water_legend(lang),
        "labels": labels_for(_LABELS, lang),
        **extra,
    }


@router.get("/forecast/water", response_class=HTMLResponse)
def water_forecast_page(
    request: Request, viewer: LoggedInViewer, settings: SettingsDep
) -> HTMLResponse:
    """断面水质预测: the sections with their forecast class and miss probability, sortable."""
    config = _config(
        request,
        sectionsUrl=f"{API}/forecast/water/sections",
        threshold=settings.forecast_water_warning_threshold,
    )
    return render(request, "forecast_water.html", {"config": config}, viewer=viewer)


@router.get("/forecast/water/{code}", response_class=HTMLResponse)
def water_forecast_section_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")],
) -> HTMLResponse:
    """One section's forecast: indicators with class bands and intervals, the miss
    probability, and the past weeks' forecasts against what happened."""
    meta = section_meta(session, scope_of_viewer(viewer), code)
    config = _config(
        request,
        code=code,
        forecastUrl=f"{API}/forecast/water/sections/{quote(code)}",
        threshold=settings.forecast_water_warning_threshold,
    )
    return render(
        request, "forecast_water_section.html", {"config": config, "section": meta}, viewer=viewer
    )


@router.get("/forecast/warnings", response_class=HTMLResponse)
def water_warnings_page(
    request: Request, viewer: LoggedInViewer, settings: SettingsDep
) -> HTMLResponse:
    """水质预警: the warnings with links to their cases."""
    config = _config(
        request,
        warningsUrl=f"{API}/forecast/warnings",
        threshold=settings.forecast_water_warning_threshold,
    )
    return render(request, "forecast_warnings.html", {"config": config}, viewer=viewer)
