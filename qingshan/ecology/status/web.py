"""生态状况 pages (issue #25; plan item 8): ``/ecology`` — the EI of a year by county on the map
(ECharts choropleth on the county shapes the other maps use), switchable to the change classes
against a base year, with the legend of HJ 192-2015's grades and change classes and a table;
the import of EI inputs (CSV / .xlsx, all rows or none) for province and city officers;
``/ecology/counties/{code}`` — one county's sub-indices, EI, grade and change over the years.
Officers only (province, city, county), each in their region. The work is
:mod:`qingshan.ecology.status.service`."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.api.export import table_download
from qingshan.ecology.errors import EcologyError, EcologyNotFound, ImportRejected
from qingshan.ecology.status import service as svc
from qingshan.ecology.status.change import change_name, change_order, grade_name
from qingshan.ecology.status.inputs import COLUMNS, SUB_INDICES
from qingshan.errors import NotFound, PermissionDenied
from qingshan.standards import ecological_status as hj192
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, region_label, render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: the grades' colours on the map, 优 to 差 (greens to red)
GRADE_COLOURS = {"excellent": "#1a7f3c", "good": "#7cc26b", "fair": "#f2d45c",
                 "poor": "#ef8a3a", "bad": "#c8332b"}  # fmt: skip
_WORSE = ("#b2182b", "#ef6548", "#fdae91")
_BETTER = ("#a6dba0", "#4daf5a", "#1b7837")


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("生态状况 is for province, city and county officers")


def change_colours() -> dict[str, str]:
    """Each change class's colour: reds for 变差 (darkest the largest), grey for 无明显变化,
    greens for 变好 (darkest the largest)."""
    order = change_order()
    worse = [k for k, s in order if s < 0]
    better = [k for k, s in order if s > 0]
    out = {k: "#d9d9d9" for k, s in order if s == 0}
    out |= dict(zip(worse, _WORSE[-len(worse) :] if len(worse) <= 3 else _WORSE, strict=False))
    out |= dict(zip(better, _BETTER[: len(better)], strict=False))
    return out


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    def restriction_name(keys: str) -> str:
        names = [hj192.RESTRICTION_NAMES.get(k, (k, k))[0 if lang == "zh" else 1]
                 for k in keys.split(",") if k and k != "none"]  # fmt: skip
        return "、".join(names) or "—"

    return {"rname": rname, "lang": lang, "grade_name": lambda g: grade_name(g, lang),
            "change_name": lambda k: change_name(k, lang), "restriction_name": restriction_name,
            "grades": hj192.GRADES, "grade_colours": GRADE_COLOURS,
            "change_keys": [k for k, _ in change_order()], "change_colours": change_colours(),
            "sub_indices": SUB_INDICES, "sub_names": hj192.NAMES_ZH,
            "weights": hj192.WEIGHTS, "columns": COLUMNS,
            "confidence": hj192.CONFIDENCE}  # fmt: skip


def _page(request: Request, viewer: Viewer, session: Any, settings: Any, *, year: int | None,
          base_year: int | None, status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    scope = viewer.scope
    try:
        m = svc.ei_map(session, scope, year=year, base_year=base_year)
    except (EcologyError, EcologyNotFound) as exc:  # a year from a hand-typed address
        m = svc.ei_map(session, scope)
        extra.setdefault("error", str(exc))
    h = _helpers(request)
    lang = h["lang"]
    config = {
        "lang": lang, "level": scope.role.value, "region": scope.region_code,
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson",
        "year": m.year, "baseYear": m.base_year,
        "counties": [{"code": c.region_code, "name": h["rname"](c.region_code), "ei": c.ei,
                      "grade": c.grade, "baseEi": c.base_ei,
                      "change": None if c.change is None else c.change.key,
                      "delta": None if c.change is None else round(c.change.delta, 2)}
                     for c in m.counties],
        "grades": [{"key": g, "name": grade_name(g, lang), "colour": GRADE_COLOURS[g]}
                   for g in hj192.GRADES],
        "changes": [{"key": k, "name": change_name(k, lang), "colour": h["change_colours"][k]}
                    for k in h["change_keys"]],
        "labels": labels_for(("eco.map.",), lang),
    }  # fmt: skip
    context = {**h, "m": m, "config": config, "can_write": svc.can_write(scope),
               "max_mb": round(settings.max_file_bytes / 2**20, 1), **extra}  # fmt: skip
    resp = render(request, "ecology.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/ecology", response_class=HTMLResponse)
def ecology_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    settings: SettingsDep,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    base_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> HTMLResponse:
    """The EI map by county, the change classes, the legend, the table and the import."""
    _officer(viewer)
    return _page(request, viewer, session, settings, year=year, base_year=base_year)


@router.get("/ecology/counties/{code}", response_class=HTMLResponse)
def county_page(request: Request, code: str, viewer: LoggedInViewer,
                session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One county's EI inputs over the years with the change between them."""
    _officer(viewer)
    d = svc.county_detail(session, viewer.scope, code)
    return render(request, "ecology_county.html", {**_helpers(request), "d": d}, viewer=viewer)


@router.get("/ecology/template.{fmt}")
def template_file(fmt: str, viewer: LoggedInViewer) -> Response:
    """The blank EI-inputs import file (.xlsx or .csv)."""
    _officer(viewer)
    if fmt not in ("xlsx", "csv"):
        raise NotFound(f"no template .{fmt}: xlsx or csv")
    return table_download("生态状况指数-模板", list(COLUMNS), [], fmt)


@router.post("/ecology/import", response_class=HTMLResponse)
def import_upload(request: Request, viewer: LoggedInViewer, session: SessionDep,
                  settings: SettingsDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:  # fmt: skip
    """Import the uploaded EI inputs: all rows or none (422 listing every bad row)."""
    _officer(viewer)
    name = file.filename or "file"
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        r = svc.import_inputs(session, viewer.scope, data, max_bytes=settings.max_file_bytes)
    except ImportRejected as exc:
        return _page(request, viewer, session, settings, year=None, base_year=None,
                     status_code=422, import_file=name, problems=exc.problems)  # fmt: skip
    return _page(request, viewer, session, settings, year=None, base_year=None,
                 import_file=name, imported=r)  # fmt: skip
