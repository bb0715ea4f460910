"""QC rules on the database: marks, stored judgements (every recomputation kept), events, cases.

A judgement is recomputed when a mark arrives late: :func:`add_mark` returns the mark, and
:func:`qingshan.qc.jobs.rejudge_for_mark` judges the affected windows again with
``trigger="late_mark"``, keeping the earlier judgement (``superseded_by`` points to the new one).
:func:`replay` recomputes a stored judgement from its stored inputs and rule version and says
whether it matches.

The rule pack of a site is chosen in one place, :func:`rulepack_for` (the data file
``rulepacks/pack_choice.json``), on the window's CST date (:func:`window_date`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.errors import NotFound
from qingshan.monitoring.models import Site
from qingshan.qc.errors import QCError, RangeTooLong
from qingshan.qc.judge import OutletVerdict, judge_outlet
from qingshan.qc.marks import MarkInterval, validate_marks
from qingshan.qc.models import QCEvent, QCJudgement, QCMark
from qingshan.qc.rules import RulePack, load_rulepack, pack_industry, rulepack_for
from qingshan.qc.supervision import (
    CaseReport,
    CaseSink,
    PatternRun,
    evidence_for,
    exceedance_severity,
    pattern_evidence,
    pattern_runs,
)
from qingshan.standards.errors import UnknownPollutantCode
from qingshan.standards.pollutant_codes import parameter_of
from qingshan.timeutil import as_cst, utcnow

__all__ = [
    "add_mark",
    "revoke_mark",
    "site_marks",
    "mark_interval",
    "pack_industry",
    "rulepack_for",
    "window_date",
    "judge_site",
    "store_judgement",
    "replay",
    "inputs_digest",
    "outlet_event_counts",
    "report_cases",
]


def mark_interval(m: QCMark) -> MarkInterval:
    """A stored mark as the interval the pure QC core works with."""
    return MarkInterval(
        kind=m.kind,
        start=m.start,
        end=m.end,
        site=m.site_id,
        parameter=m.parameter_code,
        created_by=m.created_by,
        created_at=m.created_at,
        proof=tuple(m.proof or ()),
        id=m.id,
    )


def site_marks(
    session: Session, site_id: int, start: datetime | None = None, end: datetime | None = None
) -> list[QCMark]:
    """Active (not revoked) marks of a site, optionally overlapping [start, end)."""
    q = select(QCMark).where(QCMark.site_id == site_id, QCMark.revoked_at.is_(None))
    if start is not None:
        q = q.where(QCMark.end > start)
    if end is not None:
        q = q.where(QCMark.start < end)
    return list(session.scalars(q.order_by(QCMark.start)))


def add_mark(
    session: Session,
    *,
    site_id: int,
    kind: str,
    start: datetime,
    end: datetime,
    created_by: str,
    parameter_code: str | None = None,
    reason: str = "",
    proof: Iterable[str] = (),
    now: datetime | None = None,
    max_days: int | None = None,
) -> QCMark:
    """Record a mark after checking it against the site's active marks (kind, order, overlap)
    and its length (at most ``max_days``, setting ``max_mark_days``)."""
    days = (end - start) / timedelta(days=1)
    if max_days is not None and days > max_days:
        raise RangeTooLong(f"mark {kind!r}", round(days, 2), max_days, "max_mark_days")
    new = MarkInterval(kind, start, end, site=site_id, parameter=parameter_code)
    validate_marks([*(mark_interval(m) for m in site_marks(session, site_id)), new])
    mark = QCMark(
        site_id=site_id,
        parameter_code=parameter_code,
        kind=kind,
        start=start,
        end=end,
        reason=reason,
        proof=list(proof),
        created_by=created_by,
        created_at=now or utcnow(),
    )
    session.add(mark)
    session.flush()
    return mark


def revoke_mark(session: Session, mark_id: int, *, by: str, now: datetime | None = None) -> QCMark:
    mark = session.get(QCMark, mark_id)
    if mark is None or mark.revoked_at is not None:
        raise NotFound(f"no active mark {mark_id}", mark_id=mark_id)
    mark.revoked_at, mark.revoked_by = now or utcnow(), by
    session.flush()
    return mark


def inputs_digest(frame: pd.DataFrame, minutes: pd.DataFrame | None = None) -> str:
    """sha256 of the observations judged (parameter, time, value, flag), independent of row
    order; with ``minutes`` (the minute data the hours' validity was judged on) hashed after
    the hourly rows (without minutes the digest is the hourly one alone)."""
    h = hashlib.sha256()
    parts = [frame] if minutes is None or minutes.empty else [frame, minutes]
    for part in parts:
        cols = [c for c in ("parameter", "time", "value", "flag") if c in part]
        f = pd.DataFrame(
            {
                c: (
                    pd.to_datetime(part[c], utc=True).astype("int64").to_numpy()
                    if c == "time"
                    else part[c].to_numpy(dtype="float64" if c == "value" else None)
                )
                for c in cols
            }
        )
        # a row's hash depends on that row alone: hash the rows as they come, then put the
        # hashes in (parameter, time) order — the bytes of hashing the sorted rows, without
        # copying and sorting the frame
        hashes = pd.util.hash_pandas_object(f, index=False).to_numpy()
        keys = [f[c].to_numpy() for c in ("time", "parameter") if c in f]
        if "parameter" in f:
            keys[-1] = pd.factorize(keys[-1], sort=True)[0]
        order = np.lexsort(keys) if keys else np.arange(len(f))  # stable, as sort_values
        h.update(hashes[order].tobytes())
    return h.hexdigest()


def _summary(v: OutletVerdict) -> dict:
    out = {}
    for code, s in v.series.items():
        periods, valid, exceeding = s.period_counts()
        out[code] = {
            "checks": {r.name: {"params": r.params, "counts": r.counts()} for r in s.results},
            "periods": periods,
            "valid_periods": valid,
            "exceeding_periods": exceeding,
            "events": len(s.events),
        }
    return out


def window_date(start: datetime) -> date:
    """The date a judgement window is judged on: the China-Standard-Time calendar date of its
    start (a QC window is a CST day). Rule packs and permit limits are looked up on it."""
    t = pd.Timestamp(start)
    t = t.tz_localize("UTC") if t.tzinfo is None else t
    return as_cst(t.to_pydatetime()).date()


def judge_site(
    session: Session,
    frame: pd.DataFrame,
    *,
    site_id: int,
    window: tuple[datetime, datetime],
    industry: str,
    source_type: str | None = None,
    limits: dict[str, dict[str, Any]] | None = None,
    trigger: str = "scheduled",
    now: datetime | None = None,
    sink: CaseSink | None = None,
    rule_version: str | None = None,
    marks: list[MarkInterval] | None = None,
    minutes: pd.DataFrame | None = None,
) -> tuple[QCJudgement, OutletVerdict]:
    """Judge ``frame`` (one site's observations in ``window``) with ``industry``'s pack in force
    on the window's date (or its ``rule_version``), store the judgement and its events, and
    report its events and fraud-pattern runs to ``sink`` (none: no case is opened)."""
    now = now or utcnow()
    start, end = window
    pack = (
        load_rulepack(industry, version=rule_version)
        if rule_version
        else load_rulepack(industry, window_date(start))
    )
    if marks is None:
        marks = [mark_interval(m) for m in site_marks(session, site_id, start, end)]
    verdict = judge_outlet(
        frame,
        pack=pack,
        marks=marks,
        limits=limits,
        source_type=source_type,
        now=now,
        site=site_id,
        minutes=minutes,
    )
    j = store_judgement(
        session,
        verdict,
        frame,
        site_id=site_id,
        window=window,
        pack=pack,
        marks=marks,
        limits=limits,
        source_type=source_type,
        trigger=trigger,
        now=now,
        sink=sink,
        minutes=minutes,
    )
    return j, verdict


def store_judgement(
    session: Session,
    verdict: OutletVerdict,
    frame: pd.DataFrame,
    *,
    site_id: int,
    window: tuple[datetime, datetime],
    pack: RulePack,
    marks: list[MarkInterval],
    limits: dict[str, dict[str, Any]] | None,
    source_type: str | None,
    trigger: str,
    now: datetime,
    sink: CaseSink | None = None,
    minutes: pd.DataFrame | None = None,
) -> QCJudgement:
    """Store ``verdict`` (``frame`` and ``minutes`` judged with ``pack``, ``marks`` and
    ``limits`` over ``window``) as the site's current judgement of the window (the previous one
    kept, superseded), with its events, and report them to ``sink`` (:func:`report_cases`;
    none: events are stored, no case is opened)."""
    start, end = window
    prev = session.scalar(
        select(QCJudgement).where(
            QCJudgement.site_id == site_id,
            QCJudgement.window_start == start,
            QCJudgement.window_end == end,
            QCJudgement.superseded_by.is_(None),
        )
    )
    rev = (
        session.scalar(
            select(func.max(QCJudgement.revision)).where(
                QCJudgement.site_id == site_id,
                QCJudgement.window_start == start,
                QCJudgement.window_end == end,
            )
        )
        or 0
    ) + 1
    j = QCJudgement(
        site_id=site_id,
        window_start=start,
        window_end=end,
        revision=rev,
        trigger=trigger,
        industry=pack.industry,
        rule_version=pack.version,
        inputs_digest=inputs_digest(frame, minutes),
        marks=[_mark_json(m) for m in marks],
        limits=dict(limits or {}),
        source_type=source_type,
        summary=_summary(verdict),
        created_at=now,
    )
    session.add(j)
    session.flush()
    if prev is not None:
        prev.superseded_by = j.id
    max_gap = int(pack.events.get("max_gap_points", 0))
    opened: list[tuple[str, str, dict]] = []
    for code, s in verdict.series.items():
        period = _event_period(pack, code)
        for ev in s.events:
            # a run that goes on across the window start is the event of the previous window
            key = _continued_key(session, site_id, code, start, ev, period, max_gap)
            key = key or ev.key(site_id, code)
            lim = s.limit or {}
            session.add(
                QCEvent(
                    judgement_id=j.id,
                    site_id=site_id,
                    parameter_code=code,
                    event_key=key,
                    start=ev.start.to_pydatetime(),
                    end=ev.end.to_pydatetime(),
                    periods=ev.periods,
                    max_value=ev.max_value,
                    max_multiple=ev.max_multiple,
                    limit=ev.limit,
                    standard=str(lim.get("standard", "")),
                    limit_source=str(lim.get("source", "")),
                )
            )
            evidence = evidence_for(s, ev, marks, rule_version=pack.version)
            opened.append((key, code, evidence))
    session.flush()
    if sink is not None:
        report_cases(session, sink, j, verdict, opened)
    return j


def report_cases(
    session: Session,
    sink: CaseSink,
    j: QCJudgement,
    verdict: OutletVerdict,
    events: list[tuple[str, str, dict]],
) -> list[int]:
    """Report judgement ``j``'s exceedance events (``(key, parameter, evidence)``) and the
    runs of its fraud patterns to ``sink``; the ids of the cases they are in.

    An exceedance's evidence is the whole event over every window it spans (``event``), one
    part per window (``parts``), the judgement and those that judged it again (``rejudged``).
    A pattern run is keyed by outlet, parameter, check and start, and grouped by outlet and
    pattern (one open case per outlet and pattern)."""
    runs = {code: pattern_runs(s) for code, s in verdict.series.items()}
    if not events and not any(runs.values()):
        return []  # nothing to report (most verdicts): the site is not even read
    site = session.get_one(Site, j.site_id)
    where: dict[str, Any] = {
        "region_code": site.region_code,
        "enterprise_id": site.enterprise_id,
        "site_id": site.id,
        "longitude": site.longitude,
        "latitude": site.latitude,
    }
    ids = []
    for key, code, evidence in events:
        whole = _whole_event(session, key)
        parts, judgements = _event_parts(session, key)
        payload = {**evidence, "event": whole, "parts": parts, "judgement_id": judgements[0]}
        if len(judgements) > 1:
            payload["rejudged"] = judgements[1:]
        report = CaseReport(
            source="qc_exceedance",
            source_key=key,
            category="emission_exceedance",
            severity=exceedance_severity(float(whole["max_multiple"])),
            title=_title(code, whole),
            occurred_at=pd.Timestamp(whole["start"]).to_pydatetime(),
            parameter_code=code,
            description=f"{site.name} ({site.code}) 在线监测超标",
            evidence=payload,
            **where,
        )
        ids.append(sink.open_case(session, report))
    for code, s in verdict.series.items():
        for run in runs[code]:
            report = CaseReport(
                source="qc_pattern",
                source_key=f"{site.id}:{code}:{run.check}:{run.start.isoformat()}",
                group_key=f"{site.id}:{run.pattern}",
                category="monitoring_fraud",
                severity="serious",
                title=_pattern_title(code, run),
                occurred_at=run.start.to_pydatetime(),
                parameter_code=code,
                description=f"{site.name} ({site.code}) 自动监测数据疑似{run.label}",
                evidence={**pattern_evidence(s, run, rule_version=j.rule_version),
                          "judgement_id": j.id},
                **where,
            )  # fmt: skip
            ids.append(sink.open_case(session, report))
    return ids


def _pollutant(code: str) -> str:
    """A case title's pollutant: its HJ 212-2017 Appendix B name and code (二氧化硫 a21026),
    the code alone where the table has none."""
    try:
        return f"{parameter_of(code).name} {code}"
    except UnknownPollutantCode:
        return code


def _pattern_title(code: str, run: PatternRun) -> str:
    return f"数据异常督办 {_pollutant(code)} 疑似{run.label} ({as_cst(run.start.to_pydatetime()):%Y-%m-%d %H:%M} 起 {run.points} 个数据)"


def _event_parts(session: Session, key: str) -> tuple[list[dict], list[int]]:
    """The parts of event ``key`` (one per window, current judgements) and every judgement
    that found it, in order (the first found it, the others judged it again or continued it)."""
    rows = session.execute(
        select(QCEvent, QCJudgement.window_start)
        .join(QCJudgement, QCJudgement.id == QCEvent.judgement_id)
        .where(QCEvent.event_key == key, QCJudgement.superseded_by.is_(None))
        .order_by(QCJudgement.window_start)
    ).all()
    parts = [
        {
            "window_start": _iso(ws),
            "start": _iso(e.start),
            "end": _iso(e.end),
            "periods": e.periods,
            "max_multiple": round(e.max_multiple, 4),
            "judgement_id": e.judgement_id,
        }
        for e, ws in rows
    ]
    judgements = list(
        session.scalars(
            select(QCEvent.judgement_id)
            .where(QCEvent.event_key == key)
            .distinct()
            .order_by(QCEvent.judgement_id)
        )
    )
    return parts, judgements


def _title(code: str, ev: dict) -> str:
    start = as_cst(pd.Timestamp(ev["start"]).to_pydatetime())
    return (
        f"超标督办 {_pollutant(code)} 超标{ev['max_multiple']:.2f}倍 "
        f"({start:%Y-%m-%d %H:%M} 起 {ev['periods']} 个时段)"
    )


def _event_period(pack, code: str) -> pd.Timedelta:
    """The period events of ``code`` are judged on: the day for water, else the hour."""
    water = pack.medium == "water" or code.startswith("w")
    return pd.Timedelta(days=1) if water else pd.Timedelta(hours=1)


def _continued_key(
    session: Session,
    site_id: int,
    code: str,
    window_start: datetime,
    ev,
    period: pd.Timedelta,
    max_gap: int,
) -> str | None:
    """The key of the event this one continues, or None.

    An event continues the previous window's event of the same site and parameter when the
    previous one ran to within ``max_gap`` periods of the window start and this one starts
    within the same gap of its end (the rule that joins runs inside one window,
    :func:`.exceedance.events_from_runs`). Only current (not superseded) judgements count, so a
    re-judged window keeps the chain and a late mark that ends the earlier run breaks it.
    """
    gap = period * max_gap
    ws = pd.Timestamp(window_start)
    if ev.start - ws > gap:
        return None
    prev = session.execute(
        select(QCEvent.event_key, QCEvent.end)
        .join(QCJudgement, QCJudgement.id == QCEvent.judgement_id)
        .where(
            QCEvent.site_id == site_id,
            QCEvent.parameter_code == code,
            QCJudgement.superseded_by.is_(None),
            QCJudgement.window_end == window_start,
            QCEvent.end >= (ev.start - gap).to_pydatetime(),
            QCEvent.end <= window_start,
        )
        .order_by(QCEvent.end.desc())
    ).first()
    return None if prev is None else prev.event_key


def _whole_event(session: Session, key: str) -> dict:
    """The event of ``key`` over every window it spans (current judgements only)."""
    rows = session.scalars(
        select(QCEvent)
        .join(QCJudgement, QCJudgement.id == QCEvent.judgement_id)
        .where(QCEvent.event_key == key, QCJudgement.superseded_by.is_(None))
        .order_by(QCEvent.start)
    ).all()
    top = max(rows, key=lambda e: e.max_multiple)
    return {
        "start": _iso(rows[0].start),
        "end": _iso(max(e.end for e in rows)),
        "periods": int(sum(e.periods for e in rows)),
        "max_value": top.max_value,
        "max_multiple": round(top.max_multiple, 4),
        "limit": top.limit,
        "windows": len(rows),
    }


def _iso(t) -> str:
    t = pd.Timestamp(t)
    return (t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")).isoformat()


def _mark_json(m: MarkInterval) -> dict:
    return {
        "id": m.id,
        "kind": m.kind,
        "start": pd.Timestamp(m.start).isoformat(),
        "end": pd.Timestamp(m.end).isoformat(),
        "parameter": m.parameter,
        "created_by": m.created_by,
        "created_at": None if m.created_at is None else pd.Timestamp(m.created_at).isoformat(),
    }


def _mark_from_json(d: dict) -> MarkInterval:
    return MarkInterval(
        d["kind"],
        pd.Timestamp(d["start"]),
        pd.Timestamp(d["end"]),
        parameter=d.get("parameter"),
        created_by=d.get("created_by"),
        id=d.get("id"),
        created_at=None if d.get("created_at") is None else pd.Timestamp(d["created_at"]),
    )


def replay(
    session: Session, judgement_id: int, frame: pd.DataFrame, minutes: pd.DataFrame | None = None
) -> dict:
    """Recompute a stored judgement from ``frame`` with its stored rule version, marks and limits.

    ``minutes``: the minute data the judgement saw (outlets with minute data). Returns
    ``{"inputs_match", "summary_match", "judgement_id", "rule_version"}``; raises
    :class:`QCError` when the observations differ from those judged (digest mismatch).
    """
    j = session.get(QCJudgement, judgement_id)
    if j is None:
        raise NotFound(f"no judgement {judgement_id}", judgement_id=judgement_id)
    digest = inputs_digest(frame, minutes)
    if digest != j.inputs_digest:
        raise QCError(
            f"judgement {judgement_id}: the observations given differ from those judged "
            f"(digest {digest[:12]}… ≠ {j.inputs_digest[:12]}…)",
            judgement_id=judgement_id,
        )
    pack = load_rulepack(j.industry, version=j.rule_version)
    v = judge_outlet(
        frame,
        pack=pack,
        marks=[_mark_from_json(m) for m in j.marks],
        limits=j.limits,
        source_type=j.source_type,
        now=j.created_at,
        site=j.site_id,
        minutes=minutes,
    )
    return {
        "judgement_id": j.id,
        "rule_version": j.rule_version,
        "inputs_match": True,
        "summary_match": _jsonish(_summary(v)) == _jsonish(j.summary),
    }


def _jsonish(d: object) -> object:
    return json.loads(
        json.dumps(d, default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
    )


def outlet_event_counts(session: Session, site_ids: list[int]) -> dict[int, int]:
    """Events of the current verdicts per site (the archive shows them beside the open cases,
    which the registry reads from the cases service)."""
    if not site_ids:
        return {}
    rows = session.execute(
        select(QCEvent.site_id, func.count())
        .join(QCJudgement, QCJudgement.id == QCEvent.judgement_id)
        .where(QCEvent.site_id.in_(site_ids), QCJudgement.superseded_by.is_(None))
        .group_by(QCEvent.site_id)
    ).all()
    return {int(site): int(n) for site, n in rows}
