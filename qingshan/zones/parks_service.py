"""Zero-direct-discharge parks (污水零直排区) service: records, construction progress with
evidence, the acceptance workflow (:mod:`qingshan.zones.parks`), the status across the province
and the count of accepted parks the targets read (plan 12.2).

Scope: a park belongs to its county; officers (province, city, county) read the parks of their
region. Progress is reported by the county or city of the park; each acceptance step by its
role (:data:`~qingshan.zones.parks.EVENT_ROLES`: county 自查, city 市级复核, province 省级验收;
a relapse by the city or the province). Steps and progress reports are insert only.

Enterprises inside a park come from the archive through the
:class:`~qingshan.zones.links.EnterpriseLocations` Protocol the platform wires (zones imports
no archive); a park's outlets' newest values through :class:`ParkOutlets`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import shapely
from shapely.geometry import Point, shape
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases import service as cases
from qingshan.cases.evidence import EvidenceLimits
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import CITY_CODES, city_of, get_region, in_scope
from qingshan.zones.links import EnterpriseLocation, EnterpriseLocations
from qingshan.zones.models import ZoneFeatureRow, ZoneLayer
from qingshan.zones.parks import (
    EVENT_ROLES,
    TASK_KINDS,
    BadPark,
    ParkEvent,
    ParkLevel,
    ParkState,
    ParkType,
    StepResult,
    check_percent,
    events_from,
    fire,
    park_boundary,
)
from qingshan.zones.parks_models import (
    ZonePark,
    ZoneParkFile,
    ZoneParkProgress,
    ZoneParkStep,
    ZoneParkTask,
)

__all__ = [
    "PLAN_TARGET",
    "ParkDraft",
    "TaskDraft",
    "ParkNotFound",
    "ParkOutlet",
    "ParkOutlets",
    "create_park",
    "add_task",
    "report_progress",
    "take_step",
    "list_parks",
    "get_park",
    "park_features",
    "park_detail",
    "enterprises_inside",
    "province_status",
    "accepted_parks",
    "progress_file",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: plan 12.2 (Zhejiang 2021 key points): 完成44个工业园区（工业集聚区）"污水零直排区"建设 — an
#: annual count of the industrial-park class (shared/reference/zones-emergency.md §1.2: how the
#: 44 relate to the 313 parks completed by end-2021 is not stated [U])
PLAN_TARGET = {
    "count": 44,
    "year": 2021,
    "unit_type": "工业园区（工业集聚区）类",
    "scope": "annual",
}


class ParkNotFound(NotFound):
    """A park, task or file that is unknown or outside the caller's scope (the same answer)."""


@dataclass(frozen=True)
class TaskDraft:
    kind: str
    title: str = ""
    due: date | None = None


@dataclass(frozen=True)
class ParkDraft:
    """A new park: ``boundary`` (GeoJSON geometry, lon/lat) or ``feature_id`` (a feature of a
    ``park`` layer, whose geometry is copied) — one of them."""

    code: str
    name: str
    region_code: str
    park_type: str
    level: str
    batch_year: int
    boundary: dict | None = None
    feature_id: int | None = None
    responsible_unit: str = ""
    tasks: Sequence[TaskDraft] = ()
    synthetic: bool = False


@dataclass(frozen=True)
class ParkOutlet:
    """An outlet of an enterprise inside a park with its newest values (from the archive)."""

    enterprise_id: int
    code: str
    name: str
    kind: str
    latest_time: datetime | None
    exceeding: bool
    values: list[tuple[str, float | None, str, bool | None]]  # (parameter, value, unit, exceeds)


class ParkOutlets(Protocol):
    """The outlets of ``enterprise_ids`` (enterprises of ``region_code``, the park's city, in
    ``scope``) with their newest values and whether one is above its permit limit
    (implemented through the archive's service)."""

    def __call__(
        self, session: Session, scope: Scope, region_code: str, enterprise_ids: Sequence[int]
    ) -> list[ParkOutlet]: ...


def _officer(scope: Scope, what: str) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied(f"only province, city and county officers {what}")


def _text(value: str, fld: str, limit: int, *, required: bool = True) -> str:
    v = (value or "").strip()
    if required and not v:
        raise BadPark(f"{fld}: missing", field=fld)
    if len(v) > limit:
        raise BadPark(f"{fld}: longer than {limit} characters", field=fld)
    return v


