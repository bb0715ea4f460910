"""``/api/v1/standards``: AQI, surface-water class and CWQI as a service.

The routes only validate and translate; every number comes from :mod:`qingshan.standards`.
Domain errors (unknown indicator, bad edition…) become 422 responses via the app's one error
handler. Computation only: no stored data is read, so no login is required.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from qingshan.standards import aqi as aqi_mod
from qingshan.standards import cwqi as cwqi_mod
from qingshan.standards import water_quality as wq
from qingshan.standards.errors import TooManyItems
from qingshan.standards.water_tables import ASSESSED, CLASSES

router = APIRouter(prefix="/standards", tags=["standards"])

Edition = Literal["HJ 633-2012", "HJ 633-2026"]
Report = Literal["daily", "hourly", "realtime"]
WaterBody = Literal["river", "lake"]
#: the years a record may be dated in
MIN_YEAR, MAX_YEAR = 1900, 2200
#: records in one batch when the app has no setting (``max_items_per_request``)
DEFAULT_MAX_ITEMS = 1000


#: the largest concentration accepted (far above any measurement; the exact decimal arithmetic
#: of :mod:`._exact` holds values below 9.2e9 at 10⁻⁹)
MAX_CONCENTRATION = 1e9
#: a concentration: a JSON number (not a boolean), 0 … :data:`MAX_CONCENTRATION`, or null
Concentration = Annotated[float, Strict(), Field(ge=0, le=MAX_CONCENTRATION)]


def _keys(indicators: tuple[str, ...]) -> Any:
    """The concentrations field: values by indicator key, the keys listed in the schema (the
    domain refuses any other with a 422 naming the valid ones)."""
    return Field(json_schema_extra={"propertyNames": {"enum": list(indicators)}})


def _check_batch(request: Request, items: list[Any]) -> None:
    settings = getattr(request.app.state, "settings", None)
    limit = getattr(settings, "max_items_per_request", DEFAULT_MAX_ITEMS)
    if len(items) > limit:
        raise TooManyItems(len(items), limit)


class AQIIn(BaseModel):
    """One record: concentrations by indicator key [µg/m³; CO mg/m³]."""

    model_config = ConfigDict(json_schema_extra={
        "examples": [
            {"concentrations": {"PM2.5_24h": 80, "PM10_24h": 100, "O3_8h": 90}, "report": "daily",
             "date": "2025-12-01"}],
        # the edition in force is chosen by the date, so one of the two must be given
        "anyOf": [{"required": ["edition"], "properties": {"edition": {"type": "string"}}},
                  {"required": ["date"], "properties": {"date": {"type": "string"}}}],
    })  # fmt: skip

    concentrations: dict[str, Concentration | None] = _keys(aqi_mod.INDICATORS)
    report: Report = "daily"
    edition: Edition | None = Field(
        None, description="default: chosen by date (HJ 633-2026 from 2026-03-01)"
    )
    date: dt.datetime | dt.date | None = Field(
        None,
        # the years the domain accepts (MIN_YEAR … MAX_YEAR), said in the schema too
        json_schema_extra={"pattern": r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-"},
    )

    @field_validator("date", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        if isinstance(value, int | float):  # bool too: JSON numbers are not dates
            raise ValueError("a date as text, e.g. 2025-12-01 or 2025-12-01T10:00:00+08:00")
        return value

    @field_validator("date")
    @classmethod
    def _sane_year(cls, value: dt.datetime | dt.date | None) -> dt.datetime | dt.date | None:
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"year {value.year} is outside {MIN_YEAR}–{MAX_YEAR}")
        return value


class AQIOut(BaseModel):
    aqi: int | None
    iaqi: dict[str, int | None]
    level: int | None
    category: str | None
    category_en: str | None
    color: str | None
    primary_pollutants: list[str]
    primary_indicators: list[str] = Field(
        description="indicator keys whose IAQI is the AQI, e.g. SO2_24h when HJ 633-2012 "
        "Table 1 note (2) applies (SO2 1 h > 800 µg/m³ in an hourly report)"
    )
    exceeding_pollutants: list[str]
    edition: str
    report: str
    missing: list[str]
    aqi_computed: int | None


class LevelOut(BaseModel):
    level: int
    grade: str
    name: str
    name_en: str
    color: str
    aqi_low: int
    aqi_high: int


class WaterIn(BaseModel):
    """One section: values by indicator key [mg/L; pH dimensionless; faecal coliform 个/L]."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"concentrations": {"pH": 7.6, "DO": 4.2, "CODMn": 6.8, "NH3_N": 1.2, "TP": 0.21},
         "water_body": "river", "target_class": "III"}]})  # fmt: skip

    concentrations: dict[str, Concentration | None] = _keys(wq.INDICATORS)
    water_body: WaterBody = "river"
    target_class: str | None = Field(
        None, json_schema_extra={"enum": [*CLASSES, None]}, description="水质目标 I … 劣V"
    )


