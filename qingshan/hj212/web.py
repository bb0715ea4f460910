"""设备状态 (/devices, login required): every data logger in the user's scope, with the latest
rejected frames; the data come from /api/v1/hj212/status and /rejects. Province and city
accounts also send commands to the loggers (下发命令: /api/v1/hj212/devices/{mn}/commands) and
see their states (/api/v1/hj212/commands)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.accounts.models import Role
from qingshan.hj212.commands import CommandKind
from qingshan.hj212.registry import OFFLINE_AFTER
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)

#: HJ 212-2017 command codes (CN) of data uploads, in the order the page shows them
DATA_CNS = ("2011", "2051", "2061", "2031")
#: who may send commands to the loggers (the API's rule)
COMMANDERS = (Role.PROVINCE, Role.CITY)


@router.get("/devices", response_class=HTMLResponse)
def devices_page(request: Request, viewer: LoggedInViewer) -> HTMLResponse:
    """设备状态: every data logger in the user's scope, with the latest rejected frames."""
    lang = get_lang(request)
    config = {
        "lang": lang,
        "statusUrl": f"{API}/hj212/status",
        "rejectsUrl": f"{API}/hj212/rejects?limit=30",
        "refreshSeconds": 30,
        "cns": list(DATA_CNS),
        "labels": labels_for(("devices.", "reason.", "layout.cst", "punct."), lang),
        "canCommand": viewer.role in COMMANDERS,
        "commandsUrl": f"{API}/hj212/commands?limit=30",
        "commandUrl": f"{API}/hj212/devices/{{mn}}/commands",
        "cancelUrl": f"{API}/hj212/commands/{{id}}/cancel",
        "kinds": [k.value for k in CommandKind],
        "backfillCns": ["2061", "2051", "2031"],
    }
    minutes = int(OFFLINE_AFTER.total_seconds() // 60)
    return render(
        request, "devices.html", {"config": config, "offline_minutes": minutes}, viewer=viewer
    )
