"""The air forecast as the platform runs it (issue #15): issue a day's forecast, store it, and
read forecasts, what happened and the stored backtest for the pages.

Issue rule
----------
The forecast of CST day *D* is issued at 16:00 CST (:data:`ISSUE_HOUR`, the ``forecast-air``
job) from the **complete days before D** only: the model is fitted on the city daily values of
the :data:`TRAIN_DAYS` days up to *D − 1* and forecasts *D + 1*, *D + 2* and *D + 3* (the model's
horizons 2, 3, 4 from its last day of data, stored as 1, 2, 3 days ahead of the issue day).
Day *D* itself is not complete at 16:00 (a daily mean needs ≥ 20 valid hours, GB 3095-2012
Table 4), so it is never used.

Repeated history
----------------
A data dir may declare periods whose values are copies of one another (the demo replays real
2019 months and fills October–December with copies: :func:`write_repeats`). When the days a
forecast targets lie in one member of such a group, the other members are left out of its
training set: a model must not be scored on days it was trained on.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.forecast.air import AirModel, fit_air_model, forecast_levels, forecast_origins
from qingshan.forecast.daily import VARIABLES, city_daily
from qingshan.forecast.store import (
    ForecastModel,
    forecast_root,
    has_batch,
    read_forecasts,
    write_forecasts,
)
from qingshan.monitoring.air_history import PARAMETER_CODES, day_start_utc
from qingshan.monitoring.models import ControlLevel, Period, SiteKind
from qingshan.monitoring.service import get_series_of_sites, get_sites
from qingshan.timeseries import layout
from qingshan.timeseries.rollups import valid_mask
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

log = logging.getLogger(__name__)

KIND = "city_air"
ISSUE_HOUR = 16
"""Hour of day (CST) at which the day's air forecast is issued (the ``forecast-air`` job)."""
TRAIN_DAYS = 365
"""Days of city daily values the model is fitted on."""
AHEAD = (1, 2, 3)
"""Days ahead of the issue day that a forecast covers."""
MODEL = ForecastModel("lightgbm-global-quantile", f"1+lightgbm{package_version('lightgbm')}")
FORECAST_VARIABLES = (*VARIABLES, "AQI")


@dataclass(frozen=True)
class IssueResult:
    """What an issue did: ``written`` False when the batch was already stored (a no-op)."""

    issue_day: date
    issued_at: datetime
    written: bool
    rows: int
    cities: int

    def __str__(self) -> str:
        if not self.written:
            return f"forecast of {self.issue_day} already issued: nothing to do"
        return f"forecast of {self.issue_day} issued: {self.cities} cities, {self.rows} rows"


def issued_at_of(issue_day: date) -> datetime:
    """The issue instant of the CST day ``issue_day`` (16:00 CST) [UTC]."""
    local = datetime(issue_day.year, issue_day.month, issue_day.day, ISSUE_HOUR, tzinfo=CST)
    return local.astimezone(UTC)


def issue_day_of(now: datetime) -> date:
    """The latest CST day whose issue time has passed at ``now``."""
    local = now.astimezone(CST)
    day = local.date()
    return day if local.hour >= ISSUE_HOUR else day - timedelta(days=1)


