"""``/api/v1/qc``: enterprise marks (CRUD), verdicts (judgements), events, supervision cases and
the effective transmission rate of an outlet. Scoped like the rest of the API: a site out of
scope is reported exactly as a missing one."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query

from qingshan.api.deps import (
    CurrentUser,
    ScopeDep,
    SessionDep,
    SettingsDep,
    StoreDep,
    provided,
)
from qingshan.api.limits import Id, SiteCode, Time
from qingshan.monitoring.service import get_site
from qingshan.qc import records
from qingshan.qc.flags import flag_names
from qingshan.qc.models import QCJudgement, QCMark
from qingshan.qc.outlet import outlet_flags as judge_outlet_flags
from qingshan.qc.outlet import outlet_transmission
from qingshan.qc.schemas import (
    CasePublic,
    EventPublic,
    JudgementPublic,
    MarkCreate,
    MarkPublic,
    TransmissionPublic,
)
from qingshan.qc.supervision import CaseSink, SiteCases
from qingshan.timeutil import as_utc

router = APIRouter(prefix="/qc", tags=["qc 数据质控与电子督办"])

#: where the re-judgements a mark sets off report their events (the registry's sink)
SinkDep = Annotated[CaseSink, provided(CaseSink)]
SiteCasesDep = Annotated[SiteCases, provided(SiteCases)]


@router.get("/sites/{code}/marks", response_model=list[MarkPublic])
def list_marks(
    code: SiteCode,
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    include_revoked: bool = False,
) -> list[QCMark]:
    """Marks of an outlet 企业标记."""
    return records.outlet_marks(session, scope, code, include_revoked=include_revoked)


@router.post("/sites/{code}/marks", response_model=MarkPublic, status_code=201)
def create_mark(
    code: SiteCode,
    body: MarkCreate,
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    settings: SettingsDep,
    sink: SinkDep,
) -> QCMark:
    """Enter a mark 新增标记 (checked for kind, order and overlap). The outlet's stored verdicts
    whose windows the mark overlaps are judged again at once (``trigger="late_mark"``; the
    earlier verdicts are kept, superseded)."""
    return records.mark_outlet(
        session,
        store,
        scope,
        user,
        code,
        **body.model_dump(),
        max_days=settings.max_mark_days,
        sink=sink,
    )


@router.delete("/marks/{mark_id}", response_model=MarkPublic)
def revoke_mark(
    mark_id: Id,
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    sink: SinkDep,
) -> QCMark:
    """Revoke a mark 撤销标记 (kept, with who and when); the verdicts it touched are judged
    again without it."""
    return records.revoke_outlet_mark(session, store, scope, user, mark_id, sink=sink)


@router.get("/sites/{code}/judgements", response_model=list[JudgementPublic])
def list_judgements(
    code: SiteCode,
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    current_only: bool = False,
) -> list[QCJudgement]:
    """Verdicts of an outlet 判定记录, every recomputation kept (newest first)."""
    return records.outlet_judgements(session, scope, code, current_only=current_only)


@router.get("/sites/{code}/events", response_model=list[EventPublic])
def list_events(
    code: SiteCode, user: CurrentUser, session: SessionDep, scope: ScopeDep
) -> list[EventPublic]:
    """Exceedance events of the outlet's current verdicts 超标事件."""
    return records.outlet_events(session, scope, code)


@router.get("/sites/{code}/cases", response_model=list[CasePublic])
def list_cases(
    code: SiteCode, user: CurrentUser, session: SessionDep, scope: ScopeDep, cases: SiteCasesDep
) -> list[dict]:
    """Supervision cases of an outlet 电子督办 (the cases opened by its QC reports; the whole
    case at ``/api/v1/cases/{id}``)."""
    return records.outlet_cases(session, scope, code, cases)


@router.get("/sites/{code}/transmission", response_model=TransmissionPublic)
def transmission(
    code: SiteCode,
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    settings: SettingsDep,
    start: Annotated[Time, Query()],
    end: Annotated[Time, Query()],
) -> TransmissionPublic:
    """有效传输率 = 传输率 × 有效率 over [start, end) of the outlet's hourly series."""
    site = get_site(session, scope, code)
    t0, t1 = as_utc(start), as_utc(end)
    r = outlet_transmission(session, store, site.id, t0, t1, max_days=settings.max_range_days)
    return TransmissionPublic(site=site.code, start=t0, end=t1, **r)


def _floats(x: np.ndarray | None) -> list[float | None] | None:
    return None if x is None else [None if np.isnan(v) else round(float(v), 3) for v in x]


@router.get("/sites/{code}/flags")
def outlet_flags(
    code: SiteCode,
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    settings: SettingsDep,
    start: Annotated[Time, Query()],
    end: Annotated[Time, Query()],
) -> dict[str, Any]:
    """The outlet's hourly series with every check's flag, validity, exceedance and the marks —
    what the outlet page draws 排口数据与标记. Judged on the fly as the QC job judges each CST
    day (same rule pack, limits and minute data as the stored verdicts), not stored."""
    site = get_site(session, scope, code)
    f = judge_outlet_flags(
        session, store, site.id, as_utc(start), as_utc(end), max_days=settings.max_range_days
    )
    return {
        "site": site.code,
        "name": site.name,
        "rule_version": f.rule_version,
        "windows": [
            {"start": a.isoformat(), "end": b.isoformat(), "rule_version": v}
            for a, b, v in f.windows
        ],
        "series": {
            c: {
                "time": [t.isoformat() for t in s.times],
                "value": [None if np.isnan(x) else float(x) for x in s.values],
                "converted": _floats(s.converted),
                "flag": flag_names(s.aggregate).tolist(),
                "valid": s.valid.tolist(),
                "checks": {name: flag_names(x).tolist() for name, x in s.checks.items()},
                "limit": s.limit,
                # the period (hour for gas, CST day for water) each row belongs to, its mean
                # as held against the limit (converted for gas) and its verdict
                "period": "day"
                if site.kind.value == "water_outlet" or c.startswith("w")
                else "hour",
                "period_mean": _floats(s.period_mean),
                "status": None if s.period_status is None else s.period_status.tolist(),
            }
            for c, s in f.series.items()
        },
        "marks": [MarkPublic.model_validate(m).model_dump(mode="json") for m in f.marks],
    }
