"""Forecast at province scale (``benchmarks/forecast.py``): mlforecast + LightGBM, one global
model, against statsforecast AutoETS per series (on a 200-series sample, scaled — an estimate,
said so in the row). 2,000 hourly series × 2 years; ``--quick``: 100 series × 60 days, AutoETS
on 20. Opt-in (``OPT_IN``): run with ``make bench BENCH_ARGS=forecast`` — it takes minutes."""

from __future__ import annotations

from benchmarks.forecast import compare

#: not part of the default ``make bench`` run; name it to run it
OPT_IN = True


def run(quick: bool = False) -> list[dict]:
    res = compare(100, 60, 20) if quick else compare(2000, 730, 200)
    o, p = res["ours"], res["peer"]
    return [
        {
            "benchmark": f"train + forecast 24 h, {res['series']:,} series × {res['hours_per_series']:,} h",
            "ours": round(o["wall_s"], 1),
            "peer": round(p["wall_s_scaled"], 1),
            "unit": "s",
            "ratio": round(res["ratio"], 1),
            "note": f"peer = AutoETS on {p['sample']} series × {res['series'] / p['sample']:.0f} (scaled)",
        },
        {
            "benchmark": "peak memory",
            "ours": round(o["peak_mb"]),
            "peer": round(p["peak_mb"]),
            "unit": "MB",
            "ratio": round(p["peak_mb"] / o["peak_mb"], 2),
            "note": f"peer process holds {p['sample']} series",
        },
        {
            "benchmark": f"MAE of the 24 h on the {p['sample']}-series sample",
            "ours": round(o["mae_sample"], 3),
            "peer": round(p["mae_sample"], 3),
            "unit": "µg/m³ (synthetic)",
            "ratio": round(p["mae_sample"] / o["mae_sample"], 2),
            "note": "ratio > 1: ours more accurate",
        },
    ]