# ---------------------------------------------------------------- observed city daily values
def read_city_daily(
    session: Session,
    scope: Scope,
    store: ObservationStore,
    first: date,
    last: date,
    cities: Sequence[str] | None = None,
) -> pd.DataFrame:
    """City daily values of the CST days ``first`` … ``last`` from the national (国控) air
    stations' valid hours (HJ 212-2017 invalid flags and QC rejects dropped), by
    :func:`qingshan.forecast.daily.city_daily` (HJ 663-2013 clause 4: the arithmetic mean of
    the city's national stations); ``cities``: only these."""
    sites = [
        s
        for s in get_sites(session, scope, SiteKind.AIR_STATION)
        if s.control_level is ControlLevel.NATIONAL
        and (cities is None or s.region_code[:4] + "00" in cities)
    ]
    station_city = {s.code: s.region_code[:4] + "00" for s in sites}
    series = get_series_of_sites(session, sites)
    wanted = set(PARAMETER_CODES.values())
    index = {
        sr.id: (site.code, sr.parameter_code)
        for site in sites
        for sr in series[site.id]
        if sr.period is Period.HOUR and sr.parameter_code in wanted
    }
    if not index:
        return city_daily(pd.DataFrame(columns=["site", "parameter", "time", "value"]), {})
    rows = store.query(
        list(index),
        day_start_utc(first),
        day_start_utc(last + timedelta(days=1)),
        period="hour",
        columns=["value", "source_flag", "qc_flag"],
    )
    rows = rows[valid_mask(rows).to_numpy()]
    sid = pd.Series(rows["series_id"].to_numpy())
    hourly = pd.DataFrame(
        {
            "site": sid.map({k: v[0] for k, v in index.items()}).to_numpy(),
            "parameter": sid.map({k: v[1] for k, v in index.items()}).to_numpy(),
            "time": rows["time"].reset_index(drop=True),
            "value": rows["value"].to_numpy(),
        }
    )
    out = city_daily(hourly, station_city)
    if not out.empty:
        out["day"] = pd.to_datetime(out["day"]).dt.date
        out = out[(out["day"] >= first) & (out["day"] <= last)]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- repeated history
def _repeats_path(data_dir: Path) -> Path:
    return forecast_root(data_dir) / "repeats.json"


def write_repeats(data_dir: Path, groups: Sequence[Sequence[tuple[date, date]]], note: str) -> None:
    """Declare groups of CST day ranges (first, last inclusive) whose values copy one another
    (written atomically; see the module docstring)."""
    body = {
        "note": note,
        "groups": [[[a.isoformat(), b.isoformat()] for a, b in g] for g in groups],
    }
    _write_json(_repeats_path(data_dir), body)


def read_repeats(data_dir: Path) -> list[list[tuple[date, date]]]:
    """The declared groups of repeated periods (none when the data dir declares none)."""
    path = _repeats_path(data_dir)
    if not path.exists():
        return []
    body = json.loads(path.read_text(encoding="utf-8"))
    return [[(date.fromisoformat(a), date.fromisoformat(b)) for a, b in g] for g in body["groups"]]


def training_exclusions(
    groups: Sequence[Sequence[tuple[date, date]]], targets: Sequence[date]
) -> set[date]:
    """Days to leave out of the training set of a forecast of ``targets``: every other member
    of each group that one of the targets falls in."""
    out: set[date] = set()
    for group in groups:
        hit = [any(a <= t <= b for t in targets) for a, b in group]
        for (a, b), is_hit in zip(group, hit, strict=True):
            if any(hit) and not is_hit:
                out.update(a + timedelta(days=i) for i in range((b - a).days + 1))
    return out


