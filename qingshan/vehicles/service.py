"""Vehicles service: file imports into the columnar store (all or nothing), reads, and the
station registry. Pages, API and CLI call these; they never touch the store themselves."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.tablefile import looks_like_xlsx, read_csv_rows, read_workbook
from qingshan.vehicles import remote_sensing as rs
from qingshan.vehicles.errors import ImportRejected, VehicleError
from qingshan.vehicles.importer import parse_test_rows, parse_vehicle_rows
from qingshan.vehicles.judge import LimitTable, read_limits
from qingshan.vehicles.models import VehicleStation, VehicleTestLine
from qingshan.vehicles.obd_import import parse_obd_rows
from qingshan.vehicles.rs_import import parse_rs_rows
from qingshan.vehicles.store import VehicleStore

__all__ = [
    "ImportResult",
    "read_rows",
    "import_vehicles",
    "import_tests",
    "import_rs_readings",
    "import_obd_stream",
    "get_store",
    "list_stations",
    "add_station",
]


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: its batch id, its row count and a few counts of what it held
    (vehicles by fuel; tests passed / failed; readings valid / invalid / high)."""

    batch: str
    rows: int
    counts: Mapping[str, int] = field(default_factory=dict)


def get_store(data_dir: Path | str) -> VehicleStore:
    """The store under ``<data_dir>/vehicles``."""
    return VehicleStore.in_data_dir(data_dir)


def read_rows(data: bytes, *, max_bytes: int = 50_000_000) -> list[list[Any]]:
    """The rows of an .xlsx (its first sheet) or a CSV file, told apart by content."""
    if looks_like_xlsx(data):
        sheets = read_workbook(data, max_bytes=max_bytes)
        return next(iter(sheets.values()), [])
    return [list(r) for r in read_csv_rows(data)]


def _drop_row(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["_row"])


def import_vehicles(
    store: VehicleStore,
    rows: Sequence[Sequence[Any]],
    *,
    synthetic: bool = False,
    region_prefix: str = "",
) -> ImportResult:
    """Validate every row and store them as one batch; :class:`ImportRejected` with every
    problem (nothing stored) when any row is bad, a VIN already stored included, and — with
    ``region_prefix`` (the importer's region) — a vehicle registered outside it."""
    frame, problems = parse_vehicle_rows(rows, synthetic=synthetic)
    if len(frame) and region_prefix:
        problems += [f"row {r}: region_code: {c} is outside your region" for r, c in zip(frame["_row"], frame["region_code"], strict=True)
                     if c and not str(c).startswith(region_prefix)]  # fmt: skip
    if len(frame):
        dup = store.existing("vin", list(frame["vin"]), table="vehicles")
        problems += [f"row {r}: vin: {v} is already stored" for r, v in zip(frame["_row"], frame["vin"], strict=True)
                     if v in dup]  # fmt: skip
    if problems or not len(frame):
        raise ImportRejected("vehicles", problems or ["file: no rows"])
    batch = store.write_batch(vehicles=_drop_row(frame))
    return ImportResult(
        batch, len(frame), {str(k): int(n) for k, n in frame["fuel"].value_counts().items()}
    )


def import_tests(
    store: VehicleStore,
    rows: Sequence[Sequence[Any]],
    *,
    table: LimitTable | None = None,
    synthetic: bool = False,
    stations: Collection[str] | None = None,
) -> ImportResult:
    """Validate every test row, judge it (pass/fail computed, never read), store all as one
    batch; :class:`ImportRejected` with every problem when any row is bad (a test_id already
    stored included, and — with ``stations``, the importer's registered stations — a test at
    any other station)."""
    table = read_limits() if table is None else table
    frame, problems = parse_test_rows(rows, table, synthetic=synthetic, stations=stations)
    if len(frame):
        dup = store.existing("test_id", list(frame["test_id"]))
        problems += [f"row {r}: test_id: {t} is already stored" for r, t in zip(frame["_row"], frame["test_id"], strict=True)
                     if t in dup]  # fmt: skip
    if problems or not len(frame):
        raise ImportRejected("tests", problems or ["file: no rows"])
    batch = store.write_batch(tests=_drop_row(frame))
    passed = int(frame["passed"].sum())
    return ImportResult(batch, len(frame), {"passed": passed, "failed": len(frame) - passed})


