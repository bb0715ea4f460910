"""The enterprise sweep (pure): every archived enterprise's location against the layers; those
inside an ecological red line (生态保护红线) or a first-level drinking-water source protection
zone (饮用水水源一级保护区) are listed for follow-up, each (enterprise, feature) one case report.

Why these two: inside a red line, development and production activities are prohibited outside
the limited list (关于加强生态保护红线管理的通知（试行）, 2022, 二(一)); in a 一级 zone, every
construction project unrelated to water supply is prohibited and one built there is ordered
removed or closed (水污染防治法 2017 修正, 第六十五条). An enterprise already there is therefore a
matter to verify, not a siting question.

"Inside" is shapely's ``intersects`` of the enterprise's point with the polygon, so a point on
the boundary counts (the siting check's stricter reading). Points are in lon/lat degrees
(WGS 84 ≈ CGCS2000), as the features.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely

from qingshan.qc.supervision import CaseReport
from qingshan.zones.layers import LayerKind, ZoneFeature
from qingshan.zones.links import EnterpriseLocation
from qingshan.zones.siting import ZoneIndex

__all__ = ["SweepHit", "swept", "sweep", "case_report", "CASE_SOURCE", "CASE_KEY_PREFIX"]

#: the cases' source of a sweep's case (问题发现渠道 大数据分析: the platform's spatial analysis
#: found it, as the fences' cases) and the prefix of its source key
#: ``zones-sweep:<enterprise id>:<layer kind>:<layer name's digest>:<feature code>`` — the layer
#: name, not its version, so a new version of the same layer finds the same case (the name as a
#: 10-hex SHA-1 digest: the key column holds 160 characters)
CASE_SOURCE = "big_data"
CASE_KEY_PREFIX = "zones-sweep:"

_WPL_65 = "水污染防治法 (2017 修正) 第六十五条: 饮用水水源一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目；已建成的，由县级以上人民政府责令拆除或者关闭"
_RED = "关于加强生态保护红线管理的通知（试行） (自然资源部 生态环境部 国家林草局 2022-08) 二(一): 生态保护红线内禁止开发性、生产性建设活动"  # fmt: skip


def swept(feature: ZoneFeature) -> bool:
    """Whether the sweep lists enterprises inside ``feature``: a red line, or a 一级 zone."""
    return feature.layer_kind is LayerKind.RED_LINE or (
        feature.layer_kind is LayerKind.WATER_SOURCE and feature.level == "一级"
    )


@dataclass(frozen=True)
class SweepHit:
    """One enterprise inside one red-line or 一级-zone feature."""

    enterprise: EnterpriseLocation
    feature: ZoneFeature

    @property
    def key(self) -> str:
        f = self.feature
        layer = hashlib.sha1(f.layer_name.encode()).hexdigest()[:10]
        return f"{CASE_KEY_PREFIX}{self.enterprise.id}:{f.layer_kind.value}:{layer}:{f.code}"

    @property
    def clause(self) -> str:
        return _RED if self.feature.layer_kind is LayerKind.RED_LINE else _WPL_65


def sweep(index: ZoneIndex, enterprises: Sequence[EnterpriseLocation]) -> list[SweepHit]:
    """The (enterprise, feature) pairs where the enterprise lies in a swept feature of
    ``index`` (boundary included), by enterprise id, then red lines before 一级 zones, then
    feature code. One STRtree query for all points."""
    if not enterprises or not index.features:
        return []
    points = shapely.points(np.array([[e.longitude, e.latitude] for e in enterprises]))
    pairs = index.tree.query(points, predicate="intersects")
    hits = [SweepHit(enterprises[int(p)], index.features[int(f)])
            for p, f in zip(pairs[0], pairs[1], strict=True)
            if swept(index.features[int(f)])]  # fmt: skip
    order = {LayerKind.RED_LINE: 0, LayerKind.WATER_SOURCE: 1}
    hits.sort(key=lambda h: (h.enterprise.id, order[h.feature.layer_kind], h.feature.code))
    return hits


def case_report(hit: SweepHit, found_at: datetime) -> CaseReport:
    """The case report of a hit: red line → category ``ecology`` (生态破坏), 一级 zone →
    ``water_pollution``; severity ``serious`` (the platform's grading: a prohibited location,
    not a measured exceedance)."""
    e, f = hit.enterprise, hit.feature
    red = f.layer_kind is LayerKind.RED_LINE
    where = "生态保护红线" if red else "饮用水水源一级保护区"
    return CaseReport(
        source=CASE_SOURCE,
        source_key=hit.key,
        region_code=e.region_code,
        category="ecology" if red else "water_pollution",
        severity="serious",
        title=f"企业位于{where}内：{e.name}（{f.name}）"[:200],  # the cases' title: ≤ 200
        occurred_at=found_at,
        enterprise_id=e.id,
        longitude=e.longitude,
        latitude=e.latitude,
        description=(
            f"空间管控排查：{e.name} 的登记位置 ({e.longitude:.5f}, {e.latitude:.5f}) 位于"
            f"{f.layer_name}（{f.layer_version}）要素 {f.code}「{f.name}」内。依据：{hit.clause}。"
            "请核实企业位置与图层，依法处理。"
        ),  # fmt: skip
        evidence={
            "layer_kind": f.layer_kind.value,
            "layer_name": f.layer_name,
            "layer_version": f.layer_version,
            "layer_id": f.layer_id,
            "feature_code": f.code,
            "feature_name": f.name,
            "level": f.level,
            "site_code": f.site_code,
            "longitude": e.longitude,
            "latitude": e.latitude,
            "clause": hit.clause,
        },  # fmt: skip
    )
