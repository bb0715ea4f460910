"""Electronic fences service: draw and regenerate the fences, check events against them, list
and acknowledge the alerts (issue #20).

- :func:`sync_fences`: one fence per section and source the :class:`~.fences.FenceSites`
  Protocol returns; a fence is redrawn when its site moved, its 一级 zone changed, or it has none
  yet. A radius an officer set (``radius_custom``) survives the redraw.
- :func:`set_radius`: a province or city officer sets a fence's radius (a fence for a site the
  registry does not know is refused, naming the code).
- :func:`check_events`: the events of each kind after the kind's cursor, against every fence;
  each hit is one alert row per (fence, kind, ref) — a re-check refreshes ``last_seen`` and never
  adds a row. A hit whose (kind, site kind) is in ``case_policy`` opens a case through the
  cases' sink (QC's :class:`~qingshan.qc.supervision.CaseSink`), idempotent on its source key.
  Outlets are re-read in full every run (a few thousand points); cases and complaints after the
  cursor. A fence drawn or redrawn resets the cursors so old events meet the new polygon.
- :func:`alerts`, :func:`acknowledge`: the alerts the viewer's scope reaches; officers of the
  fence's region acknowledge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shapely.geometry import mapping, shape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import PermissionDenied
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.zones.errors import ZoneError
from qingshan.zones.fences import (
    DEFAULT_RADIUS_M,
    Basis,
    EventKind,
    Fence,
    FenceEvents,
    FenceIndex,
    FenceNotFound,
    FenceSite,
    FenceSites,
    SiteKind,
    buffer_fence,
    check_radius,
    fence_hits,
    geometry_bounds,
)
from qingshan.zones.fences_models import ZoneFence, ZoneFenceAlert, ZoneFenceScan
from qingshan.zones.layers import LayerKind
from qingshan.zones.models import ZoneFeatureRow, ZoneLayer

__all__ = [
    "CASE_POLICY",
    "CASE_SOURCE",
    "CASE_KEY_PREFIX",
    "OFFICERS",
    "EDITORS",
    "CheckRun",
    "case_policy",
    "sync_fences",
    "set_radius",
    "fence_index",
    "fences",
    "check_events",
    "alerts",
    "alert_counts",
    "acknowledge",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: who sets a fence's radius (the brief: province and city)
EDITORS = (Role.PROVINCE, Role.CITY)
#: (event kind, site kind) whose alerts open a case: an outlet inside a drinking-water source's
#: fence (水污染防治法 Arts. 64–65: no outfall in a source protection zone). The platform default,
#: a parameter of :func:`check_events`.
CASE_POLICY: frozenset[tuple[EventKind, SiteKind]] = frozenset(
    {(EventKind.OUTLET, SiteKind.SOURCE)}
)
#: the cases' source of a case a fence alert opens (问题发现渠道 大数据分析: the platform's
#: spatial analysis found it) and the prefix of its source key, ``fence:<site>:<kind>:<ref>``
CASE_SOURCE = "big_data"
CASE_KEY_PREFIX = "fence:"
_ROUND = 7  # lon/lat decimals compared when deciding a site moved (≈ 1 cm)


def case_policy(text: str) -> frozenset[tuple[EventKind, SiteKind]]:
    """The case policy of a setting such as ``"outlet:source,complaint:source"`` (``""``: none),
    or ValueError naming the bad pair and the allowed values."""
    out = set()
    for pair in (p.strip() for p in text.split(",")):
        if not pair:
            continue
        kind, _, site = pair.partition(":")
        try:
            out.add((EventKind(kind.strip()), SiteKind(site.strip())))
        except ValueError:
            raise ValueError(
                f"zones_fence_cases: {pair!r} is not event_kind:site_kind with event_kind one of "
                f"{', '.join(e.value for e in EventKind)} and site_kind one of "
                f"{', '.join(k.value for k in SiteKind)}"
            ) from None
    return frozenset(out)


@dataclass(frozen=True)
class CheckRun:
    events: int
    hits: int
    new_alerts: int
    cases: int


def _zone_polygons(session: Session, on: date) -> dict[str, ZoneFeatureRow]:
    """The newest 一级 zone in force on ``on`` per protected site code."""
    q = (select(ZoneFeatureRow).join(ZoneLayer, ZoneFeatureRow.layer_id == ZoneLayer.id)
         .where(ZoneLayer.kind == LayerKind.WATER_SOURCE.value, ZoneFeatureRow.level == "一级",
                ZoneFeatureRow.site_code.is_not(None), ZoneLayer.valid_from <= on,
                or_(ZoneLayer.valid_to.is_(None), ZoneLayer.valid_to >= on))
         .order_by(ZoneLayer.valid_from, ZoneLayer.id, ZoneFeatureRow.id))  # fmt: skip
    return {r.site_code: r for r in session.scalars(q) if r.site_code}


def _draw(row: ZoneFence, site: FenceSite, zone: ZoneFeatureRow | None) -> None:
    if zone is not None and not row.radius_custom:
        geom = shape(zone.geometry)
        row.basis, row.zone_feature_id = Basis.ZONE.value, zone.id
    else:
        geom = buffer_fence(site.lon, site.lat, row.radius_m)
        row.basis, row.zone_feature_id = Basis.BUFFER.value, None
    row.geometry = {"type": geom.geom_type, "coordinates": _lists(mapping(geom)["coordinates"])}
    row.min_lon, row.min_lat, row.max_lon, row.max_lat = geometry_bounds(geom)
    row.site_lon, row.site_lat = site.lon, site.lat
    row.name, row.region_code, row.site_kind = site.name, site.region_code, site.kind.value


def _lists(x: Any) -> Any:
    return [_lists(v) for v in x] if isinstance(x, (list, tuple)) else x


def _reset_cursors(session: Session) -> None:
    for scan in session.scalars(select(ZoneFenceScan)):
        scan.cursor = "0"


def sync_fences(session: Session, sites: FenceSites, *, actor: str, now: datetime,
                codes: Sequence[str] | None = None, radius_m: float | None = None) -> int:  # fmt: skip
    """Draw the missing fences (a new one of ``radius_m``, default :data:`DEFAULT_RADIUS_M` of
    its kind) and redraw those whose site moved or whose 一级 zone changed; the number drawn."""
    zones = _zone_polygons(session, now.date())
    existing = {f.site_code: f for f in session.scalars(select(ZoneFence))}
    drawn = 0
    for site in sites(session, codes):
        zone = zones.get(site.code) if site.kind is SiteKind.SOURCE else None
        row = existing.get(site.code)
        if row is None:
            row = ZoneFence(site_code=site.code, radius_m=radius_m or DEFAULT_RADIUS_M[site.kind],
                            radius_custom=False)  # fmt: skip
            session.add(row)
        else:
            moved = (round(row.site_lon, _ROUND), round(row.site_lat, _ROUND)) != (
                round(site.lon, _ROUND), round(site.lat, _ROUND))  # fmt: skip
            want_zone = zone.id if zone is not None and not row.radius_custom else None
            if not moved and want_zone == row.zone_feature_id and row.name == site.name:
                continue
        _draw(row, site, zone)
        row.generated_at, row.updated_by = now, actor
        drawn += 1
    if drawn:
        session.flush()
        _reset_cursors(session)
    return drawn


def _site(session: Session, sites: FenceSites, code: str) -> FenceSite:
    found = sites(session, [code])
    if not found:
        raise FenceNotFound(f"site_code: no water section or drinking-water source {code!r} "
                        "with coordinates in the monitoring registry",
                        field="site_code")  # fmt: skip
    return found[0]


def set_radius(session: Session, scope: Scope, sites: FenceSites, code: str, radius_m: Any, *,
               actor: str, now: datetime) -> ZoneFence:  # fmt: skip
    """Set the fence radius of site ``code`` (creating the fence if it has none) and redraw it;
    province and city officers of the site's region."""
    if scope.role not in EDITORS:
        raise PermissionDenied("only province and city officers set a fence's radius")
    try:
        r = check_radius(radius_m)
    except ValueError as exc:
        raise ZoneError(str(exc), field="radius_m") from exc
    site = _site(session, sites, code)
    if not scope.prefix or not site.region_code.startswith(scope.prefix):
        raise PermissionDenied(f"site {code} is outside your region ({scope.region_code})")
    row = session.scalar(select(ZoneFence).where(ZoneFence.site_code == code))
    if row is None:
        row = ZoneFence(site_code=code)
        session.add(row)
    row.radius_m, row.radius_custom = r, True
    _draw(row, site, None)
    row.generated_at, row.updated_by = now, actor
    session.flush()
    _reset_cursors(session)
    return row


