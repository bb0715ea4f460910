"""Remote-sensing screening → cases: the service step between the pure repeat rule
(:mod:`qingshan.vehicles.remote_sensing`) and the case workflow, reached only through the
:class:`~qingshan.qc.supervision.CaseSink` Protocol the registry passes in (as QC, waste and
zones do). Idempotent: the same readings screened again open no second case."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.vehicles import fraud
from qingshan.vehicles import obd as obd_checks
from qingshan.vehicles import remote_sensing as rs
from qingshan.vehicles.case_subjects import truck_subject

__all__ = ["open_rs_cases", "open_station_cases", "obd_case_reports", "open_obd_cases"]


def open_rs_cases(
    session: Session,
    sink: CaseSink,
    readings: pd.DataFrame,
    sites: pd.DataFrame,
    rules: rs.RSRules | None = None,
) -> dict[str, int]:
    """Screen ``readings`` with the repeat rule and open (or find) one case per non-compliant
    plate in ``session``'s transaction. Returns plate → case id."""
    offenders = rs.repeat_offenders(rs.repeat_exceedances(readings, rules))
    reports = rs.case_reports(offenders, readings, sites, rules)
    return {str(r.evidence["plate"]): sink.open_case(session, r) for r in reports}


def open_station_cases(
    session: Session,
    sink: CaseSink,
    tests: pd.DataFrame,
    stations: pd.DataFrame,
    *,
    period: str,
    found_at: datetime,
    vehicles: pd.DataFrame | None = None,
) -> dict[str, int]:
    """Run the five station-fraud checks over ``tests`` (one screening ``period``) and open (or
    find) one case per flagged station. Returns station_code → case id."""
    results = fraud.run_checks(tests, vehicles)
    reports = fraud.station_case_reports(results, stations, period=period, found_at=found_at)
    return {str(r.evidence["station_code"]): sink.open_case(session, r) for r in reports}


#: OBD check → (case category, title words, what to do)
_OBD_CASES = {
    "scr_failure": ("air_pollution", "重型柴油车SCR失效或尿素系统疑似被屏蔽",
                    "请通知车辆所有人检查尿素喷射与后处理系统，必要时路检或入户检查。"),
    "data_gap": ("monitoring_fraud", "重型柴油车远程排放监控数据行驶中中断",
                 "请核查车载终端是否被拔除或屏蔽（HJ 1239 车载终端应持续上传）。"),
}  # fmt: skip


def obd_case_reports(
    results: list[obd_checks.OBDResult], vehicles: pd.DataFrame, *, period: str
) -> list[CaseReport]:
    """One :class:`CaseReport` per flagged truck and check over the screened ``period`` (a label
    such as ``2026-11-07..2026-12-06``). ``source_key`` = ``vehicles:obd:<check>:<vin>:<first
    episode start>`` — screening an overlapping window again reports the same key, so a re-run
    opens nothing twice; ``group_key`` = ``vehicles:obd:<vin>``. Region: the vehicle's
    ``region_code`` (``vehicles``: vin, plate, region_code), 330000 when the VIN is not in the
    fleet. Position: the episode's first sample when the evidence has it. Severity: general
    below 2 h of failure / silence, serious from 2 h, major from 8 h (platform grading)."""
    info = vehicles.drop_duplicates("vin").set_index("vin") if len(vehicles) else None
    out = []
    for r in results:
        category, words, todo = _OBD_CASES[r.check]
        start_col = "start" if r.check == "scr_failure" else "from"
        for vin, ev in r.evidence.groupby("vin", sort=True):
            ev = ev.sort_values(start_col)
            first = pd.Timestamp(ev[start_col].iloc[0])
            minutes = float(ev["minutes"].sum())
            plate, region = "", "330000"
            if info is not None and vin in info.index:
                plate = str(info.at[vin, "plate"])
                region = str(info.at[vin, "region_code"])
            severity = "major" if minutes >= 480 else "serious" if minutes >= 120 else "general"
            out.append(
                CaseReport(
                    source=rs.CASE_SOURCE,
                    source_key=f"vehicles:obd:{r.check}:{vin}:{first.isoformat()}",
                    region_code=region,
                    category=category,
                    severity=severity,
                    title=f"{words}：{plate or vin}"[:200],
                    occurred_at=first.floor("us").to_pydatetime(),
                    description=(
                        f"{period} 远程排放监控筛查：车辆 {plate} {vin} 共 {len(ev)} 段、"
                        f"{minutes:.0f} 分钟。规则：{r.rule}。{todo}"
                    ),
                    group_key=truck_subject(str(vin)),
                    evidence={
                        "vin": str(vin),
                        "plate": plate,
                        "check": r.check,
                        "period": period,
                        "rule": r.rule,
                        "minutes": round(minutes, 1),
                        "episodes": ev.head(20).astype(str).to_dict("records"),
                    },
                )
            )
    return out


def open_obd_cases(
    session: Session,
    sink: CaseSink,
    stream: pd.DataFrame,
    vehicles: pd.DataFrame,
    *,
    period: str,
) -> dict[str, int]:
    """Run the SCR-failure and data-gap checks over ``stream`` and open (or find) one case per
    flagged truck and check. Returns ``<check>:<vin>`` → case id."""
    if stream.empty:
        return {}
    results = [obd_checks.scr_failures(stream), obd_checks.data_gaps(stream)]
    reports = obd_case_reports(results, vehicles, period=period)
    return {
        f"{r.evidence['check']}:{r.evidence['vin']}": sink.open_case(session, r) for r in reports
    }