def _enum(cls: type, value: str, fld: str) -> str:
    try:
        return str(cls(value).value)
    except ValueError:
        valid = ", ".join(m.value for m in cls)  # type: ignore[attr-defined]
        raise BadPark(f"{fld}: {value!r} is not one of {valid}", field=fld) from None


def _task(park_id: int, t: TaskDraft) -> ZoneParkTask:
    if t.kind not in TASK_KINDS:
        raise BadPark(f"kind: {t.kind!r} is not one of {', '.join(TASK_KINDS)}", field="kind")
    title = _text(t.title, "title", 200, required=False) or TASK_KINDS[t.kind][0]
    return ZoneParkTask(park_id=park_id, kind=t.kind, title=title, due=t.due, percent=0.0)


def create_park(session: Session, scope: Scope, draft: ParkDraft, *, actor: str,
                now: datetime) -> ZonePark:  # fmt: skip
    """Register a park with its construction tasks (state ``building``)."""
    _officer(scope, "register parks")
    code = _text(draft.code, "code", 32)
    name = _text(draft.name, "name", 200)
    try:
        region = get_region(draft.region_code)
    except GeoError:
        raise BadPark(f"region_code: {draft.region_code!r} is not a region code",
                      field="region_code") from None  # fmt: skip
    if region.code in CITY_CODES or region.code == "330000":
        raise BadPark(f"region_code: {region.code} is not a county (a park belongs to its county)",
                      field="region_code")  # fmt: skip
    if not in_scope(region.code, scope.region_code):
        raise PermissionDenied(f"region {region.code} is outside the scope {scope.region_code}")
    park_type = _enum(ParkType, draft.park_type, "park_type")
    level = _enum(ParkLevel, draft.level, "level")
    if not 2018 <= draft.batch_year <= 2100:  # the programme started in 2018 (reference §1.1)
        raise BadPark(f"batch_year: {draft.batch_year} is not a year from 2018", field="batch_year")
    if (draft.boundary is None) == (draft.feature_id is None):
        raise BadPark("boundary: give a boundary or a park feature, one of them", field="boundary")
    geometry = draft.boundary
    if draft.feature_id is not None:
        row = session.execute(
            select(ZoneFeatureRow.geometry, ZoneLayer.kind)
            .join(ZoneLayer, ZoneLayer.id == ZoneFeatureRow.layer_id)
            .where(ZoneFeatureRow.id == draft.feature_id)
        ).first()
        if row is None or row.kind != "park":
            raise BadPark(f"feature_id: {draft.feature_id} is not a feature of a park layer",
                          field="feature_id")  # fmt: skip
        geometry = row.geometry
    geom = park_boundary(geometry)
    tasks = [_task(0, t) for t in draft.tasks]  # checked before anything is stored
    x0, y0, x1, y1 = geom.bounds
    park = ZonePark(code=code, name=name, region_code=region.code, park_type=park_type,
                    level=level, batch_year=draft.batch_year,
                    responsible_unit=_text(draft.responsible_unit, "responsible_unit", 200,
                                           required=False),
                    feature_id=draft.feature_id, boundary=shapely.geometry.mapping(geom),
                    min_lon=x0, min_lat=y0, max_lon=x1, max_lat=y1,
                    state=ParkState.BUILDING.value, synthetic=draft.synthetic,
                    created_at=now, created_by=actor)  # fmt: skip
    try:
        with session.begin_nested():
            session.add(park)
            session.flush()
    except IntegrityError as exc:
        raise BadPark(f"code: park {code!r} exists already", field="code") from exc
    for t in tasks:
        t.park_id = park.id
        session.add(t)
    session.flush()
    return park


def park_features(session: Session, scope: Scope) -> list[tuple[int, str, str, str]]:
    """The ``park`` features of the zones' layers in ``scope`` (by their county) that no park
    record links yet: (feature id, code, name, county), for the registration form."""
    _officer(scope, "register parks")
    linked = select(ZonePark.feature_id).where(ZonePark.feature_id.is_not(None))
    rows = session.execute(
        select(ZoneFeatureRow.id, ZoneFeatureRow.code, ZoneFeatureRow.name,
               ZoneFeatureRow.region_code)
        .join(ZoneLayer, ZoneLayer.id == ZoneFeatureRow.layer_id)
        .where(ZoneLayer.kind == "park", ZoneFeatureRow.region_code.is_not(None),
               scope.where(ZoneFeatureRow.region_code), ZoneFeatureRow.id.not_in(linked))
        .order_by(ZoneFeatureRow.region_code, ZoneFeatureRow.code)
    ).all()  # fmt: skip
    return [(int(i), str(c), str(n), str(r)) for i, c, n, r in rows]


