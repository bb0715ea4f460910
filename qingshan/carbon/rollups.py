"""Roll-ups of the carbon accounts (pure): totals by county, city, industry, month and year; the
province's trajectory against its peak path; the contribution of each enterprise to a change of
the total between two periods; enterprises by 碳效码 grade (the grades as the service gives them).

Every function takes a frame of :data:`COLUMNS` — one row per (enterprise, month), the current
result versions only, as ``results.results_frame`` returns it — and returns a new frame; none
reads a session, a file or the clock.

Units: emissions [tCO2]; value added [10^4 yuan]; intensity [tCO2/10^4 yuan]. The total is
scope 1 + scope 2 with biomass CO2 reported apart, not in the total (GB/T 32150-2015 §7, the
guidelines' "生物质燃料燃烧排放不计入"); sums here never add biomass to it.

Intensity of a group = Σ total of the enterprise-months that report value added ÷ Σ their value
added: a month without value added adds to the total but not to the intensity (never a zero
denominator silently defaulted), and the frame says how many enterprise-months had none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from qingshan.carbon.grading import CarbonCode

#: the columns of ``results.results_frame`` (carbon contract)
COLUMNS: tuple[str, ...] = (
    "enterprise_id", "name", "region_code", "city_code", "industry", "industry_code", "month",
    "scope1_tco2", "scope2_tco2", "biomass_tco2", "total_tco2", "value_added_10k_yuan",
    "electricity_mwh",
)  # fmt: skip
#: the summed quantities [tCO2] and [MWh]
SUMS: tuple[str, ...] = (
    "scope1_tco2", "scope2_tco2", "biomass_tco2", "total_tco2", "electricity_mwh",
)  # fmt: skip
#: the 碳效码 grades (1 best … 5 worst; 2021 method, to verify against DB33/T 1347—2023)
GRADES: tuple[int, ...] = (1, 2, 3, 4, 5)


def empty_frame() -> pd.DataFrame:
    """A results frame with no row (the columns and their kinds)."""
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in COLUMNS})
    for c in ("name", "region_code", "city_code", "industry", "industry_code", "month"):
        frame[c] = frame[c].astype("object")
    frame["enterprise_id"] = frame["enterprise_id"].astype("int64")
    return frame


def _months(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["month"])


def of_months(frame: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    """The rows whose month lies in [``first``, ``last``] (months as first days)."""
    m = _months(frame)
    return frame[(m >= pd.Timestamp(first)) & (m <= pd.Timestamp(last))]


def of_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of calendar year ``year``."""
    return frame[_months(frame).dt.year == year]


def _with_va(frame: pd.DataFrame) -> pd.DataFrame:
    va = frame["value_added_10k_yuan"].astype("float64")
    has = va.notna() & (va > 0)
    return frame.assign(
        _va=va.where(has, 0.0),
        _tco2_va=frame["total_tco2"].where(has, 0.0),
        _no_va=(~has).astype("int64"),
    )


