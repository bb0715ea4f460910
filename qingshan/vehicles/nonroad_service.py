"""Non-road machinery service: the registry (register one machine, import a file all or
nothing, list within a scope) and the low-emission-zone check over every registered machine,
whose hits open cases through the :class:`~qingshan.qc.supervision.CaseSink` Protocol
(idempotent: the same machine in the same zone again opens no second case). The zones are
read through :func:`qingshan.zones.service.zone_index` (the polygon engine)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.errors import PermissionDenied
from qingshan.geo.models import Region
from qingshan.qc.supervision import CaseSink
from qingshan.vehicles.errors import ImportRejected, VehicleError
from qingshan.vehicles.models import NonRoadMachine
from qingshan.vehicles.nonroad import (
    LezHit,
    MachineRow,
    lez_case_report,
    lez_hits,
    parse_machine,
    parse_machine_rows,
)
from qingshan.zones.layers import LayerKind
from qingshan.zones.service import zone_index

__all__ = ["REGISTRARS", "register_machine", "import_machines", "list_machines", "count_by",
           "check_lez", "open_lez_cases"]  # fmt: skip

#: who registers machines: city and county officers (and the province)
REGISTRARS = (Role.PROVINCE, Role.CITY, Role.COUNTY)


def _check_registrar(scope: Scope) -> None:
    if scope.role not in REGISTRARS:
        raise PermissionDenied(
            "non-road machinery is registered by province, city and county officers"
        )


def _store(session: Session, scope: Scope, rows: Sequence[MachineRow], *, synthetic: bool,
           where: Sequence[str]) -> list[str]:  # fmt: skip
    """The problems that keep ``rows`` out (scope, unknown region, code already stored)."""
    problems = []
    codes = [r.code for r in rows]
    taken = set(session.scalars(select(NonRoadMachine.code).where(NonRoadMachine.code.in_(codes))))
    known = set(
        session.scalars(select(Region.code).where(Region.code.in_({r.region_code for r in rows})))
    )
    for r, w in zip(rows, where, strict=True):
        if not r.region_code.startswith(scope.prefix):
            problems.append(
                f"{w}region_code: {r.region_code} is outside your scope ({scope.region_code})"
            )
        elif r.region_code not in known:
            problems.append(f"{w}region_code: {r.region_code} is not a known region")
        if r.code in taken:
            problems.append(f"{w}code: {r.code} is already registered")
    return problems


def register_machine(session: Session, scope: Scope, values: Mapping[str, Any], *, today: date,
                     synthetic: bool = False) -> NonRoadMachine:  # fmt: skip
    """Validate and register one machine; :class:`ImportRejected` listing every problem."""
    _check_registrar(scope)
    row, problems = parse_machine(values, today=today)
    if row is not None:
        problems = _store(session, scope, [row], synthetic=synthetic, where=[""])
    if problems or row is None:
        raise ImportRejected("machine", problems)
    m = NonRoadMachine(**asdict(row), synthetic=synthetic)
    session.add(m)
    session.flush()
    return m


def import_machines(session: Session, scope: Scope, rows: Sequence[Sequence[Any]], *, today: date,
                    synthetic: bool = False) -> int:  # fmt: skip
    """A file's rows (header first) registered all or nothing: :class:`ImportRejected` with
    every row's problems and nothing stored when any row is bad. Returns the count stored."""
    _check_registrar(scope)
    machines, problems = parse_machine_rows(rows, today=today)
    if machines:
        lines = {r.code: n for n, r in _row_numbers(rows, machines)}
        problems += _store(session, scope, machines, synthetic=synthetic,
                           where=[f"row {lines[m.code]}: " for m in machines])  # fmt: skip
    if problems or not machines:
        raise ImportRejected("machines", problems or ["file: no rows"])
    session.add_all([NonRoadMachine(**asdict(m), synthetic=synthetic) for m in machines])
    session.flush()
    return len(machines)


def _row_numbers(
    rows: Sequence[Sequence[Any]], machines: Sequence[MachineRow]
) -> list[tuple[int, MachineRow]]:
    header = [str(h).strip().lstrip("\ufeff") for h in rows[0]]
    col = next(i for i, h in enumerate(header) if h in ("code", "环保编码", "编码"))
    at: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        c = str(raw[col] if col < len(raw) else "").strip().upper()
        at.setdefault(c, n)
    return [(at.get(m.code, 0), m) for m in machines]


def list_machines(session: Session, scope: Scope, *, region_prefix: str = "", stage: str = "",
                  kind: str = "", limit: int = 100, offset: int = 0) -> tuple[list[NonRoadMachine], int]:  # fmt: skip
    """The machines the scope reads (optionally of a region, stage, type), by code; and their count."""
    q = select(NonRoadMachine).where(scope.where(NonRoadMachine.region_code))
    if region_prefix:
        q = q.where(NonRoadMachine.region_code.startswith(region_prefix))
    if stage:
        q = q.where(NonRoadMachine.engine_stage == stage)
    if kind:
        q = q.where(NonRoadMachine.kind == kind)
    total = int(session.scalar(select(func.count()).select_from(q.subquery())) or 0)
    rows = list(session.scalars(q.order_by(NonRoadMachine.code).limit(limit).offset(offset)))
    return rows, total


def count_by(session: Session, scope: Scope, column: str) -> dict[str, int]:
    """Machine counts the scope reads by ``engine_stage``, ``kind`` or ``region_code``."""
    if column not in ("engine_stage", "kind", "region_code"):
        raise VehicleError(
            f"count_by: {column!r} is not engine_stage, kind or region_code", field="column"
        )
    c = getattr(NonRoadMachine, column)
    q = select(c, func.count()).where(scope.where(NonRoadMachine.region_code)).group_by(c)
    return {str(k): int(n) for k, n in session.execute(q)}


def check_lez(session: Session, scope: Scope, on: date) -> list[LezHit]:
    """The registered machines (within the scope) of a prohibited stage whose site lies in a
    low-emission zone in force on ``on``."""
    index = zone_index(session, scope, on, kind=LayerKind.LOW_EMISSION)
    q = select(NonRoadMachine.code, NonRoadMachine.engine_stage, NonRoadMachine.region_code,
               NonRoadMachine.owner, NonRoadMachine.site, NonRoadMachine.lon, NonRoadMachine.lat
               ).where(scope.where(NonRoadMachine.region_code), NonRoadMachine.lon.is_not(None))  # fmt: skip
    machines = [dict(r._mapping) for r in session.execute(q)]
    return lez_hits(machines, index.features, index.geometries)


def open_lez_cases(session: Session, scope: Scope, sink: CaseSink, *, on: date,
                   found_at: datetime) -> dict[str, int]:  # fmt: skip
    """Run :func:`check_lez` and open (or find) one case per hit. Returns source_key → case id."""
    out = {}
    for hit in check_lez(session, scope, on):
        report = lez_case_report(hit, found_at=found_at)
        out[report.source_key] = sink.open_case(session, report)
    return out
