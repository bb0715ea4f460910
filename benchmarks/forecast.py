"""Forecast at province scale (issue #15): train and forecast N hourly series × 2 years with the
global model Qingshan uses (mlforecast + LightGBM, one model across all series), against
statsforecast AutoETS (one model per series), each in its own process for its peak memory.

``python -m benchmarks.forecast [--series 2000] [--days 730] [--ets-sample 200] [--json]``

- **Data**: synthetic, seeded (``numpy.random.default_rng(2019)``): per series a level, a
  daily and a weekly cycle and AR(1) noise — the shape of hourly station data, not real data.
- **Ours**: ``MLForecast(LGBMRegressor(100 trees, 31 leaves), lags 1, 2, 3, 24, 168, rolling
  mean 24 of lag 1, hour and day of week)``, fitted on all hours but the last 24 and forecasting
  those 24 (recursive), 2 threads. Time includes feature building.
- **Peer**: ``StatsForecast(AutoETS(season_length=24))`` fitted and forecasting the same 24 h
  on a sample of ``--ets-sample`` series (AutoETS on all 2,000 would take hours on two cores),
  scaled linearly to N series — an estimate, said so in the row. Both report the MAE of the
  24 forecast hours on the same sample, so speed is not bought with accuracy unseen.
- **Peak memory**: ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the child process that does
  the work (data generation included).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

H = 24


def synthetic(n_series: int, days: int, seed: int = 2019) -> pd.DataFrame:
    """``unique_id, ds, y``: hourly series with daily and weekly cycles and AR(1) noise."""
    rng = np.random.default_rng(seed)
    n = days * 24
    t = np.arange(n)
    level = rng.uniform(20, 80, n_series)[:, None]
    daily = rng.uniform(0.1, 0.4, n_series)[:, None] * np.sin(2 * np.pi * (t - 8) / 24)
    weekly = 0.1 * np.sin(2 * np.pi * t / (24 * 7))
    noise = np.empty((n_series, n))
    noise[:, 0] = rng.normal(0, 0.2, n_series)
    eps = rng.normal(0, 0.08, (n_series, n))
    for i in range(1, n):
        noise[:, i] = 0.95 * noise[:, i - 1] + eps[:, i]
    y = np.clip(level * (1 + daily + weekly + noise), 0, None).astype(np.float32)
    ds = pd.date_range("2023-01-01", periods=n, freq="h")
    return pd.DataFrame(
        {
            "unique_id": np.repeat(np.arange(n_series).astype(str), n),
            "ds": np.tile(ds.to_numpy(), n_series),
            "y": y.ravel(),
        }
    )


def _split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    last = df["ds"].max() - pd.Timedelta(hours=H - 1)
    return df[df["ds"] < last], df[df["ds"] >= last]


def _mae(pred: pd.DataFrame, test: pd.DataFrame, column: str, ids: list[str]) -> float:
    m = pred.merge(test, on=["unique_id", "ds"])
    m = m[m["unique_id"].isin(ids)]
    return float(np.mean(np.abs(m[column] - m["y"])))


def _ours(n_series: int, days: int, sample: list[str]) -> dict[str, Any]:
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean

    train, test = _split(synthetic(n_series, days))
    t0 = time.perf_counter()
    mlf = MLForecast(
        models={"lgb": lgb.LGBMRegressor(n_estimators=100, num_leaves=31, n_jobs=2, verbosity=-1)},
        freq="h",
        lags=[1, 2, 3, 24, 168],
        lag_transforms={1: [RollingMean(24)]},
        date_features=["hour", "dayofweek"],
        num_threads=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlf.fit(train)
        t_fit = time.perf_counter() - t0
        pred = mlf.predict(H)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "fit_s": t_fit, "mae_sample": _mae(pred, test, "lgb", sample)}


def _peer(n_series: int, days: int, sample: list[str]) -> dict[str, Any]:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    df = synthetic(n_series, days)
    train, test = _split(df[df["unique_id"].isin(sample)])
    t0 = time.perf_counter()
    sf = StatsForecast(models=[AutoETS(season_length=24)], freq="h", n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = sf.forecast(df=train, h=H)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "mae_sample": _mae(pred, test, "AutoETS", sample)}


def _child(fn_name: str, args: tuple[Any, ...], queue: Any) -> None:
    out = globals()[fn_name](*args)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(out)


def _in_process(fn_name: str, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn_name, args, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def compare(n_series: int = 2000, days: int = 730, ets_sample: int = 200) -> dict[str, Any]:
    """Run both sides; the peer on ``ets_sample`` series, scaled to ``n_series``."""
    rng = np.random.default_rng(7)
    sample = sorted(rng.choice(n_series, size=min(ets_sample, n_series), replace=False).astype(str))
    ours = _in_process("_ours", n_series, days, sample)
    peer = _in_process("_peer", n_series, days, sample)
    scaled = peer["wall_s"] * n_series / len(sample)
    return {
        "series": n_series,
        "hours_per_series": days * 24,
        "rows": n_series * days * 24,
        "ours": ours,
        "peer": {**peer, "sample": len(sample), "wall_s_scaled": scaled},
        "ratio": scaled / ours["wall_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--ets-sample", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    res = compare(args.series, args.days, args.ets_sample)
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        o, p = res["ours"], res["peer"]
        print(f"{res['series']} series × {res['hours_per_series']} h = {res['rows']:,} rows")
        print(f"mlforecast+LightGBM: {o['wall_s']:.1f} s (fit {o['fit_s']:.1f} s), "
              f"peak {o['peak_mb']:.0f} MB, MAE on the sample {o['mae_sample']:.2f}")  # fmt: skip
        print(f"AutoETS on {p['sample']} series: {p['wall_s']:.1f} s, peak {p['peak_mb']:.0f} MB, "
              f"MAE {p['mae_sample']:.2f}; scaled to {res['series']}: {p['wall_s_scaled']:.0f} s")  # fmt: skip
        print(f"ratio (AutoETS scaled / ours): {res['ratio']:.1f}×")


if __name__ == "__main__":
    main()
