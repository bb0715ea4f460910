"""The bureau's notices (通知公告): write, publish, withdraw, read, receipts.

Who may do what (the rules of reading are in :mod:`.rules`):

- a bureau account (province, city, county) writes notices of its own region or a region
  inside it, publishes and withdraws those of its region; every change is audited (the session's
  actor, :func:`qingshan.audit.log.acting_as`);
- an enterprise account reads the published notices meant for it (:func:`notices_for`) and
  marks them read (:func:`mark_read`); the bureau sees who read what (:func:`receipts`);
- everyone reads the published public notices (:func:`public_notices`).

A notice is never deleted: withdrawing hides it from readers and keeps it in the record.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.service import directory_entry, enterprise_names
from qingshan.cases.service import EvidenceLimits, store_evidence, stored_evidence_path
from qingshan.geo.regions import in_scope
from qingshan.portal.notices.errors import (
    NoticeError,
    NoticeIllegalStep,
    NoticeNotFound,
    NoticeNotPermitted,
)
from qingshan.portal.notices.models import Notice, NoticeRead
from qingshan.portal.notices.rules import (
    AUDIENCES,
    MAX_BODY,
    MAX_TITLE,
    STEPS,
    allowed_steps,
    ancestors,
    check_listed,
    enterprise_may_read,
    officer_may_read,
    render_body,
)
from qingshan.timeutil import utcnow

__all__ = [
    "NoticeView",
    "Receipt",
    "create_notice",
    "update_notice",
    "publish_notice",
    "withdraw_notice",
    "notices_for",
    "public_notices",
    "get_notice",
    "list_notices",
    "mark_read",
    "receipts",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: the most notices one list returns
MAX_LIMIT = 200


@dataclass(frozen=True)
class NoticeView:
    """A notice as a page or the API shows it; ``body_html`` is the safely rendered body;
    ``read_at`` is when the reading account first opened it (None: unread, or not asked)."""

    id: int
    title: str
    body: str
    body_html: str
    audience: str
    region_code: str
    enterprise_ids: list[int]
    attachments: list[dict]
    state: str
    created_by: str
    created_at: datetime
    published_at: datetime | None
    published_by: str | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdraw_reason: str
    synthetic: bool
    read_at: datetime | None = None
    allowed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Receipt:
    """Who read a notice, and when."""

    username: str
    read_at: datetime


def _view(n: Notice, read_at: datetime | None = None) -> NoticeView:
    return NoticeView(
        id=n.id,
        title=n.title,
        body=n.body,
        body_html=render_body(n.body),
        audience=n.audience,
        region_code=n.region_code,
        enterprise_ids=list(n.enterprise_ids or []),
        attachments=list(n.attachments or []),
        state=n.state,
        created_by=n.created_by,
        created_at=n.created_at,
        published_at=n.published_at,
        published_by=n.published_by,
        withdrawn_at=n.withdrawn_at,
        withdrawn_by=n.withdrawn_by,
        withdraw_reason=n.withdraw_reason,
        synthetic=n.synthetic,
        read_at=read_at,
        allowed=allowed_steps(n.state),
    )


def _clamp(limit: int) -> int:
    if limit < 1:
        raise NoticeError(f"limit must be at least 1, got {limit}", field="limit")
    return min(limit, MAX_LIMIT)


def _officer(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise NoticeNotPermitted(
            f"{scope.username} ({scope.role.value}) may not write notices: bureau accounts only"
        )


def _check_fields(
    session: Session,
    scope: Scope,
    title: str,
    body: str,
    audience: str,
    region_code: str,
    enterprise_ids: Collection[int],
) -> tuple[str, list[int]]:
    title = " ".join(title.split())
    if not title:
        raise NoticeError("a notice needs a title", field="title")
    if len(title) > MAX_TITLE:
        raise NoticeError(f"title has {len(title)} characters, at most {MAX_TITLE}", field="title")
    if len(body) > MAX_BODY:
        raise NoticeError(f"body has {len(body)} characters, at most {MAX_BODY}", field="body")
    if audience not in AUDIENCES:
        raise NoticeError(
            f"audience {audience!r} is not one of {', '.join(AUDIENCES)}", field="audience"
        )
    if not in_scope(region_code, scope.region_code):
        raise NoticeNotPermitted(
            f"region {region_code} is outside the scope {scope.region_code} of {scope.username}"
        )
    try:
        ids = check_listed(audience, enterprise_ids)
    except ValueError as exc:
        raise NoticeError(str(exc), field="enterprise_ids") from exc
    for eid in ids:
        entry = directory_entry(session, eid)
        if entry is None:
            raise NoticeError(f"enterprise {eid} is not in the archive", field="enterprise_ids")
        if not in_scope(entry.region_code, region_code):
            raise NoticeError(
                f"enterprise {eid} ({entry.name}, {entry.region_code}) lies outside the "
                f"notice's region {region_code}",
                field="enterprise_ids",
            )
    return title, ids


def create_notice(
    session: Session,
    scope: Scope,
    *,
    title: str,
    body: str = "",
    audience: str,
    region_code: str | None = None,
    enterprise_ids: Collection[int] = (),
    attachments: Sequence[dict] = (),
    publish: bool = False,
    synthetic: bool = False,
    now: datetime | None = None,
) -> NoticeView:
    """Write a notice (a draft, or published at once with ``publish``) of ``region_code``
    (default: the writer's region)."""
    _officer(scope)
    now = now or utcnow()
    region = region_code or scope.region_code
    title, ids = _check_fields(session, scope, title, body, audience, region, enterprise_ids)
    n = Notice(
        title=title,
        body=body,
        audience=audience,
        region_code=region,
        enterprise_ids=ids,
        attachments=[dict(a) for a in attachments],
        state="draft",
        created_by=scope.username,
        created_at=now,
        withdraw_reason="",
        synthetic=synthetic,
    )
    session.add(n)
    session.flush()
    if publish:
        return publish_notice(session, scope, n.id, now=now)
    return _view(n)


def _managed(session: Session, scope: Scope, notice_id: int) -> Notice:
    _officer(scope)
    n = session.get(Notice, notice_id)
    if n is None or not in_scope(n.region_code, scope.region_code):
        raise NoticeNotFound(f"notice {notice_id} not found in {scope.region_code}")
    return n


def _step(n: Notice, event: str) -> str:
    states, to = STEPS[event]
    if n.state not in states:
        raise NoticeIllegalStep(event, n.state, allowed_steps(n.state))
    return to


def update_notice(
    session: Session,
    scope: Scope,
    notice_id: int,
    *,
    title: str,
    body: str,
    audience: str,
    enterprise_ids: Collection[int] = (),
    attachments: Sequence[dict] | None = None,
) -> NoticeView:
    """Edit a draft (a published notice is withdrawn and written again instead)."""
    n = _managed(session, scope, notice_id)
    _step(n, "edit")
    title, ids = _check_fields(session, scope, title, body, audience, n.region_code, enterprise_ids)
    n.title, n.body, n.audience, n.enterprise_ids = title, body, audience, ids
    if attachments is not None:
        n.attachments = [dict(a) for a in attachments]
    session.flush()
    return _view(n)


#: the most attachments of one notice
MAX_ATTACHMENTS = 10


def attach_file(
    session: Session,
    scope: Scope,
    notice_id: int,
    data: bytes,
    filename: str,
    *,
    limits: EvidenceLimits,
) -> NoticeView:
    """Attach a file to a draft: checked and stored content-addressed in the cases evidence
    store (:func:`qingshan.cases.service.store_evidence`: its size limit and file types)."""
    n = _managed(session, scope, notice_id)
    _step(n, "edit")
    if len(n.attachments or []) >= MAX_ATTACHMENTS:
        raise NoticeError(f"a notice has at most {MAX_ATTACHMENTS} attachments", field="file")
    sniffed = store_evidence(data, limits=limits)  # 413 / 415 naming the limit or the type
    meta = {"sha256": sniffed.sha256, "name": (Path(filename).name or "file")[:200],
            "size": sniffed.size, "content_type": sniffed.media_type}  # fmt: skip
    n.attachments = [*(n.attachments or []), meta]
    session.flush()
    return _view(n)


def attachment(
    session: Session, scope: Scope, notice_id: int, sha256: str, *, root: Path
) -> tuple[dict, Path]:
    """An attachment of a notice the caller may read (its metadata and the stored file)."""
    view = get_notice(session, scope, notice_id)
    for meta in view.attachments:
        if meta.get("sha256") == sha256:
            return meta, stored_evidence_path(root, sha256)
    raise NoticeNotFound(f"notice {notice_id} has no attachment {sha256[:12]}")


def publish_notice(
    session: Session, scope: Scope, notice_id: int, *, now: datetime | None = None
) -> NoticeView:
    """Publish a draft: from now on its readers see it."""
    n = _managed(session, scope, notice_id)
    n.state = _step(n, "publish")
    n.published_at = now or utcnow()
    n.published_by = scope.username
    session.flush()
    return _view(n)


def withdraw_notice(
    session: Session, scope: Scope, notice_id: int, *, reason: str, now: datetime | None = None
) -> NoticeView:
    """Withdraw a published notice (with a reason): it leaves the readers' lists and stays in
    the record."""
    reason = reason.strip()
    if not reason:
        raise NoticeError("withdrawing a notice needs a reason", field="reason")
    n = _managed(session, scope, notice_id)
    n.state = _step(n, "withdraw")
    n.withdrawn_at = now or utcnow()
    n.withdrawn_by = scope.username
    n.withdraw_reason = reason[:2000]
    session.flush()
    return _view(n)


def list_notices(
    session: Session, scope: Scope, *, state: str | None = None, limit: int = 50
) -> list[NoticeView]:
    """The bureau's list: every notice of the officer's region and below, in every state,
    newest first."""
    _officer(scope)
    q = select(Notice).where(scope.where(Notice.region_code))
    if state is not None:
        q = q.where(Notice.state == state)
    q = q.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(_clamp(limit))
    return [_view(n) for n in session.scalars(q)]


def _enterprise_regions(session: Session, scope: Scope) -> dict[int, str]:
    regions = {}
    for eid in sorted(scope.enterprises):
        entry = directory_entry(session, eid)
        if entry is not None:
            regions[eid] = entry.region_code
    return regions


def _user_id(session: Session, scope: Scope) -> int | None:
    return session.scalar(
        select(User.id).where(func.lower(User.username) == scope.username.lower())
    )


def _reads(session: Session, user_id: int | None, ids: list[int]) -> dict[int, datetime]:
    if user_id is None or not ids:
        return {}
    rows = session.execute(
        select(NoticeRead.notice_id, NoticeRead.read_at).where(
            NoticeRead.user_id == user_id, NoticeRead.notice_id.in_(ids)
        )
    ).all()
    return {int(i): at for i, at in rows}


def _readable(session: Session, scope: Scope) -> tuple[list[str], Callable[[Notice], bool]]:
    """(candidate regions, predicate notice → bool) of what ``scope`` reads."""
    if scope.role is Role.ENTERPRISE:
        regions = _enterprise_regions(session, scope)
        codes = sorted({a for code in regions.values() for a in ancestors(code)})

        def pred(n: Notice) -> bool:
            return enterprise_may_read(n.audience, n.region_code, n.enterprise_ids, regions)

        return codes, pred
    if scope.role in OFFICERS:

        def pred_o(n: Notice) -> bool:
            return officer_may_read(n.audience, n.region_code, scope.region_code)

        return ancestors(scope.region_code), pred_o
    return [], lambda n: False


def notices_for(session: Session, scope: Scope, *, limit: int = 20) -> list[NoticeView]:
    """The published notices an account may read, newest first, each with when this account
    read it (``read_at``). Enterprise: the public and enterprise notices of its enterprises'
    regions (and the regions above) and those addressed to its enterprises; officer: every
    notice of its region and below and of the regions above it. The public scope reads
    :func:`public_notices`."""
    limit = _clamp(limit)
    if scope.role is Role.PUBLIC:
        return public_notices(session, limit=limit)
    codes, pred = _readable(session, scope)
    q = select(Notice).where(Notice.state == "published")
    if scope.role is Role.ENTERPRISE:
        if not codes:
            return []
        q = q.where(Notice.region_code.in_(codes), Notice.audience != "officers")
    else:
        q = q.where(or_(Notice.region_code.in_(codes), scope.where(Notice.region_code)))
    q = q.order_by(Notice.published_at.desc(), Notice.id.desc())
    out: list[Notice] = []
    page, offset = 200, 0
    while len(out) < limit:  # listed notices are filtered here: read page by page
        batch = list(session.scalars(q.limit(page).offset(offset)))
        out.extend(n for n in batch if pred(n))
        if len(batch) < page:
            break
        offset += page
    out = out[:limit]
    reads = _reads(session, _user_id(session, scope), [n.id for n in out])
    return [_view(n, reads.get(n.id)) for n in out]


def public_notices(session: Session, *, limit: int = 20) -> list[NoticeView]:
    """The published public notices of every region, newest first (the public portal)."""
    q = (
        select(Notice)
        .where(Notice.state == "published", Notice.audience == "public")
        .order_by(Notice.published_at.desc(), Notice.id.desc())
        .limit(_clamp(limit))
    )
    return [_view(n) for n in session.scalars(q)]


def get_notice(session: Session, scope: Scope, notice_id: int) -> NoticeView:
    """One notice: a bureau account reads any of its region (every state); another reader
    only a published one it may read (:class:`NoticeNotFound` otherwise, the same for a
    notice that does not exist)."""
    n = session.get(Notice, notice_id)
    if n is None:
        raise NoticeNotFound(f"notice {notice_id} not found")
    if scope.role in OFFICERS and in_scope(n.region_code, scope.region_code):
        return _view(n, _reads(session, _user_id(session, scope), [n.id]).get(n.id))
    if n.state != "published":
        raise NoticeNotFound(f"notice {notice_id} not found")
    if scope.role is Role.PUBLIC:
        if n.audience != "public":
            raise NoticeNotFound(f"notice {notice_id} not found")
        return _view(n)
    _, pred = _readable(session, scope)
    if not pred(n):
        raise NoticeNotFound(f"notice {notice_id} not found")
    return _view(n, _reads(session, _user_id(session, scope), [n.id]).get(n.id))


def mark_read(
    session: Session, scope: Scope, notice_id: int, *, now: datetime | None = None
) -> NoticeView:
    """Record that the account of ``scope`` read the notice (the first time counts; again is
    a no-op). Only a notice it may read (:class:`NoticeNotFound` otherwise)."""
    view = get_notice(session, scope, notice_id)
    if view.read_at is not None:
        return view
    user_id = _user_id(session, scope)
    if user_id is None:
        raise NoticeNotPermitted("only an account can mark a notice read")
    at = now or utcnow()
    session.add(NoticeRead(notice_id=notice_id, user_id=user_id, username=scope.username,
                           read_at=at))  # fmt: skip
    session.flush()
    return get_notice(session, scope, notice_id)


def receipts(session: Session, scope: Scope, notice_id: int) -> list[Receipt]:
    """Who read a notice of the officer's region, first read first."""
    n = _managed(session, scope, notice_id)
    rows = session.execute(
        select(NoticeRead.username, NoticeRead.read_at)
        .where(NoticeRead.notice_id == n.id)
        .order_by(NoticeRead.read_at, NoticeRead.username)
    ).all()
    return [Receipt(str(u), at) for u, at in rows]


def listed_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """Names of the listed enterprises (for the bureau's pages)."""
    return enterprise_names(session, ids)


def read_counts(session: Session, ids: Collection[int]) -> dict[int, int]:
    """Notice id → how many accounts read it."""
    if not ids:
        return {}
    rows = session.execute(
        select(NoticeRead.notice_id, func.count())
        .where(NoticeRead.notice_id.in_(sorted(ids)))
        .group_by(NoticeRead.notice_id)
    ).all()
    return {int(i): int(c) for i, c in rows}
