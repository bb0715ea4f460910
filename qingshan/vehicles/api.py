"""The vehicles API (``/api/v1/vehicles``, issue #21): the overview of the caller's region, the
station ranking with the five fraud checks (also as Excel/CSV), a station's page, a vehicle's
history, and a month's tests as a file. Officers only (province, city, county), each reading
its own region; errors: 422 naming the input (a malformed VIN names the position), 404 for a
station or vehicle unknown or outside the region, 403 for other roles."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query
from fastapi.responses import Response

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.timeutil import as_cst, utcnow
from qingshan.vehicles import read_service as rs
from qingshan.vehicles.schemas import (
    CheckScore,
    FleetRow,
    Month,
    OverviewOut,
    Period,
    RankingOut,
    StationCode,
    StationOut,
    StationRow,
    VehicleOut,
    VinText,
)
from qingshan.vehicles.service import get_store

router = APIRouter(prefix="/vehicles", tags=["vehicles 机动车排气"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Fmt = Literal["csv", "xlsx"]
#: the columns of a month's tests file: (header, frame column)
TEST_COLUMNS = (
    ("检测编号 test_id", "test_id"), ("VIN", "vin"), ("号牌 plate", "plate"), ("检验机构 station", "station_code"),
    ("检测线 line", "line_no"), ("方法 method", "method"), ("初检/复检 kind", "kind"),
    ("开始 started (CST)", "started_at"), ("结束 ended (CST)", "ended_at"), ("燃料 fuel", "fuel"),
    ("排放阶段 stage", "stage"), ("CO %", "co_pct"), ("HC 10⁻⁶", "hc_ppm"), ("NO 10⁻⁶", "no_ppm"),
    ("λ", "lambda_"), ("CO 高怠速 %", "co_pct_hi"), ("HC 高怠速 10⁻⁶", "hc_ppm_hi"),
    ("CO ASM2540 %", "co_pct_2540"), ("HC ASM2540 10⁻⁶", "hc_ppm_2540"), ("NO ASM2540 10⁻⁶", "no_ppm_2540"),
    ("CO g/km", "co_gkm"), ("HC g/km", "hc_gkm"), ("NOx g/km", "nox_gkm"), ("k m⁻¹", "k_m1"),
    ("NOx 10⁻⁶", "nox_ppm"), ("合格 passed", "passed"), ("限值 limit", "limit_ref"), ("合成 synthetic", "synthetic"),
)  # fmt: skip


@router.get("/overview", response_model=OverviewOut)
def overview(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
             period: Annotated[Period, Query(description="YYYY-MM, YYYY or empty (the last 12 months)")] = "",
             ) -> OverviewOut:  # fmt: skip
    """The caller's region: fleet by emission stage, I/M initial-test failure rate by month,
    method and fuel, the busiest stations."""
    ov = rs.overview(get_store(settings.data_dir), session, scope, period=period)
    fleet = [FleetRow(region_code=r["region_code"], total=r["total"],
                      stages={**{s: r[s] for s in ov.stages}, "": r["other"]}) for r in ov.fleet]  # fmt: skip
    return OverviewOut(
        region_code=ov.region_code, period=ov.period, months=ov.months, vehicles=ov.vehicles, tests=ov.tests,
        initial=ov.initial, initial_failed=ov.initial_failed, fail_rate=ov.fail_rate, fleet=fleet,
        by_month=ov.by_month, by_method=ov.by_method, by_fuel=ov.by_fuel, top_stations=ov.top_stations,
    )  # fmt: skip


def _ranking_table(r: rs.Ranking) -> tuple[list[str], list[list[Any]]]:
    heads = ["检验机构编号 station", "名称 name", "地区 region", "检验次数 tests", "初检 initial",
             "初检不合格率 failure rate", "标记项数 checks flagged"]  # fmt: skip
    for c in rs.CHECKS:
        heads += [f"{c} score", f"{c} hits", f"{c} flagged"]
    rows = []
    for x in r.rows:
        row: list[Any] = [x["station_code"], x["name"], x["region_code"], x["tests"], x["initial"],
                          x["fail_rate"], x["flagged"]]  # fmt: skip
        for c in rs.CHECKS:
            row += [x[c], x[f"{c}_hits"], x[f"{c}_flagged"]]
        rows.append(row)
    return heads, rows


@router.get("/stations", response_model=RankingOut, responses=FILE_RESPONSES)
def stations(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
             period: Annotated[Period, Query(description="YYYY-MM, YYYY or empty (the last 12 months)")] = "",
             sort: Annotated[Literal["flagged", "tests", "fail_rate", "station_code", "pass_rate", "identical_curve",
                                     "too_short", "impossible_hours", "fail_elsewhere"], Query()] = "flagged",
             format: Annotated[Fmt | None, Query(description="csv or xlsx: the ranking as a file")] = None,
             ) -> RankingOut | Response:  # fmt: skip
    """The stations of the caller's region with the five fraud checks over the period (run over
    every station's tests: the peer comparison needs the province)."""
    r = rs.station_ranking(get_store(settings.data_dir), session, scope, period=period, sort=sort)
    if format is not None:
        heads, rows = _ranking_table(r)
        return table_download(
            f"检验机构筛查-{scope.region_code}-{r.period or 'none'}", heads, rows, format
        )
    out = [StationRow(station_code=x["station_code"], name=x["name"], region_code=x["region_code"], tests=x["tests"],
                      initial=x["initial"], fail_rate=x["fail_rate"], flagged=x["flagged"],
                      checks={c: CheckScore(score=x[c], hits=x[f"{c}_hits"], flagged=x[f"{c}_flagged"])
                              for c in rs.CHECKS}) for x in r.rows]  # fmt: skip
    return RankingOut(period=r.period, months=r.months, rules=r.rules, stations=out)