def totals_by(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Σ of :data:`SUMS` per group of ``keys`` with the group's value added [10^4 yuan] (months
    that report it), intensity [tCO2/10^4 yuan] (None where no month reports value added),
    ``tco2_with_va`` (the total of those months), enterprises (distinct) and
    ``months_without_va`` (enterprise-months without value added).
    Sorted by total, largest first."""
    keys = list(keys)
    cols = [*keys, *SUMS, "value_added_10k_yuan", "tco2_with_va", "intensity", "enterprises",
            "months_without_va"]  # fmt: skip
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    f = _with_va(frame)
    g = f.groupby(keys, sort=False, dropna=False)
    out = g[list(SUMS)].sum()
    out["value_added_10k_yuan"] = g["_va"].sum()
    out["tco2_with_va"] = g["_tco2_va"].sum()
    out["intensity"] = (out["tco2_with_va"] / out["value_added_10k_yuan"]).where(
        out["value_added_10k_yuan"] > 0
    )
    out["enterprises"] = g["enterprise_id"].nunique()
    out["months_without_va"] = g["_no_va"].sum()
    out = out.reset_index().sort_values("total_tco2", ascending=False, kind="stable")
    return out[cols].reset_index(drop=True)


def by_region(frame: pd.DataFrame, level: str = "county") -> pd.DataFrame:
    """Totals per county (``region_code``) or city (``city_code``): ``level`` "county" | "city"."""
    keys = {"county": "region_code", "city": "city_code"}
    if level not in keys:
        raise ValueError(f"level must be one of {sorted(keys)}, got {level!r}")
    return totals_by(frame, [keys[level]])


def by_month(frame: pd.DataFrame) -> pd.DataFrame:
    """Totals per month [tCO2], in month order."""
    out = totals_by(frame, ["month"])
    return out.sort_values("month", kind="stable").reset_index(drop=True)


def by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Totals per calendar year, with the number of months that have data (``months``): a year
    the accounts cover only in part says so."""
    if frame.empty:
        out = totals_by(frame, [])
        return out.assign(year=pd.Series(dtype="int64"), months=pd.Series(dtype="int64"))
    f = frame.assign(year=_months(frame).dt.year)
    out = totals_by(f, ["year"])
    out["months"] = out["year"].map(f.groupby("year")["month"].nunique()).astype("int64")
    return out.sort_values("year", kind="stable").reset_index(drop=True)


def enterprise_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise over the rows given (usually one year): name, region, industry, totals,
    value added, intensity and the months it reports."""
    if frame.empty:
        cols = ["enterprise_id", "name", "region_code", "city_code", "industry",
                *SUMS, "value_added_10k_yuan", "tco2_with_va", "intensity", "months"]  # fmt: skip
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    f = frame
    out = totals_by(f, ["enterprise_id"])
    first = f.drop_duplicates("enterprise_id").set_index("enterprise_id")
    for c in ("name", "region_code", "city_code", "industry"):
        out[c] = out["enterprise_id"].map(first[c])
    out["months"] = out["enterprise_id"].map(f.groupby("enterprise_id")["month"].nunique())
    return out.drop(columns=["enterprises", "months_without_va"])


def codes_frame(frame: pd.DataFrame, codes: Mapping[int, CarbonCode]) -> pd.DataFrame:
    """:func:`enterprise_year` of the rows given (one year) with each enterprise's 碳效码 of
    that year (``codes``: enterprise → :class:`~qingshan.carbon.grading.CarbonCode`, as
    ``results.carbon_codes`` grades them against their industry): ``grade`` (1 best … 5 worst,
    missing without a code), ``level``, ``k``, ``code_intensity`` and ``industry_avg``
    [tCO2/10^4 yuan], ``colour``, ``method`` (thresholds K 0.6/0.8/1.2/2.0 of the 2021 method,
    to verify against DB33/T 1347—2023)."""
    ent = enterprise_year(frame)
    got = [codes.get(int(e)) for e in ent["enterprise_id"]]
    ent["grade"] = pd.array([None if c is None else c.grade for c in got], dtype="Int64")
    ent["level"] = [None if c is None else c.level for c in got]
    ent["k"] = [None if c is None else c.k for c in got]
    ent["code_intensity"] = [None if c is None else c.intensity for c in got]
    ent["industry_avg"] = [None if c is None else c.industry_avg for c in got]
    ent["colour"] = [None if c is None else c.colour for c in got]
    ent["method"] = [None if c is None else c.method for c in got]
    return ent


def grade_counts(codes: pd.DataFrame, keys: Sequence[str] = ()) -> pd.DataFrame:
    """Enterprises per grade (columns ``g1`` … ``g5`` and ``ungraded``), per group of ``keys``
    (one row for the whole frame when ``keys`` is empty)."""
    grade = codes["grade"].astype("Float64").fillna(0).astype("int64")
    cols = {f"g{g}": (grade == g).astype("int64") for g in GRADES}
    f = pd.DataFrame(cols | {"ungraded": (grade == 0).astype("int64")}, index=codes.index)
    if not keys:
        return f.sum().to_frame().T.astype("int64")
    for k in keys:
        f[k] = codes[k]
    return f.groupby(list(keys), sort=False).sum().reset_index()


def by_industry(frame: pd.DataFrame, codes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Totals per rule-pack industry with each one's share of the total [0..1] and, given
    :func:`codes_frame` of the same rows, its enterprises per grade."""
    out = totals_by(frame, ["industry"])
    whole = float(out["total_tco2"].sum()) if len(out) else 0.0
    out["share"] = out["total_tco2"] / whole if whole else np.nan
    if codes is not None and len(out):
        out = out.merge(grade_counts(codes, ["industry"]), on="industry", how="left")
    return out


