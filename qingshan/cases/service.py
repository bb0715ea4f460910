"""The cases service: every rule of the closed loop that touches a session. The public API
other domains and the routes use; the work is in the topic modules re-exported here.

Registering (:mod:`.intake`)
    :func:`register_case` (idempotent reports, group attach, relapse 反弹), :func:`find_duplicates`
    (candidates before registering), :func:`route_unit`.
Acting (:mod:`.lifecycle`)
    :func:`act` (any user event: assign 交办, start 整改, submit 申请验收, return 退回, sign 签字,
    close 销号, reopen, merge, cancel, escalate 督办, note) and the named shortcuts below;
    :func:`fire_system` (the platform's events); :func:`get_case`.
Reading (:mod:`.queries`)
    :func:`list_cases`, :func:`count_by_state`, :func:`case_points`, :func:`case_detail`,
    :func:`available_actions`, :func:`open_case_counts`, :func:`site_cases`,
    :func:`site_cases_public` (QC's ``SiteCases``), :func:`subject_cases` (the cases reported
    about one subject — a plate, a truck, an I/M station — for that subject's page).
Units and signers (:mod:`.directory`)
    :func:`add_unit`, :func:`list_units`, :func:`grant_signer`, :func:`grant_signer_in_scope`,
    :func:`revoke_signer`, :func:`list_signers`; an administrator's, within their region:
    :func:`add_unit_in_scope`, :func:`update_unit_in_scope`, :func:`units_in_scope`,
    :func:`signers_in_scope`, :func:`revoke_signer_in_scope`, :func:`unsigned_regions`.
Deadlines (:mod:`.deadlines`)
    :func:`check_deadlines` (reminders, overdue, the escalation ladder).
Evidence
    :func:`add_evidence`, :func:`evidence_file`; for other domains' files (targets' progress
    reports) :func:`store_evidence`, :func:`stored_evidence_path`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import User
from qingshan.accounts.scope import Scope
from qingshan.cases.deadlines import DeadlineRun, check_deadlines
from qingshan.cases.directory import (
    SignerGrantRow,
    add_unit,
    add_unit_in_scope,
    grant_signer,
    grant_signer_in_scope,
    list_signers,
    list_units,
    open_cases_per_unit,
    regions_under,
    revoke_signer,
    revoke_signer_in_scope,
    signers_in_scope,
    units_in_scope,
    unsigned_regions,
    update_unit_in_scope,
)
from qingshan.cases.errors import CaseNotFound, NotPermitted
from qingshan.cases.evidence import (
    EvidenceLimits,
    Sniffed,
    check_evidence,
    evidence_limits,
    evidence_path,
    store_bytes,
)
from qingshan.cases.intake import (
    CaseDraft,
    Duplicate,
    Registration,
    find_duplicates,
    register_case,
    route_unit,
)
from qingshan.cases.lifecycle import ActionInput, act, fire_system, get_case
from qingshan.cases.models import CaseFile, CaseRecord
from qingshan.cases.queries import (
    CaseDetail,
    CaseFilter,
    CasePage,
    SubjectCase,
    available_actions,
    case_detail,
    case_points,
    count_by_state,
    list_cases,
    open_case_counts,
    site_cases,
    site_cases_public,
    subject_cases,
)
from qingshan.cases.sink import CASES_SINK, CasesSink
from qingshan.cases.workflow import STATE_COLORS, Capacity, CaseEvent, CaseState
from qingshan.timeutil import utcnow

__all__ = [
    "CaseDraft",
    "Registration",
    "Duplicate",
    "register_case",
    "find_duplicates",
    "route_unit",
    "ActionInput",
    "act",
    "fire_system",
    "get_case",
    "assign_case",
    "start_rectification",
    "submit_for_acceptance",
    "return_case",
    "sign_acceptance",
    "close_case",
    "reopen_case",
    "merge_case",
    "cancel_case",
    "escalate_case",
    "add_note",
    "CaseFilter",
    "CasePage",
    "CaseDetail",
    "list_cases",
    "count_by_state",
    "case_points",
    "case_detail",
    "available_actions",
    "open_case_counts",
    "site_cases",
    "site_cases_public",
    "SubjectCase",
    "subject_cases",
    "STATE_COLORS",
    "add_unit",
    "list_units",
    "grant_signer",
    "grant_signer_in_scope",
    "list_signers",
    "revoke_signer",
    "add_unit_in_scope",
    "update_unit_in_scope",
    "units_in_scope",
    "open_cases_per_unit",
    "SignerGrantRow",
    "signers_in_scope",
    "revoke_signer_in_scope",
    "unsigned_regions",
    "regions_under",
    "DeadlineRun",
    "check_deadlines",
    "add_evidence",
    "EvidenceLimits",
    "evidence_limits",
    "evidence_file",
    "store_evidence",
    "closed_on_time",
    "stored_evidence_path",
    "CasesSink",
    "CASES_SINK",
]


def assign_case(
    session: Session,
    user: User,
    case_id: int,
    *,
    unit_id: int | None = None,
    due_at: datetime | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> CaseRecord:
    """交办: dispatch to ``unit_id`` (default: the routed unit) with deadline ``due_at``
    (default: by category and severity, ``data/rules.json``; a past deadline is refused)."""
    inp = ActionInput(reason=reason, unit_id=unit_id, due_at=due_at)
    return act(session, user, case_id, CaseEvent.ASSIGN, inp, now=now)


def start_rectification(
    session: Session, user: User, case_id: int, *, reason: str = "", now: datetime | None = None
) -> CaseRecord:
    """整改: the responsible side starts rectifying (officers or the case's enterprise)."""
    return act(session, user, case_id, CaseEvent.START, ActionInput(reason=reason), now=now)


def submit_for_acceptance(
    session: Session,
    user: User,
    case_id: int,
    *,
    reason: str,
    evidence_ids: Collection[int] = (),
    now: datetime | None = None,
) -> CaseRecord:
    """申请验收: report the rectification done (``reason``: what was done), opening a new
    sign-off round."""
    inp = ActionInput(reason=reason, evidence_ids=tuple(evidence_ids))
    return act(session, user, case_id, CaseEvent.SUBMIT, inp, now=now)


def return_case(
    session: Session, user: User, case_id: int, *, reason: str, now: datetime | None = None
) -> CaseRecord:
    """退回: send a submitted case back to rectification, with the reason."""
    return act(session, user, case_id, CaseEvent.RETURN, ActionInput(reason=reason), now=now)


def sign_acceptance(
    session: Session,
    user: User,
    case_id: int,
    capacity: Capacity | str,
    *,
    comment: str = "",
    now: datetime | None = None,
) -> CaseRecord:
    """签字: ``user`` signs the acceptance as ``capacity`` (department or government); they must
    be entitled for the case's region and must not have signed in the other capacity. The
    second sign-off makes the case accepted (验收通过)."""
    inp = ActionInput(reason=comment, capacity=Capacity(capacity))
    return act(session, user, case_id, CaseEvent.SIGN, inp, now=now)


def close_case(
    session: Session, user: User, case_id: int, *, reason: str = "", now: datetime | None = None
) -> CaseRecord:
    """销号: close an accepted case (both sign-offs present)."""
    return act(session, user, case_id, CaseEvent.CLOSE, ActionInput(reason=reason), now=now)


def reopen_case(
    session: Session,
    user: User,
    case_id: int,
    *,
    kind: str,
    reason: str,
    now: datetime | None = None,
) -> CaseRecord:
    """Reopen an accepted or closed case: ``kind`` ``relapse`` (反弹, counts against the region)
    or ``repeat_complaint`` (重复举报)."""
    inp = ActionInput(reason=reason, kind=kind)
    return act(session, user, case_id, CaseEvent.REOPEN, inp, now=now)


def merge_case(
    session: Session,
    user: User,
    case_id: int,
    into_id: int,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> CaseRecord:
    """合并: merge ``case_id`` into the open case ``into_id``; both histories are kept (the
    target records an ``attach`` event naming the merged case)."""
    inp = ActionInput(reason=reason, into_id=into_id)
    return act(session, user, case_id, CaseEvent.MERGE, inp, now=now)


def cancel_case(
    session: Session, user: User, case_id: int, *, reason: str, now: datetime | None = None
) -> CaseRecord:
    """撤销: cancel an open case, with the reason (e.g. not an environmental problem)."""
    return act(session, user, case_id, CaseEvent.CANCEL, ActionInput(reason=reason), now=now)


def escalate_case(
    session: Session, user: User, case_id: int, *, reason: str, now: datetime | None = None
) -> CaseRecord:
    """Climb one rung of the ladder 通报 → 督办 → 约谈 → 问责 (an officer above the case's
    level)."""
    return act(session, user, case_id, CaseEvent.ESCALATE, ActionInput(reason=reason), now=now)


def add_note(
    session: Session,
    user: User,
    case_id: int,
    *,
    reason: str,
    evidence_ids: Collection[int] = (),
    now: datetime | None = None,
) -> CaseRecord:
    """补充材料: a note (and evidence) in the history, the state unchanged."""
    inp = ActionInput(reason=reason, evidence_ids=tuple(evidence_ids))
    return act(session, user, case_id, CaseEvent.NOTE, inp, now=now)


def add_evidence(
    session: Session,
    scope: Scope,
    case_id: int,
    data: bytes,
    filename: str,
    *,
    limits: EvidenceLimits,
    actor: str,
    now: datetime | None = None,
) -> CaseFile:
    """Store an evidence file of case ``case_id`` under ``limits.root`` (content-addressed,
    checked by :func:`.evidence.check_evidence` against ``limits``, see
    :func:`.evidence.evidence_limits`) and record it; attach it to an event by its id
    (``evidence_ids`` of :func:`submit_for_acceptance`, :func:`add_note`, …). The public may not
    upload to case routes."""
    if scope.role.value == "public":
        raise NotPermitted("the public may not add evidence to cases")
    case = get_case(session, scope, case_id)
    sniffed = check_evidence(data, max_bytes=limits.max_bytes, allowed=limits.allowed)
    store_bytes(limits.root, data, sniffed.sha256)
    row = CaseFile(
        case_id=case.id,
        sha256=sniffed.sha256,
        size=sniffed.size,
        media_type=sniffed.media_type,
        filename=(Path(filename).name or "file")[:200],
        uploaded_by=actor,
        uploaded_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def evidence_file(
    session: Session, scope: Scope, file_id: int, *, root: Path
) -> tuple[CaseFile, Path]:
    """An evidence file of a case in ``scope`` and the path of its bytes."""
    row = session.scalar(select(CaseFile).where(CaseFile.id == file_id))
    if row is None:
        raise CaseNotFound(f"file {file_id}")
    get_case(session, scope, row.case_id)  # scoped like its case
    return row, evidence_path(root, row.sha256)


def store_evidence(data: bytes, *, limits: EvidenceLimits) -> Sniffed:
    """Check ``data`` against ``limits`` and store it content-addressed under ``limits.root``,
    as case evidence is (:func:`.evidence.check_evidence`): for another domain's evidence files
    (targets' progress reports), which keep their own rows. Its hash, type and size."""
    sniffed = check_evidence(data, max_bytes=limits.max_bytes, allowed=limits.allowed)
    store_bytes(limits.root, data, sniffed.sha256)
    return sniffed


def stored_evidence_path(root: Path, sha256: str) -> Path:
    """Where the stored evidence file of hash ``sha256`` lives under ``root``."""
    return evidence_path(root, sha256)


def closed_on_time(
    session: Session, scope: Scope, start: datetime, end: datetime
) -> tuple[int, int]:
    """Cases of ``scope`` closed (销号) in [``start``, ``end``): (closed, of them closed by
    their deadline) — the targets' KPI 按期办结率."""
    on_time = func.sum(func.coalesce((CaseRecord.closed_at <= CaseRecord.due_at).cast(Integer), 0))
    closed, timely = session.execute(
        select(func.count(), on_time).where(
            scope.where(CaseRecord.region_code, CaseRecord.enterprise_id),
            CaseRecord.state == CaseState.CLOSED,
            CaseRecord.closed_at >= start,
            CaseRecord.closed_at < end,
        )
    ).one()
    return int(closed or 0), int(timely or 0)
