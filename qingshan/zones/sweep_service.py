"""The enterprise sweep's service: the archived enterprises (through the
:class:`~qingshan.zones.links.EnterpriseLocations` Protocol the platform wires; zones does not
import the archive) against the red lines and 一级 zones in force, listed within an officer's
scope, and the run that opens one case per (enterprise, feature) through the cases' sink
(QC's :class:`~qingshan.qc.supervision.CaseSink`). The sink is idempotent on the report's source
key (:data:`~qingshan.zones.sweep.CASE_KEY_PREFIX`): re-running the sweep never duplicates a case,
it refreshes the report's evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import PROVINCE_CODE
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import as_cst
from qingshan.zones.links import EnterpriseLocations
from qingshan.zones.service import OFFICERS, zone_index
from qingshan.zones.siting import ZoneIndex
from qingshan.zones.sweep import SweepHit, case_report, sweep, swept

__all__ = ["SweepRun", "SweepView", "protected_zone_hits", "protected_zone_sweep", "run_sweep",
           "SWEEP_SCOPE"]  # fmt: skip

#: the scope the scheduled sweep runs in: the whole province
SWEEP_SCOPE = Scope(PROVINCE_CODE, Role.PROVINCE, username="zones-sweep")


@dataclass(frozen=True)
class SweepRun:
    enterprises: int  # enterprises with coordinates checked
    features: int  # red-line and 一级 features in force
    hits: int  # (enterprise, feature) pairs
    cases: int  # distinct cases they belong to


def _swept_index(session: Session, scope: Scope, on: date) -> ZoneIndex:
    full = zone_index(session, scope, on)
    keep = [i for i, f in enumerate(full.features) if swept(f)]
    return ZoneIndex([full.features[i] for i in keep], [full.geometries[i] for i in keep])


@dataclass(frozen=True)
class SweepView:
    hits: list[SweepHit]
    enterprises: int  # enterprises of the region with coordinates checked
    features: int  # red-line and 一级 features in force that the scope reads


def protected_zone_sweep(session: Session, scope: Scope, locations: EnterpriseLocations,
                         on: date) -> SweepView:  # fmt: skip
    """The enterprises of the scope's region inside a red line or a 一级 zone in force on
    ``on`` that the scope reads (officers only), with how many were checked against how many
    features (an empty list means something only with those)."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("the enterprise sweep is for province, city and county officers")
    index = _swept_index(session, scope, on)
    enterprises = locations(session, scope.region_code)
    return SweepView(sweep(index, enterprises), len(enterprises), len(index.features))


def protected_zone_hits(session: Session, scope: Scope, locations: EnterpriseLocations,
                        on: date) -> list[SweepHit]:  # fmt: skip
    """The hits of :func:`protected_zone_sweep`."""
    return protected_zone_sweep(session, scope, locations, on).hits


def run_sweep(session: Session, sink: CaseSink, locations: EnterpriseLocations, *,
              now: datetime) -> SweepRun:  # fmt: skip
    """Sweep the whole province on ``now``'s date in China (CST: the 02:30 run is still the
    previous day in UTC) and open (or find) a case for every hit."""
    index = _swept_index(session, SWEEP_SCOPE, as_cst(now).date())
    enterprises = locations(session, PROVINCE_CODE)
    hits = sweep(index, enterprises)
    cases = {sink.open_case(session, case_report(h, now)) for h in hits}
    return SweepRun(len(enterprises), len(index.features), len(hits), len(cases))
