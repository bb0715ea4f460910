"""Sea outfalls (入海排污口, issue #25): the rules that take a session.

- the register: :func:`register_outfall` checks an outfall (responsible party REQUIRED — an
  archive enterprise or a sewage plant; :func:`~qingshan.marine.outfalls.register.check_outfall`),
  places it in its county (GB/T 2260, :func:`qingshan.geo.counties.county_at`), gives it its
  monitoring point (a site of kind ``sea_outfall``, stream ``sea_outfall``, HJ 212-2017 ST 34)
  and records the enterprises traced behind it — all in one savepoint, nothing half-stored;
- tracing: the responsible enterprise and those connected to it (纳管 / upstream), each with its
  archive water outlets and current permit (:mod:`qingshan.archive.service`);
- monitoring: samples (COD, NH3-N, TN, TP [mg/L]) stored as daily observations and judged
  against the responsible enterprise's permit limits where the archive has them, else the
  limit table (GB 18918-2002 一级A for sewage plants, GB 8978-1996 表4 一级 otherwise, MC); an
  exceeding sample opens a case (source ``sea_outfall``, category ``water_pollution``, one per
  outfall and day);
- remediation: 排查 → 监测 → 溯源 → 整治 → 销号, one step at a time, each step on the timeline;
  entering 整治 opens the remediation case (one per outfall, ``source_key`` idempotent).

Officers read their region and write there; an enterprise account reads the outfalls it is
responsible for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import (
    cached_directory,
    current_permits,
    directory_entry,
    enterprise_names,
    get_outlet_profiles,
)
from qingshan.errors import PermissionDenied
from qingshan.geo.counties import county_at
from qingshan.geo.regions import in_scope
from qingshan.marine.coastal.errors import MarineError, MarineImportRejected, MarineNotFound
from qingshan.marine.outfalls.models import OutfallSource, OutfallStage, SeaOutfall
from qingshan.marine.outfalls.outfall_import import Known, parse_outfalls
from qingshan.marine.outfalls.register import (
    KIND_NAMES,
    PARAMETERS,
    STAGES,
    Exceedance,
    OutfallInput,
    check_outfall,
    check_outfall_values,
    check_step,
    fallback_limits,
    judge,
)
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import ensure_series, write_values
from qingshan.qc.supervision import CaseReport, CaseSink, exceedance_severity
from qingshan.tablefile import (
    TableFileError,
    read_table,
)
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = [
    "STREAM",
    "CASE_SOURCE",
    "OutfallView",
    "TracedSource",
    "OutfallFile",
    "register_outfall",
    "list_outfalls",
    "get_outfall",
    "outfall_limits",
    "add_outfall_samples",
    "advance_stage",
    "add_source",
    "import_outfalls",
    "check_writer",
    "outfall_figures",
]

STREAM = "sea_outfall"
CASE_SOURCE = "sea_outfall"
OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: how far from every county an outfall point may lie (on the shore line, simplified borders) [km]
COUNTY_TOLERANCE_KM = 15.0


def _reader(scope: Scope) -> None:
    if scope.role not in (*OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("sea outfalls are for officers and the responsible enterprises")


def _writer(scope: Scope, region_code: str) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied("sea outfalls are registered and moved on by officers")
    if not in_scope(region_code, scope.region_code):
        raise PermissionDenied(f"county {region_code} is outside your region ({scope.region_code})")


def check_writer(scope: Scope, region_code: str) -> None:
    """Officers of the county's region write; others get :class:`PermissionDenied`."""
    _writer(scope, region_code)


def _day_start(day: date) -> datetime:
    """The start of a CST day, in UTC (when a sample was taken, a step was made)."""
    return datetime.combine(day, time(0), tzinfo=CST).astimezone(UTC)


def _today(now: datetime) -> date:
    return now.astimezone(CST).date()


def _scoped(scope: Scope) -> Any:
    """Officers: the outfalls of their region; an enterprise: those it is responsible for,
    wherever they lie (an outfall may lie in another county than its enterprise)."""
    if scope.role is Role.ENTERPRISE:
        return SeaOutfall.responsible_enterprise_id.in_(sorted(scope.enterprises))
    return scope.where(SeaOutfall.region_code, SeaOutfall.responsible_enterprise_id)


