"""E-supervision (电子督办): events and fraud patterns → case reports, evidence, effective
transmission rate.

QC opens cases through :class:`CaseSink`, a Protocol it publishes and the case workflow
(``qingshan.cases``) implements; the registry passes the implementation in (``run_qc``,
``judge_window``, ``rejudge_for_mark``, the marks API), QC never names it. A report
(:class:`CaseReport`) is source-neutral, so forecasts, waste and inspections open cases the same
way. One case per exceedance event key: judging the same event again (a late mark, a replay)
never opens a second case, and an event that runs on across a window boundary (CST midnight)
keeps the key of its first window (:func:`qingshan.qc.service.store_judgement`), so its case is
extended, not doubled. The runs of the fraud patterns (limit hugging 贴限排放, capping 削峰, O2
tampering O2篡改, flat lines 恒值) are reported too, one case per outlet and pattern while it is
open (``group_key``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from qingshan.qc.errors import BadParameter
from qingshan.qc.exceedance import Event
from qingshan.qc.flags import Flag, flag_names
from qingshan.qc.marks import MarkInterval

__all__ = [
    "CaseReport",
    "CaseSink",
    "SiteCases",
    "FRAUD_PATTERNS",
    "PatternRun",
    "pattern_runs",
    "pattern_evidence",
    "exceedance_severity",
    "evidence_for",
    "transmission_rates",
]


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
    """Where reports become cases (implemented by ``qingshan.cases``)."""

    def open_case(self, session: Session, report: CaseReport) -> int:
        """Open a case for ``report`` in ``session``'s transaction, or return the id of the
        case it already belongs to (the same report again: its evidence is replaced by the
        new one; a report of an open group: attached to it)."""
        ...


class SiteCases(Protocol):
    """The cases of an outlet as QC's API shows them (implemented by ``qingshan.cases``)."""

    def __call__(self, session: Session, site_id: int) -> list[dict[str, Any]]: ...


#: the fraud patterns whose runs open cases: check name → (pattern, 中文)
FRAUD_PATTERNS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "limit_hugging": ("limit_hugging", "贴限排放"),
        "ceiling": ("capping", "削峰"),
        "converted_flat": ("o2_tampering", "O2篡改"),
        "o2_consistency": ("o2_tampering", "O2篡改"),
        "flat_line": ("flat_line", "恒值"),
    }
)

#: severity of an exceedance event by its largest multiple (超标倍数, (value − limit) / limit):
#: the platform's default grading, (lowest multiple, severity) from the top
EXCEEDANCE_SEVERITY = ((1.0, "major"), (0.5, "serious"), (0.0, "general"))


def exceedance_severity(max_multiple: float) -> str:
    """``major`` from twice the limit (multiple ≥ 1), ``serious`` from 1.5 times, else
    ``general`` (:data:`EXCEEDANCE_SEVERITY`)."""
    for low, severity in EXCEEDANCE_SEVERITY:
        if max_multiple >= low:
            return severity
    return "general"


@dataclass(frozen=True)
class PatternRun:
    """A run of SUSPECT or FAIL flags of one fraud-pattern check on one series."""

    check: str
    pattern: str
    label: str
    start: pd.Timestamp
    end: pd.Timestamp  # the last flagged time
    points: int
    params: dict


def pattern_runs(verdict) -> list[PatternRun]:
    """The runs of the fraud-pattern checks (:data:`FRAUD_PATTERNS`) that fired on a series
    verdict, in time order."""
    out = []
    t = verdict.times
    for r in verdict.results:
        if r.name not in FRAUD_PATTERNS:
            continue
        hit = np.isin(np.asarray(r.flags), (int(Flag.SUSPECT), int(Flag.FAIL)))
        if not hit.any():
            continue
        edges = np.diff(np.r_[0, hit.astype(np.int8), 0])
        pattern, label = FRAUD_PATTERNS[r.name]
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
            out.append(
                PatternRun(r.name, pattern, label, t[a], t[b - 1], int(b - a), dict(r.params))
            )
    return sorted(out, key=lambda p: (p.start, p.check))


def _series_rows(verdict, lo, hi) -> tuple[np.ndarray, list[dict]]:
    t = verdict.times
    idx = np.flatnonzero((t >= lo) & (t < hi))
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
    return idx, rows


def pattern_evidence(
    verdict, run: PatternRun, *, rule_version: str, pad: pd.Timedelta = pd.Timedelta(hours=6)
) -> dict:
    """The evidence of a pattern run: the series around it, the check with its parameters,
    the run and the rule version."""
    _, rows = _series_rows(verdict, run.start - pad, run.end + pad)
    return {
        "pattern": {"check": run.check, "name": run.pattern, "label": run.label},
        "run": {"start": run.start.isoformat(), "end": run.end.isoformat(), "points": run.points},
        "series": rows,
        "checks": {run.check: {"count": run.points, "params": run.params}},
        "rule": {"version": rule_version, **(verdict.limit or {})},
    }


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
    lo, hi = event.start - pad, event.end + pad
    idx, rows = _series_rows(verdict, lo, hi)
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
