"""A handful of air stations with latest hourly values, one per AQI level plus one without
data; data loggers with their status and rejected frames; water sections with known classes;
users of the province and of 杭州市 — for the browser tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import (
    ControlLevel,
    LatestValue,
    Parameter,
    Period,
    Series,
    Site,
    SiteKind,
)

PARAMETERS = {
    "a21026": ("二氧化硫", "SO2", "μg/m³"),
    "a21004": ("二氧化氮", "NO2", "μg/m³"),
    "a21005": ("一氧化碳", "CO", "mg/m³"),
    "a05024": ("臭氧", "O3", "μg/m³"),
    "a34002": ("PM10", "PM10", "μg/m³"),
    "a34004": ("PM2.5", "PM2.5", "μg/m³"),
}

#: code, name, county, control level, lon, lat, PM2.5 1-h [µg/m³] (None: no data)
STATIONS = [
    ("E2E01A", "西溪", "330106", ControlLevel.NATIONAL, 120.063, 30.274, 20.0),
    ("E2E02A", "滨江", "330108", ControlLevel.NATIONAL, 120.211, 30.209, 60.0),
    ("E2E03A", "市监测站", "330203", ControlLevel.NATIONAL, 121.545, 29.870, 100.0),
    ("E2E04A", "南浦", "330302", ControlLevel.NATIONAL, 120.664, 28.004, 130.0),
    ("E2E05A", "嘉兴学院", "330402", ControlLevel.NATIONAL, 120.729, 30.764, 200.0),
    ("E2E06A", "城西", "330502", ControlLevel.PROVINCIAL, 120.079, 30.872, 300.0),
    ("E2E07A", "袍江", "330602", ControlLevel.PROVINCIAL, 120.621, 30.066, 30.0),
    ("E2E08A", "金华监测站", "330702", ControlLevel.NATIONAL, 119.649, 29.090, 45.0),
    ("E2E09A", "衢州学院", "330802", ControlLevel.PROVINCIAL, 118.873, 28.942, None),
    ("E2E10A", "临城", "330902", ControlLevel.NATIONAL, 122.107, 30.016, 12.0),
    ("E2E11A", "椒江区环保局", "331002", ControlLevel.NATIONAL, 121.430, 28.660, 40.0),
    ("E2E12A", "丽水监测站", "331102", ControlLevel.NATIONAL, 119.922, 28.452, 18.0),
]

HOUR = datetime(2026, 2, 4, 6, tzinfo=UTC)  # 14:00 CST

#: a city user of 杭州市 (username, password)
CITY_USER = ("hz-e2e", "e2e-password-330100")
CITY_USER_NAME = "杭州市生态环境局"
#: a province user (username, password)
PROVINCE_USER = ("zj-e2e", "e2e-password-330000")
PROVINCE_USER_NAME = "浙江省生态环境厅"

WATER_PARAMETERS = {
    "w01001": ("pH值", "pH", "无量纲"),
    "w01009": ("溶解氧", "DO", "mg/L"),
    "w01019": ("高锰酸盐指数", "CODMn", "mg/L"),
    "w21003": ("氨氮", "NH3-N", "mg/L"),
    "w21011": ("总磷", "TP", "mg/L"),
}

#: code, name, region, control level, water body, target class, lon, lat,
#: (pH, DO, CODMn, NH3-N, TP) [mg/L; pH dimensionless] or None, and the class GB 3838-2002
#: Table 1 gives them
SECTIONS = [
    # every indicator class I (DO ≥ 7.5, CODMn ≤ 2, NH3-N ≤ 0.15, TP ≤ 0.02)
    (
        "E2EW01",
        "闸口",
        "330100",
        ControlLevel.NATIONAL,
        "river",
        2,
        120.16,
        30.20,
        (7.5, 8.0, 1.8, 0.10, 0.015),
        "I",
    ),
    # a lake: TP 0.04 is class II on a river but class III on a lake (0.025 < 0.04 ≤ 0.05)
    (
        "E2EW02",
        "西湖湖心",
        "330100",
        ControlLevel.NATIONAL,
        "lake",
        3,
        120.14,
        30.25,
        (7.8, 7.0, 3.0, 0.40, 0.04),
        "III",
    ),
    # NH3-N 1.2 and TP 0.25 are class IV: multiples 0.2 and 0.25, TP first
    (
        "E2EW03",
        "姚江大闸",
        "330200",
        ControlLevel.NATIONAL,
        "river",
        3,
        121.55,
        29.88,
        (7.2, 6.0, 5.0, 1.2, 0.25),
        "IV",
    ),
    # NH3-N 2.5, TP 0.45, DO 1.5 worse than V; CODMn 12 class V
    (
        "E2EW04",
        "温瑞塘河",
        "330300",
        ControlLevel.PROVINCIAL,
        "river",
        4,
        120.68,
        28.00,
        (7.0, 1.5, 12.0, 2.5, 0.45),
        "劣V",
    ),
    # CODMn 12 class V (10 < 12 ≤ 15); target V
    (
        "E2EW05",
        "南浔",
        "330500",
        ControlLevel.PROVINCIAL,
        "river",
        5,
        120.42,
        30.87,
        (7.4, 6.5, 12.0, 0.3, 0.08),
        "V",
    ),
    # class II (DO 6.5, CODMn 3.5, NH3-N 0.3, TP 0.08 on a river)
    (
        "E2EW06",
        "富春江",
        "330100",
        ControlLevel.NATIONAL,
        "river",
        2,
        119.95,
        29.80,
        (7.6, 6.5, 3.5, 0.3, 0.08),
        "II",
    ),
    ("E2EW07", "衢江", "330800", ControlLevel.PROVINCIAL, "river", 3, 118.90, 28.95, None, None),
    # a city-controlled section: not on the page (national and provincial only)
    (
        "E2EW08",
        "市控断面",
        "330100",
        ControlLevel.CITY,
        "river",
        3,
        120.30,
        30.30,
        (7.0, 8.0, 1.0, 0.1, 0.01),
        "I",
    ),
]

#: MN, name, bound site, seconds since last heard (None: never), packets by CN, errors
DEVICES = [
    (
        "E2EMN0001",
        "西溪站数采仪",
        "E2E01A",
        30,
        {"2011": 120, "2051": 60, "2061": 2, "2031": 1},
        {},
    ),
    ("E2EMN0002", "滨江站数采仪", "E2E02A", 7200, {"2051": 40, "2061": 1}, {"bad_crc": 3}),
    ("E2EMN0003", "宁波站数采仪", "E2E03A", 45, {"2011": 10, "2061": 5}, {"auth": 2}),
    ("E2EMN0004", "未绑定数采仪", None, None, {}, {}),
]

#: MN, reason, message of rejected frames (oldest first)
REJECTS = [
    ("E2EMN0002", "bad_crc", "CRC mismatch: frame says 1A2B, computed 3C4D"),
    ("E2EMN0003", "auth", "wrong PW for MN=E2EMN0003"),
    ("UNKNOWN0099", "auth", "unknown device MN=UNKNOWN0099"),
]


def seed_air_stations(session: Session, time: datetime = HOUR) -> None:
    """Regions, the six air parameters, :data:`STATIONS` and their latest hourly values."""
    seed_regions(session)
    for code, (name, name_en, unit) in PARAMETERS.items():
        if session.get(Parameter, code) is None:
            session.add(Parameter(code=code, name=name, name_en=name_en, unit=unit))
    session.flush()
    for code, name, county, control, lon, lat, pm25 in STATIONS:
        site = Site(
            code=code,
            name=name,
            kind=SiteKind.AIR_STATION,
            control_level=control,
            region_code=county,
            longitude=lon,
            latitude=lat,
            attrs={},
        )
        session.add(site)
        session.flush()
        if pm25 is None:
            continue
        values = {"a21026": 6.0, "a21004": 20.0, "a21005": 0.5, "a05024": 60.0,
                  "a34002": pm25 * 1.3, "a34004": pm25}  # fmt: skip
        for pcode, value in values.items():
            series = Series(
                site_id=site.id, parameter_code=pcode, period=Period.HOUR, unit=PARAMETERS[pcode][2]
            )
            session.add(series)
            session.flush()
            session.add(LatestValue(series_id=series.id, time=time, value=value, qc_flag=0))
    session.flush()


def seed_users(session: Session) -> None:
    """A city user (:data:`CITY_USER`, scope 330100) and a province user."""
    from qingshan.accounts.models import Role
    from qingshan.accounts.service import create_user

    create_user(session, *CITY_USER, Role.CITY, "330100", display_name=CITY_USER_NAME)
    create_user(session, *PROVINCE_USER, Role.PROVINCE, "330000", display_name=PROVINCE_USER_NAME)
    session.flush()


def seed_water_sections(session: Session, time: datetime = HOUR) -> None:
    """:data:`SECTIONS` with their latest hourly values (regions must be seeded)."""
    for code, (name, name_en, unit) in WATER_PARAMETERS.items():
        if session.get(Parameter, code) is None:
            session.add(Parameter(code=code, name=name, name_en=name_en, unit=unit))
    session.flush()
    for code, name, region, control, body, target, lon, lat, values, _cls in SECTIONS:
        site = Site(code=code, name=name, kind=SiteKind.WATER_SECTION, control_level=control,
                    region_code=region, longitude=lon, latitude=lat,
                    attrs={"water_body": body, "target_class": target, "basin": "钱塘江流域"})  # fmt: skip
        session.add(site)
        session.flush()
        if values is None:
            continue
        for pcode, value in zip(WATER_PARAMETERS, values, strict=True):
            series = Series(site_id=site.id, parameter_code=pcode, period=Period.HOUR,
                            unit=WATER_PARAMETERS[pcode][2])  # fmt: skip
            session.add(series)
            session.flush()
            session.add(LatestValue(series_id=series.id, time=time, value=value, qc_flag=0))
    session.flush()


def seed_devices(session: Session, now: datetime | None = None) -> None:
    """:data:`DEVICES` with their status counters and :data:`REJECTS` (sites must be seeded)."""
    from qingshan.hj212 import registry
    from qingshan.hj212.models import DeviceStatus

    now = now or datetime.now(UTC)
    for mn, name, site, ago, by_cn, errors in DEVICES:
        registry.add_device(session, mn, "123456", site=site, name=name)
        if ago is None:
            continue
        seen = now - timedelta(seconds=ago)
        session.add(DeviceStatus(
            mn=mn, last_seen=seen, last_data_time=seen - timedelta(seconds=60),
            last_peer="10.0.0.8:50000", packets=sum(by_cn.values()),
            rejected=sum(errors.values()), packets_by_cn=by_cn, errors=errors,
        ))  # fmt: skip
    registry.write_rejects(session, [
        {"received_at": now - timedelta(minutes=5 - i), "mn": mn, "peer": "10.0.0.9:50001",
         "reason": reason, "message": message, "frame": None}
        for i, (mn, reason, message) in enumerate(REJECTS)
    ])  # fmt: skip


#: an enterprise user of 杭州青山热电 (username, password)
ENTERPRISE_USER = ("qsrd-e2e", "e2e-password-qsrd")

#: credit code, name, industry, county, permit number, (outlet code, name, kind, attrs)
ENTERPRISES = [
    ("91330100MA2E2E001A", "杭州青山热电有限公司", "thermal_power", "330105", "91330100MA2E2E001A001P",
     ("E2EGAS01", "1号机组废气排放口", "gas_outlet",
      {"source_type": "coal_boiler_ultralow", "source_name": "燃煤发电锅炉（超低排放）", "reference_o2": 6.0})),
    ("91330100MA2E2E002B", "杭州富春纸业有限公司", "paper", "330111", "91330100MA2E2E002B001P",
     ("E2EWAT01", "废水总排口", "water_outlet", {"source_type": "paper_effluent"})),
    ("91330200MA2E2E003C", "宁波甬江印染有限公司", "dyeing", "330206", "91330200MA2E2E003C001P",
     ("E2EWAT02", "印染废水排口", "water_outlet", {"source_type": "dyeing_effluent"})),
]  # fmt: skip
#: permit limits by outlet: code → (limit, unit, averaging)
OUTLET_LIMITS = {
    "E2EGAS01": {"a21026": (35.0, "mg/m³", "hour"), "a21002": (50.0, "mg/m³", "hour"),
                 "a34013": (10.0, "mg/m³", "hour")},
    "E2EWAT01": {"w01018": (80.0, "mg/L", "day"), "w21003": (8.0, "mg/L", "day")},
    "E2EWAT02": {"w01018": (80.0, "mg/L", "day"), "w21003": (10.0, "mg/L", "day")},
}  # fmt: skip
#: hours (counted back from the newest) of the seeded SO2 exceedance at E2EGAS01: measured
#: ≈ 42 mg/m³ at O2 ≈ 8 % is ≈ 42 × 15/13 ≈ 48.5 mg/m³ at the reference 6 % (limit 35)
EXCEEDANCE_HOURS = range(20, 16, -1)
#: O2 of the power plant's flue gas at the newest hour (about it before) [%]: converted =
#: measured × (21 − 6)/(21 − 8)
GAS_O2 = 8.0
#: a 校准 mark on the gas outlet, hours back from the newest: [start, end)
MARK_HOURS = (32, 29)
#: the gas outlet's newest-hour values: SO2 36 measured → 41.5 converted, above 35 (超标)
GAS_LATEST = {"a21026": 36.0, "a21002": 30.0, "a34013": 4.0, "a19001": GAS_O2}
SERIES_HOURS = 48


def seed_enterprises(session: Session, observations_dir, now: datetime | None = None) -> None:
    """:data:`ENTERPRISES` with permits, limits, outlets, 48 hours of hourly observations in
    the store (an SO2 exceedance, a bad-flagged hour, a gap), a 校准 mark, the QC verdict with
    its event and case, and :data:`ENTERPRISE_USER` (regions must be seeded)."""
    import numpy as np
    import pandas as pd

    from qingshan.accounts.models import Role
    from qingshan.accounts.service import create_user
    from qingshan.archive.models import Enterprise, Industry, Permit, PermitLimit
    from qingshan.cases import service as cases
    from qingshan.monitoring.registry import ensure_parameter, get_or_create_series, update_latest
    from qingshan.qc import service as qc_service
    from qingshan.timeseries.store import ObservationStore

    now = now or datetime.now(UTC)
    newest = pd.Timestamp(now).floor("h") - pd.Timedelta(hours=1)
    hours = [newest - pd.Timedelta(hours=h) for h in range(SERIES_HOURS - 1, -1, -1)]
    store = ObservationStore(observations_dir)
    rng = np.random.default_rng(212)
    sites = {}
    for credit, name, industry, county, permit_no, (code, oname, kind, attrs) in ENTERPRISES:
        ent = Enterprise(
            credit_code=credit, name=name, industry=Industry(industry), region_code=county
        )
        session.add(ent)
        session.flush()
        permit = Permit(enterprise_id=ent.id, number=permit_no, valid_from=datetime(2023, 1, 1).date(),
                        valid_to=datetime(2028, 1, 1).date())  # fmt: skip
        session.add(permit)
        site = Site(code=code, name=f"{name[:6]}{oname}", kind=SiteKind(kind),
                    control_level=ControlLevel.ENTERPRISE, region_code=county,
                    enterprise_id=ent.id, attrs=attrs)  # fmt: skip
        session.add(site)
        session.flush()
        sites[code] = site
        for pcode, (limit, unit, averaging) in OUTLET_LIMITS[code].items():
            ensure_parameter(session, pcode)
            session.add(PermitLimit(permit_id=permit.id, site_id=site.id, parameter_code=pcode,
                                    limit=limit, unit=unit, averaging=averaging,
                                    standard="排污许可证"))  # fmt: skip
    session.flush()

    def series_rows(site, values: dict, flags: dict | None = None) -> pd.DataFrame:
        rows = []
        for pcode, vals in values.items():
            unit = "%" if pcode == "a19001" else "mg/m³" if pcode.startswith("a") else "mg/L"
            sid = get_or_create_series(session, site, pcode, Period.HOUR, unit).id
            for t, v in zip(hours, vals, strict=True):
                if v is None:
                    continue  # a gap: 缺失
                flag = (flags or {}).get(t, "N")
                rows.append(dict(series_id=sid, time=t, period="hour", value=v, raw_value=v,
                                 source_flag=flag, source="e2e"))  # fmt: skip
        return pd.DataFrame(rows)

    # the power plant: SO2 ~20 with an exceedance; a fault-flagged hour (D) and a gap
    n = SERIES_HOURS
    so2 = list(np.round(20 + rng.normal(0, 1.5, n), 2))
    for h in EXCEEDANCE_HOURS:
        so2[n - 1 - h] = round(42.0 + rng.normal(0, 1.5), 2)
    so2[n - 1] = GAS_LATEST["a21026"]
    so2[n - 1 - 10] = None
    gas_vals = {
        "a21026": so2,
        "a21002": list(np.round(26 + rng.normal(0, 2, n - 1), 2)) + [GAS_LATEST["a21002"]],
        "a34013": list(np.round(3.5 + rng.normal(0, 0.3, n - 1), 2)) + [GAS_LATEST["a34013"]],
        "a19001": list(np.round(GAS_O2 + rng.normal(0, 0.3, n - 1), 2)) + [GAS_O2],
    }
    gas = sites["E2EGAS01"]
    gas_rows = series_rows(gas, gas_vals, {hours[n - 1 - 6]: "D"})
    water_rows = [
        series_rows(sites["E2EWAT01"], {"w01018": [32.0] * n, "w21003": [2.1] * n}),
        series_rows(sites["E2EWAT02"], {"w01018": [60.0] * (n - 1) + [95.0], "w21003": [4.0] * n}),
    ]
    store.append(gas_rows, "gas_outlet")
    store.append(pd.concat(water_rows, ignore_index=True), "water_outlet")
    update_latest(session, pd.concat([gas_rows, *water_rows], ignore_index=True))
    # a calibration mark, then the verdict over the 48 hours (events and a case)
    qc_service.add_mark(session, site_id=gas.id, kind="校准",
                        start=hours[n - 1 - MARK_HOURS[0]].to_pydatetime(),
                        end=hours[n - 1 - MARK_HOURS[1]].to_pydatetime(),
                        created_by="qsrd-e2e", reason="CEMS 例行校准", proof=["校准记录.pdf"])  # fmt: skip
    code_of = {}
    for pcode in gas_vals:
        code_of[get_or_create_series(session, gas, pcode, Period.HOUR, "").id] = pcode
    frame = pd.DataFrame({"time": gas_rows["time"], "parameter": gas_rows["series_id"].map(code_of),
                          "value": gas_rows["value"], "flag": gas_rows["source_flag"]})  # fmt: skip
    limits = {p: {"limit": lim, "standard": "排污许可证", "source": "permit", "reference_o2": 6.0}
              for p, (lim, _u, _a) in OUTLET_LIMITS["E2EGAS01"].items()}  # fmt: skip
    qc_service.judge_site(
        session, frame, site_id=gas.id,
        window=(hours[0].to_pydatetime(), (newest + pd.Timedelta(hours=1)).to_pydatetime()),
        industry="thermal_power", source_type="coal_boiler_ultralow", limits=limits,
        sink=cases.CASES_SINK,
    )  # fmt: skip
    create_user(session, *ENTERPRISE_USER, Role.ENTERPRISE, "330105",
                enterprise_id=sites["E2EGAS01"].enterprise_id, display_name="杭州青山热电")  # fmt: skip
    session.flush()
