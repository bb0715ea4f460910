"""The AQI level legend of the maps: level → name and colour, in one place.

Colours are those of HJ 633-2012 Appendix A, taken from :data:`qingshan.standards.aqi.LEVELS`;
a station without a current value is drawn in :data:`NO_DATA_COLOR`.
"""

from __future__ import annotations

from qingshan.web.i18n import translate

NO_DATA_COLOR = "#A0A4A8"


def aqi_legend(lang: str) -> list[dict]:
    """The legend entries, levels 1–6 then "no data": ``level`` (int or None), ``name``,
    ``color``, ``aqi_low``, ``aqi_high`` (AQI range [dimensionless])."""
    from qingshan.standards.aqi import LEVELS

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
