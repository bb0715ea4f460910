"""The water forecast's service: issue section forecasts into the forecast store, turn high miss
probabilities into warnings and cases, and read them back for the pages (issue #15).

The arithmetic is :mod:`.water` (model, intervals) and :mod:`.water_risk` (class, miss
probability); this module reads sites and observations, writes the store and the warning table,
and hands reports to the cases' sink (QC's :class:`~qingshan.qc.supervision.CaseSink`).

Stored rows (kind ``section_water``, :mod:`.store`): for each section, indicator (``DO``,
``CODMn``, ``NH3_N``, ``TP``), period (``day``: CST days 1–7 after the issue's; ``hour``: the
next 24 h) and target time, the quantiles :data:`.water.QUANTILES` [mg/L]; and the
probabilities of missing the target class — ``P_miss`` (the section, independent errors),
``P_miss_lower`` (its Fréchet lower bound) and ``P_miss:<indicator>`` — stored at quantile 0.5
by convention (they are probabilities, not quantiles).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qingshan.accounts.scope import Scope
from qingshan.forecast.store import ForecastModel, has_batch, write_forecasts
from qingshan.forecast.water import HOURLY_HORIZON, QUANTILES, LeadForecast, forecast_panel
from qingshan.forecast.water_models import WaterWarning
from qingshan.forecast.water_panel import FLOOR, Panel, panel_from_rows
from qingshan.forecast.water_risk import (
    INDICATORS,
    forecast_classes,
    miss_probability,
    section_miss,
    target_limit,
)
from qingshan.monitoring.models import Period, Site, SiteKind
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.standards.water_quality import CLASSES, parse_class
from qingshan.timeseries.rollups import HJ212_INVALID_FLAGS
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

KIND = "section_water"
MODEL = ForecastModel("water-direct-ls", "1")
#: HJ 212-2017 Appendix B codes of the forecast indicators
CODES = {"DO": "w01009", "CODMn": "w01019", "NH3_N": "w21003", "TP": "w21011"}
#: history read for one issue [d]: the training window and a week of features
HISTORY_DAYS = 100
SOURCE = "forecast"
SECTION_KINDS = (SiteKind.WATER_SECTION, SiteKind.DRINKING_WATER_SOURCE)


@dataclass(frozen=True)
class SectionMeta:
    site_id: int
    code: str
    name: str
    region_code: str
    water_body: str
    target_class: str | None
    series: dict[str, int]  # indicator → hourly series id
    upstream: tuple[str, float] | None
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class IssueResult:
    issued_at: datetime
    sections: int
    rows: int
    written: bool
    warnings: int
    cases: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"water forecast issued {self.issued_at.isoformat()}: {self.sections} sections, "
            f"{self.rows} rows{'' if self.written else ' (already stored)'}, "
            f"{self.warnings} warnings, {self.cases} cases, {self.seconds:.1f} s"
        )


def get_sections(
    session: Session, scope: Scope | None = None, code: str | None = None
) -> list[SectionMeta]:
    """The water sections and drinking-water sources (in ``scope``; only ``code`` if given)
    with their hourly series of the forecast indicators, target class and upstream neighbour
    (``attrs``)."""
    stmt = (
        select(Site)
        .where(Site.kind.in_(SECTION_KINDS))
        .options(selectinload(Site.series))
        .order_by(Site.code)
    )
    if scope is not None:
        stmt = stmt.where(scope.where(Site.region_code, Site.enterprise_id))
    if code is not None:
        stmt = stmt.where(Site.code == code)
    out = []
    by_code = {v: k for k, v in CODES.items()}
    for site in session.scalars(stmt):
        attrs = site.attrs or {}
        series = {
            by_code[s.parameter_code]: s.id
            for s in site.series
            if s.period == Period.HOUR and s.parameter_code in by_code
        }
        up = attrs.get("upstream")
        target = attrs.get("target_class")
        out.append(
            SectionMeta(
                site.id, site.code, site.name, site.region_code,
                "lake" if attrs.get("water_body") == "lake" else "river",
                parse_class(target) if target not in (None, "") else None,
                series,
                (str(up), float(attrs.get("travel_hours", 0))) if up else None,
                site.longitude, site.latitude,
            )
        )  # fmt: skip
    return out


def read_panels(
    store: ObservationStore, sections: Sequence[SectionMeta], end: datetime, days: int
) -> dict[str, Panel]:
    """One :class:`Panel` per indicator over the ``days`` before ``end``: valid hourly values
    (HJ 212 flags that invalidate a value dropped, as the roll-ups do)."""
    codes = [s.code for s in sections]
    upstream = {s.code: s.upstream for s in sections if s.upstream is not None}
    ids = {sid: (s.code, key) for s in sections for key, sid in s.series.items()}
    start = pd.Timestamp(end) - pd.Timedelta(days=days)
    rows = store.query(list(ids), start, end, period="hour", columns=["value", "source_flag"])
    rows = rows[~rows["source_flag"].isin(HJ212_INVALID_FLAGS)]
    meta = pd.DataFrame(list(ids.values()), index=list(ids), columns=["code", "key"])
    rows = rows.join(meta, on="series_id")
    return {
        key: panel_from_rows(
            rows[rows["key"] == key], codes, pd.Timestamp(end), days,
            {c: u for c, u in upstream.items() if u is not None},
        )
        for key in INDICATORS
    }  # fmt: skip


def _z(lf: LeadForecast, limit: np.ndarray) -> np.ndarray:
    out: np.ndarray = (np.log(np.maximum(limit, FLOOR)) - lf.mu) / lf.sd
    return out


def forecast_frames(
    sections: Sequence[SectionMeta],
    panels: dict[str, Panel],
    issued_at: datetime,
    hourly: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Issue the forecast: (store rows, one summary row per section, period and target time
    with the forecast class, ``p_miss``, ``p_miss_lower`` and each indicator's median, 90 %
    interval and miss probability). ``hourly=False``: the daily forecast only."""
    codes = np.array([s.code for s in sections], dtype=object)
    n = len(codes)
    limits = {
        key: np.array([
            np.nan if s.target_class in (None, CLASSES[-1]) else target_limit(key, s.target_class, s.water_body)
            for s in sections
        ])
        for key in INDICATORS
    }  # fmt: skip
    cols: dict[str, list] = {
        k: [] for k in ("variable", "period", "target_time", "quantile", "value")
    }

    def add(variable: str, period: str, target_time: pd.Timestamp, q: float, v: np.ndarray) -> None:
        cols["variable"].append(np.full(n, variable, dtype=object))
        cols["period"].append(np.full(n, period, dtype=object))
        cols["target_time"].append(np.full(n, target_time.value, dtype=np.int64))
        cols["quantile"].append(np.full(n, q))
        cols["value"].append(np.asarray(v, float))

    summary: dict[tuple[str, pd.Timestamp, int], dict[str, np.ndarray]] = {}
    for key in INDICATORS:
        for lf in forecast_panel(
            panels[key], pd.Timestamp(issued_at), hourly_horizon=HOURLY_HORIZON if hourly else 0
        ).leads:
            qs = {q: lf.quantile(q) for q in QUANTILES}
            for q, v in qs.items():
                add(key, lf.period, lf.target_time, q, v)
            p = miss_probability(lf.point, lf.scores, _z(lf, limits[key]), key == "DO")
            p = np.where(np.isnan(limits[key]), np.nan, p)
            cell = summary.setdefault((lf.period, lf.target_time, lf.lead), {})
            cell[f"q50_{key}"], cell[f"q05_{key}"], cell[f"q95_{key}"] = qs[0.5], qs[0.05], qs[0.95]
            cell[f"p_{key}"] = p
    if not summary:
        return pd.DataFrame(), pd.DataFrame()
    frames = []
    for (period, target_time, lead), cell in summary.items():
        f = {"code": codes, "period": np.full(n, period, dtype=object),
             "target_time": np.full(n, target_time.value, dtype=np.int64), "lead": np.full(n, lead)}  # fmt: skip
        f.update(cell)
        ps = {k: cell[f"p_{k}"] for k in INDICATORS if f"p_{k}" in cell}
        p_miss, p_lower = section_miss(ps)
        no_target = np.all([np.isnan(v) for v in ps.values()], axis=0)
        f["p_miss"] = np.where(no_target, np.nan, p_miss)
        f["p_miss_lower"] = np.where(no_target, np.nan, p_lower)
        frames.append(pd.DataFrame(f))
        add("P_miss", period, target_time, 0.5, f["p_miss"])
        add("P_miss_lower", period, target_time, 0.5, f["p_miss_lower"])
        for k, v in ps.items():
            add(f"P_miss:{k}", period, target_time, 0.5, v)
    out = pd.concat(frames, ignore_index=True)
    out["target_time"] = pd.to_datetime(out["target_time"], utc=True)
    body = {s.code: s.water_body for s in sections}
    lake = out["code"].map(body).eq("lake").to_numpy()
    medians = pd.DataFrame({k: out[f"q50_{k}"] for k in INDICATORS if f"q50_{k}" in out})
    cls = np.empty(len(out), dtype=object)
    for wb, m in (("river", ~lake), ("lake", lake)):
        if m.any():
            cls[m] = forecast_classes(medians[m], wb).to_numpy()
    out["forecast_class"] = cls
    m = len(cols["value"])
    rows = pd.DataFrame({
        "target_id": np.tile(codes, m),
        **{k: np.concatenate(v) for k, v in cols.items()},
    })  # fmt: skip
    rows["target_time"] = pd.to_datetime(rows["target_time"], utc=True)
    return rows, out


