"""``/api/v1/credit`` and ``/api/v1/spot-checks``: environmental credit (环境信用) and the
double-random spot checks (双随机、一公开). Officers (province, city, county) act within their
region; an enterprise account reads its own grade; the rule, the public listing, a draw's
inputs file and its verification are public (一公开)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Response

from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, StoreDep
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import MAX_ID
from qingshan.enforcement import service
from qingshan.enforcement.credit_export import credit_table
from qingshan.enforcement.schemas import (
    CreditDetail,
    CreditPage,
    CreditRunPublic,
    DrawPublic,
    DrawRequest,
    GradeKey,
    InspectorCreate,
    InspectorPublic,
    ItemCreate,
    ItemPublic,
    PlanCreate,
    PlanDetail,
    PlanPublic,
    RegionCode,
    ResultCreate,
    TaskPublic,
    VerificationPublic,
)
from qingshan.timeutil import utcnow

router = APIRouter(tags=["enforcement 信用+双随机"])

_GRADE = Query(None, description="a grade key of the rule, e.g. poor")
_REGION = Query(None, description="city or county code inside your region")
#: a database id in a path
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="a database id")]


@router.get("/credit/rule")
def credit_rule() -> dict:
    """The published credit rule: version, grades with score bands and colours, deductions
    (platform defaults marked [U]: the official weights are not confirmed), one-veto rules."""
    return service.credit_rule_public()


@router.get("/credit/ratings", response_model=CreditPage, responses=FILE_RESPONSES)
def list_ratings(
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    grade: GradeKey | None = _GRADE,
    region: RegionCode | None = _REGION,
    q: str | None = Query(None, max_length=64, description="part of the enterprise's name"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
    format: Literal["csv", "xlsx"] | None = Query(
        None, description="csv or xlsx: the whole filtered list as a file (limit/offset ignored)"
    ),
    lang: Literal["zh", "en"] = Query("zh", description="the file's headers and names"),
) -> CreditPage | Response:
    """信用评价: the current grades in your scope, the worst grade first (by score within it), with the counts by grade;
    with ``format`` the whole filtered list (every page, at most 20,000) as Excel or CSV."""
    if format is not None:
        title, headers, rows = credit_table(
            session, scope, lang=lang, grade=grade, region=region, q=q
        )
        return table_download(title, headers, rows, format)
    return service.list_ratings(session, scope, grade=grade, region=region, q=q, limit=limit,
                                offset=offset)  # fmt: skip


@router.get("/credit/ratings/{enterprise_id}", response_model=CreditDetail)
def rating_detail(
    enterprise_id: PathId, user: CurrentUser, session: SessionDep, scope: ScopeDep
) -> CreditDetail:
    """One enterprise's grade with the reasons (each deduction, its finding and link) and its
    grade history."""
    return service.rating_detail(session, scope, enterprise_id)


@router.post("/credit/recompute", response_model=CreditRunPublic)
def recompute(
    user: CurrentUser, session: SessionDep, scope: ScopeDep, store: StoreDep
) -> CreditRunPublic:
    """Recompute the grades of your region now (officers; the ``credit`` job does it daily)."""
    service.check_officer(scope)
    run = service.recompute_credit(
        session, now=utcnow(), region_code=scope.region_code, store=store
    )
    return CreditRunPublic(rated=run.rated, changed=run.changed, as_of=run.as_of,
                           rule_version=run.rule_version, by_grade=dict(run.by_grade))  # fmt: skip


@router.get("/spot-checks/items", response_model=list[ItemPublic])
def list_items(session: SessionDep) -> list[ItemPublic]:
    """随机抽查事项清单: the item list (public: legal basis, target group, ratio, frequency)."""
    return [service.item_public(i) for i in service.list_items(session)]


@router.post("/spot-checks/items", response_model=ItemPublic, status_code=201)
def add_item(
    body: ItemCreate, user: CurrentUser, session: SessionDep, scope: ScopeDep
) -> ItemPublic:
    """Add an item to the list of a region inside yours."""
    return service.item_public(
        service.add_item(session, scope, body, actor=user.username, now=utcnow())
    )


@router.get("/spot-checks/inspectors", response_model=list[InspectorPublic])
def list_inspectors(
    user: CurrentUser, session: SessionDep, scope: ScopeDep
) -> list[InspectorPublic]:
    """执法检查人员名录库: the roster of your region (officers)."""
    return [service.inspector_public(i) for i in service.list_inspectors(session, scope)]


@router.post("/spot-checks/inspectors", response_model=InspectorPublic, status_code=201)
def add_inspector(
    body: InspectorCreate, user: CurrentUser, session: SessionDep, scope: ScopeDep
) -> InspectorPublic:
    """Put an inspector on the roster (region, qualifications, declared conflicts)."""
    return service.inspector_public(service.add_inspector(session, scope, body, now=utcnow()))


@router.get("/spot-checks/plans", response_model=list[PlanPublic])
def list_plans(user: CurrentUser, session: SessionDep, scope: ScopeDep) -> list[PlanPublic]:
    """抽查计划: the plans of your region (and the ones above it), newest first."""
    service.check_officer(scope)
    return service.plans_public(session, scope)


@router.post("/spot-checks/plans", response_model=PlanPublic, status_code=201)
def create_plan(
    body: PlanCreate, user: CurrentUser, session: SessionDep, scope: ScopeDep
) -> PlanPublic:
    """A plan of an item for a region inside yours and a period (2026Q4, 2026H2, 2026)."""
    plan = service.create_plan(session, scope, item_code=body.item_code, region_code=body.region_code,
                               period=body.period, title=body.title, actor=user.username,
                               now=utcnow())  # fmt: skip
    return service.plan_detail(session, plan.id, scope)


@router.get("/spot-checks/plans/{plan_id}", response_model=PlanDetail)
def plan_detail(
    plan_id: PathId, user: CurrentUser, session: SessionDep, scope: ScopeDep
) -> PlanDetail:
    """A plan with its draw and tasks (officers)."""
    service.check_officer(scope)
    return service.plan_detail(session, plan_id, scope)


@router.post("/spot-checks/plans/{plan_id}/draw", response_model=DrawPublic, status_code=201)
def draw(
    plan_id: PathId, user: CurrentUser, session: SessionDep, scope: ScopeDep,
    body: DrawRequest | None = None,
) -> DrawPublic:  # fmt: skip
    """摇号: draw the plan (once) — enterprises by county, weighted by credit and risk within the
    item's ratio, then two inspectors each; 409 when too few inspectors are eligible (nothing
    stored). The seed, the inputs file's SHA-256 and the result are published."""
    d = service.draw_plan(session, scope, plan_id, actor=user.username, now=utcnow(),
                          seed=None if body is None else body.seed)  # fmt: skip
    return service.draw_public(d)