@router.get("/stations/{code}", response_model=StationOut)
def station(code: StationCode, user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
            period: Annotated[Period, Query()] = "") -> StationOut:  # fmt: skip
    """One station of the caller's region: lines and equipment, each check with its evidence
    rows (the first 50), the initial-test failure rate against the other stations."""
    v = rs.station_view(get_store(settings.data_dir), session, scope, code, period=period,
                        today=as_cst(utcnow()).date())  # fmt: skip
    return StationOut.model_validate(v, from_attributes=True)


@router.get("/v/{vin}", response_model=VehicleOut)
def vehicle(
    vin: VinText, user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep
) -> VehicleOut:
    """A vehicle registered in the caller's region or tested at one of its stations: identity
    and every test with the limits it was judged against. A malformed VIN: 422 naming the
    position."""
    v = rs.vehicle_view(get_store(settings.data_dir), session, scope, vin)
    tests = [{**t, "station_name": v.stations.get(t["station_code"], "")} for t in v.tests]
    return VehicleOut.model_validate(
        {**v.vehicle, "tests": tests, "rs": v.rs, "rs_total": v.rs_total, "obd": v.obd}
    )


@router.get("/tests", responses=FILE_RESPONSES, response_class=Response)
def month_tests(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                month: Annotated[Month, Query(description="YYYY-MM (China Standard Time)")],
                format: Annotated[Fmt, Query()] = "xlsx") -> Response:  # fmt: skip
    """The tests of one month made at the stations of the caller's region, as Excel or CSV
    (measured values, pass/fail as computed, the limit applied)."""
    frame = rs.month_tests(get_store(settings.data_dir), session, scope, month)
    rows: list[list[Any]] = []
    if len(frame):
        for col in ("started_at", "ended_at"):
            frame[col] = (
                pd.to_datetime(frame[col], utc=True)
                .dt.tz_convert("Asia/Shanghai")
                .dt.strftime("%Y-%m-%d %H:%M:%S")
            )
        sub = frame[[c for _, c in TEST_COLUMNS]].astype(object)
        rows = [
            [None if (isinstance(x, float) and x != x) else x for x in r]
            for r in sub.itertuples(index=False)
        ]
    return table_download(
        f"机动车检验记录-{scope.region_code}-{month}", [h for h, _ in TEST_COLUMNS], rows, format
    )