def get_park(session: Session, scope: Scope, park_id: int) -> ZonePark:
    """A park in ``scope`` (officers), else :class:`ParkNotFound`."""
    _officer(scope, "read parks")
    park = session.get(ZonePark, park_id)
    if park is None or not in_scope(park.region_code, scope.region_code):
        raise ParkNotFound(f"no park {park_id}")
    return park


def _tasks(session: Session, park_id: int) -> list[ZoneParkTask]:
    return list(
        session.scalars(
            select(ZoneParkTask).where(ZoneParkTask.park_id == park_id).order_by(ZoneParkTask.id)
        )
    )


def add_task(session: Session, scope: Scope, park_id: int, task: TaskDraft) -> ZoneParkTask:
    """Add a construction task (by the park's county or city, or the province)."""
    park = get_park(session, scope, park_id)
    if park.state == ParkState.ACCEPTED:
        raise BadPark("kind: an accepted park takes no new task (a relapse reopens it)",
                      field="kind")  # fmt: skip
    row = _task(park.id, task)
    session.add(row)
    session.flush()
    return row


def _reporter(scope: Scope, park: ZonePark) -> None:
    if scope.role not in (Role.COUNTY, Role.CITY):
        raise PermissionDenied("progress is reported by the park's county or city")


def report_progress(session: Session, scope: Scope, task_id: int, percent: float, day: date,
                    note: str = "", *, actor: str, now: datetime, today: date,
                    files: Sequence[tuple[bytes, str]] = (),
                    limits: EvidenceLimits | None = None) -> ZoneParkProgress:  # fmt: skip
    """A progress report of a task (percent [%] on ``day``, CST) with evidence files stored
    like case evidence (through the cases service, checked by content). Reports of a task go in
    day order; the task's percent is the newest report's."""
    task = session.get(ZoneParkTask, task_id)
    if task is None:
        raise ParkNotFound(f"no task {task_id}")
    park = get_park(session, scope, task.park_id)
    _reporter(scope, park)
    pct = check_percent(percent)
    if day > today:
        raise BadPark(f"day: {day} is in the future", field="day")
    last = session.scalar(select(func.max(ZoneParkProgress.day))
                          .where(ZoneParkProgress.task_id == task.id))  # fmt: skip
    if last is not None and day < last:
        raise BadPark(f"day: {day} is before the task's last report ({last})", field="day")
    if files and limits is None:
        raise BadPark("files: no evidence store configured", field="files")
    row = ZoneParkProgress(task_id=task.id, day=day, percent=pct,
                           note=_text(note, "note", 2000, required=False),
                           reported_by=actor, reported_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    for data, filename in files:
        assert limits is not None
        sniffed = cases.store_evidence(data, limits=limits)
        session.add(ZoneParkFile(progress_id=row.id, sha256=sniffed.sha256, size=sniffed.size,
                                 media_type=sniffed.media_type,
                                 filename=(Path(filename).name or "file")[:200],
                                 uploaded_by=actor, uploaded_at=now))  # fmt: skip
    task.percent = pct
    session.flush()
    return row


def progress_file(session: Session, scope: Scope, file_id: int, *,
                  root: Path) -> tuple[ZoneParkFile, Path]:  # fmt: skip
    """An evidence file of a progress report in ``scope`` and the path of its bytes."""
    f = session.get(ZoneParkFile, file_id)
    if f is None:
        raise ParkNotFound(f"no file {file_id}")
    progress = session.get(ZoneParkProgress, f.progress_id)
    task = session.get(ZoneParkTask, progress.task_id) if progress else None
    if task is None:
        raise ParkNotFound(f"no file {file_id}")
    get_park(session, scope, task.park_id)
    return f, cases.stored_evidence_path(root, f.sha256)


def take_step(session: Session, scope: Scope, park_id: int, event: str, result: str | None,
              day: date, reviewer: str, opinion: str = "", *, actor: str, now: datetime,
              today: date) -> ZoneParkStep:  # fmt: skip
    """One acceptance step (自查, 市级复核, 省级验收 with pass/fail) or a relapse (反复), by the
    role that takes it, appended to the park's history. A failed step and a relapse say why
    (``opinion``); steps go in day order, none in the future."""
    park = get_park(session, scope, park_id)
    try:
        ev = ParkEvent(event)
    except ValueError:
        valid = ", ".join(e.value for e in ParkEvent)
        raise BadPark(f"event: {event!r} is not one of {valid}", field="event") from None
    if scope.role.value not in EVENT_ROLES[ev]:
        raise PermissionDenied(f"{ev.value} is taken by {' or '.join(EVENT_ROLES[ev])} "
                               f"officers, not {scope.role.value} ({scope.username})")  # fmt: skip
    if ev is ParkEvent.CITY_REVIEW and scope.region_code != city_of(park.region_code).code:
        raise PermissionDenied(
            f"the city review of park {park.code} is {city_of(park.region_code).code}'s"
        )
    if ev is ParkEvent.SELF_CHECK and scope.region_code != park.region_code:
        raise PermissionDenied(f"the self-check of park {park.code} is {park.region_code}'s")
    reviewer = _text(reviewer, "reviewer", 200)
    opinion = _text(opinion, "opinion", 4000, required=False)
    if (result == StepResult.FAIL or ev is ParkEvent.RELAPSE) and not opinion:
        raise BadPark("opinion: a failed step or a relapse says why", field="opinion")
    if day > today:
        raise BadPark(f"day: {day} is in the future", field="day")
    last = session.execute(
        select(ZoneParkStep.seq, ZoneParkStep.day)
        .where(ZoneParkStep.park_id == park.id)
        .order_by(ZoneParkStep.seq.desc())
        .limit(1)
    ).first()
    if last is not None and day < last.day:
        raise BadPark(f"day: {day} is before the park's last step ({last.day})", field="day")
    percents = [t.percent for t in _tasks(session, park.id)]
    nxt = fire(park.state, ev, result or None, task_percents=percents)
    step = ZoneParkStep(park_id=park.id, seq=(last.seq if last else 0) + 1, event=ev.value,
                        result=None if ev is ParkEvent.RELAPSE else str(result), day=day,
                        reviewer=reviewer, opinion=opinion, state_before=park.state,
                        state_after=nxt.value, actor=actor, at=now)  # fmt: skip
    session.add(step)
    park.state = nxt.value
    session.flush()
    return step


def list_parks(session: Session, scope: Scope, *, city: str | None = None,
               state: str | None = None) -> list[ZonePark]:  # fmt: skip
    """The parks in ``scope`` (optionally of one city or state), by county and code."""
    _officer(scope, "read parks")
    q = select(ZonePark).where(scope.where(ZonePark.region_code))
    if city:
        q = q.where(ZonePark.region_code.startswith(city[:4], autoescape=True))
    if state:
        q = q.where(ZonePark.state == _enum(ParkState, state, "state"))
    return list(session.scalars(q.order_by(ZonePark.region_code, ZonePark.code)))


def enterprises_inside(session: Session, park: ZonePark,
                       locations: EnterpriseLocations) -> list[EnterpriseLocation]:  # fmt: skip
    """The archived enterprises located inside (or on the boundary of) the park, from the
    enterprises of its city (a park may straddle a county line)."""
    geom = shape(park.boundary)
    shapely.prepare(geom)
    out = []
    for e in locations(session, city_of(park.region_code).code):
        if not (park.min_lon <= e.longitude <= park.max_lon
                and park.min_lat <= e.latitude <= park.max_lat):  # fmt: skip
            continue
        if geom.intersects(Point(e.longitude, e.latitude)):
            out.append(e)
    return out


@dataclass
class TaskView:
    task: ZoneParkTask
    reports: list[ZoneParkProgress]
    files: dict[int, list[ZoneParkFile]]


@dataclass
class ParkDetail:
    park: ZonePark
    tasks: list[TaskView]
    steps: list[ZoneParkStep]
    allowed: list[str]
    enterprises: list[EnterpriseLocation] = field(default_factory=list)
    outlets: list[ParkOutlet] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.tasks) and all(t.task.percent >= 100.0 for t in self.tasks)


