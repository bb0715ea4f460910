"""What the public may report (群众举报的问题类别), as data: the case categories open to the
public, each with the name, description, keywords and group Open311 shows, and the extra
questions (Open311 "attributes") a report of it may answer. Pure: nothing here reads a session.

Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2), *GET Service List* and *GET Service
Definition*: a service has ``service_code``, ``service_name``, ``description``, ``metadata``,
``type`` (``realtime``: the request id is returned at once), ``keywords`` and ``group``; an
attribute has ``variable``, ``code``, ``datatype`` (``string``, ``number``, ``datetime``,
``text``, ``singlevaluelist``, ``multivaluelist``), ``required``, ``datatype_description``,
``order``, ``description`` and, for lists, ``values`` of ``key`` and ``name``.

The day and night periods of noise are those of GB 3096-2008's terms and definitions (§3:
昼间 06:00–22:00, 夜间 22:00–06:00) [U: the sub-clause not confirmed from the primary text].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from qingshan.cases.errors import BadCaseInput

__all__ = [
    "Attribute",
    "PublicService",
    "PUBLIC_SERVICES",
    "PUBLIC_CATEGORIES",
    "public_service",
    "check_attributes",
]


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    required: bool
    order: int
    description: str
    datatype_description: str | None = None
    values: tuple[tuple[str, str, str], ...] = ()  # (key, Chinese, English name) of a list
    variable: bool = True


@dataclass(frozen=True)
class PublicService:
    code: str  # the case category
    name: str
    name_en: str
    description_zh: str
    description_en: str
    keywords: str
    group: str
    attributes: tuple[Attribute, ...]

    @property
    def description(self) -> str:
        """Open311's ``description``: Chinese, then English."""
        return f"{self.description_zh} {self.description_en}"


_COMMON = (
    Attribute(
        "ENTERPRISE", "string", False, 1,
        "被举报单位：企业名称或统一社会信用代码（选填）。"
        "The enterprise reported: its name or unified social credit code (optional).",
        "至多 200 字 at most 200 characters",
    ),
    Attribute(
        "OBSERVED", "datetime", False, 2,
        "发现时间（选填）。When you saw the problem (optional).",
        "ISO 8601 with a time zone, e.g. 2026-03-02T09:30:00+08:00",
    ),
)  # fmt: skip

_SERVICES = (
    PublicService(
        "air_pollution", "大气污染", "Air pollution",
        "废气、黑烟、异味、扬尘、露天焚烧等。", "Fumes, black smoke, odours, dust, open burning.",
        "废气,黑烟,异味,臭味,扬尘,焚烧,air,smoke,odour,dust,burning", "环境污染 pollution",
        _COMMON + (
            Attribute("KIND", "multivaluelist", False, 3, "现象（可多选）What you noticed",
                      values=(("smoke", "黑烟", "black smoke"), ("odour", "异味", "odour"),
                              ("dust", "扬尘", "dust"), ("burning", "露天焚烧", "open burning"))),
        ),
    ),
    PublicService(
        "water_pollution", "水污染", "Water pollution",
        "偷排、漏排废水，河道发黑发臭，死鱼等。", "Illegal discharge, black or smelly water, dead fish.",
        "废水,偷排,排污口,黑臭,死鱼,water,discharge,river,fish", "环境污染 pollution",
        _COMMON + (
            Attribute("WATER", "singlevaluelist", False, 3, "水体 Which water",
                      values=(("river", "河流", "river"), ("lake", "湖库", "lake or reservoir"),
                              ("sea", "近岸海域", "coastal sea"), ("drain", "排口或管网", "outfall, sewer"),
                              ("other", "其他", "other"))),
        ),
    ),
    PublicService(
        "noise", "噪声", "Noise",
        "工业、建筑施工、社会生活噪声扰民。", "Industrial, construction or neighbourhood noise.",
        "噪声,噪音,施工,夜间,noise,construction,night", "环境污染 pollution",
        _COMMON + (
            Attribute("PERIOD", "singlevaluelist", True, 3,
                      "时段 When (GB 3096-2008: 昼间 06:00–22:00, 夜间 22:00–06:00)",
                      values=(("day", "昼间", "daytime 06:00–22:00"),
                              ("night", "夜间", "night 22:00–06:00"))),
        ),
    ),
    PublicService(
        "solid_waste", "固体废物", "Solid waste",
        "倾倒、堆放垃圾或工业固废、危险废物。", "Dumped or stored waste, hazardous waste.",
        "固废,垃圾,倾倒,危废,waste,dumping,hazardous", "环境污染 pollution", _COMMON,
    ),
    PublicService(
        "soil", "土壤", "Soil",
        "土壤污染、污染地块。", "Contaminated soil or land.",
        "土壤,污染地块,soil,land", "环境污染 pollution", _COMMON,
    ),
    PublicService(
        "ecology", "生态破坏", "Ecological damage",
        "毁林、非法采砂、破坏湿地与自然保护地。",
        "Deforestation, illegal sand mining, damage to wetlands or protected areas.",
        "生态,采砂,湿地,保护区,ecology,forest,wetland", "生态 ecology", _COMMON,
    ),
    PublicService(
        "radiation", "辐射", "Radiation",
        "电磁辐射、放射源。", "Electromagnetic radiation, radioactive sources.",
        "辐射,基站,放射源,radiation,radioactive", "环境污染 pollution", _COMMON,
    ),
    PublicService(
        "other", "其他", "Other",
        "其他生态环境问题。", "Any other environmental problem.",
        "其他,other", "其他 other", _COMMON,
    ),
)  # fmt: skip

