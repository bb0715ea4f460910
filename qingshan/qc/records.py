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
from qingshan.qc.supervision import CaseSink, SiteCases
from qingshan.timeseries.store import ObservationStore

__all__ = [
    "check_may_mark",
    "outlet_marks",
    "mark_outlet",
    "revoke_outlet_mark",
    "outlet_judgements",
    "outlet_events",
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


def outlet_events(session: Session, scope: Scope, code: str) -> list[QCEvent]:
    """Exceedance events 超标事件 of the outlet's current verdicts, by start."""
    site = get_site(session, scope, code)
    q = (
        select(QCEvent)
        .join(QCJudgement, QCJudgement.id == QCEvent.judgement_id)
        .where(QCEvent.site_id == site.id, QCJudgement.superseded_by.is_(None))
        .order_by(QCEvent.start)
    )
    return list(session.scalars(q))


def outlet_cases(session: Session, scope: Scope, code: str, cases: SiteCases) -> list[dict]:
    """Supervision cases 电子督办 of the outlet, by opening time (read through the cases'
    :class:`~.supervision.SiteCases`)."""
    site = get_site(session, scope, code)
    return cases(session, site.id)
