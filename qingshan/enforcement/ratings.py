"""Credit ratings over the database: compute and store grades (history on change), list them
by grade within a scope, one enterprise's grade with reasons and history.

A grade is never typed in: :func:`rate_enterprises` scores each enterprise's record with the
rule (:func:`qingshan.enforcement.credit.score_credit`) and stores a new ``credit_rating`` row
when the grade or the rule version changed, marking it ``current`` (the previous one stays as
the grade history); a changed score or reasons within the same grade update the current row. The scheduler's ``credit`` job and the
on-demand recomputation (page button, API, CLI) both call it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_names
from qingshan.enforcement.credit import CreditRule, Finding, credit_rule, score_credit
from qingshan.enforcement.errors import BadEnforcementInput, EnforcementNotFound
from qingshan.enforcement.models import CreditRating
from qingshan.enforcement.schemas import (
    CreditDetail,
    CreditHistoryEntry,
    CreditPage,
    CreditRatingPublic,
    CreditReason,
    GradeCount,
)
from qingshan.errors import PermissionDenied
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region, in_scope, scope_prefix

__all__ = [
    "EnterpriseRecord",
    "CreditRun",
    "rate_enterprises",
    "list_ratings",
    "rating_detail",
    "current_grades",
    "grade_history",
]


@dataclass(frozen=True)
class EnterpriseRecord:
    """What the rule scores of one enterprise: its region and findings."""

    enterprise_id: int
    region_code: str
    findings: Sequence[Finding] = field(default_factory=tuple)


@dataclass(frozen=True)
class CreditRun:
    rated: int
    changed: int
    as_of: date
    rule_version: str
    by_grade: Mapping[str, int]
    updated: int = 0  # same grade, score or reasons refreshed in place

    def __str__(self) -> str:
        grades = ", ".join(f"{k} {v}" for k, v in self.by_grade.items())
        return (
            f"{self.rated} enterprises rated on {self.as_of} by {self.rule_version} "
            f"({self.changed} new grades, {self.updated} scores updated): {grades}"
        )


def _same(row: CreditRating, score: float, grade: str, reasons: list, version: str) -> bool:
    return (row.score, row.grade, row.rule_version) == (score, grade, version) and [
        (r["key"], r["points"], r.get("veto")) for r in row.reasons
    ] == [(r["key"], r["points"], r.get("veto")) for r in reasons]


def rate_enterprises(
    session: Session,
    records: Sequence[EnterpriseRecord],
    *,
    as_of: date,
    now: datetime,
    rule: CreditRule | None = None,
) -> CreditRun:
    """Score every record on ``as_of`` [CST date] and store the grades that changed (computed
    at ``now``). Returns the counts; nothing is stored if a record is bad."""
    rule = rule or credit_rule()
    results = [(r, score_credit(r.findings, rule, as_of=as_of)) for r in records]
    ids = [r.enterprise_id for r in records]
    current = {
        row.enterprise_id: row
        for row in session.scalars(
            select(CreditRating).where(CreditRating.current, CreditRating.enterprise_id.in_(ids))
        )
    }
    changed = updated = 0
    by_grade = {g.key: 0 for g in rule.grades}
    for rec, res in results:
        by_grade[res.grade.key] += 1
        reasons = res.reasons()
        old = current.get(rec.enterprise_id)
        if old is not None and (old.grade, old.rule_version) == (res.grade.key, rule.version):
            if not _same(old, res.score, res.grade.key, reasons, rule.version):
                old.score, old.vetoed, old.reasons = res.score, res.vetoed, reasons
                old.region_code = rec.region_code  # computed_at stays: when the grade began
                updated += 1
            if old.as_of != as_of:
                old.as_of = as_of  # evaluated again, nothing changed
            continue
        if old is not None:
            old.current = False
        session.add(
            CreditRating(
                enterprise_id=rec.enterprise_id,
                region_code=rec.region_code,
                rule_version=rule.version,
                as_of=as_of,
                computed_at=now,
                score=res.score,
                grade=res.grade.key,
                colour=res.grade.colour,
                vetoed=res.vetoed,
                reasons=reasons,
                current=True,
            )
        )
        changed += 1
    session.flush()
    return CreditRun(len(results), changed, as_of, rule.version, by_grade, updated)


def _names(rule: CreditRule, grade: str) -> tuple[str, str]:
    try:
        g = rule.grade(grade)
        return g.zh, g.en
    except KeyError:  # a grade of an earlier rule version
        return grade, grade


def _public(row: CreditRating, name: str, rule: CreditRule) -> CreditRatingPublic:
    region = get_region(row.region_code)
    zh, en = _names(rule, row.grade)
    return CreditRatingPublic(
        enterprise_id=row.enterprise_id,
        enterprise_name=name,
        region_code=row.region_code,
        region_name=region.name,
        region_name_en=region.name_en,
        score=row.score,
        grade=row.grade,
        grade_name=zh,
        grade_name_en=en,
        colour=row.colour,
        vetoed=row.vetoed,
        rule_version=row.rule_version,
        as_of=row.as_of,
        computed_at=row.computed_at,
    )


def list_ratings(
    session: Session,
    scope: Scope,
    *,
    grade: str | None = None,
    region: str | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
    rule: CreditRule | None = None,
) -> CreditPage:
    """The current grades in ``scope`` (province: all; city: its counties; county: its own;
    an enterprise account: its own enterprises), the worst grade first and by score within
    it, with the counts by grade;
    filtered by ``grade``, ``region`` (a code inside the scope) and ``q`` (part of the name)."""
    rule = rule or credit_rule()
    clauses = [
        CreditRating.current,
        scope.where(CreditRating.region_code, CreditRating.enterprise_id),
    ]
    if region:
        try:
            prefix = scope_prefix(region)
        except GeoError as exc:
            raise BadEnforcementInput("region", str(exc)) from exc
        if not in_scope(region, scope.region_code) and not in_scope(scope.region_code, region):
            raise PermissionDenied(f"region {region} is outside your region {scope.region_code}")
        clauses.append(CreditRating.region_code.startswith(prefix, autoescape=True))
    counts = dict(
        session.execute(
            select(CreditRating.grade, func.count()).where(*clauses).group_by(CreditRating.grade)
        ).all()
    )
    if grade:
        keys = [g.key for g in rule.grades]
        if grade not in keys:
            raise BadEnforcementInput("grade", f"unknown grade {grade!r}; one of {', '.join(keys)}")
        clauses.append(CreditRating.grade == grade)
    rank = {g.key: k for k, g in enumerate(rule.grades)}
    rows = sorted(
        session.scalars(select(CreditRating).where(*clauses)),
        key=lambda r: (-rank.get(r.grade, len(rank)), r.score, r.enterprise_id),
    )
    names = enterprise_names(session, [r.enterprise_id for r in rows])
    text = " ".join((q or "").split())
    if text:
        rows = [r for r in rows if text in names.get(r.enterprise_id, "")]
    page = rows[offset : offset + limit]
    return CreditPage(
        total=len(rows),
        limit=limit,
        offset=offset,
        rule_version=rule.version,
        weights_confirmed=rule.weights_confirmed,
        by_grade=[
            GradeCount(
                grade=g.key,
                name=g.zh,
                name_en=g.en,
                colour=g.colour,
                count=int(counts.get(g.key, 0)),
            )
            for g in rule.grades
        ],  # fmt: skip
        items=[_public(r, names.get(r.enterprise_id, f"#{r.enterprise_id}"), rule) for r in page],
    )


def rating_detail(
    session: Session, scope: Scope, enterprise_id: int, *, rule: CreditRule | None = None
) -> CreditDetail:
    """The current grade of ``enterprise_id`` with its reasons and its history (newest first);
    :class:`EnforcementNotFound` when it is unrated or out of scope."""
    rule = rule or credit_rule()
    rows = list(
        session.scalars(
            select(CreditRating)
            .where(
                CreditRating.enterprise_id == enterprise_id,
                scope.where(CreditRating.region_code, CreditRating.enterprise_id),
            )
            .order_by(CreditRating.computed_at.desc(), CreditRating.id.desc())
        )
    )
    if not rows:
        raise EnforcementNotFound("credit rating of enterprise", enterprise_id)
    cur = next((r for r in rows if r.current), rows[0])
    name = enterprise_names(session, [enterprise_id]).get(enterprise_id, f"#{enterprise_id}")
    history = []
    for r in rows:
        zh, en = _names(rule, r.grade)
        history.append(
            CreditHistoryEntry(score=r.score, grade=r.grade, grade_name=zh, grade_name_en=en,
                               colour=r.colour, vetoed=r.vetoed, rule_version=r.rule_version,
                               as_of=r.as_of, computed_at=r.computed_at)
        )  # fmt: skip
    return CreditDetail(
        **_public(cur, name, rule).model_dump(),
        reasons=[CreditReason(**r) for r in cur.reasons],
        history=history,
        weights_confirmed=rule.weights_confirmed,
        rule_source=rule.source,
    )


def grade_history(session: Session, enterprise_id: int) -> list[CreditRating]:
    """Every rating row of ``enterprise_id``, newest first (no scope: the caller checked it)."""
    return list(
        session.scalars(
            select(CreditRating)
            .where(CreditRating.enterprise_id == enterprise_id)
            .order_by(CreditRating.computed_at.desc(), CreditRating.id.desc())
        )
    )


def current_grades(session: Session, enterprise_ids: Sequence[int]) -> dict[int, CreditRating]:
    """Enterprise id → its current rating row (unrated ones are absent)."""
    if not enterprise_ids:
        return {}
    return {
        r.enterprise_id: r
        for r in session.scalars(
            select(CreditRating).where(
                CreditRating.current, CreditRating.enterprise_id.in_(list(enterprise_ids))
            )
        )
    }