class WaterOut(BaseModel):
    section_class: str | None
    indicator_classes: dict[str, str]
    status: str | None
    status_en: str | None
    color: str | None
    over_standard_multiples: dict[str, float]
    main_pollutants: list[str]
    main_pollutants_label: str
    water_body: str
    meets_target: bool | None


class CWQIIn(BaseModel):
    concentrations: dict[str, Concentration | None] = Field(
        json_schema_extra={
            "propertyNames": {"enum": list(ASSESSED)},
            # CWQI(DO) = Cs/C grows without bound as DO falls to 0 (cwqi.MIN_DO)
            "properties": {"DO": {"anyOf": [{"type": "number", "minimum": cwqi_mod.MIN_DO,
                                             "maximum": MAX_CONCENTRATION},
                                            {"type": "null"}]}},
        }
    )  # fmt: skip
    water_body: WaterBody = "river"


class CWQIOut(BaseModel):
    total: float
    indices: dict[str, float | None] = Field(description="null where the value was null")
    water_body: str


def _aqi_one(body: AQIIn) -> AQIOut:
    r = aqi_mod.aqi(body.concentrations, report=body.report, edition=body.edition, date=body.date)
    return AQIOut(
        aqi=r.aqi, iaqi=dict(r.iaqi), level=r.level, category=r.category, category_en=r.category_en,
        color=r.color, primary_pollutants=list(r.primary_pollutants),
        primary_indicators=list(r.primary_indicators), exceeding_pollutants=list(r.exceeding_pollutants), edition=r.edition, report=r.report,
        missing=list(r.missing), aqi_computed=r.aqi_computed,
    )  # fmt: skip


def _water_one(body: WaterIn) -> WaterOut:
    r = wq.classify_section(
        body.concentrations, water_body=body.water_body, target_class=body.target_class
    )
    return WaterOut(
        section_class=r.section_class, indicator_classes=dict(r.indicator_classes), status=r.status,
        status_en=r.status_en, color=r.color, over_standard_multiples=dict(r.over_standard_multiples),
        main_pollutants=list(r.main_pollutants), main_pollutants_label=r.main_pollutants_label,
        water_body=r.water_body, meets_target=r.meets_target,
    )  # fmt: skip


@router.post("/aqi", response_model=AQIOut | list[AQIOut], summary="空气质量指数 AQI (HJ 633)")
def post_aqi(request: Request, body: AQIIn | list[AQIIn]) -> AQIOut | list[AQIOut]:
    """AQI, IAQIs, level, colour, primary and exceeding pollutants of one record or a list
    (at most ``max_items_per_request`` records)."""
    if isinstance(body, list):
        _check_batch(request, body)
        return [_aqi_one(b) for b in body]
    return _aqi_one(body)


@router.get("/aqi/levels", response_model=list[LevelOut], summary="AQI 级别与颜色 (HJ 633 表2)")
def get_aqi_levels() -> list[LevelOut]:
    """The six AQI levels with names and official colours (for maps and legends)."""
    return [
        LevelOut(level=v.level, grade=v.grade, name=v.name, name_en=v.name_en, color=v.color,
                 aqi_low=v.aqi_low, aqi_high=v.aqi_high)
        for v in aqi_mod.LEVELS.values()
    ]  # fmt: skip


@router.post(
    "/water-class",
    response_model=WaterOut | list[WaterOut],
    summary="地表水水质类别 (GB 3838-2002)",
)
def post_water_class(request: Request, body: WaterIn | list[WaterIn]) -> WaterOut | list[WaterOut]:
    """Section class, status, over-standard multiples and main pollutants (环办〔2011〕22号)."""
    if isinstance(body, list):
        _check_batch(request, body)
        return [_water_one(b) for b in body]
    return _water_one(body)


@router.post("/cwqi", response_model=CWQIOut | list[CWQIOut], summary="城市地表水环境质量指数 CWQI")
def post_cwqi(request: Request, body: CWQIIn | list[CWQIIn]) -> CWQIOut | list[CWQIOut]:
    """CWQI of period-mean concentrations (环办监测〔2017〕51号)."""
    items = body if isinstance(body, list) else [body]
    _check_batch(request, items)
    out = []
    for b in items:
        r = cwqi_mod.cwqi(b.concentrations, water_body=b.water_body)
        out.append(CWQIOut(total=r.total, indices=dict(r.indices), water_body=r.water_body))
    return out if isinstance(body, list) else out[0]
