"""The batch transmission rate the credit rule uses equals QC's per-outlet rule
(:func:`qingshan.qc.outlet.outlet_transmission`) summed over an enterprise's outlets: missing
hours, an HJ 212 flag that fails, an invalidating mark (故障) and a stop mark (停运)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from qingshan.db.engine import session_scope
from qingshan.enforcement.transmission import transmission_by_enterprise
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.qc.models import QCMark
from qingshan.qc.outlet import outlet_transmission
from qingshan.timeseries.store import ObservationStore

START = datetime(2026, 10, 1, tzinfo=UTC)
END = START + timedelta(days=2)


def test_batch_equals_qc_rule(engine, world, tmp_path):
    store = ObservationStore(tmp_path / "obs")
    a, b = world.enterprises["330106"][:2]
    rows = []
    with session_scope(engine) as s:
        sites = []
        for k, (ent, kind) in enumerate([(a, SiteKind.GAS_OUTLET), (a, SiteKind.WATER_OUTLET),
                                          (b, SiteKind.GAS_OUTLET)]):  # fmt: skip
            site = Site(code=f"T{k}", name=f"排口{k}", kind=kind, region_code="330106",
                        control_level=ControlLevel.PROVINCIAL, enterprise_id=ent)  # fmt: skip
            s.add(site)
            s.flush()
            sites.append(site)
            for p, code in enumerate(
                ("a21026", "a21002") if kind is SiteKind.GAS_OUTLET else ("w01018",)
            ):
                sid = get_or_create_series(s, site, code, Period.HOUR, "mg/m³").id
                for h in range(48):
                    if (h + k + p) % 7 == 0:  # a missing hour now and then
                        continue
                    rows.append(dict(series_id=sid, time=pd.Timestamp(START) + pd.Timedelta(hours=h),
                                     period="hour", value=10.0 + h, raw_value=10.0 + h,
                                     source_flag="D" if h % 11 == 0 else "N", source="test"))  # fmt: skip
        s.add(QCMark(site_id=sites[0].id, kind="故障", start=START + timedelta(hours=5),
                     end=START + timedelta(hours=9), created_by="t", created_at=START))  # fmt: skip
        s.add(QCMark(site_id=sites[2].id, kind="停运", start=START + timedelta(hours=20),
                     end=START + timedelta(hours=30), created_by="t", created_at=START))  # fmt: skip
        s.flush()
        store.append(pd.DataFrame(rows), "test")
        batch = transmission_by_enterprise(
            s, store, [a, b, world.enterprises["330106"][2]], START, END
        )
        for ent, outlets in ((a, sites[:2]), (b, sites[2:])):
            per = [outlet_transmission(s, store, o.id, START, END) for o in outlets]
            for key in ("expected", "reported", "valid", "exempt"):
                assert batch[ent][key] == sum(r[key] for r in per), (ent, key)
        assert batch[b]["exempt"] == 10 * 2 and 0 < batch[a]["effective_rate"] < 1
        assert batch[world.enterprises["330106"][2]]["effective_rate"] is None  # no outlet
    store.close()