def _rank(label: object) -> int:
    c = parse_class(label)
    return 0 if c is None else CLASSES.index(c) + 1


def warnings_of(
    summary: pd.DataFrame, sections: Sequence[SectionMeta], issued_at: datetime, threshold: float
) -> list[dict]:
    """One warning per section whose daily miss probability passes ``threshold`` on any day
    ahead: its first such day, the indicator most likely to miss, and every day as evidence."""
    if summary.empty:
        return []
    meta = {s.code: s for s in sections}
    day = summary[summary["period"] == "day"]
    warned = day.loc[day["p_miss"] >= threshold, "code"].unique()
    day = day[day["code"].isin(warned)].sort_values(["code", "lead"])
    out = []
    for code, g in day.groupby("code", sort=True):
        hit = g[g["p_miss"] >= threshold]
        if hit.empty:
            continue
        first = hit.iloc[0]
        s = meta[str(code)]
        pk = {k: float(first[f"p_{k}"]) for k in INDICATORS if pd.notna(first.get(f"p_{k}"))}
        worst = max(pk, key=lambda k: pk[k]) if pk else None
        evidence_days = [
            {
                "date": pd.Timestamp(r.target_time).tz_convert(CST).date().isoformat(),
                "lead": int(r.lead),
                "p_miss": round(float(r.p_miss), 4),
                "p_miss_lower": round(float(r.p_miss_lower), 4),
                "forecast_class": r.forecast_class,
                "indicators": {
                    k: {
                        "median": round(float(getattr(r, f"q50_{k}")), 4),
                        "q05": round(float(getattr(r, f"q05_{k}")), 4),
                        "q95": round(float(getattr(r, f"q95_{k}")), 4),
                        "p_miss": round(float(getattr(r, f"p_{k}")), 4),
                        "limit": target_limit(k, s.target_class, s.water_body),
                    }
                    for k in INDICATORS
                    if pd.notna(getattr(r, f"p_{k}", np.nan))
                },
            }
            for r in g.itertuples()
        ]
        out.append({
            "section": s, "target_time": pd.Timestamp(first["target_time"]).to_pydatetime(),
            "lead": int(first["lead"]), "p_miss": float(first["p_miss"]),
            "forecast_class": first["forecast_class"], "indicator": worst,
            "evidence": {
                "issued_at": pd.Timestamp(issued_at).isoformat(), "target_class": s.target_class,
                "threshold": threshold, "model": f"{MODEL.name} {MODEL.version}",
                "method": "split-conformal predictive distribution; P = 1 − Π(1 − p_i) over "
                          "DO, CODMn, NH3-N, TP vs the GB 3838-2002 Table 1 limits of the target class",
                "days": evidence_days,
            },
        })  # fmt: skip
    return out


