"""Response bodies of :mod:`qingshan.vehicles.api` (the numbers of
:mod:`qingshan.vehicles.read_service`; rates are fractions, null with no tests)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

#: ``YYYY-MM`` a month, ``YYYY`` a year, empty the latest twelve months
Period = Annotated[str, StringConstraints(pattern=r"^(\d{4}(-(0[1-9]|1[0-2]))?)?$", max_length=7)]
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
StationCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
#: a VIN as typed: checked by :func:`qingshan.vehicles.identity.check_vin` (422 naming the position)
VinText = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class Counts(BaseModel):
    """Initial tests and retests of a group (month, method or fuel)."""

    initial: int
    initial_failed: int
    fail_rate: float | None = Field(description="initial tests failed ÷ initial tests")
    retests: int
    retest_passed: int
    retest_pass_rate: float | None = Field(description="retests passed ÷ retests")


class MonthCounts(Counts):
    month: str


class MethodCounts(Counts):
    method: str


class FuelCounts(Counts):
    fuel: str


class FleetRow(BaseModel):
    """Vehicles registered in an area (the level under the caller's) by emission stage."""

    region_code: str
    total: int
    stages: dict[str, int] = Field(description="国III … 国VI, and '' for no stage (electric)")


class TopStation(Counts):
    station_code: str
    name: str
    region_code: str
    tests: int


class OverviewOut(BaseModel):
    region_code: str
    period: str
    months: list[str]
    vehicles: int
    tests: int
    initial: int
    initial_failed: int
    fail_rate: float | None
    fleet: list[FleetRow]
    by_month: list[MonthCounts]
    by_method: list[MethodCounts]
    by_fuel: list[FuelCounts]
    top_stations: list[TopStation]


class CheckScore(BaseModel):
    score: float | None = Field(
        description="larger is more suspicious; null: no tests in the check"
    )
    hits: int
    flagged: bool


class StationRow(BaseModel):
    station_code: str
    name: str
    region_code: str
    tests: int
    initial: int
    fail_rate: float | None
    flagged: int = Field(description="how many of the five checks flag the station")
    checks: dict[str, CheckScore]


class RankingOut(BaseModel):
    period: str
    months: list[str]
    rules: dict[str, str]
    stations: list[StationRow]


class Equipment(BaseModel):
    device_id: str
    kind: str
    model: str
    calibrated_on: date | None
    calibration_due: date | None
    overdue: bool


class Line(BaseModel):
    line_no: int
    methods: list[str]
    equipment: list[Equipment]


class CheckDetail(BaseModel):
    check: str
    rule: str
    score: float | None
    hits: int
    n: int
    flagged: bool
    evidence_total: int
    columns: list[str]
    evidence: list[list[str | int | float | bool | None]] = Field(description="the first 50 rows")


class PeerRow(BaseModel):
    method: str
    initial: int
    fail_rate: float | None
    peer_initial: int
    peer_fail_rate: float | None


class StationOut(BaseModel):
    station_code: str
    name: str
    region_code: str
    status: str
    cma_number: str
    cma_valid_until: date | None
    synthetic: bool
    period: str
    tests: int
    lines: list[Line]
    checks: list[CheckDetail]
    peers: list[PeerRow]


class Item(BaseModel):
    """One measured item of a test against its limit cell."""

    column: str
    item: str
    value: float
    max: float | None
    min: float | None
    unit: str
    within: bool | None
    confidence: str = Field(description="confirmed / MC / U (qingshan/vehicles/data/limits.json)")


class TestOut(BaseModel):
    test_id: str
    station_code: str
    station_name: str
    line_no: int
    method: str
    kind: str
    started_at: str = Field(description="China Standard Time, YYYY-MM-DD HH:MM")
    duration_s: int
    passed: bool
    limit_set: str
    limit_ref: str
    items: list[Item]


class RSReading(BaseModel):
    """One roadside remote-sensing reading of the vehicle's plate (CST time)."""

    reading_id: str
    site_code: str
    at: str
    speed_kmh: float | None
    vsp_kwt: float | None
    co_pct: float | None
    hc_ppm: float | None
    no_ppm: float | None
    opacity_pct: float | None
    valid: bool


class OBDSummary(BaseModel):
    """The vehicle's OBD remote-monitoring samples: how many, first and last (CST), means."""

    samples: int
    first: str
    last: str
    nox_ppm: float | None
    urea_level_pct: float | None


class VehicleOut(BaseModel):
    vin: str
    plate: str
    plate_type: str
    fuel: str
    category: str
    stage: str
    registered: str
    region_code: str
    owner_type: str
    synthetic: bool
    tests: list[TestOut]
    rs: list[RSReading] = Field(description="the latest 50 remote-sensing readings of its plate")
    rs_total: int
    obd: OBDSummary | None
