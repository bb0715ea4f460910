"""断面 (/water/sections/{code}), 流域 (/water/basins/{basin}) and 数据时效 (/freshness) pages
(issue #13). A route checks the record is in the viewer's scope (404 as a missing one) and
hands the page its labels and API URLs; the data come from the JSON API, drawn in the browser.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.api.limits import RegionCode
from qingshan.geo.regions import PROVINCE_CODE, city_of, get_region, in_scope
from qingshan.monitoring.freshness import thresholds_of
from qingshan.monitoring.water_history import section_page_info
from qingshan.web.auth import LoggedInViewer, OptionalViewer, scope_of_viewer
from qingshan.web.i18n import LABELS, get_lang, labels_for
from qingshan.web.legend import water_legend
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

_LABELS = ("wh.", "water.", "control.", "layout.cst", "punct.", "map.loading")


def _basin_name(basin: str | None, lang: str) -> str | None:
    """The basin tag in ``lang`` (the tag itself when no label names it)."""
    return None if basin is None else LABELS.get(f"wh.basin.{basin}", {}).get(lang, basin)


@router.get("/water/sections/{code}", response_class=HTMLResponse)
def section_page(
    request: Request,
    viewer: OptionalViewer,
    session: SessionDep,
    code: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")],
) -> HTMLResponse:
    """断面水质: one section's class history against its target, each indicator with its
    GB 3838-2002 class limits, over-standard multiples and main pollutants."""
    info = section_page_info(session, scope_of_viewer(viewer), code)
    lang = get_lang(request)
    config = {
        "lang": lang,
        "code": code,
        "historyUrl": f"{API}/water/sections/{quote(code)}/history",
        "legend": water_legend(lang),
        "labels": labels_for(_LABELS, lang),
    }
    return render(
        request, "water_section.html",
        {"config": config, "section": info, "basin_name": _basin_name(info.basin, lang)},
        viewer=viewer,
    )  # fmt: skip


@router.get("/water/basins/{basin}", response_class=HTMLResponse)
def basin_page(
    request: Request,
    viewer: OptionalViewer,
    basin: Annotated[str, Path(min_length=1, max_length=32)],
) -> HTMLResponse:
    """流域水质: a basin's sections within the viewer's scope, class shares and its status
    (环办〔2011〕22号 4.1) now and by month."""
    lang = get_lang(request)
    config = {
        "lang": lang,
        "basin": basin,
        "basinUrl": f"{API}/water/basins/{quote(basin)}",
        "legend": water_legend(lang),
        "labels": labels_for(_LABELS, lang),
    }
    return render(request, "water_basin.html", {"config": config, "basin": basin}, viewer=viewer)


@router.get("/freshness", response_class=HTMLResponse)
def freshness_page(
    request: Request,
    viewer: LoggedInViewer,
    settings: SettingsDep,
    region: Annotated[RegionCode | None, Query()] = None,
) -> HTMLResponse:
    """数据时效: the stations, sections and loggers of the viewer's region (or of a city or
    county within it, ``?region=``) late or missing."""
    lang = get_lang(request)
    own = scope_of_viewer(viewer).region_code
    shown = get_region(region or own)
    chain = [get_region(PROVINCE_CODE)]
    if shown.code != PROVINCE_CODE:
        chain += [city_of(shown.code)] + ([shown] if shown.code != city_of(shown.code).code else [])
    crumbs = [
        {"code": r.code, "name": r.name if lang == "zh" else r.name_en}
        for r in chain
        if in_scope(r.code, own)
    ]
    query = f"?region={shown.code}" if region else ""
    config = {
        "lang": lang,
        "region": shown.code,
        "ownRegion": own,
        "crumbs": crumbs,
        "freshnessUrl": f"{API}/freshness{query}",
        "csvUrl": f"{API}/freshness{query}{'&' if query else '?'}format=csv",
        "refreshSeconds": 300,
        "thresholds": thresholds_of(settings).as_dict(),
        "labels": labels_for(("fr.", "wh.kind.", "layout.cst", "punct."), lang),
    }
    name = shown.name if lang == "zh" else shown.name_en
    return render(request, "freshness.html", {"config": config, "shown_name": name}, viewer=viewer)
