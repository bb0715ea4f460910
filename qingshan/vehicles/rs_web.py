"""机动车遥感监测 page (issue #21): ``/vehicles/rs`` — the remote-sensing sites of the viewer's
region on the map, each with its readings, validity share and exceedance rate
(:mod:`qingshan.vehicles.rs_obd_service`), and the repeat high emitters linking to the vehicle's
page ``/vehicles/v/{vin}``. Officers only (province, city, county)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SettingsDep
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import REGIONS
from qingshan.timeutil import utcnow
from qingshan.vehicles.remote_sensing import POLLUTANTS
from qingshan.vehicles.rs_obd_service import rs_view
from qingshan.vehicles.store import VehicleStore
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: pollutant column → its short name on the English page
POLLUTANTS_EN = {"co_pct": "CO", "hc_ppm": "HC", "no_ppm": "NO", "opacity_pct": "opacity"}


def officer(viewer: Viewer) -> None:
    """Vehicle pages are for the province, city and county officers."""
    if viewer.role not in OFFICERS:
        raise PermissionDenied("机动车排气 is for province, city and county officers")


def helpers(request: Request) -> dict[str, Any]:
    """Region names, percentages and pollutant names in the page's language."""
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{100 * x:.1f}%"

    def pollutants(cols: str) -> str:
        names = POLLUTANTS if lang == "zh" else POLLUTANTS_EN
        return "、".join(names.get(c, c) for c in cols.split(",") if c)

    return {"rname": rname, "pct": pct, "pollutants": pollutants, "lang": lang}


@router.get("/vehicles/rs", response_class=HTMLResponse)
def rs_page(request: Request, viewer: LoggedInViewer, settings: SettingsDep) -> Response:
    officer(viewer)
    view = rs_view(VehicleStore.in_data_dir(settings.data_dir), viewer.scope, now=utcnow())
    lang = get_lang(request)
    config = {
        "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
        "sites": view.sites,
        "labels": {k: translate(k, lang) for k in ("vh.rs.readings", "vh.rs.valid", "vh.rs.rate")},
    }
    return render(request, "vehicles_rs.html", {**helpers(request), "v": view, "config": config},
                  viewer=viewer)  # fmt: skip
