"""``qingshan vehicles screen`` and ``qingshan vehicles score`` (issue #21), mounted into the
vehicles group by :data:`qingshan.cli.GROUPED`: ``screen`` needs the cases' sink (as the
``vehicles-screening`` job has it, :mod:`qingshan.platform.jobs`), ``score`` the demo's truth
tables (:mod:`qingshan.sim.demo_vehicles`), neither of which the vehicles package may import."""

from __future__ import annotations

import json
import math
from datetime import datetime

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from qingshan.audit import acting_as
from qingshan.cases.service import CASES_SINK
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.sim.demo_vehicles import OBD_TRUTH_TABLE, RS_TRUTH_TABLE, TRUTH_TABLE
from qingshan.timeutil import as_utc, utcnow
from qingshan.vehicles import obd, remote_sensing
from qingshan.vehicles.errors import VehicleError
from qingshan.vehicles.jobs import run_screening
from qingshan.vehicles.scoring import score_flags, score_stations, score_synthetic
from qingshan.vehicles.store import VehicleStore

__all__ = ["screen", "score", "score_store"]

console = Console()


def screen(
    at: datetime | None = typer.Option(
        None, "--at", help="screen as of this time (default now; naive = China Standard Time)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """筛查 Run the vehicles screening once, as the daily job does: the remote-sensing repeat
    rule, the five station-fraud checks over last month's tests, SCR failure and data gaps over
    the last 30 days of OBD — and open (or find) their cases. A re-run opens none twice."""
    settings = get_settings()
    now = utcnow() if at is None else as_utc(at)
    store = VehicleStore.in_data_dir(settings.data_dir)
    with acting_as("cli"), session_scope(get_engine(settings.db_url)) as session:
        run = run_screening(session, CASES_SINK, store, now=now)
    if as_json:
        print(json.dumps(run.__dict__, ensure_ascii=False))
        return
    table = Table("screened 筛查", "input 输入", "cases opened or found 案件")
    table.add_row("remote sensing 遥感", f"{run.readings:,} readings", str(run.rs_cases))
    table.add_row(f"I/M stations {run.period}", f"{run.tests:,} tests", str(run.station_cases))
    table.add_row("OBD 远程监控", f"{run.obd_samples:,} samples", str(run.obd_cases))
    console.print(table)


def score_store(store: VehicleStore) -> pd.DataFrame:
    """Every vehicles check over the whole store scored against the demo's planted truth
    (``station_fraud_truth``, ``rs_high_emitter_truth``, ``obd_truth``): one row per check,
    with ``domain`` (im | rs | obd); a store without the truth tables is a named error."""
    parts = []
    tests = store.read_tests()
    if len(tests):
        truth = store.read_table(TRUTH_TABLE)
        fleet = store.query("SELECT vin, plate, region_code, fuel FROM vehicles")
        parts.append(
            score_stations(tests, truth, tests["station_code"].unique(), fleet).assign(domain="im")
        )
    readings = store.read_rs()
    if len(readings):
        off = remote_sensing.repeat_offenders(remote_sensing.repeat_exceedances(readings))
        parts.append(score_flags({"high_emitter": set(off["plate"])}, store.read_table(RS_TRUTH_TABLE),
                                 readings["plate"].unique()).assign(domain="rs"))  # fmt: skip
    stream = store.read_obd()
    if len(stream):
        flags = {
            "scr_failure": obd.scr_failures(stream).flagged,
            "data_gap": obd.data_gaps(stream).flagged,
        }
        parts.append(
            score_flags(flags, store.read_table(OBD_TRUTH_TABLE), stream["vin"].unique()).assign(
                domain="obd"
            )
        )
    if not parts:
        raise VehicleError(f"nothing to score in {store.root}: build the demo first "
                           "(qingshan demo --build-only) or use --synthetic", field="store")  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    return out[["domain", *[c for c in out.columns if c != "domain"]]]


def _fmt(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def score(
    synthetic: bool = typer.Option(
        False, "--synthetic", help="score seeded synthetic frames instead of the demo store"
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="the synthetic frames' seed"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """评分 Recall and false-alarm rate of the station-fraud, remote-sensing and OBD checks
    against the patterns planted in the demo store (or, with --synthetic, in seeded synthetic
    frames). Goal: recall ≥ 0.9 and false alarms ≤ 2 % for each."""
    if synthetic:
        result = score_synthetic(seed)
    else:
        result = score_store(VehicleStore.in_data_dir(get_settings().data_dir))
    if as_json:
        rows = result.astype(object).where(result.notna(), None).to_dict("records")
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("domain", "check", "planted", "detected", "recall", "clean", "false alarms",
                  "false-alarm rate", "goal met")  # fmt: skip
    for r in result.to_dict("records"):
        table.add_row(r["domain"], r["check"], str(r["planted"]), str(r["detected"]), _fmt(r["recall"]),
                      str(r["clean"]), str(r["false_alarms"]), _fmt(r["false_alarm_rate"]),
                      "yes" if r["goal_met"] else "no")  # fmt: skip
    console.print(table)