# --------------------------------------------------------------------------- the register
def register_outfall(session: Session, scope: Scope, inp: OutfallInput, *, actor: str,
                     now: datetime, synthetic: bool = False) -> SeaOutfall:  # fmt: skip
    """Add an outfall to the register, or refuse it naming the field (no responsible party, an
    unknown enterprise, a point outside every county, a code on file). Stores the outfall, its
    monitoring point, its traced sources and the first timeline step (排查) — or nothing."""
    o = check_outfall(inp)
    county = county_at(o.lon, o.lat, tolerance_km=COUNTY_TOLERANCE_KM)
    if county is None:
        raise MarineError(f"lon/lat: ({o.lon}, {o.lat}) is more than {COUNTY_TOLERANCE_KM:g} km "
                          "from every county of Zhejiang", field="lon")  # fmt: skip
    region = str(county)
    _writer(scope, region)
    for eid in (o.responsible_enterprise_id, *o.connected_enterprise_ids):
        if eid is None:
            continue
        entry = directory_entry(session, eid)
        if entry is None:
            field_ = (
                "responsible_enterprise_id"
                if eid == o.responsible_enterprise_id
                else "connected_enterprise_ids"
            )
            raise MarineError(f"{field_}: no enterprise {eid} in the archive", field=field_)
    if session.scalar(select(SeaOutfall.id).where(SeaOutfall.code == o.code)) is not None:
        raise MarineError(f"code: an outfall {o.code!r} is already registered", field="code")
    site_code = f"SO-{o.code}"
    if session.scalar(select(Site.id).where(Site.code == site_code)) is not None:
        raise MarineError(f"code: the monitoring point {site_code!r} exists already", field="code")
    with session.begin_nested():
        site = Site(code=site_code, name=f"{o.name}（监测点）", kind=SiteKind.SEA_OUTFALL,
                    control_level=ControlLevel.PROVINCIAL, region_code=region,
                    enterprise_id=o.responsible_enterprise_id, longitude=o.lon, latitude=o.lat,
                    attrs={"outfall_code": o.code, "synthetic": synthetic})  # fmt: skip
        session.add(site)
        session.flush()
        row = SeaOutfall(code=o.code, name=o.name, kind=o.kind, region_code=region,
                         longitude=o.lon, latitude=o.lat, sea_area=o.sea_area,
                         responsible_enterprise_id=o.responsible_enterprise_id,
                         responsible_plant=o.responsible_plant, stage=STAGES[0], site_id=site.id,
                         note=o.note, synthetic=synthetic, created_at=now, created_by=actor)  # fmt: skip
        session.add(row)
        session.flush()
        if o.responsible_enterprise_id is not None:
            _add_source(session, row, o.responsible_enterprise_id, "responsible", now)
        for eid in o.connected_enterprise_ids:
            if eid != o.responsible_enterprise_id:
                _add_source(session, row, eid, "connected", now)
        session.add(OutfallStage(outfall_id=row.id, stage=STAGES[0], on=_today(now),
                                 note="登记入册 · registered", actor=actor, at=now))  # fmt: skip
        session.flush()
    return row


