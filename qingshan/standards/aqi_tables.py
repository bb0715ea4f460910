"""Tables of HJ 633 (AQI): IAQI breakpoints, levels and colours, report definitions.

Sources
-------
- HJ 633-2012 《环境空气质量指数（AQI）技术规定（试行）》 Table 1 (IAQI and breakpoints),
  notes (1)–(3) of Table 1, Table 2 (levels, categories, colours), Appendix A (colour values).
- HJ 633-2026 《环境空气质量指数（AQI）技术规定》 Table 3 (breakpoints; only the PM10 and
  PM2.5 IAQI-100 breakpoints change: 150 → 120 and 75 → 60 µg/m³), 4.2 (calculation), 5.3
  (missing data). In force from 2026-03-01.

Concentrations in µg/m³, CO in mg/m³. Every table is immutable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

EDITION_2012 = "HJ 633-2012"
EDITION_2026 = "HJ 633-2026"
EDITIONS = (EDITION_2012, EDITION_2026)
#: HJ 633-2026 applies to data from this date (China Standard Time) on.
EDITION_2026_FROM = dt.date(2026, 3, 1)

REPORTS = ("daily", "hourly", "realtime")

#: indicator keys of the public interface, in display order
INDICATORS = (
    "SO2_1h", "SO2_24h", "NO2_1h", "NO2_24h", "CO_1h", "CO_24h",
    "O3_1h", "O3_8h", "PM10_1h", "PM10_24h", "PM2.5_1h", "PM2.5_24h",
)  # fmt: skip

#: pollutant names in the order results list them (issue 3, HJ 633 Table 1 column order)
POLLUTANTS = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")

IAQI_POINTS = (0, 50, 100, 150, 200, 300, 400, 500)

_COMMON: dict[str, tuple[str, ...]] = {
    "SO2_24h": ("0", "50", "150", "475", "800", "1600", "2100", "2620"),
    "SO2_1h": ("0", "150", "500", "650", "800"),  # > 800: Table 1 note (2) / 2026 rule
    "NO2_24h": ("0", "40", "80", "180", "280", "565", "750", "940"),
    "NO2_1h": ("0", "100", "200", "700", "1200", "2340", "3090", "3840"),
    "CO_24h": ("0", "2", "4", "14", "24", "36", "48", "60"),
    "CO_1h": ("0", "5", "10", "35", "60", "90", "120", "150"),
    "O3_1h": ("0", "160", "200", "300", "400", "800", "1000", "1200"),
    "O3_8h": ("0", "100", "160", "215", "265", "800"),  # > 800: Table 1 note (3) / 2026 rule
}

#: IAQI breakpoints by edition and table key: tuple of decimal strings; the i-th breakpoint
#: has IAQI ``IAQI_POINTS[i]``. HJ 633-2012 Table 1; HJ 633-2026 Table 3.
BREAKPOINTS: MappingProxyType[str, MappingProxyType[str, tuple[str, ...]]] = MappingProxyType(
    {
        EDITION_2012: MappingProxyType(
            {
                **_COMMON,
                "PM10_24h": ("0", "50", "150", "250", "350", "420", "500", "600"),
                "PM2.5_24h": ("0", "35", "75", "115", "150", "250", "350", "500"),
            }
        ),
        EDITION_2026: MappingProxyType(
            {
                **_COMMON,
                "PM10_24h": ("0", "50", "120", "250", "350", "420", "500", "600"),
                "PM2.5_24h": ("0", "35", "60", "115", "150", "250", "350", "500"),
            }
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Level:
    """One AQI level of HJ 633-2012 Table 2 / HJ 633-2026 Table 1.

    Attributes
    ----------
    level : int
        1–6.
    grade : str
        级别, e.g. ``"一级"``.
    name : str
        类别 (category), e.g. ``"优"``.
    name_en : str
    colour_name : str
        表示颜色, e.g. ``"绿色"``.
    color : str
        Hex RGB from HJ 633-2012 Appendix A, e.g. ``"#00E400"`` (R0 G228 B0).
    rgb : tuple of int
    aqi_low, aqi_high : int
        AQI range of the level [dimensionless]; level 6 ends at 500.
    """

    level: int
    grade: str
    name: str
    name_en: str
    colour_name: str
    color: str
    rgb: tuple[int, int, int]
    aqi_low: int
    aqi_high: int


#: AQI level → :class:`Level` (HJ 633-2012 Table 2 and Appendix A; unchanged in 2026 except
#: that level 1 starts at AQI 1).
LEVELS: MappingProxyType[int, Level] = MappingProxyType(
    {
        1: Level(1, "一级", "优", "Excellent", "绿色", "#00E400", (0, 228, 0), 0, 50),
        2: Level(2, "二级", "良", "Good", "黄色", "#FFFF00", (255, 255, 0), 51, 100),
        3: Level(
            3, "三级", "轻度污染", "Lightly polluted", "橙色", "#FF7E00", (255, 126, 0), 101, 150
        ),
        4: Level(
            4, "四级", "中度污染", "Moderately polluted", "红色", "#FF0000", (255, 0, 0), 151, 200
        ),
        5: Level(
            5, "五级", "重度污染", "Heavily polluted", "紫色", "#99004C", (153, 0, 76), 201, 300
        ),
        6: Level(
            6, "六级", "严重污染", "Severely polluted", "褐红色", "#7E0023", (126, 0, 35), 301, 500
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Term:
    """One indicator of a report: input key, the table it is indexed on, and its pollutant."""

    key: str
    table: str
    pollutant: str


def _t(key: str, table: str | None = None) -> Term:
    return Term(key, table or key, key.split("_")[0])


#: (edition, report) → indicators that enter the AQI.
#:
#: - HJ 633-2012 daily (日报, 5.1 / 6.1): 24-h means of SO2, NO2, PM10, PM2.5, CO, O3 daily
#:   maximum 1-h and daily maximum 8-h moving mean.
#: - HJ 633-2012 hourly (实时报, the standard's reading): 1-h SO2, NO2, CO, O3, the O3 8-h
#:   moving mean and the PM10/PM2.5 24-h moving means (Table 4 attaches no IAQI to PM 1-h).
#: - realtime (CNEMC's published station hourly AQI, both editions' breakpoints): 1-h SO2,
#:   NO2, CO, O3 on the 1-h tables, PM10 and PM2.5 1-h values on the 24-h tables.
#: - HJ 633-2026 daily (4.1): daily means of SO2, NO2, CO, PM10, PM2.5 and O3 daily maximum
#:   8-h mean (no O3 1-h).
#: - HJ 633-2026 hourly (4.2.4): 1-h values of all six; PM on the daily breakpoints. The
#:   realtime publication under HJ 633-2026 is the same definition.
_HOURLY_2026 = (
    _t("SO2_1h"), _t("NO2_1h"), _t("PM10_1h", "PM10_24h"), _t("PM2.5_1h", "PM2.5_24h"),
    _t("CO_1h"), _t("O3_1h"),
)  # fmt: skip
REPORT_TERMS: MappingProxyType[tuple[str, str], tuple[Term, ...]] = MappingProxyType(
    {
        (EDITION_2012, "daily"): (
            _t("SO2_24h"), _t("NO2_24h"), _t("PM10_24h"), _t("PM2.5_24h"), _t("CO_24h"),
            _t("O3_1h"), _t("O3_8h"),
        ),
        (EDITION_2012, "hourly"): (
            _t("SO2_1h"), _t("NO2_1h"), _t("PM10_24h"), _t("PM2.5_24h"), _t("CO_1h"),
            _t("O3_1h"), _t("O3_8h"),
        ),
        (EDITION_2012, "realtime"): _HOURLY_2026,
        (EDITION_2026, "daily"): (
            _t("SO2_24h"), _t("NO2_24h"), _t("PM10_24h"), _t("PM2.5_24h"), _t("CO_24h"),
            _t("O3_8h"),
        ),
        (EDITION_2026, "hourly"): _HOURLY_2026,
        (EDITION_2026, "realtime"): _HOURLY_2026,
    }
)  # fmt: skip