def _write_json(path: Path, body: object) -> None:
    """Write ``body`` as JSON to ``path`` atomically (temporary, fsync, rename)."""
    layout.make_dirs(path.parent)
    tmp = path.with_name(f".tmp-{path.name}")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(body, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    layout.fsync_file(path.parent)


# ---------------------------------------------------------------- stored backtests
def _backtest_path(data_dir: Path) -> Path:
    return forecast_root(data_dir) / "backtest" / f"{KIND}.json"


def write_backtest(
    data_dir: Path, result: dict[str, Any], *, days: dict[str, Any], made_at: datetime
) -> None:
    """Store a backtest's scores (:func:`qingshan.forecast.evaluate.evaluate`'s JSON) with the
    days it used and why (``days``), replacing the previous one (written atomically)."""
    body = {"made_at": made_at.isoformat(), "days": days, "result": result}
    _write_json(_backtest_path(data_dir), body)


def read_backtest(data_dir: Path) -> dict[str, Any] | None:
    """The stored backtest, or None when none was run."""
    path = _backtest_path(data_dir)
    if not path.exists():
        return None
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


# ---------------------------------------------------------------- issuing
def training_frame(
    daily: pd.DataFrame,
    issue_days: Sequence[date],
    groups: Sequence[Sequence[tuple[date, date]]],
) -> pd.DataFrame:
    """The rows a model serving ``issue_days`` may be fitted on: the :data:`TRAIN_DAYS`
    complete days before the first of them, less the repeats of every day they target."""
    first = min(issue_days)
    days = pd.to_datetime(daily["day"]).dt.date
    keep = (days < first) & (days >= first - timedelta(days=TRAIN_DAYS))
    targets = [d + timedelta(days=h) for d in issue_days for h in AHEAD]
    excluded = training_exclusions(groups, targets)
    if excluded:
        keep &= ~days.isin(excluded)
    return daily[keep]


def fit_for(
    daily: pd.DataFrame,
    issue_days: Sequence[date],
    groups: Sequence[Sequence[tuple[date, date]]],
    *,
    n_estimators: int | None = None,
) -> AirModel:
    """The model the forecasts of ``issue_days`` use (fitted on :func:`training_frame`)."""
    return fit_air_model(
        training_frame(daily, issue_days, groups),
        seed=0,
        max_horizon=max(AHEAD) + 1,
        n_estimators=n_estimators,
    )


def forecast_rows(
    model: AirModel, daily: pd.DataFrame, issue_days: Sequence[date]
) -> dict[date, pd.DataFrame]:
    """The store rows of the forecasts issued on ``issue_days``, each from the days before its
    issue day only (:func:`qingshan.forecast.air.forecast_origins`: lags and rolling windows
    end at the origin, the day before the issue)."""
    if not issue_days:
        return {}
    known = daily[pd.to_datetime(daily["day"]).dt.date < max(issue_days)]
    origins = [d - timedelta(days=1) for d in sorted(issue_days)]
    frame = forecast_origins(model, known, origins, horizons=[h + 1 for h in AHEAD])
    origin = pd.to_datetime(frame["target_day"]) - pd.to_timedelta(frame["days_ahead"], unit="D")
    issue = (origin + pd.Timedelta(days=1)).dt.date
    rows = pd.DataFrame(
        {
            "target_id": frame["city_code"].astype(str),
            "variable": frame["variable"].astype(str),
            "target_time": [day_start_utc(d) for d in frame["target_day"]],
            "quantile": frame["quantile"].astype(float),
            "value": frame["value"].astype(float),
            "issue_day": issue,
        }
    )
    return {d: rows[rows["issue_day"] == d].drop(columns="issue_day") for d in issue_days}


def issue_air_forecast(
    data_dir: Path,
    issue_day: date,
    daily: pd.DataFrame,
    *,
    n_estimators: int | None = None,
) -> IssueResult:
    """Issue and store the forecast of ``issue_day`` from the city daily values ``daily``
    (only its days before ``issue_day`` are used); a no-op when that issue is stored."""
    issued_at = issued_at_of(issue_day)
    if has_batch(data_dir, KIND, issued_at):
        return IssueResult(issue_day, issued_at, False, 0, 0)
    model = fit_for(daily, [issue_day], read_repeats(data_dir), n_estimators=n_estimators)
    rows = forecast_rows(model, daily, [issue_day])[issue_day]
    written = write_forecasts(data_dir, KIND, issued_at, rows, MODEL)
    return IssueResult(issue_day, issued_at, written, len(rows), rows["target_id"].nunique())


def backfill_air(
    data_dir: Path,
    daily: pd.DataFrame,
    issue_days: Sequence[date],
    *,
    refit_every: int = 28,
    n_estimators: int | None = None,
) -> list[IssueResult]:
    """Issue the forecasts of past ``issue_days`` as the daily job would have, without
    peeking: the days are cut into windows of ``refit_every`` days; each window's model is
    fitted on the days before the window's first issue day (less the repeats of every target
    of the window), and each forecast's features end the day before its own issue day. Issues
    already stored are left as they are."""
    groups = read_repeats(data_dir)
    todo = sorted(d for d in set(issue_days) if not has_batch(data_dir, KIND, issued_at_of(d)))
    out: list[IssueResult] = []
    while todo:
        window = [d for d in todo if d < todo[0] + timedelta(days=refit_every)]
        todo = todo[len(window) :]
        model = fit_for(daily, window, groups, n_estimators=n_estimators)
        for day, rows in forecast_rows(model, daily, window).items():
            at = issued_at_of(day)
            written = write_forecasts(data_dir, KIND, at, rows, MODEL)
            out.append(IssueResult(day, at, written, len(rows), rows["target_id"].nunique()))
    return out


def issue_today(
    session: Session, scope: Scope, store: ObservationStore, data_dir: Path, now: datetime
) -> IssueResult:
    """The job's step: issue the forecast of the latest issue day passed at ``now`` (a re-run
    the same day is a no-op, checked before anything is read or fitted)."""
    day = issue_day_of(now)
    issued_at = issued_at_of(day)
    if has_batch(data_dir, KIND, issued_at):
        return IssueResult(day, issued_at, False, 0, 0)
    first = day - timedelta(days=TRAIN_DAYS)
    daily = read_city_daily(session, scope, store, first, day - timedelta(days=1))
    return issue_air_forecast(data_dir, day, daily)


# ---------------------------------------------------------------- reads for pages
def read_air(
    data_dir: Path,
    *,
    cities: Sequence[str] | None = None,
    issued: date | None = None,
    issued_from: date | None = None,
) -> pd.DataFrame:
    """Stored air forecasts, wide by quantile: ``city_code``, ``issued_at``, ``target_day``,
    ``days_ahead``, ``variable``, ``q10``, ``q50``, ``q90``. ``issued``: that day's issue only;
    ``issued_from``: every issue since that day; neither: each city's latest issue."""
    lo = hi = None
    if issued is not None:
        lo = hi = issued_at_of(issued)
    elif issued_from is not None:
        lo = issued_at_of(issued_from)
    rows = read_forecasts(
        data_dir,
        KIND,
        target_ids=cities,
        issued_from=lo,
        issued_to=hi,
        latest_only=issued is None and issued_from is None,
    )
    cols = ["city_code", "issued_at", "target_day", "days_ahead", "variable", "q10", "q50", "q90"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    wide = rows.pivot_table(
        index=["target_id", "issued_at", "target_time", "variable"],
        columns="quantile",
        values="value",
    ).reset_index()
    wide = wide.rename(columns={"target_id": "city_code", 0.1: "q10", 0.5: "q50", 0.9: "q90"})
    wide["target_day"] = wide["target_time"].dt.tz_convert(CST).dt.date
    issue_days = wide["issued_at"].dt.tz_convert(CST).dt.date
    wide["days_ahead"] = [(t - i).days for t, i in zip(wide["target_day"], issue_days, strict=True)]
    wide = wide[cols].sort_values(["city_code", "issued_at", "target_day", "variable"])
    return wide.reset_index(drop=True)


def levels_of(wide: pd.DataFrame) -> pd.DataFrame:
    """AQI, level and primary pollutant (HJ 633 daily report of the median concentrations, via
    :func:`qingshan.forecast.air.forecast_levels`) of each (city, issue, target day); one call
    for every issue, as (city, target day, days ahead) names the issue."""
    cols = ["city_code", "target_day", "days_ahead", "aqi", "level", "primary", "issued_at"]
    if wide.empty:
        return pd.DataFrame(columns=cols)
    long = wide.melt(
        id_vars=["city_code", "target_day", "days_ahead", "variable"],
        value_vars=["q10", "q50", "q90"],
        var_name="q",
    )
    long["quantile"] = long["q"].map({"q10": 0.1, "q50": 0.5, "q90": 0.9})
    lv = forecast_levels(long.drop(columns="q"))
    issues = wide[["city_code", "target_day", "days_ahead", "issued_at"]].drop_duplicates()
    return lv.merge(issues, on=["city_code", "target_day", "days_ahead"], how="left")[cols]