def park_detail(session: Session, scope: Scope, park_id: int, *,
                locations: EnterpriseLocations | None = None,
                outlets: ParkOutlets | None = None) -> ParkDetail:  # fmt: skip
    """A park with its tasks and their reports and files, its acceptance history, the events
    allowed now, the enterprises inside and their outlets (when the platform gives them)."""
    park = get_park(session, scope, park_id)
    tasks = _tasks(session, park.id)
    reports: dict[int, list[ZoneParkProgress]] = defaultdict(list)
    files: dict[int, list[ZoneParkFile]] = defaultdict(list)
    if tasks:
        for r in session.scalars(select(ZoneParkProgress)
                                 .where(ZoneParkProgress.task_id.in_([t.id for t in tasks]))
                                 .order_by(ZoneParkProgress.day, ZoneParkProgress.id)):  # fmt: skip
            reports[r.task_id].append(r)
        ids = [r.id for rs in reports.values() for r in rs]
        if ids:
            for f in session.scalars(select(ZoneParkFile).where(ZoneParkFile.progress_id.in_(ids))
                                     .order_by(ZoneParkFile.id)):  # fmt: skip
                files[f.progress_id].append(f)
    steps = list(session.scalars(select(ZoneParkStep).where(ZoneParkStep.park_id == park.id)
                                 .order_by(ZoneParkStep.seq)))  # fmt: skip
    detail = ParkDetail(
        park=park,
        tasks=[TaskView(t, reports.get(t.id, []), files) for t in tasks],
        steps=steps,
        allowed=[e.value for e in events_from(park.state)],
    )
    if locations is not None:
        detail.enterprises = enterprises_inside(session, park, locations)
        if outlets is not None and detail.enterprises:
            detail.outlets = outlets(session, scope, city_of(park.region_code).code,
                                     [e.id for e in detail.enterprises])  # fmt: skip
    return detail


