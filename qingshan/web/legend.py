"""The legends of the maps: AQI levels and water-quality classes → name and colour, in one place.

AQI colours are those of HJ 633-2012 Appendix A, taken from :data:`qingshan.standards.aqi.LEVELS`.
Water-quality class colours are :data:`WATER_CLASS_COLORS`, read from the standards' table. A
site without a current value is drawn in :data:`NO_DATA_COLOR`.
"""

from __future__ import annotations

from types import MappingProxyType

from qingshan.standards.aqi import LEVELS
from qingshan.standards.water_quality import STATUS_BY_CLASS
from qingshan.web.i18n import translate

NO_DATA_COLOR = "#A0A4A8"

#: GB 3838-2002 class → map colour, read from the one table of them,
#: :data:`qingshan.standards.water_quality.STATUS_BY_CLASS` (环办〔2011〕22号 Table 1 colour words:
#: Ⅰ–Ⅱ 蓝, Ⅲ 绿, Ⅳ 黄, Ⅴ 橙, 劣Ⅴ 红; hex values as Chinese water-quality maps commonly use them).
WATER_CLASS_COLORS = MappingProxyType({cls: st.color for cls, st in STATUS_BY_CLASS.items()})


def aqi_legend(lang: str) -> list[dict]:
    """The legend entries, levels 1–6 then "no data": ``level`` (int or None), ``name``,
    ``color``, ``aqi_low``, ``aqi_high`` (AQI range [dimensionless])."""

    entries: list[dict] = [
        {
            "level": lv.level,
            "name": translate(f"aqi.level.{lv.level}", lang),
            "color": lv.color,
            "aqi_low": lv.aqi_low,
            "aqi_high": lv.aqi_high,
        }
        for lv in sorted(LEVELS.values(), key=lambda lv: lv.level)
    ]
    entries.append(
        {
            "level": None,
            "name": translate("aqi.no_data", lang),
            "color": NO_DATA_COLOR,
            "aqi_low": None,
            "aqi_high": None,
        }
    )
    return entries


def water_legend(lang: str) -> list[dict]:
    """The water legend, Ⅰ … 劣Ⅴ then "no data": ``cls`` (``"I"`` … ``"劣V"`` or None),
    ``name`` and ``color``."""
    entries: list[dict[str, str | None]] = [
        {"cls": cls, "name": translate(f"water.class.{cls}", lang), "color": color}
        for cls, color in WATER_CLASS_COLORS.items()
    ]
    entries.append({"cls": None, "name": translate("water.no_data", lang), "color": NO_DATA_COLOR})
    return entries


#: QC flag (:class:`qingshan.qc.flags.Flag`, by its lower-case label) → colour of the points on
#: the outlet page, worst-looking last: 通过 green, 可疑 amber, 无效 red, 缺失 grey, 未评估 blue.
QC_FLAG_COLORS = MappingProxyType(
    {
        "pass": "#2E9D57",
        "suspect": "#E0A100",
        "fail": "#C0392B",
        "missing": "#9AA0A6",
        "not_evaluated": "#5B8DD6",
    }
)
#: enterprise marks (企业标记) are shaded in this colour; the permit limit is a dashed line in
#: :data:`LIMIT_COLOR`
MARK_COLOR = "rgba(91, 141, 214, 0.16)"
LIMIT_COLOR = "#C0392B"


def qc_flag_legend(lang: str) -> list[dict]:
    """The outlet page's flag legend: ``flag`` (``"pass"`` …), ``name`` and ``color``."""
    return [
        {"flag": flag, "name": translate(f"qc.flag.{flag}", lang), "color": color}
        for flag, color in QC_FLAG_COLORS.items()
    ]
