"""The public ranking page ``/ranking`` (环境质量公开排序, issue #16): no login. The route hands
the template its labels, the API URL and the months stored; the browser fetches
``/api/v1/ranking`` and draws the table and the bar chart (``ranking.js``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.api.deps import SessionDep
from qingshan.targets.ranking import KINDS, LEVELS, PERIODS
from qingshan.targets.ranking_service import default_month, stored_months
from qingshan.web.auth import OptionalViewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)


def _pick(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    value = request.query_params.get(name)
    return value if value in allowed else allowed[0]


@router.get("/ranking", response_class=HTMLResponse)
def ranking_page(request: Request, viewer: OptionalViewer, session: SessionDep) -> HTMLResponse:
    """环境质量公开排序: cities or counties by the air comprehensive index or CWQI."""
    lang = get_lang(request)
    months = stored_months(session)
    month = request.query_params.get("month")
    config = {
        "lang": lang,
        "rankingUrl": f"{API}/ranking",
        "kind": _pick(request, "kind", KINDS),
        "level": _pick(request, "level", LEVELS),
        "period": _pick(request, "period", PERIODS),
        "month": month if month in months else default_month(session),
        "months": months,
        "cityPage": "/air/cities/{code}",
        "labels": labels_for(("rank.", "punct."), lang),
    }
    return render(request, "ranking.html", {"config": config}, viewer=viewer)
