"""Monthly mass balance of hazardous-waste producers and facilities (pure; issue #18).

A producer's month closes when what it declared generated is accounted for:

    generated = Δstock + transferred out + self-utilised + self-disposed        [t]

and a licensed facility's month when what it received is processed or still on hand:

    received = processed + Δstock                                               [t]

(the closed loop of 危险废物全流程闭环管理, plan item 14; Δstock = stock at the month's end −
stock at its start, from the storage ledger). A gap beyond the tolerance (``ledger_rules.json``:
the larger of a share of the month's inflow and an absolute floor — the platform's choice, no
standard sets it) is an unclosed balance. :func:`dumping_suspect` finds the pattern of illegal
dumping (非法倾倒) the plan wants found: generation declared month after month while nothing is
transferred, the stock does not grow and what is handled on site does not account for it.

Every function takes and returns pandas frames; none reads a session, a file or the clock
(the rules come from :func:`ledger_rules`, read once from the package data).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "PRODUCER_COLUMNS",
    "FACILITY_COLUMNS",
    "ledger_rules",
    "tolerance_t",
    "producer_balance",
    "facility_balance",
    "dumping_suspect",
]

#: input columns of :func:`producer_balance` (quantities [t], month = first day)
PRODUCER_COLUMNS = ("enterprise_id", "month", "generated_t", "transferred_t", "self_utilised_t",
                    "self_disposed_t", "stock_start_t", "stock_end_t")  # fmt: skip
#: input columns of :func:`facility_balance`
FACILITY_COLUMNS = ("enterprise_id", "month", "received_t", "processed_t", "stock_start_t",
                    "stock_end_t")  # fmt: skip


@cache
def ledger_rules() -> Mapping[str, Any]:
    """The ledger's thresholds (``qingshan/waste/data/ledger_rules.json``; sources in its
    ``_source``): storage limits [days] (固废法 2020 Art. 81 ¶3), alert lead [days], the
    HJ 1259-2022 tiers [t/yr], the balance tolerance [share, t] and the dumping run [months]."""
    text = resources.files("qingshan.waste").joinpath("data/ledger_rules.json").read_text("utf-8")
    return MappingProxyType(json.loads(text))


def tolerance_t(inflow_t, share: float | None = None, floor_t: float | None = None):
    """The gap a month may leave [t]: ``max(share × inflow, floor)``.

    inflow_t : scalar or array [t] — generated (producer) or received (facility)
    share : tolerated share of the inflow [1] (default ``balance_tolerance_share``, 0.05)
    floor_t : absolute floor [t] (default ``balance_tolerance_floor_t``, 0.1 t)
    """
    rules = ledger_rules()
    share = rules["balance_tolerance_share"] if share is None else share
    floor_t = rules["balance_tolerance_floor_t"] if floor_t is None else floor_t
    return np.maximum(np.abs(inflow_t) * share, floor_t)


def _check(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"balance frame lacks columns {missing}; expected {list(columns)}")


def producer_balance(frame: pd.DataFrame, *, share: float | None = None,
                     floor_t: float | None = None) -> pd.DataFrame:  # fmt: skip
    """Each producer-month's balance.

    frame : one row per (enterprise_id, month) with :data:`PRODUCER_COLUMNS` [t]
    Returns the frame with ``delta_stock_t`` (end − start), ``accounted_t`` (Δstock +
    transferred + self-utilised + self-disposed), ``gap_t`` (generated − accounted; positive:
    waste unaccounted for), ``tolerance_t`` and ``closes`` (|gap| ≤ tolerance) [t].
    """
    _check(frame, PRODUCER_COLUMNS)
    out = frame.copy()
    out["delta_stock_t"] = out["stock_end_t"] - out["stock_start_t"]
    out["accounted_t"] = (out["delta_stock_t"] + out["transferred_t"] + out["self_utilised_t"]
                          + out["self_disposed_t"])  # fmt: skip
    out["gap_t"] = out["generated_t"] - out["accounted_t"]
    out["tolerance_t"] = tolerance_t(out["generated_t"].to_numpy(dtype=float), share, floor_t)
    out["closes"] = out["gap_t"].abs() <= out["tolerance_t"] + 1e-9
    return out


def facility_balance(frame: pd.DataFrame, *, share: float | None = None,
                     floor_t: float | None = None) -> pd.DataFrame:  # fmt: skip
    """Each facility-month's balance.

    frame : one row per (enterprise_id, month) with :data:`FACILITY_COLUMNS` [t]
    Returns the frame with ``delta_stock_t``, ``accounted_t`` (processed + Δstock), ``gap_t``
    (received − accounted), ``tolerance_t`` and ``closes`` [t].
    """
    _check(frame, FACILITY_COLUMNS)
    out = frame.copy()
    out["delta_stock_t"] = out["stock_end_t"] - out["stock_start_t"]
    out["accounted_t"] = out["processed_t"] + out["delta_stock_t"]
    out["gap_t"] = out["received_t"] - out["accounted_t"]
    out["tolerance_t"] = tolerance_t(out["received_t"].to_numpy(dtype=float), share, floor_t)
    out["closes"] = out["gap_t"].abs() <= out["tolerance_t"] + 1e-9
    return out


def dumping_suspect(balance: pd.DataFrame, *, min_months: int | None = None) -> pd.DataFrame:
    """Producers showing the dumping pattern: at least ``min_months`` consecutive months
    (default ``dumping_min_months``, 3) in which generation was declared (> tolerance), nothing
    was transferred, the stock did not grow beyond the tolerance and the balance does not close
    (what was handled on site, if anything, leaves a gap beyond the tolerance).

    balance : the output of :func:`producer_balance`
    Returns one row per suspect: ``enterprise_id``, ``first_month``, ``last_month``,
    ``months`` (length of the longest run) and ``unaccounted_t`` (generation of that run [t]).
    """
    n_min = int(ledger_rules()["dumping_min_months"]) if min_months is None else min_months
    cols = ["enterprise_id", "first_month", "last_month", "months", "unaccounted_t"]
    if balance.empty:
        return pd.DataFrame(columns=cols)
    b = balance.sort_values(["enterprise_id", "month"])
    tol = b["tolerance_t"]
    hit = ((b["generated_t"] > tol) & (b["transferred_t"] <= tol) & (b["delta_stock_t"] <= tol)
           & (b["gap_t"] > tol))  # fmt: skip
    rows = []
    for eid, grp in b.assign(hit=hit).groupby("enterprise_id", sort=True):
        best: list = []
        run: list = []
        prev = None
        for month, is_hit, gen in zip(grp["month"], grp["hit"], grp["generated_t"], strict=True):
            contiguous = prev is not None and _next_month(prev) == month
            if is_hit and (run and contiguous):
                run.append((month, gen))
            elif is_hit:
                run = [(month, gen)]
            else:
                run = []
            if len(run) > len(best):
                best = list(run)
            prev = month
        if len(best) >= n_min:
            rows.append((eid, best[0][0], best[-1][0], len(best), float(sum(g for _, g in best))))
    return pd.DataFrame(rows, columns=cols)


def _next_month(month):
    """The first day of the month after ``month`` (a date or Timestamp, first day)."""
    ts = pd.Timestamp(month) + pd.offsets.MonthBegin(1)
    return ts.date() if not isinstance(month, pd.Timestamp) else ts
