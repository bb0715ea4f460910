"""Monitoring pages: 空气质量地图 (/, /map: air stations by AQI) and 水质 (/water: sections by
GB 3838-2002 class).

A page route only hands the page its labels, legend and API URLs; the data come from the JSON
API (scoped to the caller there) and are drawn in the browser.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.web.auth import OptionalViewer, scope_of_viewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.legend import aqi_legend, water_legend
from qingshan.web.render import API, city_names_en, render, scope_cities

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """浙江省空气质量地图: the 11 cities, air stations by AQI level, a city ranking.

    The stations come from /api/v1/air/stations/latest, scoped to the caller like every query.
    """
    lang = get_lang(request)
    config = {
        "lang": lang,
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "refreshSeconds": 300,
        "stationsUrl": f"{API}/air/stations/latest",
        "legend": aqi_legend(lang),
        "labels": labels_for(
            ("aqi.", "control.", "station.", "map.", "layout.cst", "punct."), lang
        ),
        "cityNamesEn": city_names_en(),
        # the cities the caller's scope reaches: ranked in the panel, highlighted on the map
        "scopeCities": scope_cities(scope_of_viewer(viewer).region_code),
    }
    return render(request, "map.html", {"config": config}, viewer=viewer)


@router.get("/water", response_class=HTMLResponse)
def water_page(request: Request, viewer: OptionalViewer) -> HTMLResponse:
    """水质: national and provincial sections coloured by their latest GB 3838-2002 class."""
    lang = get_lang(request)
    config = {
        "lang": lang,
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "sectionsUrl": f"{API}/water/sections/latest",
        "refreshSeconds": 600,
        "legend": water_legend(lang),
        "labels": labels_for(("water.", "control.", "layout.cst", "punct.", "map.loading"), lang),
        "cityNamesEn": city_names_en(),
        "scopeCities": scope_cities(scope_of_viewer(viewer).region_code),
    }
    return render(request, "water.html", {"config": config}, viewer=viewer)
