"""E-supervision (电子督办): events → supervision cases, evidence, effective transmission rate.

Cases go through :class:`CaseSink`, a small interface the case workflow (``qingshan.cases``) will
implement; :class:`DBCaseSink` is the interim implementation on ``qc_supervision_case``. One case
per event key: judging the same event again (a late mark, a replay) never opens a second case,
and an event that runs on across a window boundary (CST midnight) keeps the key of its first
window (:func:`qingshan.qc.service.judge_site`), so its case is extended, not doubled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.qc.errors import BadParameter
from qingshan.qc.exceedance import Event
from qingshan.qc.flags import flag_names
from qingshan.qc.marks import MarkInterval
from qingshan.qc.models import SupervisionCase

__all__ = ["CaseReport", "CaseSink", "DBCaseSink", "evidence_for", "transmission_rates"]


@dataclass(frozen=True)
class CaseReport:
    """A problem some domain found, to become (or extend) a case: source-neutral, so QC's
    exceedances and fraud patterns, forecasts' early warnings, waste mass-balance alerts and
    inspections report alike.

    ``(source, source_key)`` identifies the report: reporting it again (a window judged again,
    a replay) extends the case it opened instead of opening another. Reports with the same
    ``group_key`` attach to the group's open case (a fraud pattern that goes on day after day
    at one outlet is one case). ``evidence`` is the source's payload (for QC: the series
    window, the checks that fired, the marks, the rule), kept with the report.
    """

    source: str  # qc_exceedance | qc_pattern | forecast | waste | inspection | complaint | …
    source_key: str
    region_code: str  # GB/T 2260
    category: str  # a key of qingshan/cases/data/rules.json
    severity: str  # general | serious | major
    title: str
    occurred_at: datetime
    enterprise_id: int | None = None
    site_id: int | None = None
    parameter_code: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    description: str = ""
    group_key: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class CaseSink(Protocol):
    def open_case(
        self,
        *,
        event_key: str,
        site_id: int,
        parameter_code: str,
        title: str,
        evidence: dict,
        judgement_id: int | None,
        opened_at: datetime,
    ) -> int:
        """Open a case for an event, or return the id of the case already open for it (updating
        its ``evidence["event"]``, the whole event, and ``evidence["parts"]``, one per window)."""
        ...


class DBCaseSink:
    """Cases as rows of ``qc_supervision_case`` (idempotent on ``event_key``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def open_case(
        self,
        *,
        event_key: str,
        site_id: int,
        parameter_code: str,
        title: str,
        evidence: dict,
        judgement_id: int | None,
        opened_at: datetime,
    ) -> int:
        case = self.session.scalar(
            select(SupervisionCase).where(SupervisionCase.event_key == event_key)
        )
        if case is not None:
            history = list(case.evidence.get("rejudged", []))
            if (
                judgement_id is not None
                and judgement_id not in history
                and judgement_id != case.judgement_id
            ):
                history.append(judgement_id)
            # an event continued in a later window extends its case: the whole event as now
            # judged, one part per window (a window judged again replaces its part)
            parts = {p["window_start"]: p for p in case.evidence.get("parts", [])}
            parts.update({p["window_start"]: p for p in evidence.get("parts", [])})
            ev = evidence.get("event", case.evidence.get("event"))
            case.evidence = {
                **case.evidence,
                "event": ev,
                "parts": [parts[k] for k in sorted(parts)],
                "rejudged": history,
            }
            if not history:
                case.evidence.pop("rejudged")
            case.title = title
            return case.id
        case = SupervisionCase(
            event_key=event_key,
            site_id=site_id,
            parameter_code=parameter_code,
            title=title,
            status="open",
            opened_at=opened_at,
            judgement_id=judgement_id,
            evidence=evidence,
        )
        self.session.add(case)
        self.session.flush()
        return case.id


def evidence_for(
    verdict,
    event: Event,
    marks: list[MarkInterval],
    *,
    rule_version: str,
    pad: pd.Timedelta = pd.Timedelta(hours=6),
) -> dict:
    """The evidence of an event: the series around it (raw, converted, aggregate flag), the
    per-check flags that fired, the marks overlapping it, the limit and the rule version."""
    t = verdict.times
    lo, hi = event.start - pad, event.end + pad
    sel = (t >= lo) & (t < hi)
    idx = np.flatnonzero(sel)
    rows = []
    for i in idx:
        conv = (
            None
            if verdict.converted is None or np.isnan(verdict.converted[i])
            else round(float(verdict.converted[i]), 4)
        )
        val = None if np.isnan(verdict.values[i]) else float(verdict.values[i])
        rows.append(
            {
                "time": t[i].isoformat(),
                "value": val,
                "converted": conv,
                "flag": str(flag_names(verdict.aggregate[i : i + 1])[0]),
            }
        )
    fired = {}
    for r in verdict.results:
        hit = r.flags[idx]
        n = int(np.isin(hit, (3, 4)).sum())
        if n:
            fired[r.name] = {"count": n, "params": r.params}
    overlapping = [
        {
            "id": m.id,
            "kind": m.kind,
            "start": pd.Timestamp(m.start).isoformat(),
            "end": pd.Timestamp(m.end).isoformat(),
            "created_by": m.created_by,
            "created_at": None if m.created_at is None else pd.Timestamp(m.created_at).isoformat(),
            "proof": list(m.proof),
        }
        for m in marks
        if pd.Timestamp(m.start) < hi and pd.Timestamp(m.end) > lo
    ]
    return {
        "event": {
            "start": event.start.isoformat(),
            "end": event.end.isoformat(),
            "periods": event.periods,
            "max_value": event.max_value,
            "max_multiple": round(event.max_multiple, 4),
            "limit": event.limit,
        },
        "series": rows,
        "checks": fired,
        "marks": overlapping,
        "rule": {"version": rule_version, **(verdict.limit or {})},
    }


def transmission_rates(expected: int, reported: int, valid: int, *, exempt: int = 0) -> dict:
    """有效传输率 = 传输率 × 有效率 (公告2022年第21号 标记规则; 《自动监测数据有效传输率统计算法说明》).

    Parameters
    ----------
    expected : int — periods that should have arrived (应收)
    reported : int — periods that arrived (实报)
    valid : int — reported periods that are valid (有效)
    exempt : int — periods excluded from the denominator (e.g. the daily ≤ 1 h 标样核查 of
        water analysers; a stop marked 停运 with no transmission due)

    Returns
    -------
    dict with ``transmission_rate``, ``validity_rate``, ``effective_rate`` [–] (None when
    nothing is expected or reported).
    """
    for name, v in (
        ("expected", expected),
        ("reported", reported),
        ("valid", valid),
        ("exempt", exempt),
    ):
        if v < 0:
            raise BadParameter("transmission_rates", name, v, "≥ 0")
    if valid > reported:
        raise BadParameter("transmission_rates", "valid", valid, f"≤ reported ({reported})")
    denom = max(expected - exempt, 0)
    tr = None if denom == 0 else min(reported / denom, 1.0)
    vr = None if reported == 0 else valid / reported
    eff = None if tr is None or vr is None else tr * vr
    return {
        "expected": expected,
        "reported": reported,
        "valid": valid,
        "exempt": exempt,
        "transmission_rate": tr,
        "validity_rate": vr,
        "effective_rate": eff,
    }