def _report(w: dict, issued_at: datetime) -> CaseReport:
    s: SectionMeta = w["section"]
    day = pd.Timestamp(w["target_time"]).tz_convert(CST).date()
    cls = w["forecast_class"] or "?"
    title = (
        f"水质预警：{s.name}预计{day.month}月{day.day}日水质{cls}类，"
        f"未达{s.target_class}类目标的概率{w['p_miss']:.0%}"
    )
    worse = _rank(cls) - _rank(s.target_class)
    return CaseReport(
        source=SOURCE,
        source_key=f"forecast-water:{s.code}:{pd.Timestamp(issued_at).strftime('%Y%m%dT%H%MZ')}",
        region_code=s.region_code,
        category="water_pollution",
        severity="serious" if worse >= 2 or w["p_miss"] >= 0.9 else "general",
        title=title,
        occurred_at=issued_at,
        site_id=s.site_id,
        parameter_code=CODES.get(w["indicator"] or ""),
        longitude=s.longitude,
        latitude=s.latitude,
        description=(
            f"Forecast issued {pd.Timestamp(issued_at).isoformat()}: probability "
            f"{w['p_miss']:.2f} that {s.code} misses its target class {s.target_class} "
            f"on {day.isoformat()} ({w['lead']} d ahead); most likely indicator {w['indicator']}."
        ),
        group_key=f"forecast-water:{s.code}",
        evidence=w["evidence"],
    )


