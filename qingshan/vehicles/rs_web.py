"""机动车遥感监测 page (issue #21): ``/vehicles/rs`` — the remote-sensing sites of the viewer's
region on the map, each with its readings, validity share and exceedance rate
(:mod:`qingshan.vehicles.rs_obd_service`), and the repeat high emitters linking to the vehicle's
page ``/vehicles/v/{vin}``. Officers only (province, city, county)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qingshan.api.deps import SettingsDep
from qingshan.timeutil import utcnow
from qingshan.vehicles.pages import officer, page_helpers
from qingshan.vehicles.rs_obd_service import rs_view
from qingshan.vehicles.store import VehicleStore
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)


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
    return render(request, "vehicles_rs.html", {**page_helpers(request), "v": view, "config": config},
                  viewer=viewer)  # fmt: skip