def import_outfalls(session: Session, scope: Scope, data: bytes, *, actor: str, now: datetime,
                    max_bytes: int) -> list[SeaOutfall]:  # fmt: skip
    """An officer imports an outfall list (CSV or .xlsx, :mod:`~qingshan.marine.outfalls.outfall_import`):
    every row checked, every bad row named (:class:`MarineImportRejected`), all stored or none."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("outfall lists are imported by province, city and county officers")

    def county_in_scope(lon: float, lat: float) -> str | None:
        c = county_at(lon, lat, tolerance_km=COUNTY_TOLERANCE_KM)
        return None if c is None or not in_scope(str(c), scope.region_code) else str(c)

    try:
        sheet, rows = read_table(data, max_bytes=max_bytes)
        known = Known(codes=frozenset(session.scalars(select(SeaOutfall.code))),
                      enterprises={e.credit_code.upper(): e.id for e in cached_directory(session).values()
                                   if e.credit_code},
                      county_in_scope=county_in_scope)  # fmt: skip
        parsed = parse_outfalls(sheet, rows, known)
    except TableFileError as exc:
        raise MarineError(f"file: {exc}", field="file") from None
    if parsed.problems:
        raise MarineImportRejected([str(p) for p in parsed.problems])
    if not parsed.rows:
        raise MarineError("file: no rows below the header", field="file")
    out = []
    with session.begin_nested():
        for _, inp in parsed.rows:
            out.append(register_outfall(session, scope, inp, actor=actor, now=now))
    return out


def _water_outlets(session: Session, enterprise_ids: Sequence[int]) -> dict[int, list[Site]]:
    out: dict[int, list[Site]] = {e: [] for e in enterprise_ids}
    if enterprise_ids:
        for s in session.scalars(select(Site).where(Site.enterprise_id.in_(list(enterprise_ids)),
                                                    Site.kind == SiteKind.WATER_OUTLET).order_by(Site.code)):  # fmt: skip
            out[int(s.enterprise_id or 0)].append(s)
    return out


def _add_source(session: Session, row: SeaOutfall, enterprise_id: int, relation: str,
                now: datetime, note: str = "") -> OutfallSource:  # fmt: skip
    outlets = _water_outlets(session, [enterprise_id])[enterprise_id]
    src = OutfallSource(outfall_id=row.id, enterprise_id=enterprise_id, relation=relation,
                        outlet_code=outlets[0].code if outlets else "", note=note, created_at=now)  # fmt: skip
    session.add(src)
    session.flush()
    return src


def _row(session: Session, scope: Scope, outfall_id: int) -> SeaOutfall:
    _reader(scope)
    row = session.scalar(select(SeaOutfall).where(SeaOutfall.id == outfall_id, _scoped(scope)))
    if row is None:
        raise MarineNotFound(f"no sea outfall {outfall_id} in your scope", outfall_id=outfall_id)
    return row


def add_source(session: Session, scope: Scope, outfall_id: int, enterprise_id: int, *,
               relation: str, note: str, now: datetime) -> OutfallSource:  # fmt: skip
    """溯源: an archive enterprise found behind the outfall (``connected`` or ``upstream``)."""
    row = _row(session, scope, outfall_id)
    _writer(scope, row.region_code)
    if relation not in ("connected", "upstream"):
        raise MarineError(f"relation: {relation!r} is not connected or upstream", field="relation")
    if directory_entry(session, enterprise_id) is None:
        raise MarineError(
            f"enterprise_id: no enterprise {enterprise_id} in the archive", field="enterprise_id"
        )
    if session.scalar(select(OutfallSource.id).where(OutfallSource.outfall_id == row.id,
                                                     OutfallSource.enterprise_id == enterprise_id)):  # fmt: skip
        raise MarineError(
            f"enterprise_id: {enterprise_id} is already traced to this outfall",
            field="enterprise_id",
        )
    return _add_source(session, row, enterprise_id, relation, now, note)


# --------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class OutfallView:
    """An outfall as lists and the map show it, with its newest sample judged."""

    row: SeaOutfall
    responsible: str
    latest_time: datetime | None
    latest: Mapping[str, float]
    exceedances: tuple[Exceedance, ...]

    @property
    def exceeding(self) -> bool:
        return bool(self.exceedances)

    @property
    def kind_names(self) -> tuple[str, str]:
        return KIND_NAMES[self.row.kind]


def outfall_limits(session: Session, row: SeaOutfall) -> dict[str, tuple[float, str]]:
    """Parameter → (limit [mg/L], where it comes from): the responsible enterprise's permit
    limit (the strictest daily limit over its archive water outlets) where the archive has
    one, else the limit table of the outfall's type."""
    table, standard, conf = fallback_limits(row.kind)
    out = {k: (v, f"{standard} [{conf}]") for k, v in table.items()}
    if row.responsible_enterprise_id is not None:
        sites = _water_outlets(session, [row.responsible_enterprise_id])[
            row.responsible_enterprise_id
        ]
        permit: dict[str, float] = {}
        for p in get_outlet_profiles(session, [s.id for s in sites]):
            for lim in p.permit_limits:
                code = str(lim["parameter_code"])
                if code in PARAMETERS and lim["limit"] is not None:
                    permit[code] = min(float(lim["limit"]), permit.get(code, float("inf")))
        for k, v in permit.items():
            out[k] = (v, "排污许可证 · permit")
    return out


