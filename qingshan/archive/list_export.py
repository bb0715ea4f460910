"""The enterprise list as a file (导出): every enterprise of the viewer's scope matching the
list's filters, in the list's order — not only the page shown — as rows for
:func:`qingshan.api.export.table_download` (Excel or CSV). At most :data:`MAX_EXPORT_ROWS`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.models import Industry
from qingshan.archive.service import OutletCounts, list_enterprises
from qingshan.web.i18n import translate

__all__ = ["MAX_EXPORT_ROWS", "enterprise_table"]

#: enterprises in one export (a province has about 20,000 monitored sources)
MAX_EXPORT_ROWS = 20_000
_PAGE = 500
_COLUMNS = (
    "ent.name", "ent.credit_code", "ent.industry", "dl.ent.city", "dl.ent.county",
    "dl.ent.key_unit", "ent.permit", "dl.ent.permit_to", "dl.ent.outlets",
    "dl.ent.exceeding", "dl.ent.cases", "dl.ent.events",
)  # fmt: skip


def enterprise_table(
    session: Session,
    scope: Scope,
    *,
    today: date,
    lang: str,
    counts: OutletCounts,
    industry: Industry | None = None,
    region: str | None = None,
    q: str | None = None,
    exceeding: bool = False,
    sort: str = "region",
) -> tuple[str, list[str], list[list[Any]]]:
    """(title, headers, rows) of the filtered list, paged through the list service itself so
    that the file holds exactly what the list's pages hold."""
    en = lang == "en"
    rows: list[list[Any]] = []
    offset = 0
    while offset < MAX_EXPORT_ROWS:
        page = list_enterprises(
            session, scope, today=today, industry=industry, region=region, q=q,
            exceeding=exceeding, sort=sort, limit=_PAGE, offset=offset, counts=counts,
        )  # fmt: skip
        for e in page.items:
            rows.append([
                e.name, e.credit_code, translate(f"industry.{e.industry.value}", lang),
                e.city_name_en if en else e.city_name, e.region_name_en if en else e.region_name,
                translate("dl.yes" if e.key_unit else "dl.no", lang),
                e.permit.number if e.permit else None,
                e.permit.valid_to.isoformat() if e.permit else None,
                len(e.outlets), e.exceeding_outlets, e.open_cases, e.events,
            ])  # fmt: skip
        offset += _PAGE
        if offset >= page.total or not page.items:
            break
    headers = [translate(k, lang) for k in _COLUMNS]
    return translate("dl.ent.title", lang), headers, rows[:MAX_EXPORT_ROWS]
