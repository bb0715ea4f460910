"""The water forecast's skill from upstream sections and its interval coverage on a built demo
data dir (docs/forecast.md, section Water): prints the tables and draws the figure.

    .venv/bin/python scripts/forecast_water_skill.py DATA_DIR [--issues 14] [--png docs/img/forecast_water_upstream.png]

Issues are daily (08:00 CST) over the last ``--issues`` days before the demo's newest day;
each forecast sees only the values complete at its issue (qingshan.forecast.water).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select

from qingshan.db.engine import make_engine, session_scope
from qingshan.forecast.water import evaluate_issues, upstream_skill
from qingshan.forecast.water_risk import INDICATORS
from qingshan.forecast.water_service import HISTORY_DAYS, get_sections, read_panels
from qingshan.monitoring.models import LatestValue
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--issues", type=int, default=14)
    ap.add_argument("--png", type=Path, default=None)
    args = ap.parse_args()
    engine = make_engine(f"sqlite:///{args.data_dir / 'qingshan.db'}")
    store = ObservationStore(args.data_dir / "observations")
    with session_scope(engine) as s:
        sections = [x for x in get_sections(s) if x.series]
        now = pd.Timestamp(s.scalar(select(func.max(LatestValue.time))))
    end = now.tz_convert(CST).normalize().tz_convert("UTC")
    started = time.monotonic()
    panels = read_panels(store, sections, end.to_pydatetime(), HISTORY_DAYS + args.issues + 8)
    print(
        f"read {len(sections)} sections in {time.monotonic() - started:.1f} s; "
        f"{sum(1 for x in sections if x.upstream)} with an upstream section"
    )
    issues = [end - pd.Timedelta(days=k + 7) for k in range(args.issues, 0, -1)]
    skills, cover = [], []
    for key in INDICATORS:
        sk = upstream_skill(panels[key], issues)
        sk["indicator"] = key
        skills.append(sk)
        ev = evaluate_issues(panels[key], issues)
        cov = ev.groupby(["period", "lead"])["covered"].mean().rename(key)
        cover.append(cov)
    skill = pd.concat(skills, ignore_index=True)
    table = skill.pivot_table(index=["period", "lead"], columns="indicator", values="skill")
    print("skill = 1 - MAE_with / MAE_without (sections with an upstream section)")
    print(table.round(3).to_string())
    print("90 % interval coverage (all sections)")
    print(pd.concat(cover, axis=1).round(3).to_string())
    if args.png is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
        for ax, period, unit, title in (
            (axes[0], "hour", "hours ahead", "hourly forecast"),
            (axes[1], "day", "days ahead", "daily forecast"),
        ):
            part = table.loc[period]
            for key in part.columns:
                ax.plot(part.index, part[key], marker="o", ms=3, label=key)
            ax.axhline(0, color="#888", lw=0.8)
            ax.set_xlabel(unit)
            ax.set_title(title)
        axes[0].set_ylabel("skill from upstream sections")
        axes[1].legend(fontsize=8)
        fig.suptitle(
            "Demo province: skill gained from upstream sections (what the simulator planted)",
            fontsize=10,
        )
        fig.tight_layout()
        args.png.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.png, dpi=110)
        print(f"figure: {args.png}")
    print(f"done in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
