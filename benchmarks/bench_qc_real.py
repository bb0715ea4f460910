"""``qc check`` on real CNEMC station data with inserted faults (``benchmarks/qc_real.py``): the
Jan–Sep 2019 Zhejiang station file shipped with the demo (the shared
``zhejiang_sites_2019-01_to_09.csv.gz`` restricted to the six measured types), 300 faults of
each kind, seed 2019. ``QINGSHAN_CNEMC_FILE`` names another CNEMC file. ``--quick``: the first
10 stations, 30 faults of each kind."""

from __future__ import annotations

import os

from benchmarks.qc_real import DEFAULT_FILE, score_file


def run(quick: bool = False) -> list[dict]:
    path = os.environ.get("QINGSHAN_CNEMC_FILE", str(DEFAULT_FILE))
    res = score_file(path, seed=2019, per_kind=30 if quick else 300, sites=10 if quick else None)
    rows: list[dict] = [
        {
            "kind": k["kind"],
            "faults": k["faults"],
            "rows": k["fault_rows"],
            "recall": k["recall"],
            "by parameter": " ".join(f"{c}:{r:.3f}" for c, r in k["recall_by_parameter"].items()),
        }
        for k in res["kinds"]
    ]
    rows.append(
        {
            "kind": "untouched rows flagged",
            "faults": 0,
            "rows": res["untouched_rows"],
            "recall": res["untouched_flag_rate"],
            "by parameter": " ".join(
                f"{c}:{r:.5f}" for c, r in res["untouched_flags_by_check"].items()
            ),
        }
    )
    return rows
