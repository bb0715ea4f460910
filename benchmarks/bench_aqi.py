"""AQI for millions of station-hours: ``qingshan.standards.aqi`` against PyPI ``aqi-hub``.

Rows are drawn (with replacement, seeded) from the complete station-hours of the published
CNEMC file ``tests/data/china_sites_20190101.csv``: real concentrations, real AQI. Ours runs
vectorised over all rows (``aqi_frame``: AQI, IAQIs, level, category, colour, primary and
exceeding pollutants); the peer (``aqi_hub.aqi_cn``, pure Python, one call per row) is timed on
a sample and compared per row. Agreement is measured two ways:

- against the published practice (HJ 633-2012 ``report="realtime"``, which reproduces CNEMC's
  published AQI on every complete record of the file): how often the peer's hourly AQI differs;
- against HJ 633-2026 hourly (the definition the peer says it implements).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.standards.aqi import aqi_frame

DATA = Path(__file__).parents[1] / "tests" / "data" / "china_sites_20190101.csv"
KEYS = {
    "SO2": "SO2_1h",
    "NO2": "NO2_1h",
    "CO": "CO_1h",
    "O3": "O3_1h",
    "PM10": "PM10_1h",
    "PM2.5": "PM2.5_1h",
}


def _records() -> pd.DataFrame:
    wide = pd.read_csv(DATA, dtype={"date": str})
    long = wide.melt(id_vars=["date", "hour", "type"], var_name="station")
    table = long.pivot_table(
        index=["date", "hour", "station"], columns="type", values="value"
    ).reset_index()
    table = table.rename(columns=KEYS)
    return table[[*KEYS.values(), "AQI"]].dropna().reset_index(drop=True)


def _peer(frame: pd.DataFrame) -> tuple[np.ndarray, float]:
    from aqi_hub.aqi_cn.aqi import cal_aqi_cn, cal_primary_pollutant, get_aqi_level

    cols = [
        frame[k].astype(float).tolist()
        for k in ("PM2.5_1h", "PM10_1h", "SO2_1h", "NO2_1h", "CO_1h", "O3_1h")
    ]
    out = np.empty(len(frame))
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, (pm25, pm10, so2, no2, co, o3) in enumerate(zip(*cols, strict=True)):
            a, iaqi = cal_aqi_cn(pm25, pm10, so2, no2, co, o3, data_type="hourly")
            cal_primary_pollutant(iaqi)
            get_aqi_level(a)
            out[i] = a
    return out, time.perf_counter() - t0


def run(quick: bool = False) -> list[dict]:
    n, n_peer = (200_000, 20_000) if quick else (10_000_000, 100_000)
    base = _records()
    rng = np.random.default_rng(20190101)
    frame = base.iloc[rng.integers(0, len(base), n)].reset_index(drop=True)
    conc = frame[list(KEYS.values())]

    t0 = time.perf_counter()
    ours = aqi_frame(conc, report="realtime", edition="HJ 633-2012")
    t_ours = time.perf_counter() - t0
    published_ok = float((ours["aqi"].to_numpy(dtype=float) == frame["AQI"].to_numpy()).mean())

    sample = frame.iloc[:n_peer]
    peer, t_peer = _peer(sample)
    ours_2012 = ours["aqi"].to_numpy(dtype=float)[:n_peer]
    ours_2026 = aqi_frame(sample[list(KEYS.values())], report="hourly", edition="HJ 633-2026")[
        "aqi"
    ].to_numpy(dtype=float)
    wrong_2012 = float((peer != ours_2012).mean())
    wrong_2026 = float((peer != ours_2026).mean())

    # the exactness traps on their own (HJ 633 Table 1 breakpoints, float vs exact)
    from aqi_hub.aqi_cn.aqi import cal_iaqi_cn

    traps = {"CO_24H 2.2 → 55": cal_iaqi_cn("CO_24H", 2.2), "CO_1H 65.4 → 218": cal_iaqi_cn("CO_1H", 65.4),
             "SO2_24H 523 → 158": cal_iaqi_cn("SO2_24H", 523)}  # fmt: skip

    us_per_row, peer_per_row = t_ours / n * 1e6, t_peer / n_peer * 1e6
    return [
        {"benchmark": f"AQI station-hours, {n:,} rows (peer timed on {n_peer:,})", "ours": us_per_row,
         "peer": peer_per_row, "unit": "µs/row", "ratio": peer_per_row / us_per_row},
        {"benchmark": f"ours: total time for {n:,} rows", "ours": t_ours, "peer": t_peer / n_peer * n,
         "unit": "s (peer extrapolated)", "ratio": (t_peer / n_peer * n) / t_ours},
        {"benchmark": "rows equal to CNEMC published AQI", "ours": published_ok,
         "peer": 1 - float((peer != sample["AQI"].to_numpy()).mean()), "unit": "share", "ratio": ""},
        {"benchmark": "peer ≠ ours, HJ 633-2012 realtime (published practice)", "ours": 0.0, "peer": wrong_2012,
         "unit": "share of rows", "ratio": ""},
        {"benchmark": "peer ≠ ours, HJ 633-2026 hourly", "ours": 0.0, "peer": wrong_2026,
         "unit": "share of rows", "ratio": ""},
        *[{"benchmark": f"trap {k}", "ours": int(k.split("→ ")[1]), "peer": v, "unit": "IAQI", "ratio": ""}
          for k, v in traps.items()],
    ]  # fmt: skip


if __name__ == "__main__":
    import sys

    for row in run(quick="--quick" in sys.argv):
        print(row)
