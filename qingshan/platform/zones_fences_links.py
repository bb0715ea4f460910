"""The implementations of the electronic fences' Protocols (:mod:`qingshan.zones.fences`): the
monitoring registry's sections and sources, the archive's outlets, the cases' cases and
complaints, read here in the registry (which may read every domain's tables) so the zones
domain imports none of them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.archive.models import Enterprise
from qingshan.cases.complaint_models import CaseComplaint
from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.monitoring.models import Site
from qingshan.monitoring.models import SiteKind as MonitoringKind
from qingshan.zones.fences import (
    EventKind,
    FenceEvent,
    FenceEvents,
    FenceSite,
    FenceSites,
    SiteKind,
)
from qingshan.zones.fences_service import CASE_KEY_PREFIX, CASE_SOURCE

__all__ = ["FENCE_SITES", "FENCE_EVENTS", "fence_sites", "fence_events"]

_KINDS = {MonitoringKind.WATER_SECTION: SiteKind.SECTION,
          MonitoringKind.DRINKING_WATER_SOURCE: SiteKind.SOURCE}  # fmt: skip


def fence_sites(session: Session, codes: Sequence[str] | None = None) -> list[FenceSite]:
    """The water sections and drinking-water sources of the registry that have coordinates."""
    q = select(Site).where(Site.kind.in_(list(_KINDS)), Site.longitude.is_not(None),
                           Site.latitude.is_not(None))  # fmt: skip
    if codes is not None:
        q = q.where(Site.code.in_(list(codes)))
    return [FenceSite(s.code, _KINDS[s.kind], s.name, s.region_code, float(s.longitude or 0),
                      float(s.latitude or 0)) for s in session.scalars(q.order_by(Site.id))]  # fmt: skip


def _outlets(session: Session) -> list[FenceEvent]:
    """Every outlet at its own coordinates, or its enterprise's when it has none."""
    q = (select(Site, Enterprise).join(Enterprise, Site.enterprise_id == Enterprise.id)
         .where(Site.kind.in_([MonitoringKind.WATER_OUTLET, MonitoringKind.GAS_OUTLET]))
         .order_by(Site.id))  # fmt: skip
    out = []
    for s, e in session.execute(q):
        lon, lat = (
            (s.longitude, s.latitude) if s.longitude is not None else (e.longitude, e.latitude)
        )
        if lon is None or lat is None:
            continue
        out.append(FenceEvent(EventKind.OUTLET, s.code, s.id, float(lon), float(lat),
                              f"{e.name} {s.name}", s.region_code, e.id))  # fmt: skip
    return out


def fence_events(session: Session, kind: EventKind, after: int) -> list[FenceEvent]:
    """The fences' :class:`FenceEvents`: outlets (all), cases and complaints with an id above
    ``after`` that carry coordinates; the cases fence alerts opened are not events."""
    if kind is EventKind.OUTLET:
        return [e for e in _outlets(session) if e.seq > after]
    if kind is EventKind.CASE:
        rows = session.scalars(select(CaseRecord).where(
            CaseRecord.id > after, CaseRecord.longitude.is_not(None),
            CaseRecord.latitude.is_not(None),
            ~CaseRecord.id.in_(select(CaseSource.case_id).where(
                CaseSource.source == CASE_SOURCE,
                CaseSource.source_key.startswith(CASE_KEY_PREFIX, autoescape=True))),
        ).order_by(CaseRecord.id))  # fmt: skip
        return [FenceEvent(kind, str(c.id), c.id, float(c.longitude or 0), float(c.latitude or 0),
                           f"{c.number or '#' + str(c.id)} {c.title}", c.region_code,
                           c.enterprise_id, c.occurred_at) for c in rows]  # fmt: skip
    rows2 = session.scalars(select(CaseComplaint).where(
        CaseComplaint.id > after, CaseComplaint.longitude.is_not(None),
        CaseComplaint.latitude.is_not(None)).order_by(CaseComplaint.id))  # fmt: skip
    return [FenceEvent(kind, str(c.id), c.id, float(c.longitude or 0), float(c.latitude or 0),
                       f"{c.tracking_no} {c.place or c.description[:60]}", c.region_code, None,
                       c.submitted_at) for c in rows2]  # fmt: skip


FENCE_SITES: FenceSites = fence_sites
FENCE_EVENTS: FenceEvents = fence_events