def _fence(row: ZoneFence) -> Fence:
    return Fence(row.id, row.site_code, SiteKind(row.site_kind), row.name, row.region_code,
                 row.site_lon, row.site_lat, shape(row.geometry))  # fmt: skip


def fence_index(session: Session) -> FenceIndex:
    return FenceIndex(
        [_fence(r) for r in session.scalars(select(ZoneFence).order_by(ZoneFence.id))]
    )


def _in_scope(scope: Scope, column: Any) -> Any:
    return scope.where(column)


def fences(session: Session, scope: Scope) -> list[ZoneFence]:
    """The fences of the scope's region, by site code."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("fences are for province, city and county officers")
    q = select(ZoneFence).where(_in_scope(scope, ZoneFence.region_code))
    return list(session.scalars(q.order_by(ZoneFence.site_code)))


def _report(fence: ZoneFence, alert: ZoneFenceAlert, enterprise_id: int | None,
            occurred: datetime) -> CaseReport:  # fmt: skip
    return CaseReport(
        source=CASE_SOURCE,
        source_key=f"{CASE_KEY_PREFIX}{fence.site_code}:{alert.event_kind}:{alert.event_ref}",
        region_code=fence.region_code,
        category="water_pollution",
        severity="serious",
        title=f"电子围栏告警：{alert.label} 位于 {fence.name} 围栏内（{alert.distance_m:.0f} m）",
        occurred_at=occurred,
        enterprise_id=enterprise_id,
        longitude=alert.lon,
        latitude=alert.lat,
        description=(f"{alert.event_kind} {alert.event_ref} inside the fence of {fence.site_code} "
                     f"({fence.basis}, {alert.distance_m:.0f} m from the site)"),
        evidence={"fence": fence.site_code, "basis": fence.basis, "radius_m": fence.radius_m,
                  "kind": alert.event_kind, "ref": alert.event_ref,
                  "distance_m": alert.distance_m},
    )  # fmt: skip


def check_events(session: Session, events: FenceEvents, *, now: datetime,
                 sink: CaseSink | None = None,
                 case_policy: frozenset[tuple[EventKind, SiteKind]] = CASE_POLICY,
                 kinds: Sequence[EventKind] = tuple(EventKind)) -> CheckRun:  # fmt: skip
    """Check the new events of each kind against the fences (see the module docstring)."""
    index = fence_index(session)
    rows = {r.id: r for r in session.scalars(select(ZoneFence))}
    n_events = n_hits = new = cases = 0
    for kind in kinds:
        scan = session.get(ZoneFenceScan, kind.value)
        after = 0 if kind is EventKind.OUTLET or scan is None else int(scan.cursor)
        evs = events(session, kind, after)
        n_events += len(evs)
        hits = fence_hits(index, evs) if index.fences else []
        n_hits += len(hits)
        for h in hits:
            fence = rows[h.fence.id]
            alert = session.scalar(select(ZoneFenceAlert).where(
                ZoneFenceAlert.fence_id == fence.id, ZoneFenceAlert.event_kind == kind.value,
                ZoneFenceAlert.event_ref == h.event.ref))  # fmt: skip
            if alert is None:
                alert = ZoneFenceAlert(fence_id=fence.id, event_kind=kind.value,
                                       event_ref=h.event.ref, first_seen=now)  # fmt: skip
                session.add(alert)
                new += 1
            alert.label = h.event.label[:200]
            alert.lon, alert.lat, alert.distance_m = h.event.lon, h.event.lat, h.distance_m
            alert.last_seen = now
            if (
                sink is not None
                and alert.case_ref is None
                and (kind, h.fence.site_kind) in case_policy
            ):
                cid = sink.open_case(session, _report(fence, alert, h.event.enterprise_id,
                                                      h.event.occurred_at or now))  # fmt: skip
                alert.case_ref = str(cid)
                cases += 1
        session.flush()
        last = max((e.seq for e in evs), default=after)
        if scan is None:
            session.add(ZoneFenceScan(event_kind=kind.value, cursor=str(last), scanned_at=now))
        else:
            scan.cursor, scan.scanned_at = str(max(last, after)), now
    session.flush()
    return CheckRun(n_events, n_hits, new, cases)


def alerts(session: Session, scope: Scope, *, kind: EventKind | None = None,
           unacknowledged: bool = False, site_code: str | None = None,
           limit: int = 500) -> list[tuple[ZoneFenceAlert, ZoneFence]]:  # fmt: skip
    """The alerts of the fences in the scope's region, newest first."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("fence alerts are for province, city and county officers")
    q = (select(ZoneFenceAlert, ZoneFence).join(ZoneFence, ZoneFenceAlert.fence_id == ZoneFence.id)
         .where(_in_scope(scope, ZoneFence.region_code)))  # fmt: skip
    if kind is not None:
        q = q.where(ZoneFenceAlert.event_kind == kind.value)
    if unacknowledged:
        q = q.where(ZoneFenceAlert.acknowledged_at.is_(None))
    if site_code is not None:
        q = q.where(ZoneFence.site_code == site_code)
    q = q.order_by(ZoneFenceAlert.first_seen.desc(), ZoneFenceAlert.id.desc()).limit(limit)
    return [(a, f) for a, f in session.execute(q)]


