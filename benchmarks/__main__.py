"""Run the benchmarks: ``python -m benchmarks [--quick] [NAME ...]``."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

import benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "names", nargs="*", help="bench_<name> modules to run (default: all but the opt-in ones)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--scale",
        type=float,
        help="fraction of the province-year of `batch` (QINGSHAN_BENCH_BATCH_SCALE; 1.0 = full)",
    )
    args = parser.parse_args()
    if args.scale is not None:
        os.environ["QINGSHAN_BENCH_BATCH_SCALE"] = str(args.scale)
    names = args.names or sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if m.name.startswith("bench_")
        and not getattr(importlib.import_module(f"benchmarks.{m.name}"), "OPT_IN", False)
    )
    console = Console()
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        console.rule(f"[bold]{name}")
        t0 = time.perf_counter()
        rows = module.run(quick=args.quick)
        table = Table(*rows[0].keys()) if rows else Table("empty")
        for row in rows:
            table.add_row(*(f"{v:,.3g}" if isinstance(v, float) else str(v) for v in row.values()))
        console.print(table)
        console.print(f"{name}: {time.perf_counter() - t0:.1f} s")
        (out / f"{name}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
