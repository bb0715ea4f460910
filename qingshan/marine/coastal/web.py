"""近岸海域 page of the river-mouth sections (issue #25): ``/marine/rivers`` — the 20 入海河流
（溪闸）sections of plan item 12.4 with 12 months of TN and TP against their control targets
(data, tagged), for the officers of the region. The work is
:mod:`qingshan.marine.coastal.service`."""

from __future__ import annotations

from datetime import date
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.errors import PermissionDenied
from qingshan.marine.coastal import service as svc
from qingshan.marine.coastal.sea import river_mouth_plan
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import cst_today
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import region_label, render

router = APIRouter(include_in_schema=False)


@router.get("/marine/rivers", response_class=HTMLResponse)
def rivers_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
                settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """The river-mouth sections' monthly TN/TP vs their targets, and their compliance."""
    if viewer.role not in (Role.PROVINCE, Role.CITY, Role.COUNTY):
        raise PermissionDenied("近岸海域 is for province, city and county officers")
    until: date = cst_today()
    store = ObservationStore(settings.observations_dir)
    try:
        rows = svc.river_mouth_status(session, store, viewer.scope, until=until)
    finally:
        store.close()
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    context = {"rows": rows, "fig": svc.river_mouth_figures(rows), "plan": river_mouth_plan(),
               "months": svc.trailing_months(until), "rname": rname}  # fmt: skip
    return render(request, "marine_rivers.html", context, viewer=viewer)
