"""``qingshan spot-check …`` (双随机: items, plan, draw, verify, results) and ``qingshan credit
…`` (环境信用: recompute, show). Without ``--as`` a command acts for the province as ``cli``;
with ``--as USER`` in that officer's region."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import scope_of
from qingshan.audit import acting_as
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.enforcement import service
from qingshan.enforcement.credit import credit_rule
from qingshan.enforcement.errors import BadEnforcementInput
from qingshan.errors import UnreadableText, read_file_bytes
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

console = Console()
spot_app = typer.Typer(help="双随机、一公开 double-random spot checks.", no_args_is_help=True)
credit_app = typer.Typer(help="环境信用 environmental credit.", no_args_is_help=True)

AS_USER = typer.Option(None, "--as", help="act as this officer account (default: the province)")
AS_JSON = typer.Option(False, "--json", help="print JSON")


def _scope(session, username: str | None) -> Scope:
    if username is None:
        return Scope(region_code="330000", role=Role.PROVINCE, username="cli")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise BadEnforcementInput("--as", f"no account {username!r}")
    return scope_of(user)


def _session():
    return session_scope(get_engine(get_settings().db_url))


@spot_app.command("items")
def items(as_json: bool = AS_JSON) -> None:
    """The item list 随机抽查事项清单 (legal basis, target group, ratio, frequency)."""
    with _session() as session:
        rows = [service.item_public(i).model_dump() for i in service.list_items(session)]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("code", "事项 item", "对象 group", "比例 ratio", "频次 frequency", "依据 basis")
    for r in rows:
        table.add_row(r["code"], r["name"], r["target_group"], f"{100 * r['ratio']:g}%",
                      r["frequency"], r["legal_basis"])  # fmt: skip
    console.print(table)


@spot_app.command("plan")
def plan(
    item_code: str = typer.Argument(..., help="the item's code"),
    region: str = typer.Option(..., help="the plan's region (city or county code)"),
    period: str = typer.Option(..., help="2026Q4, 2026H2 or 2026 (as the item's frequency)"),
    title: str = typer.Option("", help="title (default: region, period and item)"),
    as_user: str = AS_USER,
) -> None:
    """Create a plan 抽查计划 of an item for a region and a period."""
    with acting_as(as_user or "cli"), _session() as session:
        p = service.create_plan(session, _scope(session, as_user), item_code=item_code,
                                region_code=region, period=period, title=title,
                                actor=as_user or "cli", now=utcnow())  # fmt: skip
        console.print(f"plan {p.id}: {p.title}")


@spot_app.command("draw")
def draw(
    plan_id: int = typer.Argument(..., help="the plan's id"),
    seed: int = typer.Option(None, min=0, max=2**53 - 1, help="the seed (default: random)"),
    as_user: str = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Draw a plan 摇号 (once): enterprises by county and two inspectors each; prints the
    seed, the inputs file's SHA-256 and the tasks."""
    with acting_as(as_user or "cli"), _session() as session:
        d = service.draw_plan(session, _scope(session, as_user), plan_id, actor=as_user or "cli",
                              now=utcnow(), seed=seed)  # fmt: skip
        pub = service.draw_public(d)
        tasks = service.tasks_public(session, service.plan_tasks(session, plan_id))
    if as_json:
        out = pub.model_dump(mode="json") | {"tasks": [t.model_dump(mode="json") for t in tasks]}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console.print(
        f"draw {pub.id} of plan {plan_id}: seed {pub.seed}, inputs SHA-256 {pub.inputs_sha256}"
    )
    _print_tasks(tasks)


def _print_tasks(tasks) -> None:
    table = Table("task", "企业 enterprise", "区县 county", "执法人员 inspectors", "结果 result")
    for t in tasks:
        table.add_row(str(t.id), t.enterprise_name, t.region_name, "、".join(t.inspectors),
                      t.outcome or "—")  # fmt: skip
    console.print(table)


@spot_app.command("verify")
def verify(
    draw_id: int = typer.Argument(None, help="the draw's id"),
    file: Path = typer.Option(None, "--file", help="an inputs file kept elsewhere"),
    as_json: bool = AS_JSON,
) -> None:
    """Re-run a published draw from its inputs file (stored, or ``--file``): the hash and the
    tasks must be the published ones; says what changed. Exit 1 when not reproduced."""
    if draw_id is None and file is None:
        raise BadEnforcementInput("DRAW_ID", "give a draw id or --file PATH")
    with _session() as session:
        if file is not None:
            try:
                data = read_file_bytes(file, get_settings().max_file_bytes)
            except (UnreadableText, OSError) as exc:
                raise BadEnforcementInput("--file", f"{file}: {exc}") from exc
            v = service.verify_file(session, data, draw_id)
        else:
            v = service.verify_draw(session, draw_id)
    if as_json:
        print(json.dumps(service.verification_public(v), ensure_ascii=False, indent=2))
    else:
        for line in v.lines():
            console.print(line, highlight=False, soft_wrap=True)
    if not v.ok:
        raise typer.Exit(1)


@spot_app.command("results")
def results(
    plan_id: int = typer.Argument(..., help="the plan's id"), as_json: bool = AS_JSON
) -> None:
    """The tasks of a plan with their results 检查结果."""
    with _session() as session:
        detail = service.plan_detail(session, plan_id, None)
    if as_json:
        print(detail.model_dump_json(indent=2))
        return
    console.print(f"{detail.title}: {detail.recorded}/{detail.tasks} recorded, "
                  f"{detail.violations} with problems")  # fmt: skip
    _print_tasks(detail.task_list)


@credit_app.command("recompute")
def recompute(
    region: str = typer.Option("330000", help="province, city or county code"),
    rule: Path = typer.Option(None, help="a rule file (default: the package's credit_rule.json)"),
    as_of: str = typer.Option(None, help="evaluation date YYYY-MM-DD (default: today, CST)"),
    as_json: bool = AS_JSON,
) -> None:
    """Recompute the credit grades now (as the ``credit`` job does daily)."""
    settings = get_settings()
    day = None
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise BadEnforcementInput("--as-of", f"{as_of!r} is not a date YYYY-MM-DD") from None
    with acting_as("cli"), _session() as session:
        run = service.recompute_credit(
            session, now=utcnow(), as_of=day, region_code=region,
            rule=None if rule is None else credit_rule(rule),
            store=ObservationStore(settings.observations_dir),
        )  # fmt: skip
    if as_json:
        print(json.dumps({"rated": run.rated, "changed": run.changed, "as_of": str(run.as_of),
                          "rule_version": run.rule_version, "by_grade": dict(run.by_grade)}))  # fmt: skip
    else:
        console.print(str(run), highlight=False)


@credit_app.command("show")
def show(enterprise_id: int = typer.Argument(...), as_json: bool = AS_JSON) -> None:
    """One enterprise's grade, score, reasons and history."""
    with _session() as session:
        d = service.rating_detail(session, _scope(session, None), enterprise_id)
    if as_json:
        print(d.model_dump_json(indent=2))
        return
    console.print(
        f"{d.enterprise_name}: {d.grade_name} ({d.grade}) {d.score:.1f}, {d.as_of}, {d.rule_version}"
    )
    for r in d.reasons:
        console.print(f"  −{r.points:g} {r.occurred} {r.title}" + (" [一票否决]" if r.veto else ""),
                      highlight=False, markup=False)  # fmt: skip
