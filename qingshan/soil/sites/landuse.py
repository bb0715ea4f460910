"""Planned uses of a site and their land category of GB 36600-2018 §3.3 / §3.4 (pure).

GB 36600-2018 §3.3 第一类用地: of GB 50137-2011's classes, residential land (R), and of public
administration and services land (A) the schools (A33), medical (A5) and social-welfare (A6)
land, and of parks (G1) the community and children's parks. §3.4 第二类用地: industrial (M),
logistics and warehousing (W), commercial (B), roads and transport (S), utilities (U), the rest
of A (except A33, A5, A6) and of green space and squares (G) (except community and children's
parks) [MC: the clause as quoted by several secondary sources; the standard's own text was not
found in session 10]. The GB 50137-2011 code of each use is kept beside its key.
"""

from __future__ import annotations

from types import MappingProxyType

from qingshan.soil.sites.errors import SiteError

__all__ = ["PLANNED_USES", "land_category"]

#: key → (GB 50137-2011 code, name_zh, name_en, GB 36600 land category)
PLANNED_USES = MappingProxyType({
    "residential": ("R", "居住用地", "Residential", 1),
    "school": ("A33", "中小学用地", "Primary and secondary schools", 1),
    "medical": ("A5", "医疗卫生用地", "Medical and health care", 1),
    "welfare": ("A6", "社会福利用地", "Social welfare", 1),
    "community_park": ("G1", "社区公园或儿童公园用地", "Community or children's park", 1),
    "public_admin": ("A", "公共管理与公共服务用地（A33、A5、A6除外）",
                     "Public administration and services (not A33, A5, A6)", 2),
    "commercial": ("B", "商业服务业设施用地", "Commercial and business facilities", 2),
    "industrial": ("M", "工业用地", "Industrial", 2),
    "logistics": ("W", "物流仓储用地", "Logistics and warehousing", 2),
    "roads": ("S", "道路与交通设施用地", "Roads and transport", 2),
    "utilities": ("U", "公用设施用地", "Public utilities", 2),
    "green_square": ("G", "绿地与广场用地（社区公园或儿童公园除外）",
                     "Green space and squares (not community or children's parks)", 2),
})  # fmt: skip


def land_category(planned_use: str) -> int:
    """The GB 36600-2018 land category (1 or 2) of a planned use key of :data:`PLANNED_USES`."""
    try:
        return PLANNED_USES[planned_use][3]
    except KeyError:
        raise SiteError(
            f"planned_use: {planned_use!r} is not a planned use (one of {', '.join(PLANNED_USES)})",
            field="planned_use",
        ) from None