#: category → what the public sees of it (the categories the public may report)
PUBLIC_SERVICES: Mapping[str, PublicService] = MappingProxyType({s.code: s for s in _SERVICES})
PUBLIC_CATEGORIES: tuple[str, ...] = tuple(PUBLIC_SERVICES)


def public_service(code: str) -> PublicService:
    """The service of ``code``, else :class:`BadCaseInput` listing the valid codes."""
    try:
        return PUBLIC_SERVICES[code]
    except KeyError:
        raise BadCaseInput(
            "service_code",
            f"unknown category {code!r} for public reports; one of {', '.join(PUBLIC_CATEGORIES)}",
        ) from None


def _one(attr: Attribute, value: Any) -> Any:
    field = f"attribute[{attr.code}]"
    if attr.datatype == "multivaluelist":
        values = [value] if isinstance(value, str) else list(value)
        keys = {k for k, *_ in attr.values}
        bad = [v for v in values if v not in keys]
        if bad:
            raise BadCaseInput(field, f"{bad} not among {', '.join(sorted(keys))}")
        return list(dict.fromkeys(values))
    if not isinstance(value, str):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        else:
            raise BadCaseInput(field, "takes one value")
    value = value.strip()
    if attr.datatype == "singlevaluelist":
        listed = [k for k, *_ in attr.values]
        if value not in listed:
            raise BadCaseInput(field, f"{value!r} is not one of {', '.join(listed)}")
        return value
    if attr.datatype == "datetime":
        try:
            t = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise BadCaseInput(field, f"{value!r} is not an ISO 8601 date and time") from None
        if t.tzinfo is None:
            raise BadCaseInput(field, f"{value!r} needs a time zone (Z or ±hh:mm)")
        return t.isoformat()
    if attr.datatype == "number":
        try:
            return float(value)
        except ValueError:
            raise BadCaseInput(field, f"{value!r} is not a number") from None
    limit = 200 if attr.datatype == "string" else 4000
    if len(value) > limit:
        raise BadCaseInput(field, f"at most {limit} characters, got {len(value)}")
    return value


def check_attributes(service: PublicService, given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers ``given`` (attribute code → value, a list for a multivaluelist) checked
    against the service's attributes: unknown codes, values outside a list, bad dates and
    missing required answers raise :class:`BadCaseInput` naming the attribute."""
    known = {a.code: a for a in service.attributes}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise BadCaseInput(
            f"attribute[{unknown[0]}]",
            f"unknown attribute of {service.code}; known: {', '.join(known)}",
        )
    out: dict[str, Any] = {}
    for attr in service.attributes:
        value = given.get(attr.code)
        if value in (None, "", []):
            if attr.required:
                raise BadCaseInput(f"attribute[{attr.code}]", f"required: {attr.description}")
            continue
        out[attr.code] = _one(attr, value)
    return out