def _latest(
    session: Session, site_ids: Sequence[int]
) -> dict[int, tuple[datetime | None, dict[str, float]]]:
    out: dict[int, tuple[datetime | None, dict[str, float]]] = {}
    if not site_ids:
        return out
    rows = session.execute(select(Series.site_id, Series.parameter_code, LatestValue.time, LatestValue.value)
                           .join(LatestValue, LatestValue.series_id == Series.id)
                           .where(Series.site_id.in_(list(site_ids)), Series.period == Period.DAY)).all()  # fmt: skip
    by: dict[int, list[tuple[str, datetime, float]]] = {}
    for sid, code, t, v in rows:
        if v is not None:
            by.setdefault(int(sid), []).append((str(code), t, float(v)))
    for sid, items in by.items():
        newest = max(t for _, t, _ in items)
        out[sid] = (newest, {c: v for c, t, v in items if t == newest})
    return out


def _views(session: Session, rows: Sequence[SeaOutfall]) -> list[OutfallView]:
    names = enterprise_names(
        session, {r.responsible_enterprise_id for r in rows if r.responsible_enterprise_id}
    )
    latest = _latest(session, [r.site_id for r in rows if r.site_id is not None])
    limits_cache: dict[int, dict[str, tuple[float, str]]] = {}
    out = []
    for r in rows:
        t, vals = latest.get(r.site_id or -1, (None, {}))
        exc: tuple[Exceedance, ...] = ()
        if vals:
            lim = limits_cache.setdefault(r.id, outfall_limits(session, r))
            exc = tuple(judge(vals, lim))
        resp = (names.get(r.responsible_enterprise_id, "") if r.responsible_enterprise_id
                else r.responsible_plant)  # fmt: skip
        out.append(OutfallView(r, resp, t, vals, exc))
    return out


def list_outfalls(session: Session, scope: Scope, *, kind: str | None = None,
                  stage: str | None = None, exceeding: bool | None = None,
                  region: str | None = None, q: str | None = None) -> list[OutfallView]:  # fmt: skip
    """The outfalls in scope (an enterprise: those it is responsible for), filtered."""
    _reader(scope)
    sel = select(SeaOutfall).where(_scoped(scope))
    if kind:
        sel = sel.where(SeaOutfall.kind == kind)
    if stage:
        sel = sel.where(SeaOutfall.stage == stage)
    if region:
        sel = sel.where(SeaOutfall.region_code.startswith(region.rstrip("0") or region))
    if q:
        like = f"%{q.strip()}%"
        sel = sel.where(
            SeaOutfall.name.like(like) | SeaOutfall.code.like(like) | SeaOutfall.sea_area.like(like)
        )
    views = _views(session, list(session.scalars(sel.order_by(SeaOutfall.code))))
    if exceeding is not None:
        views = [v for v in views if v.exceeding == exceeding]
    return views


@dataclass(frozen=True)
class TracedSource:
    """An archive enterprise behind an outfall: relation, its water outlets (codes) and its
    current permit number."""

    enterprise_id: int
    name: str
    region_code: str
    relation: str
    outlet_codes: tuple[str, ...]
    permit_number: str | None
    note: str


@dataclass(frozen=True)
class OutfallFile:
    """An outfall's file: the view, the traced sources, the limits, the samples (a frame: time
    × parameter), the timeline (with case ids)."""

    view: OutfallView
    sources: list[TracedSource]
    limits: Mapping[str, tuple[float, str]]
    samples: pd.DataFrame
    timeline: list[OutfallStage] = field(default_factory=list)