def import_rs_readings(
    store: VehicleStore,
    rows: Sequence[Sequence[Any]],
    *,
    synthetic: bool = False,
    sites: Collection[str] | None = None,
) -> ImportResult:
    """Validate every remote-sensing reading (:func:`~qingshan.vehicles.rs_import.parse_rs_rows`:
    values outside their measuring range named per row), check its site is registered (``sites``:
    the importer's; None: every registered site) and its reading_id new, store all as one batch
    with ``valid`` computed by the validity rules; :class:`ImportRejected` with every problem,
    nothing stored, when any row is bad."""
    known = set(store.read_rs_sites()["site_code"]) if sites is None else set(sites)
    frame, problems = parse_rs_rows(rows, synthetic=synthetic, sites=known)
    if len(frame):
        months = sorted(set(frame["at"].dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m")))
        dup = set(store.query("SELECT DISTINCT reading_id FROM rs_readings WHERE list_contains(?, reading_id)",
                              rs_months=months, params=[list(frame["reading_id"])])["reading_id"])  # fmt: skip
        problems += [f"row {r}: reading_id: {t} is already stored" for r, t in zip(frame["_row"], frame["reading_id"], strict=True)
                     if t in dup]  # fmt: skip
    if problems or not len(frame):
        raise ImportRejected("remote-sensing readings", problems or ["file: no rows"])
    batch = store.write_batch(rs_readings=_drop_row(frame))
    valid = int(rs.validity(frame).sum())
    high = int(rs.screen(frame)["high"].sum())
    return ImportResult(
        batch, len(frame), {"valid": valid, "invalid": len(frame) - valid, "high": high}
    )


def import_obd_stream(
    store: VehicleStore,
    rows: Sequence[Sequence[Any]],
    *,
    synthetic: bool = False,
    vins: Collection[str] | None = None,
) -> ImportResult:
    """Validate every OBD sample (:func:`~qingshan.vehicles.obd_import.parse_obd_rows`: values
    outside their range named per row), check its truck is a registered vehicle (``vins``: the
    importer's; None: every stored vehicle) and that no sample of the same truck and time is
    stored, then store all as one batch; :class:`ImportRejected` with every problem, nothing
    stored, when any row is bad."""
    known = (
        set(store.query("SELECT DISTINCT vin FROM vehicles")["vin"]) if vins is None else set(vins)
    )
    frame, problems = parse_obd_rows(rows, synthetic=synthetic, vins=known)
    if len(frame):
        days = sorted(set(frame["at"].dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m-%d")))
        got = store.query('SELECT vin, "at" FROM obd_stream WHERE list_contains(?, vin)', obd_days=days,
                          params=[sorted(set(frame["vin"]))])  # fmt: skip
        stored = set(zip(got["vin"], pd.to_datetime(got["at"], utc=True), strict=True))
        problems += [f"row {r}: at: a sample of {v} at this time is already stored"
                     for r, v, t in zip(frame["_row"], frame["vin"], frame["at"], strict=True) if (v, t) in stored]  # fmt: skip
    if problems or not len(frame):
        raise ImportRejected("OBD samples", problems or ["file: no rows"])
    batch = store.write_batch(obd_stream=_drop_row(frame))
    local = frame["at"].dt.tz_convert("Asia/Shanghai").dt.date
    return ImportResult(
        batch, len(frame), {"trucks": int(frame["vin"].nunique()), "days": int(local.nunique())}
    )


def list_stations(session: Session, *, region_prefix: str = "") -> list[VehicleStation]:
    """Stations, optionally those whose region code starts with ``region_prefix``."""
    q = select(VehicleStation).order_by(VehicleStation.station_code)
    if region_prefix:
        q = q.where(VehicleStation.region_code.startswith(region_prefix))
    return list(session.scalars(q))


def add_station(session: Session, *, station_code: str, name: str, region_code: str, lines: Sequence[str],
                synthetic: bool = False) -> VehicleStation:  # fmt: skip
    """Register a station with its lines (``lines[i]`` the comma-separated methods of line i+1)."""
    if session.scalar(select(VehicleStation.id).where(VehicleStation.station_code == station_code)):
        raise VehicleError(f"station {station_code!r} is already registered", field="station_code")
    st = VehicleStation(
        station_code=station_code, name=name, region_code=region_code, synthetic=synthetic
    )
    session.add(st)
    session.flush()
    for i, methods in enumerate(lines, start=1):
        session.add(VehicleTestLine(station_id=st.id, line_no=i, methods=methods))
    return st
