"""An outlet's QC records as the API reads and changes them, scoped: marks (who may mark, and
the re-judgement a new or revoked mark sets off), verdicts, events and supervision cases.

Scope: the outlet is looked up through :func:`qingshan.monitoring.service.get_site`, so an
outlet out of scope is reported exactly as a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound, PermissionDenied
from qingshan.monitoring.models import Site
from qingshan.monitoring.service import get_site
from qingshan.qc import service
from qingshan.qc.jobs import rejudge_for_mark
from qingshan.qc.models import QCEvent, QCJudgement, QCMark
from qingshan.qc.schemas import EventPublic
from qingshan.qc.supervision import CaseSink, SiteCases
from qingshan.standards.pollutant_codes import GAS_POLLUTANTS
from qingshan.timeseries.store import ObservationStore

__all__ = [
    "check_may_mark",
    "outlet_marks",
    "mark_outlet",
    "revoke_outlet_mark",
    "outlet_judgements",
    "outlet_events",
    "value_basis",
    "outlet_cases",
]


def check_may_mark(user: User, site: Site) -> None:
    """Enterprises mark their own outlets; province and city accounts may correct marks."""
    if user.role is Role.ENTERPRISE and site.enterprise_id in user.enterprise_ids:
        return
    if user.role in (Role.PROVINCE, Role.CITY):
        return
    raise PermissionDenied("only the outlet's enterprise or a province/city account may mark it")


def outlet_marks(
    session: Session, scope: Scope, code: str, *, include_revoked: bool = False
) -> list[QCMark]:
    """The outlet's marks 企业标记 by start (the revoked ones too if asked)."""
    site = get_site(session, scope, code)
    q = select(QCMark).where(QCMark.site_id == site.id)
    if not include_revoked:
        q = q.where(QCMark.revoked_at.is_(None))
    return list(session.scalars(q.order_by(QCMark.start)))


def mark_outlet(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    user: User,
    code: str,
    *,
    kind: str,
    start: datetime,
    end: datetime,
    parameter_code: str | None = None,
    reason: str = "",
    proof: Iterable[str] = (),
    max_days: int | None = None,
    sink: CaseSink | None = None,
) -> QCMark:
    """Enter a mark (checked for kind, order, overlap and length by :func:`.service.add_mark`);
    the stored verdicts whose windows it overlaps are judged again at once (late mark), their
    reports going to ``sink``."""
    site = get_site(session, scope, code)
    check_may_mark(user, site)
    mark = service.add_mark(
        session,
        site_id=site.id,
        kind=kind,
        start=start,
        end=end,
        created_by=user.username,
        parameter_code=parameter_code,
        reason=reason,
        proof=proof,
        max_days=max_days,
    )
    rejudge_for_mark(session, store, mark, sink=sink)
    return mark


def revoke_outlet_mark(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    user: User,
    mark_id: int,
    *,
    sink: CaseSink | None = None,
) -> QCMark:
    """Revoke a mark (kept, with who and when); the verdicts it touched are judged again."""
    mark = session.get(QCMark, mark_id)
    site = None if mark is None else session.get(Site, mark.site_id)
    if site is None:
        raise NotFound(f"no active mark {mark_id}", mark_id=mark_id)
    get_site(session, scope, site.code)  # NotFound when out of scope
    check_may_mark(user, site)
    mark = service.revoke_mark(session, mark_id, by=user.username)
    rejudge_for_mark(session, store, mark, sink=sink)
    return mark


def outlet_judgements(
    session: Session, scope: Scope, code: str, *, current_only: bool = False
) -> list[QCJudgement]:
    """The outlet's verdicts 判定记录, every recomputation kept, newest first."""
    site = get_site(session, scope, code)
    q = select(QCJudgement).where(QCJudgement.site_id == site.id)
    if current_only:
        q = q.where(QCJudgement.superseded_by.is_(None))
    return list(session.scalars(q.order_by(QCJudgement.id.desc())))


def outlet_events(session: Session, scope: Scope, code: str) -> list[EventPublic]:
    """Exceedance events 超标事件 of the outlet's current verdicts, by start, each saying what
    kind of value its maximum is (:func:`value_basis`)."""
    site = get_site(session, scope, code)
    q = (
        select(QCEvent, QCJudgement.limits)
        .join(QCJudgement, QCJudgement.id == QCEvent.judgement_id)
        .where(QCEvent.site_id == site.id, QCJudgement.superseded_by.is_(None))
        .order_by(QCEvent.start)
    )
    return [
        EventPublic.model_validate(ev).model_copy(
            update={
                "value_basis": value_basis(
                    site.kind.value, ev.parameter_code, (limits or {}).get(ev.parameter_code)
                )
            }  # fmt: skip
        )
        for ev, limits in session.execute(q)
    ]


def value_basis(kind: str, parameter_code: str, limit: dict | None) -> str:
    """What an outlet's values are held against the limit as: ``converted`` — the hourly mean
    converted to the reference O2 (gas pollutants with a reference O2: GB 13223-2011 §5.2,
    GB 13271-2014 §5.2, GB 4915-2013 §5.2); ``day_mean`` — the daily mean (water: GB
    3544-2008 §4, HJ 355-2019); ``hour_mean`` otherwise."""
    if kind == "water_outlet" or parameter_code.startswith("w"):
        return "day_mean"
    if parameter_code in GAS_POLLUTANTS and (limit or {}).get("reference_o2") is not None:
        return "converted"
    return "hour_mean"


def outlet_cases(session: Session, scope: Scope, code: str, cases: SiteCases) -> list[dict]:
    """Supervision cases 电子督办 of the outlet, by opening time (read through the cases'
    :class:`~.supervision.SiteCases`)."""
    site = get_site(session, scope, code)
    return cases(session, site.id)
