"""重型柴油车远程排放监控 page (issue #21): ``/vehicles/obd`` — the trucks registered in the
viewer's region over the last 30 CST days: how many report, the NOx distribution with a warm SCR,
and the SCR-failure and data-gap trucks with each episode as evidence
(:mod:`qingshan.vehicles.rs_obd_service`). Officers only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qingshan.api.deps import SettingsDep
from qingshan.timeutil import utcnow
from qingshan.vehicles.pages import officer, page_helpers
from qingshan.vehicles.rs_obd_service import obd_view
from qingshan.vehicles.store import VehicleStore
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/vehicles/obd", response_class=HTMLResponse)
def obd_page(request: Request, viewer: LoggedInViewer, settings: SettingsDep) -> Response:
    officer(viewer)
    view = obd_view(VehicleStore.in_data_dir(settings.data_dir), viewer.scope, now=utcnow())
    lang = get_lang(request)
    config = {
        "hist": view.nox_hist,
        "labels": {k: translate(k, lang) for k in ("vh.obd.samples", "vh.obd.nox")},
    }
    return render(request, "vehicles_obd.html", {**page_helpers(request), "v": view, "config": config},
                  viewer=viewer)  # fmt: skip
