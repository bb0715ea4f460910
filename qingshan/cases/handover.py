"""Importing the central inspection hand-over list (督察交办件): all or nothing.

The file is read and every row checked (:mod:`.handover_file`), then, against the database:
a 所在地区 outside the importing account's region, and the 办理时限 of an item not yet imported
that has already passed. Any problem refuses the whole list (:class:`HandoverRejected`, every
problem with its row and column) before a row is written. Then each row is registered through
the core's intake (source ``central_inspection``, keyed by its 交办编号: importing the list
again finds the same cases, so the import is idempotent), and — when an account dispatches
the import and the row's 责任单位 names an active responsible unit of its region — handed over
(交办) to that unit with the list's 办理时限 as the deadline. One transaction: the caller's
session commits all of it or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.service import find_enterprise
from qingshan.cases.directory import list_units
from qingshan.cases.errors import BadCaseInput, CaseError, NotPermitted
from qingshan.cases.handover_file import (
    HandoverRejected,
    HandoverRow,
    RowProblem,
    parse_handover,
    read_table,
)
from qingshan.cases.intake import CaseDraft, register_case
from qingshan.cases.lifecycle import ActionInput, act
from qingshan.cases.models import CaseSource
from qingshan.cases.workflow import CaseEvent, CaseState
from qingshan.geo.regions import in_scope
from qingshan.timeutil import CST, as_cst, utcnow

__all__ = [
    "SOURCE",
    "IMPORTERS",
    "HandoverResult",
    "import_handover",
    "importing_account",
    "HandoverRejected",
    "RowProblem",
]

SOURCE = "central_inspection"
#: the roles that import the list and dispatch its items (province and city bureaus)
IMPORTERS = frozenset({Role.PROVINCE, Role.CITY})


@dataclass(frozen=True)
class ImportedRow:
    row: int
    number: str  # 交办编号
    case_id: int
    case_number: str | None
    outcome: str  # new | existing | attached | relapse
    dispatched: bool
    note: str = ""  # why it was not dispatched


@dataclass(frozen=True)
class HandoverResult:
    filename: str
    rows: list[ImportedRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def dispatched(self) -> int:
        return sum(1 for r in self.rows if r.dispatched)

    def summary(self) -> str:
        return (
            f"{self.filename}: {len(self.rows)} rows — {self.count('new')} new, "
            f"{self.count('existing')} already imported, {self.count('relapse')} relapses "
            f"(反弹); {self.dispatched} dispatched (交办)"
        )


def _checks(
    session: Session,
    rows: list[HandoverRow],
    scope: Scope | None,
    now: datetime,
    letters: dict[str, str],
) -> list[RowProblem]:
    """Problems only the database can tell: the region outside the importer's, a deadline
    passed for an item not yet imported."""
    keys = [r.number for r in rows]
    existing = set(
        session.scalars(
            select(CaseSource.source_key).where(
                CaseSource.source == SOURCE, CaseSource.source_key.in_(keys)
            )
        )
    )
    problems = []
    for r in rows:
        if scope is not None and not in_scope(r.region_code, scope.region_code):
            problems.append(RowProblem(r.row, letters["所在地区"], "所在地区",
                                       f"{r.region_code} is outside your region {scope.region_code}"))  # fmt: skip
        elif r.number not in existing and r.deadline <= now:
            problems.append(RowProblem(r.row, letters["办理时限"], "办理时限",
                                       f"{as_cst(r.deadline):%Y-%m-%d} has passed"))  # fmt: skip
    return problems


def _draft(session: Session, r: HandoverRow, filename: str, now: datetime) -> CaseDraft:
    found = find_enterprise(session, r.enterprise) if r.enterprise else None
    occurred = now if r.handed_over is None else datetime.combine(r.handed_over, time(9), CST)
    return CaseDraft(
        source=SOURCE, category=r.category, severity=r.severity,
        title=f"督察交办 {r.number}：{' '.join(r.description.split())[:60]}"[:200],
        region_code=r.region_code, occurred_at=min(occurred, now), description=r.description,
        enterprise_id=None if found is None else found[0],
        longitude=r.longitude, latitude=r.latitude, place=r.place, source_key=r.number,
        evidence={"序号": r.seq, "交办编号": r.number, "责任单位": r.unit,
                  "办理时限": f"{as_cst(r.deadline):%Y-%m-%d}", "交办日期":
                  None if r.handed_over is None else r.handed_over.isoformat(),
                  "督察批次": r.batch, "涉及企业": r.enterprise, "file": filename, "row": r.row},
    )  # fmt: skip


def import_handover(
    session: Session,
    data: bytes,
    filename: str,
    *,
    actor: str,
    max_bytes: int,
    max_rows: int,
    scope: Scope | None = None,
    dispatcher: User | None = None,
    now: datetime | None = None,
) -> HandoverResult:
    """Import the list in ``data`` (an .xlsx or .csv file named ``filename``).

    ``scope``: the importing officer's (rows outside it are refused); None from the command
    line. ``dispatcher``: the account that hands the new items over (交办) to the units their
    责任单位 names, with the list's deadlines; None leaves them registered (待交办).

    Raises
    ------
    HandoverRejected
        The file or any row is bad (every problem named by row and column); nothing is stored.
    """
    now = now or utcnow()
    name = Path(filename).name or "list"
    table = read_table(data, name, max_bytes=max_bytes)
    rows = parse_handover(table, today=as_cst(now).date(), max_rows=max_rows)
    letters = table.letters()
    problems = _checks(session, rows, scope, now, letters)
    if problems:
        raise HandoverRejected(problems)
    units = list_units(session)
    result = HandoverResult(name)
    for r in rows:
        try:
            reg = register_case(
                session, _draft(session, r, name, now), actor=actor, scope=scope, now=now
            )
        except CaseError as exc:
            problems.append(RowProblem(r.row, "", "", exc.message))
            continue
        dispatched, note = False, ""
        if reg.outcome in ("new", "relapse") and reg.case.state in (
            CaseState.REGISTERED,
            CaseState.REOPENED,
        ):
            unit = next(
                (u for u in units if u.name == r.unit and in_scope(r.region_code, u.region_code)),
                None,
            )
            if dispatcher is None:
                note = "no dispatching account: registered, to be dispatched (待交办)"
            elif unit is None:
                note = f"责任单位 {r.unit!r} is no active responsible unit of {r.region_code}: to be dispatched by hand"
            else:
                inp = ActionInput(
                    reason=f"督察交办件 {r.number}", unit_id=unit.id, due_at=r.deadline
                )
                try:
                    act(session, dispatcher, reg.case.id, CaseEvent.ASSIGN, inp, now=now)
                except CaseError as exc:
                    problems.append(
                        RowProblem(r.row, letters.get("责任单位", ""), "责任单位", exc.message)
                    )
                    continue
                dispatched = True
        result.rows.append(
            ImportedRow(
                r.row, r.number, reg.case.id, reg.case.number, reg.outcome, dispatched, note
            )
        )
    if problems:
        raise HandoverRejected(problems)
    return result


def importing_account(session: Session, username: str) -> User:
    """The account ``username`` that imports and dispatches a list (province or city), else
    :class:`BadCaseInput` (no such account) or :class:`NotPermitted` (another role)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise BadCaseInput("as", f"no account {username!r}")
    if user.role not in IMPORTERS:
        raise NotPermitted(
            f"{username} ({user.role.value}) may not import the hand-over list: province and "
            "city accounts do"
        )
    return user