def _accepted_as_of(session: Session, prefix: str, until: date) -> dict[int, date]:
    """Park id → the day of its provincial acceptance, for the parks of region ``prefix``
    that are accepted on ``until`` (their last step by then leaves them accepted)."""
    rows = session.execute(
        select(ZoneParkStep.park_id, ZoneParkStep.event, ZoneParkStep.day,
               ZoneParkStep.state_after)
        .join(ZonePark, ZonePark.id == ZoneParkStep.park_id)
        .where(ZonePark.region_code.startswith(prefix, autoescape=True),
               ZoneParkStep.day <= until)
        .order_by(ZoneParkStep.park_id, ZoneParkStep.seq)
    ).all()  # fmt: skip
    last: dict[int, tuple[str, date | None]] = {}
    for pid, ev, day, after in rows:
        accepted_on = day if ev == ParkEvent.PROVINCIAL_ACCEPTANCE else last.get(pid, ("", None))[1]
        last[pid] = (after, accepted_on)
    return {pid: d for pid, (st, d) in last.items() if st == ParkState.ACCEPTED and d is not None}


def _prefix(region_code: str) -> str:
    if region_code == "330000":
        return "33"
    if region_code in CITY_CODES:
        return region_code[:4]
    return region_code


def accepted_parks(session: Session, region_code: str, year: int, until: date) -> dict[str, int]:
    """Parks of the industrial-park class in ``region_code`` (province, city or county)
    accepted by the province (省级验收通过) and not downgraded on ``until``: ``annual`` — those
    whose acceptance is dated in ``year`` (the plan's 44 in 2021 is a count of the year,
    PLAN_TARGET), ``cumulative`` — all of them; ``parks`` — the region's park records."""
    prefix = _prefix(region_code)
    accepted = _accepted_as_of(session, prefix, until)
    parks = session.scalar(select(func.count()).select_from(ZonePark)
                           .where(ZonePark.region_code.startswith(prefix, autoescape=True)))  # fmt: skip
    return {
        "annual": sum(1 for d in accepted.values() if d.year == year),
        "cumulative": len(accepted),
        "parks": int(parks or 0),
    }


@dataclass
class ProvinceStatus:
    year: int
    today: date
    by_city: dict[str, dict[str, int]]  # city code → state → parks
    totals: dict[str, int]
    accepted_year: int
    accepted_cumulative: int
    target: dict[str, Any]
    parks: int


def province_status(session: Session, scope: Scope, *, year: int, today: date) -> ProvinceStatus:
    """Counts of the parks in ``scope`` by city and state, and those accepted in ``year``
    against the plan's target (PLAN_TARGET, the province's 44 in 2021)."""
    _officer(scope, "read parks")
    rows = session.execute(
        select(ZonePark.region_code, ZonePark.state).where(scope.where(ZonePark.region_code))
    ).all()
    by_city: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for code, st in rows:
        by_city[city_of(code).code][st] += 1
        totals[st] += 1
    acc = accepted_parks(session, scope.region_code, year, today)
    return ProvinceStatus(year=year, today=today,
                          by_city={c: dict(v) for c, v in sorted(by_city.items())},
                          totals=dict(totals), accepted_year=acc["annual"],
                          accepted_cumulative=acc["cumulative"], target=dict(PLAN_TARGET),
                          parks=len(rows))  # fmt: skip
