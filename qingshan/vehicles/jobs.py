"""The vehicles' periodic job (listed in :mod:`qingshan.platform.jobs`): ``vehicles-screening``.

Once a day it screens the store (:class:`~qingshan.vehicles.store.VehicleStore`) and opens cases
through the :class:`~qingshan.qc.supervision.CaseSink` the registry passes in:

- remote sensing: the repeat rule (:mod:`qingshan.vehicles.remote_sensing`, reference §1 [MC]:
  the same pollutant over on 2 consecutive valid readings within 6 natural months) over the
  readings of the current and the 6 previous CST months, so every qualifying pair is seen;
- I/M stations: the five station-fraud checks (:mod:`qingshan.vehicles.fraud`) over the tests of
  the last complete CST month (period ``YYYY-MM``);
- OBD: SCR failure and data gaps (:mod:`qingshan.vehicles.obd`) over the last ``OBD_DAYS`` CST
  days.

Every case key is stable (see :mod:`qingshan.vehicles.screening_service`), so a re-run — or the
next day's overlapping window — opens nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.audit import acting_as
from qingshan.db.engine import session_scope
from qingshan.jobs.job import JobContext
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import utcnow
from qingshan.vehicles.models import VehicleStation
from qingshan.vehicles.screening_service import open_obd_cases, open_rs_cases, open_station_cases
from qingshan.vehicles.store import VehicleStore

__all__ = ["OBD_DAYS", "Screening", "run_screening", "run_vehicles_screening"]

CST = "Asia/Shanghai"
#: the OBD window a daily run screens (platform: a failure that started in the last 30 days)
OBD_DAYS = 30


@dataclass(frozen=True)
class Screening:
    readings: int
    rs_cases: int
    period: str
    tests: int
    station_cases: int
    obd_samples: int
    obd_cases: int

    def summary(self) -> str:
        return (
            f"remote sensing: {self.readings:,} readings → {self.rs_cases} repeat high emitter "
            f"case(s); I/M {self.period}: {self.tests:,} tests → {self.station_cases} station "
            f"case(s); OBD: {self.obd_samples:,} samples → {self.obd_cases} truck case(s)"
        )


def _months_back(today: pd.Timestamp, n: int) -> list[str]:
    first = today.to_period("M")
    return [str(first - i) for i in range(n + 1)]


def _stations(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(VehicleStation.station_code, VehicleStation.name, VehicleStation.region_code)
    ).all()
    return pd.DataFrame(rows, columns=["station_code", "name", "region_code"])


def run_screening(
    session: Session, sink: CaseSink, store: VehicleStore, *, now: datetime
) -> Screening:
    """Screen the store as of ``now`` and open (or find) the cases in ``session``."""
    today = pd.Timestamp(now).tz_convert(CST).tz_localize(None).normalize()
    readings = store.read_rs(_months_back(today, 6))
    sites = store.read_rs_sites()
    rs_cases = open_rs_cases(session, sink, readings, sites) if len(readings) else {}

    period = str(today.to_period("M") - 1)
    tests = store.read_tests([period])
    fleet = store.query("SELECT vin, plate, region_code, fuel FROM vehicles")
    station_cases: dict[str, int] = {}
    if len(tests):
        station_cases = open_station_cases(
            session, sink, tests, _stations(session), period=period, found_at=now,
            vehicles=fleet if len(fleet) else None,
        )  # fmt: skip

    days = [str((today - pd.Timedelta(days=i)).date()) for i in range(1, OBD_DAYS + 1)]
    stream = store.read_obd(days)
    obd_period = f"{days[-1]}..{days[0]}"
    obd_cases = open_obd_cases(session, sink, stream, fleet, period=obd_period)
    return Screening(len(readings), len(set(rs_cases.values())), period, len(tests),
                     len(set(station_cases.values())), len(stream), len(set(obd_cases.values())))  # fmt: skip


def run_vehicles_screening(ctx: JobContext, sink: CaseSink) -> str:
    """``vehicles-screening``: :func:`run_screening` over ``$QINGSHAN_DATA_DIR/vehicles`` now."""
    store = VehicleStore.in_data_dir(ctx.settings.data_dir)
    with acting_as("scheduler"), session_scope(ctx.engine) as session:
        run = run_screening(session, sink, store, now=utcnow())
    return run.summary()
