"""The siting check (项目选址研判), pure: a site geometry and a GB/T 4754-2017 industry code
against an index of zone features.

Decision, in two steps, only structured rules deciding (a requirement's free text is shown):

1. per touched feature, the applicable rules (:meth:`Rule.applies`) and among them the one with
   the **longest industry prefix** (the most specific); equal length → the most severe;
2. across features, the **most severe** feature verdict decides (prohibited > conditional >
   permitted); ties → the first in layer order (red line, water source, control unit, park), then
   feature code. No applicable rule anywhere → permitted, ``decided_by`` None.

"Touches" is shapely's ``intersects``: a site **on the boundary** of a feature (sharing a
single point with it) touches it — the stricter reading, so a site drawn along a red line's
edge is reviewed against the red line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from qingshan.zones.layers import SEVERITY, LayerKind, Rule, Verdict, ZoneFeature, check_industry

_ORDER = {
    LayerKind.RED_LINE: 0,
    LayerKind.WATER_SOURCE: 1,
    LayerKind.CONTROL_UNIT: 2,
    LayerKind.PARK: 3,
}


class ZoneIndex:
    """Features and their geometries with an STRtree over them (built once, queried often)."""

    def __init__(self, features: Sequence[ZoneFeature], geometries: Sequence[BaseGeometry]) -> None:
        if len(features) != len(geometries):
            raise ValueError("one geometry per feature")
        self.features = list(features)
        self.geometries = list(geometries)
        shapely.prepare(self.geometries)
        self.tree = STRtree(self.geometries)

    def touching(self, site: BaseGeometry) -> list[int]:
        """Indexes of the features the site intersects (boundary included)."""
        return sorted(int(i) for i in self.tree.query(site, predicate="intersects"))


@dataclass(frozen=True)
class FeatureHit:
    feature: ZoneFeature
    applicable: tuple[Rule, ...]
    deciding: Rule | None

    @property
    def verdict(self) -> Verdict:
        return self.deciding.verdict if self.deciding else Verdict.PERMITTED


@dataclass(frozen=True)
class SitingResult:
    industry: str
    discharges: bool
    hits: tuple[FeatureHit, ...]
    verdict: Verdict
    decided_by: FeatureHit | None


def _decide(rules: Sequence[Rule]) -> Rule | None:
    if not rules:
        return None
    return max(rules, key=lambda r: (len(r.prefix), SEVERITY[r.verdict]))


def siting_check(index: ZoneIndex, site: BaseGeometry, industry: str, *,
                 discharges: bool = True) -> SitingResult:  # fmt: skip
    """The verdict for a project of GB/T 4754-2017 ``industry`` (``2614`` or ``C2614``) at ``site`` (a point or
    polygon in the index's lon/lat), ``discharges`` whether it discharges pollutants (the
    conservative default: yes). See the module docstring for the decision and the boundary."""
    if site.is_empty or not site.is_valid:
        raise ValueError(f"site geometry is not valid: {shapely.is_valid_reason(site)}")
    industry = check_industry(industry)
    hits = []
    for i in index.touching(site):
        f = index.features[i]
        applicable = tuple(r for r in f.all_rules() if r.applies(industry, discharges))
        hits.append(FeatureHit(f, applicable, _decide(applicable)))
    hits.sort(key=lambda h: (_ORDER[h.feature.layer_kind], h.feature.code))
    deciding = None
    for h in hits:
        if h.deciding and (deciding is None or SEVERITY[h.verdict] > SEVERITY[deciding.verdict]):
            deciding = h
    verdict = deciding.verdict if deciding else Verdict.PERMITTED
    return SitingResult(industry, discharges, tuple(hits), verdict, deciding)
