"""The ranking as the table bureaus publish (issue #16): 排名, 地区, 综合指数 (CWQI), 同比变化,
首要污染物 (主要污染指标), then the regions lacking valid data without a rank. Written by
:func:`qingshan.api.export.table_download` (formula-guarded CSV, xlsx)."""

from __future__ import annotations

from typing import Any

from qingshan.geo.regions import REGIONS
from qingshan.targets.ranking_schemas import Ranking
from qingshan.web.i18n import translate

_HEAD = {
    "zh": {"rank": "排名", "region": "地区", "city": "所属城市", "air": "综合指数",
           "water": "水质指数(CWQI)", "change": "同比变化(%)", "previous": "上年同期",
           "air_p": "首要污染物", "water_p": "主要污染指标", "air26": "综合指数(GB 3095-2026限值,参考)",
           "note": "说明", "synthetic": "上年同期为演示用合成数据", "lacking": "无有效数据"},
    "en": {"rank": "Rank", "region": "Region", "city": "City", "air": "Comprehensive index",
           "water": "CWQI", "change": "Change y/y (%)", "previous": "Same period last year",
           "air_p": "Primary pollutant", "water_p": "Main pollutants",
           "air26": "Index on GB 3095-2026 limits (for information)", "note": "Note",
           "synthetic": "previous year synthetic (demo)", "lacking": "no valid data"},
}  # fmt: skip
_TITLE = {
    ("air", "zh"): "环境空气质量排名", ("air", "en"): "Air quality ranking",
    ("water", "zh"): "地表水环境质量排名", ("water", "en"): "Surface water ranking",
}  # fmt: skip
_LEVEL = {("city", "zh"): "城市", ("county", "zh"): "区县", ("city", "en"): "cities",
          ("county", "en"): "counties"}  # fmt: skip


def ranking_table(r: Ranking, lang: str) -> tuple[str, list[str], list[list[Any]]]:
    """(title, headers, rows) of the ranking ``r`` in ``lang`` (zh / en)."""
    h = _HEAD[lang]
    air = r.kind == "air"
    headers = [h["rank"], h["region"], h["city"], h["air" if air else "water"], h["change"],
               h["previous"], h["air_p" if air else "water_p"]]  # fmt: skip
    if air:
        headers.append(h["air26"])
    headers.append(h["note"])
    sep = "、" if lang == "zh" else ", "
    rows: list[list[Any]] = []
    for row in r.rows:
        city = _name(row.city_code, r, lang) if row.city_code != row.region_code else ""
        cells: list[Any] = [row.rank, row.name if lang == "zh" else row.name_en, city, row.value,
                            row.change, row.previous, sep.join(row.primary) or "—"]  # fmt: skip
        if air:
            cells.append(row.value_2026)
        cells.append(h["synthetic"] if row.synthetic_previous else "")
        rows.append(cells)
    for lack in r.lacking:
        cells = ["—", lack.name if lang == "zh" else lack.name_en, "", None, None, None, ""]
        if air:
            cells.append(None)
        text = translate(f"rank.reason.{lack.reason_code}", lang).format(
            statistic=lack.statistic, have=lack.have, need=lack.need, where=lack.where,
            section=lack.section,
        )  # fmt: skip
        cells.append(f"{h['lacking']}: {text}")
        rows.append(cells)
    title = f"{_TITLE[(r.kind, lang)]}-{_LEVEL[(r.level, lang)]}-{r.label.replace('…', '_')}"
    return title, headers, rows


def _name(code: str, r: Ranking, lang: str) -> str:
    rec = REGIONS[code]
    return rec.name if lang == "zh" else rec.name_en
