"""Case tables (协同指挥 闭环管理). No table is called ``case`` (an SQL keyword).

- ``case_record``: one problem to be fixed — where (region, enterprise, outlet, place), what
  (source, category, severity), its state and the dates the loop passed through;
- ``case_event``: the history, one row per event (who, when, from, to, reason, evidence),
  append-only: never updated, never deleted (:func:`_append_only`);
- ``case_source``: the reports a case stands for (a QC event, a complaint, an inspection
  finding), idempotent on (source, source_key); a merged or relapsed case keeps them all;
- ``case_signoff``: the two acceptance sign-offs (双签字) of each submission round;
- ``case_signer``: who may sign, in what capacity, for which region (a signer attribute of an
  account, not a role);
- ``case_unit``: responsible units (责任单位: a department or a local government) with the
  categories they are competent for;
- ``case_file``: evidence files, stored content-addressed under the data directory;
- ``case_count``: the number of cases per region and state, kept by :func:`_count_insert`,
  :func:`_count_update` and :func:`_count_delete` in the flush that writes the case, so in the
  same transaction (the case list's counts by state read it instead of counting the cases).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import (
    JSON,
    Connection,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    insert,
    inspect,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.cases.errors import CaseError
from qingshan.cases.workflow import Capacity, CaseState
from qingshan.db.base import Base


def _values(enum_cls: type) -> list[str]:
    return [m.value for m in enum_cls]  # type: ignore[attr-defined]


#: stored by value ('registered', 'department'), the strings case_event's states use too
_STATE = Enum(CaseState, native_enum=False, length=16, values_callable=_values)
_CAPACITY = Enum(Capacity, native_enum=False, length=16, values_callable=_values)

__all__ = [
    "CaseRecord",
    "CaseEventRow",
    "CaseSource",
    "CaseSignoff",
    "CaseSigner",
    "ResponsibleUnit",
    "CaseFile",
    "CaseCount",
]


class ResponsibleUnit(Base):
    """A responsible unit (责任单位): a department (责任部门) or a local government (属地政府) of a
    region, competent for some categories (``["*"]``: all)."""

    __tablename__ = "case_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[Capacity] = mapped_column(_CAPACITY)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)


class CaseRecord(Base):
    """One case. ``state`` changes only through :func:`qingshan.cases.service` actions, each
    writing a :class:`CaseEventRow`."""

    __tablename__ = "case_record"
    __table_args__ = (
        Index("ix_case_record_state_region", "state", "region_code"),
        Index("ix_case_record_enterprise_category", "enterprise_id", "category"),
        Index("ix_case_record_registered_at", "registered_at"),
        # 0014_case_counts: the list's overdue counts (an index-only range of the active states'
        # deadlines) and its pages of one state, newest first
        Index("ix_case_record_state_due_region", "state", "due_at", "region_code"),
        Index("ix_case_record_state_registered", "state", "registered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)  # 案件编号
    source: Mapped[str] = mapped_column(String(32), index=True)  # how it was found
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    #: active_history: the old value is loaded before a change, for ``case_count``
    state: Mapped[CaseState] = mapped_column(_STATE, active_history=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str] = mapped_column(
        ForeignKey("region.code"), index=True, active_history=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    parameter_code: Mapped[str | None] = mapped_column(String(16))
    longitude: Mapped[float | None] = mapped_column(Float)  # WGS-84
    latitude: Mapped[float | None] = mapped_column(Float)
    place: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("case_unit.id"))
    occurred_at: Mapped[datetime]  # when the problem was found (the report's time)
    registered_at: Mapped[datetime]
    registered_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: the acceptance round: +1 at every submission (sign-offs belong to one round)
    round: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    relapse_count: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))
    updated_at: Mapped[datetime]


class CaseEventRow(Base):
    """One event in a case's history (append-only)."""

    __tablename__ = "case_event"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        Index("ix_case_event_event_at", "event", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … per case
    event: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list] = mapped_column(JSON, default=list)  # case_file ids
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class CaseSource(Base):
    """A report a case stands for; ``(source, source_key)`` is unique, so reporting the same
    problem again (a QC window judged again) finds its case."""

    __tablename__ = "case_source"
    __table_args__ = (UniqueConstraint("source", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(String(160))
    #: reports of one group attach to the group's open case (e.g. a fraud pattern at an outlet)
    group_key: Mapped[str | None] = mapped_column(String(160), index=True)
    reported_at: Mapped[datetime]
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # the report's evidence


class CaseSignoff(Base):
    """One acceptance sign-off (验收签字) of a submission round."""

    __tablename__ = "case_signoff"
    __table_args__ = (UniqueConstraint("case_id", "round", "capacity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[Capacity] = mapped_column(_CAPACITY)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")


class CaseSigner(Base):
    """An account's entitlement to sign acceptances in ``capacity`` for cases in
    ``region_code`` (and the regions under it)."""

    __tablename__ = "case_signer"
    __table_args__ = (UniqueConstraint("user_id", "capacity", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    capacity: Mapped[Capacity] = mapped_column(_CAPACITY)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime]


class CaseFile(Base):
    """An evidence file: content-addressed (``sha256``) under ``<data_dir>/evidence/``."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]


class HistoryIsAppendOnly(CaseError):
    """An attempt to change or delete a row of a case's history."""

    status_code = 500


@event.listens_for(CaseEventRow, "before_update")
@event.listens_for(CaseEventRow, "before_delete")
def _append_only(mapper, connection, target: CaseEventRow) -> None:
    raise HistoryIsAppendOnly(
        f"case_event {target.id} of case {target.case_id}: the history is append-only",
        case_id=target.case_id,
    )


class CaseCount(Base):
    """How many cases of ``region_code`` are in ``state``: what the case list's counts by state
    (and its total) read for a region scope, summing a few hundred rows at most instead of
    counting every case of the scope on every page. Kept exact by the mapper events below,
    in the flush that inserts, changes or deletes the case (one transaction); a bulk write that
    bypasses the ORM (``insert(CaseRecord)`` in a script) calls
    :func:`qingshan.cases.counts.recount_cases` after it."""

    __tablename__ = "case_count"
    __audited__ = False  # derived from case_record, whose changes are audited

    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    state: Mapped[CaseState] = mapped_column(_STATE, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


def _add_counts(connection: Connection, deltas: Mapping[tuple[str, CaseState], int]) -> None:
    """Add ``deltas`` ((region, state) → ±n) to ``case_count``, in key order (two transactions
    moving cases between the same states lock the rows in the same order: no deadlock)."""
    for (region, state), d in sorted(deltas.items(), key=lambda kv: (kv[0][0], kv[0][1].value)):
        if d == 0:
            continue
        name = connection.dialect.name
        if name in ("postgresql", "sqlite"):
            ins = (postgresql if name == "postgresql" else sqlite).insert(CaseCount)
            connection.execute(
                ins.values(region_code=region, state=state, n=d).on_conflict_do_update(
                    index_elements=["region_code", "state"],
                    set_={"n": CaseCount.n + ins.excluded.n},
                )
            )
            continue
        done = connection.execute(  # another dialect: update, else insert
            update(CaseCount)
            .where(CaseCount.region_code == region, CaseCount.state == state)
            .values(n=CaseCount.n + d)
        )
        if done.rowcount == 0:
            connection.execute(insert(CaseCount).values(region_code=region, state=state, n=d))


def _before(target: CaseRecord) -> tuple[str, CaseState]:
    """The (region, state) a case was counted under before this flush's changes."""
    attrs = inspect(target).attrs
    out = []
    for name in ("region_code", "state"):
        hist = getattr(attrs, name).history
        out.append(hist.deleted[0] if hist.deleted else getattr(target, name))
    return out[0], CaseState(out[1])


@event.listens_for(CaseRecord, "after_insert")
def _count_insert(mapper, connection: Connection, target: CaseRecord) -> None:
    _add_counts(connection, {(target.region_code, CaseState(target.state)): 1})


@event.listens_for(CaseRecord, "after_update")
def _count_update(mapper, connection: Connection, target: CaseRecord) -> None:
    old = _before(target)
    new = (target.region_code, CaseState(target.state))
    if old != new:
        _add_counts(connection, {old: -1, new: 1})


@event.listens_for(CaseRecord, "after_delete")
def _count_delete(mapper, connection: Connection, target: CaseRecord) -> None:
    _add_counts(connection, {_before(target): -1})
