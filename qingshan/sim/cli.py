"""``qingshan sim``: build the demo province and list its injected faults (ground truth)."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.monitoring.models import Series, Site
from qingshan.sim.models import InjectedFault
from qingshan.sim.scale import get_scale
from qingshan.sim.score import score_demo
from qingshan.timeutil import as_utc, utcnow

app = typer.Typer(
    help="演示省份 The seeded synthetic Zhejiang (demo province).", no_args_is_help=True
)
console = Console()


def _parse_now(now: str | None) -> datetime:

    if now is None:
        return utcnow()
    try:
        return as_utc(datetime.fromisoformat(now))
    except ValueError as exc:
        raise typer.BadParameter(f"--now must be an ISO 8601 time, got {now!r}") from exc


@app.command()
def build(
    scale: str = typer.Option("full", help="small (tests, seconds) | full (the demo)"),
    seed: int = typer.Option(2021, help="seed of every random choice"),
    now: str | None = typer.Option(
        None, help="the demo's present, ISO 8601 (naive = CST); default: now"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Build the demo province into the configured stores, unless it is already there."""

    try:
        get_scale(scale)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--scale") from exc
    from qingshan.sim.demo import build_with_progress  # the simulator: `sim build` only

    summary = build_with_progress(
        get_settings(), scale=scale, now=_parse_now(now), seed=seed, console=console,
        quiet=as_json, actor="sim",
    )  # fmt: skip
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        console.print(str(summary))


@app.command()
def faults(
    kind: str | None = typer.Option(
        None, help="only this kind (exceedance, flat_line, spike, gap, o2_tamper, calibration)"
    ),
    site: str | None = typer.Option(None, help="only this site code"),
    limit: int = typer.Option(50, min=0, help="at most this many rows (0 = all)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON lines"),
) -> None:
    """List the injected faults (ground truth for scoring QC), newest first."""

    query = (
        select(InjectedFault, Site.code, Series.parameter_code, Series.period)
        .join(Series, Series.id == InjectedFault.series_id)
        .join(Site, Site.id == Series.site_id)
        .order_by(InjectedFault.start.desc(), InjectedFault.id)
    )
    counts = select(InjectedFault.kind, func.count()).group_by(InjectedFault.kind)
    if kind is not None:
        query = query.where(InjectedFault.kind == kind)
    if site is not None:
        query = query.where(Site.code == site)
        counts = (
            counts.join(Series, Series.id == InjectedFault.series_id)
            .join(Site, Site.id == Series.site_id)
            .where(Site.code == site)
        )
    if limit:
        query = query.limit(limit)
    with session_scope(get_engine()) as session:
        rows = session.execute(query).all()
        by_kind = dict(session.execute(counts).all())
    if as_json:
        for f, code, param, period in rows:
            print(
                json.dumps(
                    {
                        "id": f.id,
                        "site": code,
                        "parameter": param,
                        "period": str(period),
                        "kind": f.kind,
                        "start": f.start.isoformat(),
                        "end": f.end.isoformat(),
                        "params": f.params,
                    },
                    ensure_ascii=False,
                )
            )
        return
    table = Table(title="注入故障 injected faults (UTC)")
    for col in ("site", "parameter", "period", "kind", "start", "end", "params"):
        table.add_column(col)
    for f, code, param, period in rows:
        table.add_row(
            code,
            param,
            str(period),
            f.kind,
            f.start.strftime("%Y-%m-%d %H:%M"),
            f.end.strftime("%Y-%m-%d %H:%M"),
            json.dumps(f.params, ensure_ascii=False)[:60],
        )
    console.print(table)
    console.print("totals: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())))


def score(
    as_json: bool = typer.Option(
        False,
        "--json",
        help='print {"kinds": [{"kind", "recall", "precision", "false_alarm_rate"}, …]}',
    ),
    limit_sites: int = typer.Option(0, help="score only the first N outlets (0 = all)"),
) -> None:
    """评分 Recall, precision and false-alarm rate per fault kind against the demo's injected faults."""

    result = score_demo(limit_sites=limit_sites or None)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    table = Table("kind", "faults", "recall", "precision", "false_alarm_rate")
    for k in result["kinds"]:
        table.add_row(
            k["kind"],
            str(k["faults"]),
            f"{k['recall']:.3f}",
            "–" if k["precision"] is None else f"{k['precision']:.3f}",
            f"{k['false_alarm_rate']:.4f}",
        )
    console.print(table)
    console.print(
        f"overall false-alarm rate on clean hours: {result['overall_false_alarm_rate']:.4f}; outlets {result['sites']}"
    )
