"""The effective transmission rate (有效传输率) of many enterprises at once, for the credit
rule: QC's rule (:func:`qingshan.qc.outlet.outlet_transmission`) applied to one observation
query per batch of outlets instead of one per outlet (a province's 3 months: one scan of the
Parquet store per batch, about a hundred times fewer than outlet by outlet).

The rule, as QC's: over [start, end) an outlet's hourly series should each deliver every hour
(expected = hours × series); an hour is reported when its value is present, valid when
besides its HJ 212 data flag does not fail (:func:`qingshan.qc.timing.hj212_flag_test`) and
it lies outside the outlet's invalidating marks; hours inside a stop mark are exempt
(× series). :func:`qingshan.qc.supervision.transmission_rates` turns the sums into rates
(公告2022年第21号; 《自动监测数据有效传输率统计算法说明》). An enterprise's rate sums its
outlets' hours. ``tests/enforcement/test_transmission.py`` checks it against QC's function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.monitoring.models import Series, Site, SiteKind
from qingshan.qc.flags import Flag
from qingshan.qc.marks import STOP_KINDS, mark_mask
from qingshan.qc.service import mark_interval, site_marks
from qingshan.qc.supervision import transmission_rates
from qingshan.qc.timing import hj212_flag_test
from qingshan.timeseries.store import ObservationStore

__all__ = ["transmission_by_enterprise"]

#: outlets per observation query (bounds the memory of one batch)
BATCH = 120


def transmission_by_enterprise(
    session: Session,
    store: ObservationStore,
    enterprise_ids: Sequence[int],
    start: datetime,
    end: datetime,
) -> dict[int, dict[str, Any]]:
    """Enterprise id → QC's transmission figures (``expected``, ``reported``, ``valid``,
    ``exempt``, ``effective_rate`` …) of its outlets over [``start``, ``end``) [UTC]."""
    ids = sorted(set(enterprise_ids))
    outlets: dict[int, int] = {}  # site → enterprise
    series: dict[int, list[int]] = defaultdict(list)  # site → hourly series
    for site_id, ent, sid in session.execute(
        select(Site.id, Site.enterprise_id, Series.id)
        .join(Series, (Series.site_id == Site.id) & (Series.period == "hour"), isouter=True)
        .where(Site.enterprise_id.in_(ids),
               Site.kind.in_([SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET]))
        .order_by(Site.id)
    ):  # fmt: skip
        outlets[int(site_id)] = int(ent or 0)
        if sid is not None:
            series[int(site_id)].append(int(sid))
    hours = int((end - start) / timedelta(hours=1))
    sums: dict[int, list[int]] = {e: [0, 0, 0, 0] for e in ids}  # expected reported valid exempt
    sites = sorted(outlets)
    for k in range(0, len(sites), BATCH):
        batch = sites[k : k + BATCH]
        wanted = [sid for s in batch for sid in series.get(s, [])]
        obs = (store.query(wanted, start, end, period="hour", columns=["value", "source_flag"])
               if wanted else pd.DataFrame())  # fmt: skip
        by_series = {int(s): g for s, g in obs.groupby("series_id")} if len(obs) else {}
        for site in batch:
            total = sums[outlets[site]]
            ids_of_site = series.get(site, [])
            total[0] += hours * len(ids_of_site)
            frames = [by_series[s] for s in ids_of_site if s in by_series]
            if not frames:
                continue
            o = pd.concat(frames, ignore_index=True)
            present = o["value"].notna().to_numpy()
            total[1] += int(present.sum())
            marks = [mark_interval(m) for m in site_marks(session, site, start, end)]
            ok = present & (np.asarray(hj212_flag_test(o["source_flag"])) != Flag.FAIL)
            if marks:
                ok &= ~mark_mask(o["time"], marks)
                stop = pd.DatetimeIndex(pd.date_range(start, end, freq="h", inclusive="left"))
                total[3] += int(mark_mask(stop, marks, STOP_KINDS).sum()) * len(ids_of_site)
            total[2] += int(ok.sum())
    out = {}
    for e, (expected, reported, valid, exempt) in sums.items():
        rates = transmission_rates(expected, reported, valid, exempt=exempt)
        out[e] = {"expected": expected, "reported": reported, "valid": valid, "exempt": exempt,
                  **rates}  # fmt: skip
    return out
