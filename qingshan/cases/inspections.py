"""On-site inspection findings (现场检查) registered by an officer: a case of source
``inspection`` through the core's intake, with the candidates :func:`~.intake.find_duplicates`
finds shown first (the officer joins one, or registers a new case), and the inspection's
files (photos, the 现场检查笔录 as PDF) checked whole before anything is stored."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.service import scope_of
from qingshan.archive.service import find_enterprise
from qingshan.cases.complaints import Photo
from qingshan.cases.errors import BadCaseInput, EvidenceRejected, NotPermitted
from qingshan.cases.evidence import EvidenceLimits, check_evidence, store_bytes
from qingshan.cases.intake import CaseDraft, Duplicate, Registration, find_duplicates, register_case
from qingshan.cases.locate import region_for_point
from qingshan.cases.models import CaseFile
from qingshan.timeutil import utcnow

__all__ = [
    "INSPECTORS",
    "InspectionInput",
    "inspection_draft",
    "inspection_duplicates",
    "register_inspection",
]

#: who registers on-site findings
INSPECTORS = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})
MAX_FILES = 10


@dataclass(frozen=True)
class InspectionInput:
    category: str
    severity: str
    title: str
    region_code: str | None
    description: str = ""
    enterprise: str = ""
    place: str = ""
    longitude: float | None = None
    latitude: float | None = None
    inspected_at: datetime | None = None
    files: Sequence[Photo] = field(default_factory=tuple)


def inspection_draft(
    session: Session, user: User, inp: InspectionInput, *, now: datetime
) -> CaseDraft:
    """The case draft of an inspection finding (:class:`BadCaseInput` naming a bad field;
    :class:`NotPermitted` for an account that does not inspect)."""
    if user.role not in INSPECTORS:
        raise NotPermitted(f"{user.username} ({user.role.value}) does not register inspections")
    region = region_for_point(inp.longitude, inp.latitude, inp.region_code or None)
    enterprise_id = None
    if inp.enterprise.strip():
        found = find_enterprise(session, inp.enterprise)
        if found is None:
            raise BadCaseInput(
                "enterprise",
                f"{inp.enterprise.strip()!r} names no enterprise of the archive "
                "(its registered name or 统一社会信用代码)",
            )
        enterprise_id = found[0]
    when = inp.inspected_at or now
    if when < now - timedelta(days=366):
        raise BadCaseInput("inspected_at", "more than a year ago")
    return CaseDraft(
        source="inspection", category=inp.category, severity=inp.severity,
        title=inp.title.strip(), region_code=region, occurred_at=when,
        description=inp.description.strip(), enterprise_id=enterprise_id,
        longitude=inp.longitude, latitude=inp.latitude, place=inp.place.strip()[:200],
        source_key=f"{user.username}:{uuid.uuid4().hex}",
        evidence={"inspector": user.username, "files": len(inp.files)},
    )  # fmt: skip


def register_inspection(
    session: Session,
    user: User,
    inp: InspectionInput,
    *,
    limits: EvidenceLimits,
    join_case_id: int | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register the finding (or attach it to ``join_case_id``, a candidate the officer chose
    among :func:`~.intake.find_duplicates`' for the draft) and store its files on the case."""
    now = now or utcnow()
    draft = inspection_draft(session, user, inp, now=now)
    if len(inp.files) > MAX_FILES:
        raise BadCaseInput("files", f"at most {MAX_FILES} files, got {len(inp.files)}")
    checked = []
    for f in inp.files:
        try:
            checked.append(
                check_evidence(f.data, max_bytes=limits.max_bytes, allowed=limits.allowed)
            )
        except EvidenceRejected as exc:
            raise type(exc)(f"file {f.filename!r}: {exc.message}", **exc.context) from None
    if join_case_id is not None:
        scope = scope_of(user)
        if not any(
            d.case.id == join_case_id for d in find_duplicates(session, draft, scope=scope, now=now)
        ):
            raise BadCaseInput("join", f"case {join_case_id} is not a candidate of this finding")
        draft = replace(draft, join_case_id=join_case_id)
    reg = register_case(session, draft, actor=user.username, scope=scope_of(user), now=now)
    for f, s in zip(inp.files, checked, strict=True):
        store_bytes(limits.root, f.data, s.sha256)
        session.add(
            CaseFile(
                case_id=reg.case.id,
                sha256=s.sha256,
                size=s.size,
                media_type=s.media_type,
                filename=(f.filename.rsplit("/", 1)[-1] or "file")[:200],
                uploaded_by=user.username,
                uploaded_at=now,
            )  # fmt: skip
        )
    session.flush()
    return reg


def inspection_duplicates(
    session: Session, user: User, inp: InspectionInput, *, now: datetime | None = None
) -> list[Duplicate]:
    """The cases the finding may duplicate (same enterprise or nearby, same category, recent),
    in the officer's scope: shown before it is registered."""
    now = now or utcnow()
    draft = inspection_draft(session, user, inp, now=now)
    return find_duplicates(session, draft, scope=scope_of(user), now=now)