def record_warnings(
    session: Session,
    warnings: Sequence[dict],
    issued_at: datetime,
    threshold: float,
    sink: CaseSink | None,
) -> tuple[int, int]:
    """Store each warning once (its ``source_key``) and open (or join) its case through
    ``sink``: (warnings new, cases linked)."""
    new = linked = 0
    for w in warnings:
        report = _report(w, issued_at)
        row = session.scalar(
            select(WaterWarning).where(WaterWarning.source_key == report.source_key)
        )
        if row is None:
            s: SectionMeta = w["section"]
            row = WaterWarning(
                source_key=report.source_key, site_id=s.site_id, section_code=s.code,
                region_code=s.region_code, issued_at=issued_at, target_time=w["target_time"],
                horizon="day", lead=w["lead"], parameter_code=report.parameter_code,
                target_class=_rank(s.target_class), forecast_class=_rank(w["forecast_class"]),
                miss_probability=round(w["p_miss"], 4), threshold=threshold,
                evidence=w["evidence"], created_at=utcnow(),
            )  # fmt: skip
            session.add(row)
            new += 1
        if sink is not None and row.case_id is None:
            session.flush()
            row.case_id = sink.open_case(session, report)
            linked += 1
    session.flush()
    return new, linked


def issue_water_forecast(
    session: Session,
    store: ObservationStore,
    data_dir: Path,
    issued_at: datetime,
    *,
    threshold: float,
    sink: CaseSink | None,
    sections: Sequence[SectionMeta] | None = None,
    panels: dict[str, Panel] | None = None,
    hourly: bool = True,
) -> IssueResult:
    """Issue the water forecast at ``issued_at`` (whole seconds, UTC): the store batch (kept as
    issued: a re-run of the same issue writes nothing), warnings and their cases.
    ``hourly=False`` issues the daily forecast only."""
    started = time.monotonic()
    issued_at = pd.Timestamp(issued_at).tz_convert("UTC").floor("s").to_pydatetime()
    sections = list(sections if sections is not None else get_sections(session))
    sections = [s for s in sections if s.series]
    if panels is None:
        panels = read_panels(store, sections, issued_at, HISTORY_DAYS)
    rows, summary = forecast_frames(sections, panels, issued_at, hourly)
    written = False
    if not rows.empty:
        written = write_forecasts(data_dir, KIND, issued_at, rows, MODEL)
    warnings = warnings_of(summary, sections, issued_at, threshold)
    new, linked = record_warnings(session, warnings, issued_at, threshold, sink)
    return IssueResult(issued_at, len(sections), len(rows), written, new, linked,
                       time.monotonic() - started)  # fmt: skip


def issue_past_forecasts(
    session: Session,
    store: ObservationStore,
    data_dir: Path,
    now: datetime,
    *,
    days: int,
    threshold: float,
    sink: CaseSink | None,
    hour_cst: int = 8,
    hourly_days: int = 2,
    progress: Callable[[IssueResult], None] | None = None,
) -> list[IssueResult]:
    """Issue the daily forecast at ``hour_cst`` of each of the ``days`` CST days before ``now``
    (the demo's past), oldest first; the hourly one only for the last ``hourly_days`` issues
    (the hourly fits are three quarters of the work). The history is read once; each issue sees only the values
    of periods complete at its own issue time (:func:`.water.forecast_panel`)."""
    end = pd.Timestamp(now).tz_convert("UTC")
    today = end.tz_convert(CST).normalize()
    todo = []
    for k in range(days, -1, -1):
        issued = (today - pd.Timedelta(days=k) + pd.Timedelta(hours=hour_cst)).tz_convert("UTC")
        if issued <= end and not has_batch(data_dir, KIND, issued.to_pydatetime()):
            todo.append((k, issued))
    out: list[IssueResult] = []
    if not todo:  # everything issued already: read nothing
        return out
    sections = [s for s in get_sections(session) if s.series]
    panels = read_panels(store, sections, end.to_pydatetime(), HISTORY_DAYS + days + 1)
    for k, issued in todo:
        res = issue_water_forecast(
            session, store, data_dir, issued.to_pydatetime(), threshold=threshold,
            sink=sink, sections=sections, panels=panels, hourly=k < hourly_days,
        )  # fmt: skip
        out.append(res)
        if progress is not None:
            progress(res)
    return out


def last_issue_time(now: datetime, hour_cst: int = 8) -> datetime:
    """The latest daily issue instant (``hour_cst`` CST) at or before ``now``."""
    t = pd.Timestamp(now).tz_convert(CST)
    issued = t.normalize() + pd.Timedelta(hours=hour_cst)
    if issued > t:
        issued -= pd.Timedelta(days=1)
    return issued.tz_convert("UTC").to_pydatetime()
