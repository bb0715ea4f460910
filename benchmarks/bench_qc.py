"""QC checks against SaQC (GPL-3.0, benchmark only) and ioos_qc (QARTOD): one year of minute
data (525,600 points) × 20 series, the same checks side by side, time ratios and flag agreement.

Equivalent checks compared:

============  ==========================================  ==================================
check         ours                                        peer
============  ==========================================  ==================================
gross range   ``gross_range_test`` (fail + suspect span)  ioos ``gross_range_test``; SaQC ``flagRange`` (fail span)
spike         ``spike_test`` (average method)             ioos ``spike_test(method="average")``
rate change   ``rate_of_change_test``                     ioos ``rate_of_change_test``
flat line     ``flat_line_test`` (QARTOD / whole run)     ioos ``flat_line_test``; SaQC ``flagConstants``
robust z      ``mad_outlier_test``                        SaQC ``flagZScore(method="modified")``
============  ==========================================  ==================================

Fairness: the same arrays in for every library (our times include building any Series /
time arrays we need, theirs building the DataFrame SaQC needs), one warm-up run on the first
series, then the best of the same number of runs (``REPS``) for every library.

Agreement = share of points where both say "flagged" (SUSPECT or FAIL) or both say not.
SaQC is never imported by ``qingshan``: it is GPL and sits in benchmarks/requirements.txt only.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from qingshan.qc import checks as C

N_YEAR = 525_600
SERIES = 20
P = dict(
    fail_span=(0.0, 500.0),
    suspect_span=(0.0, 200.0),
    spike=(15.0, 40.0),
    roc=0.5,
    flat=(600, 1800),
    tol=0.05,
    window=61,
    z=6.0,
)


def _data(n: int, k: int) -> tuple[pd.DatetimeIndex, np.ndarray]:
    rng = np.random.default_rng(7)
    t = pd.date_range("2025-01-01", periods=n, freq="min", tz="UTC")
    x = 40 + np.cumsum(rng.normal(0, 0.3, (k, n)), axis=1) * 0.2 + rng.normal(0, 2, (k, n))
    x = np.round(np.abs(x), 2)
    for i in range(k):  # faults: spikes, flat runs, out-of-range values
        idx = rng.choice(n, n // 2000, replace=False)
        x[i, idx] += rng.uniform(30, 300, idx.size)
        for s in rng.choice(n - 100, n // 20000, replace=False):
            x[i, s : s + int(rng.integers(15, 90))] = x[i, s]
    return t, x


#: repetitions per check, the same for every library (best of N after a warm-up)
REPS = {
    "gross range": 5,
    "spike": 5,
    "rate of change": 5,
    "flat line": 3,
    "flat line (whole run)": 3,
    "robust z": 2,
}


def _timed(name, fn, x):
    """Best wall time of ``REPS[name]`` runs of ``fn`` over all series, after one warm-up run
    on the first series (imports, caches, first-call dispatch paid outside the timing)."""
    fn(x[:1])
    best, out = np.inf, None
    for _ in range(REPS[name]):
        t0 = time.perf_counter()
        out = fn(x)
        best = min(best, time.perf_counter() - t0)
    return best, out


def _flagged_ours(a) -> np.ndarray:
    return np.isin(np.asarray(a), (3, 4))


def _ours(t, x) -> dict:
    tol = P["tol"] * (1 - 1e-6)
    checks = {
        "gross range": lambda r: C.gross_range_test(r, P["fail_span"], P["suspect_span"]),
        "spike": lambda r: C.spike_test(r, *P["spike"]),
        "rate of change": lambda r: C.rate_of_change_test(r, t, P["roc"]),
        "flat line": lambda r: C.flat_line_test(r, t, *P["flat"], tolerance=tol, whole_run=False),
        "flat line (whole run)": lambda r: C.flat_line_test(r, t, P["flat"][0], tolerance=P["tol"]),
        "robust z": lambda r: C.mad_outlier_test(r, P["window"], P["z"]),
    }
    return {k: _timed(k, lambda xs, f=f: [f(r) for r in xs], x) for k, f in checks.items()}


def _ioos(t, x) -> dict | str:
    try:
        from ioos_qc import qartod as q
    except ImportError as exc:  # pragma: no cover
        return f"ioos_qc not installed: {exc}"
    tn = t.tz_localize(None).to_numpy()
    checks = {
        "gross range": lambda r: q.gross_range_test(r, P["fail_span"], P["suspect_span"]),
        "spike": lambda r: q.spike_test(r, *P["spike"], method="average"),
        "rate of change": lambda r: q.rate_of_change_test(r, tn, P["roc"]),
        "flat line": lambda r: q.flat_line_test(r, tn, *P["flat"], tolerance=P["tol"]),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {k: _timed(k, lambda xs, f=f: [f(r) for r in xs], x) for k, f in checks.items()}


def _saqc(t, x) -> dict | str:
    try:
        import saqc
    except ImportError as exc:  # pragma: no cover
        return f"saqc not installed: {exc}"
    index = t.tz_localize(None)
    w = int(P["flat"][0] // 60) + 1
    checks = {
        "gross range": ("flagRange", dict(min=P["fail_span"][0], max=P["fail_span"][1])),
        "flat line (whole run)": ("flagConstants", dict(window=w, thresh=P["tol"])),
        "robust z": (
            "flagZScore",
            dict(method="modified", window=P["window"], thresh=P["z"], center=True),
        ),
    }

    def run(xs, func_name, kw):
        cols = [f"s{i}" for i in range(xs.shape[0])]
        qc = saqc.SaQC(pd.DataFrame(xs.T, index=index, columns=cols))
        qc = getattr(qc, func_name)(cols, **kw)
        return [qc.flags[c].to_numpy() > 0 for c in cols]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            k: _timed(k, lambda xs, fn=fn, kw=kw: run(xs, fn, kw), x)
            for k, (fn, kw) in checks.items()
        }


def _agree(ours, peer, name, peer_is_qartod) -> float:
    a = [_flagged_ours(o) for o in ours]
    b = [(np.isin(np.asarray(p), (3, 4)) if peer_is_qartod else np.asarray(p, bool)) for p in peer]
    if name == "gross range" and not peer_is_qartod:  # SaQC flags the fail span only
        a = [np.asarray(o) == 4 for o in ours]
    return float(np.mean([np.mean(i == j) for i, j in zip(a, b, strict=True)]))


def run(quick: bool) -> list[dict]:
    n, k = (20_000, 2) if quick else (N_YEAR, SERIES)
    t, x = _data(n, k)
    ours = _ours(t, x)
    rows = []
    points = n * k
    for peer_name, peer in (("ioos_qc 3.0", _ioos(t, x)), ("SaQC 2.9", _saqc(t, x))):
        if isinstance(peer, str):
            rows.append(
                {
                    "benchmark": f"qc vs {peer_name}",
                    "ours": None,
                    "peer": None,
                    "unit": "s",
                    "ratio": None,
                    "note": peer,
                }
            )
            continue
        for name, (pt, pflags) in peer.items():
            ot, oflags = ours[name]
            rows.append(
                {
                    "benchmark": f"{name}: {points:,} points vs {peer_name}",
                    "ours": round(ot, 4),
                    "peer": round(pt, 4),
                    "unit": "s",
                    "ratio": round(pt / ot, 1) if ot > 0 else None,
                    "agreement": round(
                        _agree(oflags, pflags, name, peer_name.startswith("ioos")), 5
                    ),
                }
            )
    return rows


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--quick" in sys.argv), indent=1))
