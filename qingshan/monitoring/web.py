"""Monitoring pages: 空气质量地图 (/, /map: air stations by AQI) and 水质 (/water: sections by
GB 3838-2002 class).

A page route only hands the page its labels, legend, region and API URLs; the data come from
the layer API (:mod:`qingshan.monitoring.layers_api`, scoped to the caller there) and are drawn
in the browser. ``?region=`` (a GB/T 2260 code) is the region shown — province, city or county,
by default the viewer's own — so a drilled-down view can be shared and reloaded; a region outside
the viewer's scope is refused with a page saying so.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from qingshan.accounts.errors import OutOfScope
from qingshan.geo.regions import REGIONS, get_region, in_scope
from qingshan.web.auth import OptionalViewer, scope_of_viewer
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.legend import aqi_legend, water_legend
from qingshan.web.render import API, city_names_en, render, scope_cities

router = APIRouter(include_in_schema=False)

_REGION = Query(None, pattern=r"^\d{6}$", description="GB/T 2260 code of the region shown")


def _name(code: str, lang: str) -> str:
    rec = get_region(code)
    return rec.name if lang == "zh" else rec.name_en


def map_region(viewer: OptionalViewer, region: str | None, lang: str) -> dict:
    """The region a map shows and its breadcrumbs (province › city › county; ancestors outside
    the viewer's scope are plain text). :class:`OutOfScope` for a region outside the scope."""
    scope = scope_of_viewer(viewer).region_code
    code = scope if region is None else get_region(region).code
    if not in_scope(code, scope):
        message = translate("mapnav.out_of_scope", lang).format(
            region=_name(code, lang), scope=_name(scope, lang)
        )
        raise OutOfScope(message, region=code)
    chain, cur = [], get_region(code)
    while True:
        chain.append({"code": cur.code, "link": in_scope(cur.code, scope)})
        if cur.parent_code is None:
            break
        cur = get_region(cur.parent_code)
    return {"code": code, "scope": scope, "crumbs": chain[::-1]}


def _regions() -> dict[str, list]:
    """Every region of Zhejiang: code → [name, English name, level, parent code]."""
    return {c: [r.name, r.name_en, r.level.value, r.parent_code] for c, r in REGIONS.items()}


def _common(viewer: OptionalViewer, region: str | None, lang: str) -> dict:
    view = map_region(viewer, region, lang)
    return {
        "lang": lang,
        "region": view["code"],
        "scope": view["scope"],
        "crumbs": view["crumbs"],
        "regions": _regions(),
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson",
        "cityNamesEn": city_names_en(),
        # the cities the caller's scope reaches: ranked in the panel, highlighted on the map
        "scopeCities": scope_cities(view["scope"]),
    }


@router.get("/", response_class=HTMLResponse)
@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request, viewer: OptionalViewer, region: str | None = _REGION
) -> HTMLResponse:
    """浙江省空气质量地图: cities (or a city's counties), air stations by AQI, a ranking, and a
    time slider over the stored hours and days."""
    lang = get_lang(request)
    config = _common(viewer, region, lang) | {
        "refreshSeconds": 300,
        "layersUrl": f"{API}/air/layers",
        # the areas' ranking: the public ranking service (issue #16), not computed in the page
        "rankingUrl": f"{API}/ranking",
        "rankingPage": "/ranking",
        "stationPage": "/air/stations/{code}",
        "cityPage": "/air/cities/{code}",
        "legend": aqi_legend(lang),
        "labels": labels_for(
            (
                "aqi.",
                "control.",
                "station.",
                "map.",
                "mapnav.",
                "layout.cst",
                "punct.",
                "rank.reason.",
            ),
            lang,
        ),
    }
    # the top bar's 辖区 stays the viewer's; the title names the region shown
    context = {"config": config, "view_name": _name(config["region"], lang)}
    return render(request, "map.html", context, viewer=viewer)


@router.get("/water", response_class=HTMLResponse)
def water_page(
    request: Request, viewer: OptionalViewer, region: str | None = _REGION
) -> HTMLResponse:
    """水质: national and provincial sections coloured by their GB 3838-2002 class, newest or on a
    stored day."""
    lang = get_lang(request)
    config = _common(viewer, region, lang) | {
        "refreshSeconds": 600,
        "layersUrl": f"{API}/water/layers",
        "sectionPage": "/water/sections/{code}",
        "basinPage": "/water/basins/{basin}",
        "legend": water_legend(lang),
        "labels": labels_for(
            ("water.", "control.", "mapnav.", "layout.cst", "punct.", "map.loading", "wh.basin."),
            lang,
        ),
    }
    # the top bar's 辖区 stays the viewer's; the title names the region shown
    context = {"config": config, "view_name": _name(config["region"], lang)}
    return render(request, "water.html", context, viewer=viewer)
