"""``qingshan audit``: the audit log's hash chain — ``verify`` it, print its ``head``."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qingshan.audit.chain import BreakKind
from qingshan.audit.errors import ChainBroken
from qingshan.audit.service import count_rows, get_head, parse_anchor, verify_audit_log
from qingshan.db.engine import get_engine, session_scope
from qingshan.timeutil import as_cst

app = typer.Typer(help="审计日志 The audit log: its hash chain.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

#: a progress bar is shown from this many rows on
PROGRESS_FROM = 50_000


@app.command()
def verify(
    from_id: Annotated[
        int | None,
        typer.Option("--from-id", min=1, help="start at this row id, trusting the row before it"),
    ] = None,
    anchor: Annotated[
        list[str] | None,
        typer.Option(
            "--anchor",
            help="ID:HASH, a head published earlier (`qingshan audit head`): row ID must still "
            "have HASH (repeatable)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="the result as JSON on stdout")] = False,
) -> None:
    """核验 Verify the audit log's hash chain in id order: OK with the row count and head, or
    the first broken row (edited, deleted, inserted, rewritten) and exit status 1."""
    anchors = [parse_anchor(a) for a in anchor or []]
    with session_scope(get_engine()) as session:
        total = count_rows(session, from_id)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=total < PROGRESS_FROM,
        ) as progress:
            task = progress.add_task("verifying the audit chain", total=total)
            report = verify_audit_log(
                session,
                from_id=from_id,
                anchors=anchors,
                progress=lambda n: progress.advance(task, n),
            )
    broken = report.broken
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "ok": report.ok,
                    "rows": report.rows,
                    "head_id": report.head_id,
                    "head_hash": report.head_hash,
                    "broken": None
                    if broken is None
                    else {"id": broken.id, "kind": broken.kind.value, "detail": broken.detail},
                }
            )
            + "\n"
        )
        if broken is not None:
            raise typer.Exit(1)
        return
    if broken is not None:
        verified = (
            f"the chain itself holds: {report.rows} row(s)"
            if broken.kind is BreakKind.REWRITTEN
            else f"{report.rows} row(s) verified before it"
        )
        raise ChainBroken(
            f"audit chain broken at row {broken.id} ({broken.kind.value}): {broken.detail} "
            f"({verified})",
            id=broken.id,
            kind=broken.kind.value,
        )
    if report.head_id is None:
        out.print("audit chain OK: no rows")
    else:
        out.print(
            f"audit chain OK: {report.rows} row(s) verified, head {report.head_id}:"
            f"{report.head_hash}",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def head(
    as_json: Annotated[bool, typer.Option("--json", help="the head as JSON on stdout")] = False,
) -> None:
    """链头 Print the last row's id and hash as ID:HASH: publish it (daily, say), and check it
    later with `qingshan audit verify --anchor ID:HASH`, so that even a rewrite of the whole
    chain shows."""
    with session_scope(get_engine()) as session:
        h = get_head(session)
    if as_json:
        doc = None if h is None else {"id": h.id, "hash": h.hash, "at": h.at.isoformat()}
        sys.stdout.write(json.dumps(doc) + "\n")
    elif h is None:
        out.print("the audit log is empty")
    else:
        out.print(h.anchor, highlight=False, soft_wrap=True)
        err.print(f"row {h.id} written {as_cst(h.at):%Y-%m-%d %H:%M:%S} CST", highlight=False)