def alert_counts(session: Session, scope: Scope) -> dict[tuple[str, bool], int]:
    """The number of alerts of the scope's fences by (event kind, acknowledged) — the page's
    summary, over every alert (the list is capped)."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("fence alerts are for province, city and county officers")
    acked = ZoneFenceAlert.acknowledged_at.is_not(None)
    q = (select(ZoneFenceAlert.event_kind, acked, func.count())
         .join(ZoneFence, ZoneFenceAlert.fence_id == ZoneFence.id)
         .where(_in_scope(scope, ZoneFence.region_code))
         .group_by(ZoneFenceAlert.event_kind, acked))  # fmt: skip
    return {(k, bool(a)): int(n) for k, a, n in session.execute(q)}


def acknowledge(session: Session, scope: Scope, alert_id: int, *, actor: str,
                now: datetime) -> tuple[ZoneFenceAlert, ZoneFence]:  # fmt: skip
    """Acknowledge an alert (officers of the fence's region); acknowledging twice keeps the first."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("only officers acknowledge fence alerts")
    row = session.execute(
        select(ZoneFenceAlert, ZoneFence).join(ZoneFence, ZoneFenceAlert.fence_id == ZoneFence.id)
        .where(ZoneFenceAlert.id == alert_id, _in_scope(scope, ZoneFence.region_code))
    ).first()  # fmt: skip
    if row is None:
        raise FenceNotFound(f"alert_id: no fence alert {alert_id} in your region", field="alert_id")
    alert, fence = row[0], row[1]
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor, now
        session.flush()
    return alert, fence
