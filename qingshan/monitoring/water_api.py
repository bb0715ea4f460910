"""/water/sections/latest: national and provincial sections by their latest GB 3838-2002 class."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from qingshan.api.deps import ScopeDep, SessionDep
from qingshan.monitoring.water import SectionLatest, get_sections_latest, summarise_sections
from qingshan.standards.water_quality import CLASSES
from qingshan.standards.water_tables import NAMES_ZH

router = APIRouter(tags=["monitoring"])

#: English names of the indicators the automatic stations measure (others: the key)
NAMES_EN = {"pH": "pH", "DO": "DO", "CODMn": "CODMn", "NH3_N": "NH3-N", "TP": "TP", "TN": "TN"}


class MainPollutant(BaseModel):
    key: str = Field(description="GB 3838 key, e.g. NH3_N")
    name: str = Field(description="Chinese name, e.g. 氨氮")
    name_en: str
    indicator_class: str
    multiple: float | None = Field(
        description="over-standard multiple (C − S_III)/S_III [dimensionless]; none for pH, DO"
    )


class WaterSectionLatest(BaseModel):
    code: str
    name: str
    control_level: str
    region_code: str
    city_code: str
    city_name: str
    basin: str | None
    water_body: str = Field(description="river, or lake (lakes and reservoirs: lake TP limits)")
    longitude: float | None
    latitude: float | None
    time: datetime | None = Field(description="start of the newest hour, UTC")
    concentrations: dict[str, float | None] = Field(description="GB 3838 key → value [mg/L]")
    section_class: str | None = Field(description="I … V, 劣V; None without data")
    class_rank: int | None = Field(description="1 (I) … 6 (劣V)")
    target_class: str | None
    meets_target: bool | None = Field(description="达标: class at least as good as the target")
    status: str | None
    status_en: str | None
    indicator_classes: dict[str, str]
    over_standard_multiples: dict[str, float]
    main_pollutants: list[MainPollutant]
    main_pollutants_label: str = Field(description="as published, e.g. 总磷(0.2)、氨氮(0.2)")


class WaterSummary(BaseModel):
    sections: int
    assessed: int
    by_class: dict[str, int]
    with_target: int
    meeting_target: int
    compliance_rate: float | None = Field(description="达标率 [%]")
    good_rate: float | None = Field(description="Ⅰ～Ⅲ类比例 [%]")
    worse_than_v_rate: float | None = Field(description="劣Ⅴ类比例 [%]")
    latest_time: datetime | None
    networks: dict[str, int]


class WaterSectionsLatest(BaseModel):
    summary: WaterSummary
    sections: list[WaterSectionLatest]


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


@router.get("/water/sections/latest", response_model=WaterSectionsLatest)
def water_sections_latest(session: SessionDep, scope: ScopeDep) -> WaterSectionsLatest:
    """National and provincial surface-water sections (国控/省控断面) in the caller's scope, each
    at its newest hour with its GB 3838-2002 class (single-factor, Table 1; lakes with the lake
    TP limits), target compliance and main pollutants with their over-standard multiples
    (环办〔2011〕22号), and the counts over them (达标率, Ⅰ～Ⅲ类比例)."""
    sections = get_sections_latest(session, scope)
    summary = summarise_sections(sections)
    return WaterSectionsLatest(
        summary=WaterSummary(**vars(summary)),
        sections=[_public(s) for s in sections],
    )