def get_outfall(session: Session, store: ObservationStore | None, scope: Scope,
                outfall_id: int) -> OutfallFile:  # fmt: skip
    """One outfall's file (404 when missing or out of scope)."""
    row = _row(session, scope, outfall_id)
    view = _views(session, [row])[0]
    srcs = list(session.scalars(select(OutfallSource).where(OutfallSource.outfall_id == row.id)
                                .order_by(OutfallSource.id)))  # fmt: skip
    ids = [s.enterprise_id for s in srcs]
    names = enterprise_names(session, ids)
    outlets = _water_outlets(session, ids)
    permits = current_permits(session, ids)
    sources = []
    for s in srcs:
        entry = directory_entry(session, s.enterprise_id)
        sources.append(TracedSource(s.enterprise_id, names.get(s.enterprise_id, str(s.enterprise_id)),
                                    entry.region_code if entry else "", s.relation,
                                    tuple(o.code for o in outlets.get(s.enterprise_id, [])),
                                    permits[s.enterprise_id].number if s.enterprise_id in permits else None,
                                    s.note))  # fmt: skip
    timeline = list(session.scalars(select(OutfallStage).where(OutfallStage.outfall_id == row.id)
                                    .order_by(OutfallStage.at, OutfallStage.id)))  # fmt: skip
    samples = pd.DataFrame()
    if store is not None and row.site_id is not None:
        ser = {s.id: s.parameter_code for s in session.scalars(
            select(Series).where(Series.site_id == row.site_id, Series.period == Period.DAY))}  # fmt: skip
        if ser:
            data = store.scan(
                list(ser), None, None, period="day", streams=[STREAM], columns=["value"]
            )
            if not data.empty:
                data["parameter"] = data["series_id"].map(ser)
                samples = data.pivot_table(index="time", columns="parameter", values="value",
                                           aggfunc="last").sort_index()  # fmt: skip
    return OutfallFile(view, sources, outfall_limits(session, row), samples, timeline)


# --------------------------------------------------------------------------- monitoring
def add_outfall_samples(session: Session, store: ObservationStore,
                        samples: Sequence[tuple[SeaOutfall, date, Mapping[str, Any]]], *,
                        source: str, sink: CaseSink | None, now: datetime) -> int:  # fmt: skip
    """Monitoring samples at outfalls (outfall, sampling day (CST), values by HJ 212 code):
    every sample checked first (an unknown parameter or a negative value refused naming it,
    nothing written), stored as daily observations, and an exceeding sample reported to
    ``sink`` (one case per outfall and day). Returns rows written."""
    checked = [(r, d, check_outfall_values(v)) for r, d, v in samples]
    for r, _, _ in checked:
        if r.site_id is None:  # pragma: no cover - register_outfall always gives one
            raise MarineError(f"outfall {r.code}: no monitoring point", field="outfall")
    made = ensure_series(session, [(r.site_id, k, Period.DAY, "mg/L") for r, _, v in checked for k in v
                                   if r.site_id is not None])  # fmt: skip
    rows: list[tuple[int, datetime, float]] = []
    for r, d, v in checked:
        t = datetime.combine(d, time(0), tzinfo=CST).astimezone(UTC)
        for k, x in v.items():
            rows.append((made[(int(r.site_id or 0), k, Period.DAY)].id, t, x))
    if not rows:
        return 0
    written = write_values(session, store, rows, period="day", stream=STREAM, source=source)
    if sink is not None:
        for r, d, v in checked:
            exc = judge(v, outfall_limits(session, r))
            if exc:
                _exceedance_case(session, sink, r, d, exc, now)
    return written


