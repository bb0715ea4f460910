"""Labels of the dashboard in Chinese (first) and English, and the page language.

Every page takes its words from :data:`LABELS` through :func:`translator`; add a page's labels
here under a prefix of its own (``map.``, ``water.`` …). The language comes from ``?lang=``
(which also sets the :data:`LANG_COOKIE` cookie), then the cookie, then Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from starlette.requests import Request

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "qingshan_lang"

_RAW: dict[str, tuple[str, str]] = {
    # layout
    "app.brand": ("青山", "Qingshan"),
    "app.title": (
        "生态环境保护综合协同管理平台",
        "Eco-environmental Protection Coordination Platform",
    ),
    "nav.map": ("空气质量地图", "Air quality map"),
    "nav.api": ("接口文档", "API docs"),
    "punct.colon": ("：", ": "),
    "layout.region": ("辖区", "Region"),
    "layout.cst": ("北京时间", "CST (UTC+8)"),
    "layout.switch_lang": ("English", "中文"),
    "layout.footer": (
        "地图与图表：Apache ECharts（Apache-2.0）；城市边界来自 ECharts 4.9.0 地图数据。",
        "Maps and charts: Apache ECharts (Apache-2.0); city boundaries from the ECharts 4.9.0 map data.",
    ),
    # AQI levels (HJ 633-2012 Table 2) and the absent value
    "aqi.level.1": ("优", "Excellent"),
    "aqi.level.2": ("良", "Good"),
    "aqi.level.3": ("轻度污染", "Lightly polluted"),
    "aqi.level.4": ("中度污染", "Moderately polluted"),
    "aqi.level.5": ("重度污染", "Heavily polluted"),
    "aqi.level.6": ("严重污染", "Severely polluted"),
    "aqi.no_data": ("无数据", "No data"),
    # monitoring words
    "control.national": ("国控", "National"),
    "control.provincial": ("省控", "Provincial"),
    "control.city": ("市控", "City"),
    "station.code": ("站点编码", "Station code"),
    "station.city": ("城市", "City"),
    "station.control": ("类别", "Network"),
    "station.time": ("时间", "Time"),
    "station.aqi": ("AQI", "AQI"),
    "station.primary": ("首要污染物", "Primary pollutant"),
    "station.none": ("—", "—"),
    "station.replayed": ("回放数据", "replayed data"),
    # map page
    "map.title": ("{region}空气质量实时地图", "{region} real-time air quality"),
    "map.ranking": ("城市排名（站点AQI均值）", "Cities by mean station AQI"),
    "map.rank": ("排名", "Rank"),
    "map.city": ("城市", "City"),
    "map.mean_aqi": ("AQI均值", "Mean AQI"),
    "map.stations": ("站点数", "Stations"),
    "map.ranking_note": (
        "按各站点实时AQI算术平均由低到高排列，仅供参考，不代替按浓度均值计算的城市AQI。",
        "Arithmetic mean of the stations' real-time AQI, best first; for orientation only, not the "
        "official city AQI (which is computed from mean concentrations).",
    ),
    "map.source": ("数据来源", "Source"),
    "map.source_text": (
        "环境空气质量自动监测站小时数据；AQI 按 HJ 633 实时报计算（2026年3月1日前的数据用 HJ 633-2012，此后用 HJ 633-2026）。",
        "Hourly data of the automatic air-quality stations; AQI as the HJ 633 real-time report "
        "(HJ 633-2012 for data before 2026-03-01, HJ 633-2026 from then on).",
    ),
    "map.updated": ("更新时间", "Updated"),
    "map.counts": ("站点", "Stations"),
    "map.with_data": ("有数据", "with data"),
    "map.symbols": (
        "圆点为国控站点，三角为省控站点。",
        "Circles: national stations; triangles: provincial.",
    ),
    "map.loading": ("正在加载…", "Loading…"),
    "map.load_failed": ("数据加载失败", "Could not load the data"),
    "map.no_stations": ("暂无空气站点数据。", "No air stations yet."),
    "map.demo_note": (
        "演示数据：国控站点回放 2019 年真实小时数据（日期平移）。",
        "Demo data: national stations replay real 2019 hourly data (dates shifted).",
    ),
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {key: MappingProxyType(dict(zip(LANGS, pair, strict=True))) for key, pair in _RAW.items()}
)
"""Label key → {"zh": …, "en": …}. Immutable; extend ``_RAW`` to add labels."""


def translate(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``; an unknown key or language raises ``KeyError`` naming it."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; valid: {', '.join(LANGS)}")
    try:
        return LABELS[key][lang]
    except KeyError:
        raise KeyError(f"no label {key!r}; define it in qingshan/web/i18n.py") from None


def translator(lang: str) -> Callable[[str], str]:
    """A one-argument ``t(key)`` for templates."""
    return lambda key: translate(key, lang)


def labels_for(prefixes: Iterable[str], lang: str) -> dict[str, str]:
    """All labels whose key starts with one of ``prefixes``, in ``lang`` (for page scripts)."""
    prefixes = tuple(prefixes)
    return {k: v[lang] for k, v in LABELS.items() if k.startswith(prefixes)}


def requested_lang(request: Request) -> str | None:
    """The language asked for by ``?lang=`` (None when absent or not one of :data:`LANGS`)."""
    lang = request.query_params.get("lang")
    return lang if lang in LANGS else None


def get_lang(request: Request) -> str:
    """The page language: ``?lang=``, then the cookie, then Chinese."""
    lang = requested_lang(request) or request.cookies.get(LANG_COOKIE)
    return lang if lang in LANGS else DEFAULT_LANG
