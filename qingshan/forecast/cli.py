"""``qingshan forecast …``: the air forecast's commands (issue #15)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from qingshan.forecast.files import evaluate_files

app = typer.Typer(help="预测 Air-quality forecasts: evaluate on real data.", no_args_is_help=True)
console = Console(stderr=True)


@app.callback()
def forecast() -> None:
    """预测 Air-quality forecasts (issue #15)."""


#: the steps evaluate reports (reading the files, training, forecasting, baselines, scores)
STEPS = 8


@app.command("evaluate")
def evaluate_command(
    train: Path = typer.Option(..., "--train", exists=True, dir_okay=False,
                               help="CNEMC china_sites_* file (CSV, .gz) to train on"),
    test: Path = typer.Option(None, "--test", exists=True, dir_okay=False,
                              help="CNEMC file to score on (default: the last quarter of --train)"),
    stations: Path = typer.Option(None, "--stations", exists=True, dir_okay=False,
                                  help="station list (code,name,city,…); default: Zhejiang's 53"),
    weather: Path = typer.Option(None, "--weather", exists=True, dir_okay=False,
                                 help="optional weather CSV (docs/forecast.md); scored with and without"),
    seed: int = typer.Option(0, help="LightGBM random state"),
    as_json: bool = typer.Option(False, "--json", help="print the scores as JSON"),
) -> None:  # fmt: skip
    """Train the city daily air forecast on one CNEMC file and score rolling-origin forecasts
    1–3 days ahead on another (or on a held-back tail), beside persistence, climatology,
    weekly seasonal naive and statsforecast AutoETS."""
    if as_json:
        result = evaluate_files(train, test, stations=stations, weather=weather, seed=seed)
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("评估 evaluating", total=STEPS)

        def step(message: str) -> None:
            bar.update(task, advance=1, description=message)

        result = evaluate_files(
            train, test, stations=stations, weather=weather, seed=seed, progress=step
        )
        bar.update(task, completed=STEPS)
    _table(result)


def _table(result: dict[str, Any]) -> None:
    from rich.table import Table

    period = result["period"]
    out = Console()
    out.print(f"train {period['train'][0]}…{period['train'][1]}, "
              f"test {period['test'][0]}…{period['test'][1]}, {period['cities']} cities")  # fmt: skip
    table = Table("model", "days ahead", "level acc.", "primary acc.", "AQI MAE", "PM2.5 MAE",
                  "O3 8h MAE", "polluted hit", "false alarm", "skill")  # fmt: skip
    rows = [("model", result["horizons"])] + [
        (k, v["horizons"]) for k, v in result.items() if isinstance(v, dict) and "horizons" in v
        and k != "details"
    ]  # fmt: skip

    def f(v: object) -> str:
        return "—" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    for name, horizons in rows:
        for h in horizons:
            table.add_row(name, *(f(h[k]) for k in (
                "days_ahead", "aqi_level_accuracy", "primary_pollutant_accuracy", "aqi_mae",
                "pm25_mae", "o3_8h_mae", "polluted_hit_rate", "polluted_false_alarm_rate",
                "skill_vs_persistence")))  # fmt: skip
    out.print(table)