def _exceedance_case(session: Session, sink: CaseSink, r: SeaOutfall, day: date,
                     exc: Sequence[Exceedance], now: datetime) -> int:  # fmt: skip
    worst = max(e.multiple for e in exc)
    parts = "、".join(
        f"{PARAMETERS[e.parameter][1]} {e.value:g} > {e.limit:g} mg/L（{e.standard}）" for e in exc
    )
    report = CaseReport(
        source=CASE_SOURCE, source_key=f"sea_outfall:{r.code}:exceed:{day.isoformat()}",
        region_code=r.region_code, category="water_pollution", severity=exceedance_severity(worst),
        title=f"入海排污口 {r.name} 监测超标（{day.isoformat()}）", occurred_at=_day_start(day),
        enterprise_id=r.responsible_enterprise_id, site_id=r.site_id,
        parameter_code=exc[0].parameter, longitude=r.longitude, latitude=r.latitude,
        description=f"{r.code} {r.name}（{KIND_NAMES[r.kind][0]}，{r.sea_area}）: {parts}",
        evidence={"outfall": r.code, "day": day.isoformat(),
                  "exceedances": [{"parameter": e.parameter, "value": e.value, "limit": e.limit,
                                   "standard": e.standard} for e in exc]},
    )  # fmt: skip
    return sink.open_case(session, report)


# --------------------------------------------------------------------------- remediation
def advance_stage(session: Session, scope: Scope, outfall_id: int, stage: str, *, on: date,
                  note: str, actor: str, now: datetime, sink: CaseSink | None) -> OutfallStage:  # fmt: skip
    """Move the outfall one stage on (排查 → 监测 → 溯源 → 整治 → 销号), on the timeline. Entering
    整治 opens the remediation case (source ``sea_outfall``, idempotent by the outfall's code);
    溯源 → 整治 needs a traced source; a step in the future or before the last one is refused."""
    row = _row(session, scope, outfall_id)
    _writer(scope, row.region_code)
    check_step(row.stage, stage)
    if on > _today(now):
        raise MarineError(f"on: {on} is in the future", field="on")
    last = session.scalar(
        select(func.max(OutfallStage.on)).where(OutfallStage.outfall_id == row.id)
    )
    if last is not None and on < last:
        raise MarineError(f"on: {on} is before the last step ({last})", field="on")
    if stage == "remediation":
        n = session.scalar(select(func.count()).select_from(OutfallSource)
                           .where(OutfallSource.outfall_id == row.id)) or 0  # fmt: skip
        if n == 0 and not row.responsible_plant:
            raise MarineError(
                "stage: trace at least one source before remediation (溯源)", field="stage"
            )
    case_id = None
    if stage == "remediation" and sink is not None:
        case_id = sink.open_case(session, CaseReport(
            source=CASE_SOURCE, source_key=f"sea_outfall:{row.code}:remediation",
            region_code=row.region_code, category="water_pollution", severity="general",
            title=f"入海排污口整治：{row.name}（{row.code}）", occurred_at=_day_start(on),
            enterprise_id=row.responsible_enterprise_id, site_id=row.site_id,
            longitude=row.longitude, latitude=row.latitude,
            description=f"{KIND_NAMES[row.kind][0]}，受纳海域 {row.sea_area}。{note}".strip(),
            evidence={"outfall": row.code, "stage": stage},
        ))  # fmt: skip
    step = OutfallStage(outfall_id=row.id, stage=stage, on=on, note=note.strip(), actor=actor,
                        at=now, case_id=case_id)  # fmt: skip
    session.add(step)
    row.stage = stage
    session.flush()
    return step


def outfall_figures(session: Session, scope: Scope) -> dict[str, Any]:
    """Counts in scope: total, by stage, by kind, exceeding now, and the share closed (销号)
    [%] (None without outfalls)."""
    views = list_outfalls(session, scope)
    by_stage = {s: 0 for s in STAGES}
    by_kind = {k: 0 for k in KIND_NAMES}
    for v in views:
        by_stage[v.row.stage] += 1
        by_kind[v.row.kind] += 1
    total = len(views)
    return {"total": total, "by_stage": by_stage, "by_kind": by_kind,
            "exceeding": sum(1 for v in views if v.exceeding),
            "closed": by_stage["closed"],
            "remediated_share": None if not total else 100.0 * by_stage["closed"] / total}  # fmt: skip
