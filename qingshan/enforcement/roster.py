"""The enforcement roster (执法检查人员名录库, 国办发〔2015〕58号 [MC]): inspectors with their
region, qualifications and declared conflicts of interest. A roster entry is a person the draw
picks, not an account role: it needs no login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_names
from qingshan.enforcement.errors import BadEnforcementInput, EnforcementConflict
from qingshan.enforcement.models import Inspector
from qingshan.enforcement.schemas import InspectorCreate
from qingshan.enforcement.spotchecks import check_officer
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region, in_scope

__all__ = ["add_inspector", "list_inspectors"]


def add_inspector(
    session: Session, scope: Scope, inp: InspectorCreate, *, now: datetime
) -> Inspector:
    """Put an inspector on the roster of ``inp.region_code`` (inside the officer's scope);
    refused: a badge number on file, an unknown region, conflicts naming unknown enterprises."""
    try:
        region = get_region(inp.region_code).code
    except GeoError as exc:
        raise BadEnforcementInput("region_code", str(exc)) from exc
    check_officer(scope, region)
    badge = inp.badge_no.strip().upper()
    if not badge:
        raise BadEnforcementInput("badge_no", "must not be empty")
    have = session.scalar(select(Inspector.id).where(Inspector.badge_no == badge))
    if have is not None:
        raise EnforcementConflict(
            "badge_no", f"{badge} is on the roster already (inspector {have})"
        )
    names = enterprise_names(session, inp.conflicts)
    unknown = sorted(set(inp.conflicts) - set(names))
    if unknown:
        raise EnforcementConflict("conflicts", f"no enterprise {', '.join(map(str, unknown))}")
    quals = sorted({q.strip() for q in inp.qualifications if q.strip()})
    row = Inspector(
        name=" ".join(inp.name.split()), badge_no=badge, region_code=region,
        unit=inp.unit.strip(), qualifications=quals,
        conflicts=[{"enterprise_id": e, "reason": "declared"} for e in sorted(set(inp.conflicts))],
        active=True, created_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def list_inspectors(session: Session, scope: Scope) -> list[Inspector]:
    """The roster within the scope's region (by region, name)."""
    check_officer(scope)
    rows = session.scalars(select(Inspector).order_by(Inspector.region_code, Inspector.id))
    return [i for i in rows if in_scope(i.region_code, scope.region_code)]
