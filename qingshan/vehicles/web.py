"""机动车排气 pages (issue #21): ``/vehicles`` (the region's fleet by emission stage, the I/M
initial-test failure rate by month, method and fuel, the busiest stations, a plate/VIN search),
``/vehicles/stations`` (the station ranking with the five fraud checks, sortable, exportable),
``/vehicles/stations/{code}`` (lines, equipment calibration, each check's evidence, pass rate
against peers) and ``/vehicles/v/{vin}`` (a vehicle's identity and tests with the limits they
were judged against). Officers only (province, city, county), each seeing its own region; the
numbers come from :mod:`qingshan.vehicles.read_service`."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.errors import NotFound
from qingshan.timeutil import as_cst, utcnow
from qingshan.vehicles import read_service as rs
from qingshan.vehicles.case_links import STATE_COLORS, station_cases, vehicle_cases
from qingshan.vehicles.errors import VehicleError
from qingshan.vehicles.pages import officer, page_helpers, station_map_config
from qingshan.vehicles.service import get_store
from qingshan.web.auth import LoggedInViewer
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/vehicles", response_class=HTMLResponse)
def overview_page(request: Request, viewer: LoggedInViewer, session: SessionDep, settings: SettingsDep,
                  period: str = "", q: str = "") -> Response:  # fmt: skip
    """The overview; ``q`` (a plate or VIN) goes to that vehicle's page."""
    officer(viewer)
    store = get_store(settings.data_dir)
    error = ""
    if q.strip():
        try:
            vin = rs.find_vehicle(store, q)
            rs.vehicle_view(store, session, viewer.scope, vin)
            return RedirectResponse(f"/vehicles/v/{quote(vin)}", 303)
        except (VehicleError, NotFound) as exc:
            error = str(exc)
    try:
        ov = rs.overview(store, session, viewer.scope, period=period)
    except VehicleError as exc:
        error, ov = str(exc), rs.overview(store, session, viewer.scope)
    peak = max((r["total"] for r in ov.fleet), default=0) or 1
    trend_rate = [
        None if r["fail_rate"] is None else round(100 * r["fail_rate"], 2) for r in ov.by_month
    ]
    peak_rate = max((r["fail_rate"] or 0 for r in ov.by_month), default=0) or 1
    context = {**page_helpers(request), "ov": ov, "q": q, "error": error, "period": period, "peak": peak,
               "peak_rate": peak_rate, "trend_rate": trend_rate, "available": rs.months_available(store)}  # fmt: skip
    resp = render(request, "vehicles_overview.html", context, viewer=viewer)
    resp.status_code = 422 if error else 200
    return resp


@router.get("/vehicles/stations", response_class=HTMLResponse)
def stations_page(request: Request, viewer: LoggedInViewer, session: SessionDep, settings: SettingsDep,
                  period: str = "", sort: str = "flagged") -> HTMLResponse:  # fmt: skip
    """The station ranking with the five checks over a period."""
    officer(viewer)
    store = get_store(settings.data_dir)
    error = ""
    try:
        ranking = rs.station_ranking(store, session, viewer.scope, period=period, sort=sort)
    except VehicleError as exc:
        error, period, sort = str(exc), "", "flagged"
        ranking = rs.station_ranking(store, session, viewer.scope)
    context = {**page_helpers(request), "ranking": ranking, "checks": rs.CHECKS, "period": period, "sort": sort,
               "error": error, "available": rs.months_available(store),
               "config": station_map_config(request, rs.station_points(session, viewer.scope, ranking),
                                         viewer.scope.region_code)}  # fmt: skip
    resp = render(request, "vehicles_stations.html", context, viewer=viewer)
    resp.status_code = 422 if error else 200
    return resp


@router.get("/vehicles/stations/{code}", response_class=HTMLResponse)
def station_page(request: Request, code: str, viewer: LoggedInViewer, session: SessionDep,
                 settings: SettingsDep, period: str = "") -> HTMLResponse:  # fmt: skip
    """One station: lines and equipment, each check with its evidence, pass rate vs peers."""
    officer(viewer)
    store = get_store(settings.data_dir)
    st = rs.station_view(store, session, viewer.scope, code, period=period,
                         today=as_cst(utcnow()).date())  # fmt: skip
    context = {**page_helpers(request), "st": st, "period": period, "state_colors": STATE_COLORS,
               "cases": station_cases(session, viewer.scope, st.station_code)}  # fmt: skip
    return render(request, "vehicles_station.html", context, viewer=viewer)


@router.get("/vehicles/v/{vin}", response_class=HTMLResponse)
def vehicle_page(request: Request, vin: str, viewer: LoggedInViewer, session: SessionDep,
                 settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """A vehicle's identity and its tests with the limits (a malformed VIN: 422 naming the
    position)."""
    officer(viewer)
    store = get_store(settings.data_dir)
    view = rs.vehicle_view(store, session, viewer.scope, vin)
    found = vehicle_cases(
        session, viewer.scope, vin=view.vehicle["vin"], plate=view.vehicle["plate"]
    )
    context = {**page_helpers(request), "v": view, "cases": found, "state_colors": STATE_COLORS}
    return render(request, "vehicles_vehicle.html", context, viewer=viewer)
