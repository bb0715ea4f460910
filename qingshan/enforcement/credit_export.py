"""The credit list as a file (导出): every current grade of the viewer's scope matching the
list's filters, in the list's order (worst grade first) — not only the page shown — as rows for
:func:`qingshan.api.export.table_download`. At most :data:`MAX_EXPORT_ROWS`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.enforcement.service import list_ratings
from qingshan.web.i18n import translate

__all__ = ["MAX_EXPORT_ROWS", "credit_table"]

MAX_EXPORT_ROWS = 20_000
_PAGE = 500
_COLUMNS = (
    "credit.col.enterprise", "credit.col.region", "credit.col.grade", "credit.col.veto",
    "credit.col.score", "credit.col.as_of",
)  # fmt: skip


def credit_table(
    session: Session,
    scope: Scope,
    *,
    lang: str,
    grade: str | None = None,
    region: str | None = None,
    q: str | None = None,
) -> tuple[str, list[str], list[list[Any]]]:
    """(title, headers, rows) of the filtered list, paged through the list service itself."""
    en = lang == "en"
    rows: list[list[Any]] = []
    offset = 0
    while offset < MAX_EXPORT_ROWS:
        page = list_ratings(session, scope, grade=grade, region=region, q=q, limit=_PAGE,
                            offset=offset)  # fmt: skip
        for r in page.items:
            rows.append([
                r.enterprise_name, r.region_name_en if en else r.region_name,
                r.grade_name_en if en else r.grade_name,
                translate("dl.yes" if r.vetoed else "dl.no", lang), r.score, r.as_of.isoformat(),
            ])  # fmt: skip
        offset += _PAGE
        if offset >= page.total or not page.items:
            break
    title = translate("credit.title", lang).format(region="").strip(": ")
    return title, [translate(k, lang) for k in _COLUMNS], rows[:MAX_EXPORT_ROWS]
