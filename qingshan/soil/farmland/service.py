"""Farmland (农用地, issue #24): the rules that take a session.

- plots (:mod:`~qingshan.soil.farmland.plots`), scoped by county;
- samples: checked (pH required 0–14, depth, unit, GB 15618-2018 items), categorised by
  :func:`qingshan.standards.soil_farmland.farmland_category`; a plot's category is its newest
  sample's (GB 15618-2018 §5; 环办土壤函〔2019〕53号), each change kept as history;
- measures (安全利用 / 严格管控) and the safe-use rate of polluted farmland
  (:mod:`~qingshan.soil.farmland.safeuse`, 《受污染耕地安全利用率核算方法（试行）》 formula (1)).

Officers read their region; province and city write in theirs, a county writes plots, samples and
measures of its own region (field work). Enterprises and the public have no access. A bad sample
refuses the whole lot; nothing is half-stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import PermissionDenied
from qingshan.soil.farmland.errors import FarmlandError, ImportRejected, PlotNotFound
from qingshan.soil.farmland.models import FarmCategoryChange, FarmMeasure, FarmPlot, FarmSample
from qingshan.soil.farmland.plots import (
    CATEGORIES,
    PlotInput,
    SampleInput,
    SampleResult,
    check_plot,
    check_sample,
    mu_of,
)
from qingshan.soil.farmland.safeuse import (
    MEASURES,
    SAFE_USE_MEASURES,
    STRICT_MEASURES,
    PlotYear,
    SafeUseRate,
    safe_use_rate,
)
from qingshan.soil.farmland.sample_import import parse_samples
from qingshan.timeutil import CST

__all__ = [
    "add_measure",
    "add_samples",
    "category_counts",
    "county_summary",
    "get_plot",
    "import_samples",
    "list_plots",
    "plot_file",
    "register_plot",
    "safe_use_rate_of",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)


def _readers(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied("farmland records are for officers")


def _can_write(scope: Scope, region_code: str) -> None:
    _readers(scope)
    scope.check_region(region_code)


def register_plot(session: Session, scope: Scope, inp: PlotInput, *, actor: str, now: datetime,
                  synthetic: bool = False) -> FarmPlot:  # fmt: skip
    """Store plot ``inp`` (a code already used is refused)."""
    p, area = check_plot(inp)
    _can_write(scope, p.region_code)
    if session.scalar(select(FarmPlot.id).where(FarmPlot.code == p.code)) is not None:
        raise FarmlandError(f"code: a plot {p.code!r} already exists", field="code")
    row = FarmPlot(code=p.code, name=p.name, region_code=p.region_code, land_use=p.land_use,
                   area_m2=round(area, 2), lon=p.lon, lat=p.lat,
                   boundary=dict(p.boundary) if p.boundary else None, category=None,
                   category_since=None, synthetic=synthetic, updated_at=now, updated_by=actor)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _plots(scope: Scope) -> Any:
    return select(FarmPlot).where(scope.where(FarmPlot.region_code))


def list_plots(session: Session, scope: Scope, *, category: str | None = None,
               region_code: str | None = None) -> list[FarmPlot]:  # fmt: skip
    _readers(scope)
    q = _plots(scope)
    if category is not None:
        if category not in (*CATEGORIES, "none"):
            raise FarmlandError(f"category: unknown {category!r}; known: {', '.join(CATEGORIES)}",
                                field="category")  # fmt: skip
        q = q.where(FarmPlot.category.is_(None) if category == "none"
                    else FarmPlot.category == category)  # fmt: skip
    if region_code:
        q = q.where(FarmPlot.region_code.startswith(region_code.rstrip("0") or "33"))
    return list(session.scalars(q.order_by(FarmPlot.code)))


def get_plot(session: Session, scope: Scope, ref: int | str) -> FarmPlot:
    _readers(scope)
    q = _plots(scope)
    q = q.where(FarmPlot.id == ref) if isinstance(ref, int) else q.where(FarmPlot.code == ref)
    row = session.scalar(q)
    if row is None:
        raise PlotNotFound(ref)
    return row


def category_counts(plots: Sequence[FarmPlot]) -> dict[str, dict[str, float]]:
    """category (and ``none``) → {"plots": n, "area_mu": 亩}."""
    out = {k: {"plots": 0, "area_mu": 0.0} for k in (*CATEGORIES, "none")}
    for p in plots:
        row = out[p.category or "none"]
        row["plots"] += 1
        row["area_mu"] += mu_of(p.area_m2)
    for row in out.values():
        row["area_mu"] = round(row["area_mu"], 1)
    return out


def county_summary(plots: Sequence[FarmPlot]) -> dict[str, dict[str, dict[str, float]]]:
    """county code → its :func:`category_counts`."""
    by: dict[str, list[FarmPlot]] = {}
    for p in plots:
        by.setdefault(p.region_code, []).append(p)
    return {code: category_counts(ps) for code, ps in sorted(by.items())}


def add_samples(session: Session, scope: Scope, samples: Sequence[SampleInput], *, actor: str,
                now: datetime, synthetic: bool = False,
                where: Sequence[str] | None = None) -> int:  # fmt: skip
    """Check every sample (a plot of the writer's region, the sample's own checks, not already
    stored for that plot, date and top depth), then store them all and move each plot's
    category to its newest sample's, with a history row when it changes. One bad sample
    refuses the lot, naming each; nothing is stored. Returns the samples stored."""
    _readers(scope)
    today = now.astimezone(CST).date()
    codes = sorted({s.plot_code for s in samples})
    plots = {p.code: p for p in session.scalars(_plots(scope).where(FarmPlot.code.in_(codes)))}
    existing = {
        (pid, d, top)
        for pid, d, top in session.execute(
            select(FarmSample.plot_id, FarmSample.sampled_on, FarmSample.depth_top_cm).where(
                FarmSample.plot_id.in_([p.id for p in plots.values()])
            )
        )
    }
    problems: list[str] = []
    checked: list[tuple[FarmPlot, SampleResult]] = []
    seen: set[tuple[int, date, float]] = set()
    for n, s in enumerate(samples):
        label = where[n] if where else f"sample {n + 1}"
        plot = plots.get(s.plot_code)
        if plot is None:
            problems.append(f"{label}: plot {s.plot_code!r} is not a farmland plot of region "
                            f"{scope.region_code}")  # fmt: skip
            continue
        try:
            res = check_sample(s, plot.land_use, today=today)
        except FarmlandError as exc:
            problems.append(f"{label} ({s.plot_code}): {exc.message}")
            continue
        key = (plot.id, res.sampled_on, res.depth_top_cm)
        if key in existing or key in seen:
            problems.append(f"{label} ({s.plot_code}): a sample of {res.sampled_on} at "
                            f"{res.depth_top_cm:g} cm is already stored")  # fmt: skip
            continue
        seen.add(key)
        checked.append((plot, res))
    if not samples:
        problems.append("no sample given")
    if problems:
        raise ImportRejected(problems, what="farmland samples")
    for plot, _ in checked:
        scope.check_region(plot.region_code)
    for plot, res in sorted(checked, key=lambda x: x[1].sampled_on):
        row = FarmSample(plot_id=plot.id, region_code=plot.region_code, sampled_on=res.sampled_on,
                         depth_top_cm=res.depth_top_cm, depth_bottom_cm=res.depth_bottom_cm,
                         unit=res.unit, ph=res.ph, values=dict(res.values),
                         category=res.category, deciding=list(res.deciding),
                         synthetic=synthetic, created_at=now, created_by=actor)  # fmt: skip
        session.add(row)
        session.flush()
        if plot.category_since is not None and res.sampled_on < plot.category_since:
            continue  # an older sample: history of its time, not the plot's category now
        if plot.category != res.category:
            session.add(FarmCategoryChange(
                plot_id=plot.id, on=res.sampled_on, category_from=plot.category,
                category_to=res.category, sample_id=row.id,
                reason=("定类项目 " + "、".join(res.deciding)) if res.deciding
                else "各项目均不超过风险筛选值",
                created_at=now, created_by=actor))  # fmt: skip
            plot.category = res.category
            plot.category_since = res.sampled_on
        elif plot.category_since is None:
            plot.category_since = res.sampled_on
        plot.updated_at, plot.updated_by = now, actor
    session.flush()
    return len(checked)


def import_samples(session: Session, scope: Scope, data: bytes, *, actor: str, now: datetime,
                   max_bytes: int = 20_000_000) -> int:  # fmt: skip
    """Store the samples of a CSV or .xlsx file (:mod:`~qingshan.soil.farmland.sample_import`):
    all rows or none, every bad row named."""
    parsed = parse_samples(data, max_bytes=max_bytes)
    return add_samples(session, scope, [p.sample for p in parsed], actor=actor, now=now,
                       where=[p.where for p in parsed])  # fmt: skip


def add_measure(session: Session, scope: Scope, ref: int | str, *, kind: str, year: int,
                area_m2: float | None, started_on: date, effective: bool | None, note: str = "",
                actor: str, now: datetime, synthetic: bool = False) -> FarmMeasure:  # fmt: skip
    """Record a measure on a plot: a safe-use measure on a 安全利用类 plot, a strict-control
    measure on a 严格管控类 plot (the other way round, or on a 优先保护类 plot, is refused);
    ``area_m2`` defaults to the plot's area and may not exceed it."""
    plot = get_plot(session, scope, ref)
    scope.check_region(plot.region_code)
    if kind not in MEASURES:
        raise FarmlandError(f"kind: unknown measure {kind!r}; known: {', '.join(MEASURES)}",
                            field="kind")  # fmt: skip
    wanted = ("safe_use" if kind in SAFE_USE_MEASURES else
              "strict_control" if kind in STRICT_MEASURES else None)  # fmt: skip
    if plot.category != wanted:
        raise FarmlandError(
            f"kind: {kind} ({MEASURES[kind][0]}) is a measure for {wanted} plots; plot "
            f"{plot.code} is {plot.category or 'not yet categorised'}",
            field="kind",
        )
    if not 2000 <= year <= 2100:
        raise FarmlandError(f"year: {year} is not a plausible year", field="year")
    area = plot.area_m2 if area_m2 is None else area_m2
    if not (area > 0 and area <= plot.area_m2 * 1.0001):
        raise FarmlandError(f"area_m2: {area} must be positive and at most the plot's "
                            f"{plot.area_m2} m²", field="area_m2")  # fmt: skip
    if kind in STRICT_MEASURES and effective is False:
        raise FarmlandError("effective: a strict-control measure counts once in place",
                            field="effective")  # fmt: skip
    row = FarmMeasure(plot_id=plot.id, region_code=plot.region_code, year=year, kind=kind,
                      area_m2=area, started_on=started_on, effective=effective, note=note,
                      synthetic=synthetic, created_at=now, created_by=actor)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def safe_use_rate_of(session: Session, scope: Scope, year: int) -> SafeUseRate:
    """The scope's safe-use rate of polluted farmland in ``year`` (plots by their category now,
    that year's measures; :func:`~qingshan.soil.farmland.safeuse.safe_use_rate`)."""
    plots = list_plots(session, scope)
    measures: dict[int, list[tuple[str, float, bool | None]]] = {}
    for m in session.scalars(select(FarmMeasure).where(
            scope.where(FarmMeasure.region_code), FarmMeasure.year == year)):  # fmt: skip
        measures.setdefault(m.plot_id, []).append((m.kind, m.area_m2, m.effective))
    return safe_use_rate(PlotYear(p.category, p.area_m2, tuple(measures.get(p.id, ())))
                         for p in plots)  # fmt: skip


@dataclass(frozen=True)
class PlotFile:
    plot: FarmPlot
    samples: list[FarmSample]
    history: list[FarmCategoryChange]
    measures: list[FarmMeasure]


def plot_file(session: Session, scope: Scope, ref: int | str) -> PlotFile:
    """A plot with its samples (newest first), category history and measures."""
    plot = get_plot(session, scope, ref)
    samples = list(session.scalars(select(FarmSample).where(FarmSample.plot_id == plot.id)
                                   .order_by(FarmSample.sampled_on.desc(), FarmSample.id)))  # fmt: skip
    history = list(session.scalars(select(FarmCategoryChange).where(
        FarmCategoryChange.plot_id == plot.id).order_by(FarmCategoryChange.on, FarmCategoryChange.id)))  # fmt: skip
    measures = list(session.scalars(select(FarmMeasure).where(FarmMeasure.plot_id == plot.id)
                                    .order_by(FarmMeasure.year.desc(), FarmMeasure.id)))  # fmt: skip
    return PlotFile(plot, samples, history, measures)
