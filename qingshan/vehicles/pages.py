"""What every 机动车排气 page shares: who may open it (province, city and county officers) and the
helpers its template formats with — region names, percentages, test methods, pollutants and
labels, in the page's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request

from qingshan.accounts.models import Role
from qingshan.errors import PermissionDenied
from qingshan.geo.counties import region_extent
from qingshan.geo.regions import PROVINCE_CODE, REGIONS, children
from qingshan.timeutil import as_cst
from qingshan.vehicles.fraud import CHECKS
from qingshan.vehicles.judge import METHOD_NAMES
from qingshan.vehicles.remote_sensing import POLLUTANTS
from qingshan.web.auth import Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import API

__all__ = ["OFFICERS", "officer", "page_helpers", "station_map_config"]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: pollutant column → its short name on the English page
POLLUTANTS_EN = {"co_pct": "CO", "hc_ppm": "HC", "no_ppm": "NO", "opacity_pct": "opacity"}


def officer(viewer: Viewer) -> None:
    """Vehicle pages are for the province, city and county officers."""
    if viewer.role not in OFFICERS:
        raise PermissionDenied("机动车排气 is for province, city and county officers")


def page_helpers(request: Request) -> dict[str, Any]:
    """The template helpers in the page's language."""
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def method(key: str) -> str:
        return METHOD_NAMES.get(key, key) if lang == "zh" else key.replace("_", " ")

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{100 * x:.1f}%"

    def pollutants(cols: str) -> str:
        names = POLLUTANTS if lang == "zh" else POLLUTANTS_EN
        return "、".join(names.get(c, c) for c in cols.split(",") if c)

    def lab(prefix: str, value: object) -> str:
        """The label ``<prefix>.<value>``, or the value itself when no label is defined."""
        try:
            return translate(f"{prefix}.{value}", lang)
        except KeyError:
            return str(value)

    def day(d: datetime | None) -> str:
        """A stored (UTC) time as its China Standard Time day, ``—`` when none."""
        return "—" if d is None else as_cst(d).strftime("%Y-%m-%d")

    return {"day": day, "rname": rname, "method_name": method, "pct": pct, "pollutants": pollutants,
            "lab": lab, "lang": lang, "api": API}  # fmt: skip


#: the labels the station map's script shows (tooltip and legend)
_MAP_LABELS = ("vh.map.pass_rate", "vh.map.flagged", "vh.map.score", "vh.map.tests", "vh.map.band.clean",
               "vh.map.band.one", "vh.map.band.several", "vh.map.open")  # fmt: skip


def station_map_config(
    request: Request, points: list[dict[str, Any]], region_code: str
) -> dict[str, Any]:
    """The station ranking map's configuration: the boundaries (the cities for the province, the
    counties below it), the box of the viewer's region ``region_code`` (None: the whole
    province), the stations with a position (:func:`qingshan.vehicles.read_service.station_points`),
    the check names and the labels."""
    lang = get_lang(request)
    province = region_code == PROVINCE_CODE
    layer = "zhejiang-cities" if province else "zhejiang-counties"
    box = None if province else list(region_extent(region_code).bbox)
    # the county features of the viewer's region, by their names (a city: its counties)
    own = [] if province else [r.name for r in children(region_code)] or [REGIONS[region_code].name]
    return {"geojsonUrl": f"{API}/geo/{layer}.geojson", "box": box, "regions": own, "stations": points,
            "labels": {k: translate(k, lang) for k in _MAP_LABELS},
            "checks": {c: translate(f"vh.check.{c}", lang) for c in CHECKS}}  # fmt: skip
