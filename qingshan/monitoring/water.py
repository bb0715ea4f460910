"""Surface-water sections at their newest hour, assessed by GB 3838-2002 (taking a session).

The values come from :func:`qingshan.monitoring.service.get_latest_hour` keyed by HJ 212-2017
codes; :data:`WATER_KEYS` maps them to the keys of
:func:`qingshan.standards.water_quality.classify_section`, which does all the assessment. This
module only reads the rows, maps the keys and counts the results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.monitoring.models import ControlLevel, SiteKind
from qingshan.monitoring.schemas import (
    MainPollutant,
    WaterSectionLatest,
    WaterSectionsLatest,
    WaterSummary,
)
from qingshan.monitoring.service import SiteLatest, get_latest_hour
from qingshan.standards.water_quality import CLASSES, SectionResult, classify_section, parse_class
from qingshan.standards.water_tables import NAMES_ZH

#: HJ 212-2017 Appendix B codes of the automatic stations' indicators → GB 3838-2002 keys of
#: :func:`~qingshan.standards.water_quality.classify_section` (TN is a reference indicator:
#: classified but not deciding the class; water temperature w01010 has no class limits)
WATER_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "w01001": "pH",
        "w01009": "DO",
        "w01019": "CODMn",
        "w21003": "NH3_N",
        "w21011": "TP",
        "w21001": "TN",
    }
)

#: English names of the indicators the automatic stations measure (others: the key)
NAMES_EN: Mapping[str, str] = MappingProxyType(
    {"pH": "pH", "DO": "DO", "CODMn": "CODMn", "NH3_N": "NH3-N", "TP": "TP", "TN": "TN"}
)

#: the networks shown on the water map: 国控 and 省控 sections
SECTION_LEVELS: tuple[ControlLevel, ...] = (ControlLevel.NATIONAL, ControlLevel.PROVINCIAL)


@dataclass(frozen=True)
class SectionLatest:
    """A section at its newest hour with its assessment (``result`` None without values)."""

    latest: SiteLatest
    water_body: str  # "river" or "lake"
    target_class: str | None  # "I" … "劣V"
    concentrations: Mapping[str, float | None]  # GB 3838 key → value [mg/L; pH dimensionless]
    result: SectionResult | None


@dataclass(frozen=True)
class SectionSummary:
    """Counts over the sections (rates in percent [%], None when nothing to divide by)."""

    sections: int
    assessed: int
    by_class: Mapping[str, int]
    with_target: int
    meeting_target: int
    compliance_rate: float | None  # 达标率: meeting target / assessed with a target
    good_rate: float | None  # Ⅰ～Ⅲ类比例: classes I–III / assessed
    worse_than_v_rate: float | None  # 劣Ⅴ类比例
    latest_time: datetime | None = None
    networks: Mapping[str, int] = field(default_factory=dict)


def water_body_of(attrs: Mapping | None) -> str:
    """``"lake"`` for lakes and reservoirs (Site.attrs water_body), else ``"river"``."""
    return "lake" if (attrs or {}).get("water_body") in ("lake", "reservoir") else "river"


def concentrations_of(values: Mapping[str, float | None]) -> dict[str, float | None]:
    """The GB 3838 keys of the HJ 212 coded ``values`` (other codes are left out)."""
    return {key: values[code] for code, key in WATER_KEYS.items() if code in values}


def assess_section(latest: SiteLatest) -> SectionLatest:
    """Class, status, target compliance and main pollutants of one section's newest hour."""
    attrs = latest.site.attrs or {}
    body = water_body_of(attrs)
    target = attrs.get("target_class")
    target_class = parse_class(target) if target not in (None, "") else None
    conc = concentrations_of(latest.values)
    present = {k: v for k, v in conc.items() if v is not None}
    result = None
    if any(k != "TN" for k in present):
        result = classify_section(present, water_body=body, target_class=target_class)
        if result.section_class is None:
            result = None
    return SectionLatest(latest, body, target_class, conc, result)


