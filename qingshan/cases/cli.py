"""``qingshan cases …``: the command line of the cases. ``cases import FILE`` imports the
central inspection hand-over list (督察交办件, .xlsx or .csv; the layout in
:mod:`qingshan.cases.handover_file`): all rows or none, idempotent on 交办编号. ``cases notice
[--month YYYY-MM]`` issues the monthly dispatch notice (月调度通报) on demand, as the
``case-notice`` job does on the 1st, and writes its Excel and Word files if asked."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from qingshan.accounts.service import scope_of
from qingshan.audit import acting_as
from qingshan.cases.errors import CaseError
from qingshan.cases.exports import notice_docx, notice_xlsx
from qingshan.cases.handover import HandoverRejected, RowProblem, import_handover, importing_account
from qingshan.cases.periods import Month, month_of
from qingshan.cases.reporting import issue_notice
from qingshan.cases.reports_jobs import notice_summary
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.errors import UnreadableText, read_file_bytes
from qingshan.timeutil import utcnow

console = Console()
app = typer.Typer(help="案件 cases: the closed loop (协同指挥, 闭环管理).", no_args_is_help=True)


@app.command("import")
def import_list(
    file: Path = typer.Argument(..., help="the hand-over list (.xlsx or .csv)"),
    as_user: str = typer.Option(
        None,
        "--as",
        help="a province or city account: its region bounds the rows, and it "
        "dispatches (交办) each new item to the unit its 责任单位 names, with the list's deadline",
    ),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Import the central inspection hand-over list 导入督察交办件: every row checked, nothing
    imported when any row is bad; importing it again finds the same cases."""
    settings = get_settings()
    try:
        try:
            data = read_file_bytes(file, settings.max_file_bytes)
        except (UnreadableText, OSError) as exc:  # too large, missing, unreadable
            raise HandoverRejected([RowProblem(0, "", "", str(exc))]) from exc
        with acting_as("cli"), session_scope(get_engine(settings.db_url)) as session:
            user = None if as_user is None else importing_account(session, as_user)
            result = import_handover(
                session, data, file.name, actor=as_user or "cli",
                max_bytes=settings.max_file_bytes, max_rows=settings.max_items_per_request,
                scope=None if user is None else scope_of(user), dispatcher=user,
            )  # fmt: skip
    except HandoverRejected as exc:
        err = Console(stderr=True)
        for p in exc.problems:
            err.print(f"{file.name}: {p}", highlight=False, soft_wrap=True)
        err.print(
            f"[bold red]error:[/] {file.name}: {len(exc.problems)} problem(s), nothing imported",
            highlight=False,
        )
        raise typer.Exit(1) from exc
    rows = [r.__dict__ for r in result.rows]
    if as_json:
        console.print_json(json.dumps({"file": result.filename, "rows": rows}, ensure_ascii=False))
        return
    table = Table("行 row", "交办编号", "案件编号 case", "结果 outcome", "交办 dispatched")
    for r in result.rows:
        table.add_row(str(r.row), r.number, r.case_number or str(r.case_id), r.outcome,
                      "是 yes" if r.dispatched else r.note or "否 no")  # fmt: skip
    console.print(table)
    console.print(result.summary(), highlight=False)


@app.command("notice")
def notice(
    month: str = typer.Option(
        None, "--month", help="YYYY-MM (default: the month just ended, in China Standard Time)"
    ),
    xlsx: Path = typer.Option(None, "--xlsx", help="also write the notice's Excel file here"),
    docx: Path = typer.Option(None, "--docx", help="also write the notice's Word file here"),
    as_json: bool = typer.Option(False, "--json", help="print the whole notice as JSON"),
) -> None:
    """Issue the monthly dispatch notice 月调度通报 of a month now: computed from the cases'
    history and stored (replacing one issued before), as the case-notice job does on the 1st;
    cities and counties read it cut to their region."""
    settings = get_settings()
    err = Console(stderr=True)
    try:
        m = month_of(utcnow()).previous() if month is None else Month.parse(month)
        with acting_as("cli"), session_scope(get_engine(settings.db_url)) as session:
            n = issue_notice(session, m, actor="cli")
    except CaseError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    for path, write in ((xlsx, notice_xlsx), (docx, notice_docx)):
        if path is not None:
            path.write_bytes(write(n))
    if as_json:
        console.print_json(json.dumps(n.to_dict(), ensure_ascii=False))
        return
    console.print(notice_summary(n), highlight=False, soft_wrap=True)
    for path in (xlsx, docx):
        if path is not None:
            console.print(f"written: {path}", highlight=False, soft_wrap=True)
