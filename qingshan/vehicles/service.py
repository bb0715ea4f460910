"""Vehicles service: file imports into the columnar store (all or nothing), reads, and the
station registry. Pages, API and CLI call these; they never touch the store themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.tablefile import looks_like_xlsx, read_csv_rows, read_workbook
from qingshan.vehicles.errors import ImportRejected, VehicleError
from qingshan.vehicles.importer import parse_test_rows, parse_vehicle_rows
from qingshan.vehicles.judge import LimitTable, read_limits
from qingshan.vehicles.models import VehicleStation, VehicleTestLine
from qingshan.vehicles.store import VehicleStore

__all__ = [
    "ImportResult",
    "read_rows",
    "import_vehicles",
    "import_tests",
    "get_store",
    "list_stations",
    "add_station",
]


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: its batch id and its row count."""

    batch: str
    rows: int


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
    store: VehicleStore, rows: Sequence[Sequence[Any]], *, synthetic: bool = False
) -> ImportResult:
    """Validate every row and store them as one batch; :class:`ImportRejected` with every
    problem (nothing stored) when any row is bad, a VIN already stored included."""
    frame, problems = parse_vehicle_rows(rows, synthetic=synthetic)
    if len(frame):
        dup = store.existing("vin", list(frame["vin"]), table="vehicles")
        problems += [f"row {r}: vin: {v} is already stored" for r, v in zip(frame["_row"], frame["vin"], strict=True)
                     if v in dup]  # fmt: skip
    if problems or not len(frame):
        raise ImportRejected("vehicles", problems or ["file: no rows"])
    batch = store.write_batch(vehicles=_drop_row(frame))
    return ImportResult(batch, len(frame))


def import_tests(
    store: VehicleStore,
    rows: Sequence[Sequence[Any]],
    *,
    table: LimitTable | None = None,
    synthetic: bool = False,
) -> ImportResult:
    """Validate every test row, judge it (pass/fail computed, never read), store all as one
    batch; :class:`ImportRejected` with every problem when any row is bad (a test_id already
    stored included)."""
    table = read_limits() if table is None else table
    frame, problems = parse_test_rows(rows, table, synthetic=synthetic)
    if len(frame):
        dup = store.existing("test_id", list(frame["test_id"]))
        problems += [f"row {r}: test_id: {t} is already stored" for r, t in zip(frame["_row"], frame["test_id"], strict=True)
                     if t in dup]  # fmt: skip
    if problems or not len(frame):
        raise ImportRejected("tests", problems or ["file: no rows"])
    batch = store.write_batch(tests=_drop_row(frame))
    return ImportResult(batch, len(frame))


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
