"""污染源 (/enterprises, login required): the enterprises of the user's scope with permit and
outlets; the data come from /api/v1/archive/enterprises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep, provided
from qingshan.archive.enterprise_file import enterprise_emissions, get_enterprise_file
from qingshan.archive.findings import (
    CarbonSummary,
    CreditSummary,
    EnterpriseRecordSources,
    WasteSummary,
)
from qingshan.archive.import_layout import SHEETS
from qingshan.archive.models import Industry
from qingshan.archive.service import OutletCounts
from qingshan.geo.regions import children, get_region
from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer
from qingshan.web.glossary import gloss, glossary_for_script
from qingshan.web.i18n import get_lang, labels_for, translate
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)


@router.get("/enterprises", response_class=HTMLResponse)
def enterprises_page(
    request: Request,
    viewer: LoggedInViewer,
    settings: SettingsDep,
    industry: str | None = None,
    region: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    exceeding: str | None = None,
    offset: int = 0,
) -> HTMLResponse:
    """污染源: enterprises in the user's scope with permit and outlets, each outlet's newest
    values against its permit limits (超标 in red), linked to the outlet's QC page. The filters
    (``industry``, ``region``, ``q``) are kept in the address so that a filtered list is a link."""
    lang = get_lang(request)
    scope = viewer.scope
    here = get_region(scope.region_code)
    regions = [
        {"code": r.code, "name": r.name if lang == "zh" else r.name_en}
        for r in (children(here.code) if here.code.endswith("00") else ())
    ]
    config = {
        "lang": lang,
        "listUrl": f"{API}/archive/enterprises",
        "outletUrl": "/qc/outlets/",
        "enterpriseUrl": "/enterprises/",
        "limit": 50,
        "industries": [
            {"key": i.value, "name": translate(f"industry.{i.value}", lang)} for i in Industry
        ],
        "regions": regions,
        "regionLabel": "ent.city" if here.code.endswith("0000") else "ent.county",
        "initial": {
            "industry": industry if industry in {i.value for i in Industry} else "",
            "region": region if region in {r["code"] for r in regions} else "",
            "q": (q or "")[:64],
            "sort": sort if sort in ("region", "name", "industry", "exceeding", "cases") else "",
            "exceeding": exceeding == "true",
            "offset": max(0, min(offset, 10**6)),
        },
        "sorts": ["region", "name", "industry", "exceeding", "cases"],
        "gloss": glossary_for_script(lang),
        "labels": labels_for(("ent.", "industry.", "layout.cst", "punct.", "imp."), lang),
    }
    if viewer.role in (Role.PROVINCE, Role.CITY):  # 导入/导出 (enterprise_import.html)
        config["import"] = _import_config(lang, settings.max_file_bytes)
    return render(request, "enterprises.html", {"config": config}, viewer=viewer)


def _import_config(lang: str, max_bytes: int) -> dict:
    """What the import panel shows: the API's addresses, the size cap, the layout."""
    return {
        "importUrl": f"{API}/archive/import",
        "exportUrl": f"{API}/archive/export",
        "templateUrl": f"{API}/archive/import/template",
        "maxMb": round(max_bytes / 2**20, 1),
        "sheets": [
            {"name": s.name, "name_en": s.name_en, "columns": [
                {"header": c.header, "required": c.required, "what": c.zh if lang == "zh" else c.en,
                 "aliases": ", ".join(a for a in (c.key, *c.aliases) if a.isascii())}
                for c in s.columns]}
            for s in SHEETS
        ],
    }  # fmt: skip


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def enterprise_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    counts: Annotated[OutletCounts, provided(OutletCounts)],
    sources: Annotated[EnterpriseRecordSources, provided(EnterpriseRecordSources)],
    credit: Annotated[CreditSummary, provided(CreditSummary)],
    carbon: Annotated[CarbonSummary, provided(CarbonSummary)],
    waste: Annotated[WasteSummary, provided(WasteSummary)],
    enterprise_id: int = Path(ge=1, le=2**31 - 1),
) -> HTMLResponse:
    """一企一档: the file of one enterprise (:func:`get_enterprise_file`), server-rendered; the
    compliance strip's cells link to the worst finding of their period (a case, an outlet's QC
    page, an inspection or penalty further down)."""
    f = get_enterprise_file(
        session, viewer.scope, enterprise_id, now=utcnow(), counts=counts, sources=sources,
        credit=credit, store=getattr(request.app.state, "store", None), with_emissions=False,
    )  # fmt: skip
    return render(
        request,
        "enterprise.html",
        {"f": f, "carbon": carbon(session, viewer.scope, enterprise_id),
         "waste": waste(session, viewer.scope, enterprise_id),
         "cst": lambda t: as_cst(t).strftime("%Y-%m-%d %H:%M") if t else "—",
         "en": get_lang(request) == "en", "g": lambda text: gloss(text, get_lang(request))},
        viewer=viewer,
    )  # fmt: skip


@router.get("/enterprises/{enterprise_id}/emissions", response_class=HTMLResponse)
def enterprise_emissions_part(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    enterprise_id: int = Path(ge=1, le=2**31 - 1),
) -> HTMLResponse:
    """The enterprise page's 年度排放量 section (an HTML fragment the page fetches once it
    shows: the amounts read a year of hourly values, :func:`enterprise_emissions`)."""
    store = getattr(request.app.state, "store", None)
    emissions = (
        []
        if store is None
        else enterprise_emissions(session, viewer.scope, enterprise_id, now=utcnow(), store=store)
    )
    return render(
        request, "_enterprise_emissions.html",
        {"emissions": emissions, "en": get_lang(request) == "en"}, viewer=viewer,
    )  # fmt: skip
