"""``GET /api/v1/ranking``: the public ranking of cities and counties (环境质量公开排序, issue
#16) — public, no login; as JSON or as the published table (``format=xlsx|csv``)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Response

from qingshan.api.deps import SessionDep
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.targets.ranking_export import ranking_table
from qingshan.targets.ranking_schemas import Ranking
from qingshan.targets.ranking_service import get_ranking

router = APIRouter(tags=["ranking 环境质量排名"])


@router.get("/ranking", response_model=Ranking, responses=FILE_RESPONSES)
def ranking(
    session: SessionDep,
    kind: Literal["air", "water"] = Query(
        "air", description="air (comprehensive index) or water (CWQI)"
    ),
    level: Literal["city", "county"] = Query("city", description="the 11 cities or the counties"),
    period: Literal["month", "ytd", "year"] = Query(
        "month", description="the month, the year to date (January … month) or the year"
    ),
    month: str | None = Query(
        None,
        pattern=r"^(20\d\d|2100)-(0[1-9]|1[0-2])$",
        description="YYYY-MM (2000-01 … 2100-12); default the newest complete month",
    ),
    format: Literal["csv", "xlsx"] | None = Query(
        None, description="the published table as a file"
    ),
    lang: Literal["zh", "en"] = Query("zh", description="the file's headers and names"),
) -> Ranking | Response:
    """Cities or counties ranked by the air comprehensive index (环办监测〔2018〕19号) or by CWQI
    (环办监测〔2017〕51号) for the month, the year to date or the year, with 同比 against the same
    period of the previous year; regions without valid data in ``lacking`` with the reason.
    Bad values answer 422 naming the field and what is allowed (the service checks them again
    for its other callers)."""
    result = get_ranking(session, kind, level, period, month)
    if format is not None:
        title, headers, rows = ranking_table(result, lang)
        return table_download(title, headers, rows, format)
    return result