@router.get("/spot-checks/draws/{draw_id}/inputs.json")
def draw_inputs(draw_id: PathId, session: SessionDep) -> Response:
    """The draw's inputs file (canonical JSON; its SHA-256 is the published hash): public."""
    return Response(service.draw_inputs_file(session, draw_id), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="draw-{draw_id}-inputs.json"'})  # fmt: skip


@router.get("/spot-checks/draws/{draw_id}/verify", response_model=VerificationPublic)
def verify(draw_id: PathId, session: SessionDep) -> VerificationPublic:
    """Re-run the draw from its inputs file: the same hash and the same tasks (public)."""
    return VerificationPublic(**service.verification_public(service.verify_draw(session, draw_id)))


@router.post("/spot-checks/tasks/{task_id}/result", response_model=TaskPublic)
def record_result(
    task_id: PathId,
    body: Annotated[ResultCreate, Body()],
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
) -> TaskPublic:
    """检查结果: record a task's result (once) — an inspection in the archive, a case for a
    violation."""
    inp = service.ResultInput(
        outcome=body.outcome, checked_on=body.checked_on, findings=body.findings,
        violation_category=getattr(body, "violation_category", None),
        case_category=getattr(body, "case_category", None),
        severity=getattr(body, "severity", "general"),
    )  # fmt: skip
    task = service.record_result(session, scope, task_id, inp, actor=user.username, now=utcnow())
    return service.tasks_public(session, [task])[0]


@router.get("/spot-checks/public", response_model=list[PlanDetail])
def public_listing(session: SessionDep) -> list[PlanDetail]:
    """一公开: every drawn plan with its draw and the results recorded so far (no login)."""
    return service.public_listing(session)
