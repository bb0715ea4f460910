"""The outlet page 排口数据质控: an outlet's hourly series with QC flags, enterprise marks, the
permit limit and exceedance events (login required).

Listed in the registry's pages (:mod:`qingshan.platform.app`). Like the other pages it computes nothing: it
renders the dashboard template ``qc_outlet.html`` with labels, legend and API URLs; the browser
draws ``GET /api/v1/archive/outlets/{code}`` (header, parameter names and units),
``/api/v1/qc/sites/{code}/flags`` (series and flags) and ``/events`` with ECharts.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from qingshan.accounts.models import Role
from qingshan.api.deps import SettingsDep
from qingshan.qc.marks import MARK_KINDS
from qingshan.standards.pollutant_codes import O2_CODE
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer
from qingshan.web.glossary import glossary_for_script
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.legend import LIMIT_COLOR, MARK_COLOR, qc_flag_legend
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

#: a period whose mean is above the limit (超标): a purple diamond, apart from every QC flag's
#: colour (可疑 yellow, 无效 red) — an exceedance is a verdict on valid data, not a data flag
EXCEED_COLOR = "#7b2cbf"

#: the quick ranges offered above the charts [days]
QUICK_DAYS = (1, 3, 7, 14)


@router.get("/qc/outlets/{code}", response_class=HTMLResponse)
def outlet_page(
    request: Request,
    code: str,
    viewer: LoggedInViewer,
    settings: SettingsDep,
    days: int = Query(3, ge=1, le=31),
) -> HTMLResponse:
    """排口数据质控: the outlet's hourly series of the last ``days`` days (CST hours) with QC
    flags (colour per flag), enterprise marks (shaded intervals, and all of them listed), the
    permit limit and events. An enterprise account (its own outlets: nothing else is in its
    scope), a province or a city account gets the 自行标记 form (who may mark is decided by
    :func:`qingshan.qc.records.check_may_mark` when the mark is posted)."""
    lang = get_lang(request)
    end = as_cst(utcnow()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(days=days)
    fmt = "%Y-%m-%dT%H:%M"
    site = quote(code, safe="")
    config = {
        "lang": lang,
        "code": code,
        "outletUrl": f"{API}/archive/outlets/{site}",
        "flagsUrl": f"{API}/qc/sites/{site}/flags",
        "eventsUrl": f"{API}/qc/sites/{site}/events",
        "marksUrl": f"{API}/qc/sites/{site}/marks",
        "legend": qc_flag_legend(lang),
        "markColor": MARK_COLOR,
        "limitColor": LIMIT_COLOR,
        "exceedColor": EXCEED_COLOR,
        "o2Code": O2_CODE,
        "gloss": glossary_for_script(lang),
        "labels": labels_for(("qc.", "ent.", "industry.", "layout.cst", "punct."), lang),
    }
    may_mark = viewer.role in (Role.ENTERPRISE, Role.PROVINCE, Role.CITY)
    context = {
        "config": config,
        "may_mark": may_mark,
        "mark_kinds": [
            {
                "key": k,
                "name": k if lang == "zh" else f"{k} ({translate(f'qc.mark.kind.{k}', lang)})",
            }
            for k in MARK_KINDS
        ],
        "mark_max_days": settings.max_mark_days,
        "mark_start": (end - timedelta(hours=3)).strftime(fmt),
        "mark_end": (end - timedelta(hours=1)).strftime(fmt),
        "code": code,
        "start": start.strftime(fmt),
        "end": end.strftime(fmt),
        "days": days,
        "quick_days": QUICK_DAYS,
        "legend": config["legend"],
        "mark_color": MARK_COLOR,
        "limit_color": LIMIT_COLOR,
        "exceed_color": EXCEED_COLOR,
    }
    return render(request, "qc_outlet.html", context, viewer=viewer)