@dataclass(frozen=True)
class Change:
    """A total in two periods [tCO2] and the relative change (None when the first is 0)."""

    before: float
    after: float
    change: float
    relative: float | None


def change(before: pd.DataFrame, after: pd.DataFrame) -> Change:
    """The total of ``after`` against ``before``."""
    b = float(before["total_tco2"].sum())
    a = float(after["total_tco2"].sum())
    return Change(b, a, a - b, (a - b) / b if b else None)


def contribution(before: pd.DataFrame, after: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """Which enterprises move the total most between two periods: per enterprise the total
    before and after [tCO2], the change and its share of the net change of the whole (None when
    the net change is 0); the ``top`` largest increases and the ``top`` largest decreases, by
    the size of the change. An enterprise with no month in one period counts 0 there."""
    b = before.groupby("enterprise_id")["total_tco2"].sum()
    a = after.groupby("enterprise_id")["total_tco2"].sum()
    ids = b.index.union(a.index)
    out = pd.DataFrame({"before": b.reindex(ids, fill_value=0.0),
                        "after": a.reindex(ids, fill_value=0.0)})  # fmt: skip
    out["change"] = out["after"] - out["before"]
    net = float(out["change"].sum())
    out["share_of_change"] = out["change"] / net if net else np.nan
    names = pd.concat([before, after]).drop_duplicates("enterprise_id").set_index("enterprise_id")
    for c in ("name", "region_code", "industry"):
        out[c] = names[c].reindex(out.index)
    up = out[out["change"] > 0].nlargest(top, "change")
    down = out[out["change"] < 0].nsmallest(top, "change")
    res = pd.concat([up, down]).rename_axis("enterprise_id").reset_index()
    return res.sort_values("change", key=np.abs, ascending=False, kind="stable").reset_index(
        drop=True
    )


def trajectory(frame: pd.DataFrame, path: Mapping[int, float]) -> pd.DataFrame:
    """The yearly totals [tCO2] against the peak path a user set (``path``: year → tCO2): one
    row per year from the first to the last of either (the years between too), with ``actual`` (None where no data), ``months`` of data, ``target``
    (None where the path says nothing), ``gap`` = actual − target and ``pace``: the target
    prorated to the months with data (a year covered in part is compared with the part of its
    target; ``gap_pace`` = actual − pace), so a year in progress is not read as far below."""
    years = by_year(frame)
    known = set(int(y) for y in years["year"]) | set(int(y) for y in path)
    ys = list(range(min(known), max(known) + 1)) if known else []
    act = dict(zip(years["year"].astype(int), years["total_tco2"], strict=True))
    months = dict(zip(years["year"].astype(int), years["months"], strict=True))
    rows = []
    for y in ys:
        a = act.get(y)
        m = int(months.get(y, 0))
        t = path.get(y)
        pace = None if t is None or a is None else t * m / 12
        rows.append({
            "year": y, "actual": a, "months": m, "target": t,
            "gap": None if a is None or t is None else a - t,
            "pace": pace, "gap_pace": None if pace is None or a is None else a - pace,
        })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["year", "actual", "months", "target", "gap", "pace", "gap_pace"]
    )
