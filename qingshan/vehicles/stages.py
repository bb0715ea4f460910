"""Emission stage (排放阶段, 国III–国VI) of a vehicle from its fuel, category and registration
date — the stage that new vehicles had to meet on the day it was registered. Pure: no I/O.

The implementation dates are DATA (:data:`STAGE_DATES`), each row with its scope, source and
confidence. **All are [U]**: recalled from the national announcements (GB 18352 light vehicles,
GB 17691 heavy vehicles) and Zhejiang's early adoption, not read in the primary texts this
session (searches of the stored pages found no MEE notice text). A row for ``zhejiang``
overrides the national row of the same (group, stage); a vehicle registered before its group's
国III date raises :class:`StageUnknown` (国I / 国II are not modelled). Electric vehicles have no
exhaust stage: their stage is ``""``.

Groups: ``light_gasoline`` (light_passenger / light_goods with gasoline, hybrid or CNG),
``light_diesel``, ``heavy_diesel`` (heavy_passenger / heavy_goods, diesel), ``heavy_gasoline``
(heavy, gasoline / hybrid / CNG).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from qingshan.vehicles.errors import StageUnknown

__all__ = [
    "STAGES",
    "FUELS",
    "CATEGORIES",
    "StageDate",
    "STAGE_DATES",
    "stage_group",
    "stage_for",
    "stages_for",
]

STAGES = ("国III", "国IV", "国V", "国VI")
FUELS = ("gasoline", "diesel", "hybrid", "cng", "electric")
CATEGORIES = ("light_passenger", "light_goods", "heavy_passenger", "heavy_goods")


@dataclass(frozen=True)
class StageDate:
    """From ``start`` (registration date, inclusive) new vehicles of ``group`` met ``stage``."""

    group: str
    stage: str
    start: date
    scope: str  # "national" | "zhejiang"
    source: str
    confidence: str  # "U" | "MC" | "confirmed"


_NAT = "national announcement for GB 18352 (light) / GB 17691 (heavy) — recalled, not read"
_ZJ = "Zhejiang early adoption — recalled, not read"

#: implementation dates per group; every row [U] (see the module docstring)
STAGE_DATES: tuple[StageDate, ...] = (
    StageDate("light_gasoline", "国III", date(2007, 7, 1), "national", _NAT, "U"),
    StageDate("light_gasoline", "国IV", date(2011, 7, 1), "national", _NAT, "U"),
    StageDate("light_gasoline", "国V", date(2017, 1, 1), "national", _NAT, "U"),
    StageDate(
        "light_gasoline",
        "国V",
        date(2016, 4, 1),
        "zhejiang",
        _ZJ + " (one of the 11 eastern provinces)",
        "U",
    ),
    StageDate("light_gasoline", "国VI", date(2020, 7, 1), "national", _NAT + " (6a)", "U"),
    StageDate("light_gasoline", "国VI", date(2019, 7, 1), "zhejiang", _ZJ, "U"),
    StageDate("light_diesel", "国III", date(2008, 7, 1), "national", _NAT, "U"),
    StageDate("light_diesel", "国IV", date(2015, 1, 1), "national", _NAT, "U"),
    StageDate("light_diesel", "国V", date(2018, 1, 1), "national", _NAT, "U"),
    StageDate("light_diesel", "国VI", date(2020, 7, 1), "national", _NAT + " (6a)", "U"),
    StageDate("light_diesel", "国VI", date(2019, 7, 1), "zhejiang", _ZJ, "U"),
    StageDate("heavy_diesel", "国III", date(2008, 7, 1), "national", _NAT, "U"),
    StageDate("heavy_diesel", "国IV", date(2013, 7, 1), "national", _NAT, "U"),
    StageDate("heavy_diesel", "国V", date(2017, 7, 1), "national", _NAT, "U"),
    StageDate("heavy_diesel", "国VI", date(2021, 7, 1), "national", _NAT + " (6a)", "U"),
    StageDate("heavy_gasoline", "国III", date(2009, 7, 1), "national", _NAT, "U"),
    StageDate("heavy_gasoline", "国IV", date(2013, 7, 1), "national", _NAT, "U"),
    StageDate("heavy_gasoline", "国V", date(2018, 1, 1), "national", _NAT, "U"),
    StageDate(
        "heavy_gasoline",
        "国VI",
        date(2019, 7, 1),
        "national",
        _NAT + " (gas-fuelled heavy vehicles first)",
        "U",
    ),
)

_GROUPS = ("light_gasoline", "light_diesel", "heavy_diesel", "heavy_gasoline")


def stage_group(fuel: str, category: str) -> str | None:
    """The stage group of a fuel and category (``None`` for electric vehicles)."""
    if fuel not in FUELS:
        raise StageUnknown(f"fuel {fuel!r}: not one of {', '.join(FUELS)}", field="fuel")
    if category not in CATEGORIES:
        raise StageUnknown(
            f"category {category!r}: not one of {', '.join(CATEGORIES)}", field="category"
        )
    if fuel == "electric":
        return None
    size = "light" if category.startswith("light") else "heavy"
    return f"{size}_{'diesel' if fuel == 'diesel' else 'gasoline'}"


def _starts(group: str, region: str) -> list[tuple[date, str]]:
    if region not in ("national", "zhejiang"):
        raise StageUnknown(f"region {region!r}: not one of national, zhejiang", field="region")
    out: dict[str, date] = {}
    for row in STAGE_DATES:
        if row.group == group and row.scope == "national":
            out.setdefault(row.stage, row.start)
    if region == "zhejiang":
        for row in STAGE_DATES:
            if row.group == group and row.scope == "zhejiang":
                out[row.stage] = row.start
    return sorted((d, s) for s, d in out.items())


def stage_for(fuel: str, category: str, registered: date, *, region: str = "zhejiang") -> str:
    """The emission stage of one vehicle (``""`` for electric).

    Parameters
    ----------
    fuel, category : str
        Keys of :data:`FUELS` and :data:`CATEGORIES`.
    registered : date
        The registration day (注册登记日期).
    region : str
        ``"zhejiang"`` (default: Zhejiang's earlier dates where known) or ``"national"``.
    """
    group = stage_group(fuel, category)
    if group is None:
        return ""
    starts = _starts(group, region)
    stage = ""
    for start, name in starts:
        if registered >= start:
            stage = name
    if not stage:
        raise StageUnknown(
            f"registered {registered.isoformat()}: before 国III for {group} ({starts[0][0].isoformat()}); "
            "国I / 国II are not handled",
            field="registered",
        )
    return stage


def stages_for(vehicles: pd.DataFrame, *, region: str = "zhejiang") -> pd.Series:
    """:func:`stage_for` for every row of a frame with ``fuel``, ``category``, ``registered``
    (vectorised per group). Raises :class:`StageUnknown` naming the first bad row."""
    fuel = vehicles["fuel"].astype(str).to_numpy()
    cat = vehicles["category"].astype(str).to_numpy()
    reg = pd.to_datetime(vehicles["registered"]).to_numpy(dtype="datetime64[D]")
    bad = ~np.isin(fuel, FUELS) | ~np.isin(cat, CATEGORIES)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        stage_group(str(fuel[i]), str(cat[i]))  # raises with the message
    heavy = np.char.startswith(cat.astype(str), "heavy")
    diesel = fuel == "diesel"
    out = np.full(len(vehicles), "", dtype=object)
    for group in _GROUPS:
        mask = (
            (heavy == group.startswith("heavy"))
            & (diesel == group.endswith("diesel"))
            & (fuel != "electric")
        )
        if not mask.any():
            continue
        starts = _starts(group, region)
        bounds = np.array([d for d, _ in starts], dtype="datetime64[D]")
        names = np.array([s for _, s in starts], dtype=object)
        idx = np.searchsorted(bounds, reg[mask], side="right") - 1
        if (idx < 0).any():
            i = int(np.flatnonzero(mask)[int(np.flatnonzero(idx < 0)[0])])
            stage_for(str(fuel[i]), str(cat[i]), pd.Timestamp(reg[i]).date(), region=region)
        out[mask] = names[idx]
    return pd.Series(out, index=vehicles.index, dtype=object)