def get_sections_latest(
    session: Session, scope: Scope, levels: tuple[ControlLevel, ...] = SECTION_LEVELS
) -> list[SectionLatest]:
    """The water sections of ``levels`` in ``scope``, each assessed at its newest hour."""
    return [
        assess_section(item)
        for item in get_latest_hour(session, scope, SiteKind.WATER_SECTION)
        if item.site.control_level in levels
    ]


def _pct(n: int, d: int) -> float | None:
    return None if d == 0 else round(100.0 * n / d, 1)


def summarise_sections(sections: list[SectionLatest]) -> SectionSummary:
    """Counts per class, target compliance (达标率) and the share of classes I–III."""
    assessed = [s for s in sections if s.result is not None]
    by_class = Counter(s.result.section_class for s in assessed if s.result is not None)
    targeted = [s for s in assessed if s.target_class is not None]
    met = sum(1 for s in targeted if s.result is not None and s.result.meets_target)
    good = sum(by_class[c] for c in ("I", "II", "III"))
    times = [s.latest.time for s in assessed if s.latest.time is not None]
    return SectionSummary(
        sections=len(sections),
        assessed=len(assessed),
        by_class={c: by_class.get(c, 0) for c in CLASSES},
        with_target=len(targeted),
        meeting_target=met,
        compliance_rate=_pct(met, len(targeted)),
        good_rate=_pct(good, len(assessed)),
        worse_than_v_rate=_pct(by_class.get("劣V", 0), len(assessed)),
        latest_time=max(times) if times else None,
        networks=dict(Counter(s.latest.site.control_level.value for s in sections)),
    )


def sections_latest_public(session: Session, scope: Scope) -> WaterSectionsLatest:
    """The sections of ``scope`` at their newest hour with their class, and the counts over them
    (:func:`get_sections_latest`, :func:`summarise_sections`), as the API publishes them."""
    sections = get_sections_latest(session, scope)
    return WaterSectionsLatest(
        summary=WaterSummary(**vars(summarise_sections(sections))),
        sections=[_public(s) for s in sections],
    )


def _public(s: SectionLatest) -> WaterSectionLatest:
    site, r = s.latest.site, s.result
    main = []
    if r is not None:
        for key in r.main_pollutants:
            main.append(
                MainPollutant(
                    key=key, name=NAMES_ZH.get(key, key), name_en=NAMES_EN.get(key, key),
                    indicator_class=r.indicator_classes[key],
                    multiple=r.over_standard_multiples.get(key),
                )
            )  # fmt: skip
    return WaterSectionLatest(
        code=site.code,
        name=site.name,
        control_level=site.control_level.value,
        region_code=site.region_code,
        city_code=s.latest.city_code,
        city_name=s.latest.city_name,
        basin=(site.attrs or {}).get("basin"),
        water_body=s.water_body,
        longitude=site.longitude,
        latitude=site.latitude,
        approximate=(site.attrs or {}).get("placement") == "approximate",
        time=s.latest.time,
        concentrations=dict(s.concentrations),
        section_class=r.section_class if r else None,
        class_rank=CLASSES.index(r.section_class) + 1 if r and r.section_class else None,
        target_class=s.target_class,
        meets_target=r.meets_target if r else None,
        status=r.status if r else None,
        status_en=r.status_en if r else None,
        indicator_classes=dict(r.indicator_classes) if r else {},
        over_standard_multiples=dict(r.over_standard_multiples) if r else {},
        main_pollutants=main,
        main_pollutants_label=_label(main),
    )


def _label(main: list[MainPollutant]) -> str:
    """Main pollutants as published, ``总磷(0.25)、氨氮(0.2)`` (pH and DO have no multiple)."""
    return "、".join(p.name if p.multiple is None else f"{p.name}({p.multiple:g})" for p in main)
