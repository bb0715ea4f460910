"""QC → cases through the sink: a real exceedance event opens one case (idempotent when judged
again), a fraud pattern's run opens one (grouped per outlet and pattern), the archive's and
QC's counts come from the cases, and the QC case walks to 销号."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select

from qingshan.cases import service
from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.workflow import CaseState
from qingshan.db.engine import session_scope
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.app import outlet_counts
from qingshan.qc import service as qc_service

from .conftest import NOW, user

T0 = pd.Timestamp("2026-03-01 00:00", tz="UTC")
LIMITS = {"a21026": {"limit": 35.0, "standard": "GB 13223-2011 超低排放", "source": "permit"}}


def _outlet(s, world) -> int:
    site = Site(code="XH-GAS1", name="1号锅炉排口", kind=SiteKind.GAS_OUTLET,
                control_level=ControlLevel.ENTERPRISE, region_code="330106",
                enterprise_id=world.ent, longitude=120.1, latitude=30.25,
                attrs={"source_type": "coal_boiler_ultralow"})  # fmt: skip
    s.add(site)
    s.flush()
    return site.id


def _frame(so2) -> pd.DataFrame:
    n = len(so2)
    t = pd.date_range(T0, periods=n, freq="h")
    o2 = np.full(n, 6.0) + (np.arange(n) % 3) * 0.01
    return pd.concat(
        [
            pd.DataFrame({"time": t, "parameter": "a21026", "value": so2, "flag": "N"}),
            pd.DataFrame({"time": t, "parameter": "a19001", "value": o2, "flag": "N"}),
        ],
        ignore_index=True,
    )


def _judge(s, site_id, frame, hours):
    window = (T0.to_pydatetime(), (T0 + pd.Timedelta(hours=hours)).to_pydatetime())
    return qc_service.judge_site(
        s, frame, site_id=site_id, window=window, industry="thermal_power",
        source_type="coal_boiler_ultralow", limits=LIMITS, now=NOW, sink=service.CASES_SINK,
    )  # fmt: skip


def test_an_exceedance_event_opens_one_case_and_walks_to_closure(engine, world):
    so2 = np.array([20, 21, 19, 70, 70, 70, 22, 20, 18, 21, 20, 19.5])
    with session_scope(engine) as s:
        site_id = _outlet(s, world)
        j1, _ = _judge(s, site_id, _frame(so2), 12)
        case = s.scalars(select(CaseRecord)).one()
        assert (case.source, case.category, case.severity) == (
            "qc_exceedance",
            "emission_exceedance",
            "major",
        )
        assert (case.region_code, case.enterprise_id, case.site_id, case.parameter_code) == (
            "330106", world.ent, site_id, "a21026")  # fmt: skip
        assert (
            case.title.startswith("超标督办 二氧化硫 a21026 超标")
            and "(2026-03-01 11:00 起 3 个时段)" in case.title
        )
        assert case.state is CaseState.REGISTERED and case.unit_id == world.dept_unit
        src = s.scalars(select(CaseSource)).one()
        assert src.payload["rule"]["limit"] == 35.0 and src.payload["judgement_id"] == j1.id
        assert src.payload["event"]["periods"] == 3 and len(src.payload["series"]) == 12
        # judged again: the same case, the evidence says so
        j2, _ = _judge(s, site_id, _frame(so2), 12)
        assert s.scalars(select(CaseRecord)).one().id == case.id
        assert s.scalars(select(CaseSource)).one().payload["rejudged"] == [j2.id]
        # the counts the archive and QC pages show come from the cases service
        assert outlet_counts(s, [site_id]) == ({site_id: 1}, {site_id: 1})
        assert [c["id"] for c in service.site_cases_public(s, site_id)] == [case.id]
        # the loop
        service.assign_case(s, user(s, "xihu"), case.id, now=NOW)
        service.start_rectification(s, user(s, "owner"), case.id, now=NOW)
        service.submit_for_acceptance(
            s, user(s, "owner"), case.id, reason="脱硫系统检修完成", now=NOW
        )
        service.sign_acceptance(s, user(s, "dept"), case.id, "department", now=NOW)
        service.sign_acceptance(s, user(s, "gov"), case.id, "government", now=NOW)
        service.close_case(s, user(s, "xihu"), case.id, now=NOW)
        assert case.state is CaseState.CLOSED
        assert outlet_counts(s, [site_id])[0] == {}


def test_a_limit_hugging_run_opens_a_fraud_case(engine, world):
    # 24 h of SO2 between 0.8 and 1.0 × 35 (converted at O2 ≈ 6 %): 贴限排放
    so2 = 31.0 + (np.arange(24) % 5) * 0.7
    with session_scope(engine) as s:
        site_id = _outlet(s, world)
        _judge(s, site_id, _frame(so2), 24)
        rows = s.execute(select(CaseRecord, CaseSource).join(CaseSource)).all()
        hugging = [
            (c, r) for c, r in rows if r.payload.get("pattern", {}).get("check") == "limit_hugging"
        ]
        assert hugging, [r.source_key for _, r in rows]
        case, report = hugging[0]
        assert (case.source, case.category) == ("qc_pattern", "monitoring_fraud")
        assert report.group_key == f"{site_id}:limit_hugging" and "贴限排放" in case.title
        assert report.payload["run"]["points"] >= 20
        n = len(rows)
        # the same window judged again: nothing new
        _judge(s, site_id, _frame(so2), 24)
        assert len(s.execute(select(CaseSource)).all()) == n
