"""The forecast store: batches written whole, never rewritten, read by issue and target."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from qingshan.forecast.store import (
    ForecastBatchExistsError,
    ForecastModel,
    ForecastValidationError,
    batch_path,
    has_batch,
    list_batches,
    read_forecasts,
    write_forecasts,
)

MODEL = ForecastModel("persistence", "1")


def _batch(issued: datetime, cities=("330100", "330200"), base: float = 50.0) -> pd.DataFrame:
    """A small air batch: days 1-3 ahead of the issue's CST day, AQI, three quantiles."""
    rows = []
    day0 = pd.Timestamp(issued).tz_convert("Asia/Shanghai").normalize()
    for i, city in enumerate(cities):
        for ahead in (1, 2, 3):
            for q, dv in ((0.1, -10.0), (0.5, 0.0), (0.9, 15.0)):
                rows.append(
                    {
                        "target_id": city,
                        "variable": "AQI",
                        "target_time": day0 + pd.Timedelta(days=ahead),
                        "quantile": q,
                        "value": base + 10 * i + ahead + dv,
                    }
                )
    return pd.DataFrame(rows)


ISSUE = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # 16:00 CST on 1 March


def test_write_then_read_round_trips_values_and_model(tmp_path: Path) -> None:
    assert write_forecasts(tmp_path, "city_air", ISSUE, _batch(ISSUE), MODEL) is True
    got = read_forecasts(tmp_path, "city_air")
    assert len(got) == 2 * 3 * 3
    assert set(got["model"]) == {"persistence"} and set(got["model_version"]) == {"1"}
    hz = got[(got.target_id == "330200") & (got["quantile"] == 0.9)]
    # 1 March 16:00 CST → target 2 March CST = 1 March 16:00 UTC
    assert hz["target_time"].iloc[0] == pd.Timestamp("2026-03-01T16:00Z")
    assert hz["value"].tolist() == [76.0, 77.0, 78.0]
    assert (got["issued_at"] == pd.Timestamp(ISSUE)).all()
    assert batch_path(tmp_path, "city_air", ISSUE).parent.name == "issued=2026-03-01"


def test_same_batch_again_is_a_no_op_and_a_different_one_an_error(tmp_path: Path) -> None:
    assert write_forecasts(tmp_path, "city_air", ISSUE, _batch(ISSUE), MODEL)
    path = batch_path(tmp_path, "city_air", ISSUE)
    mtime = path.stat().st_mtime_ns
    # rows in another order are the same batch
    assert write_forecasts(tmp_path, "city_air", ISSUE, _batch(ISSUE).iloc[::-1], MODEL) is False
    assert path.stat().st_mtime_ns == mtime
    with pytest.raises(ForecastBatchExistsError, match="already stored .* never rewritten"):
        write_forecasts(tmp_path, "city_air", ISSUE, _batch(ISSUE, base=60.0), MODEL)
    with pytest.raises(ForecastBatchExistsError, match="issued at 2026-03-01T08:00:00"):
        write_forecasts(tmp_path, "city_air", ISSUE, _batch(ISSUE), ForecastModel("lgbm", "2"))
    assert read_forecasts(tmp_path, "city_air")["value"].max() == 78.0
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporaries left


def test_bad_rows_are_refused_with_reasons(tmp_path: Path) -> None:
    frame = _batch(ISSUE)
    with pytest.raises(ForecastValidationError, match="unknown forecast kind 'air'"):
        write_forecasts(tmp_path, "air", ISSUE, frame, MODEL)
    with pytest.raises(ForecastValidationError, match="issued_at must be timezone-aware"):
        write_forecasts(tmp_path, "city_air", datetime(2026, 3, 1, 8), frame, MODEL)
    with pytest.raises(ForecastValidationError, match="duplicate forecast key: 330100 AQI"):
        write_forecasts(tmp_path, "city_air", ISSUE, pd.concat([frame, frame.head(1)]), MODEL)
    with pytest.raises(ForecastValidationError, match="quantile must lie strictly between"):
        write_forecasts(tmp_path, "city_air", ISSUE, frame.assign(quantile=1.0), MODEL)
    with pytest.raises(ForecastValidationError, match=r"lack columns \['quantile'\]"):
        write_forecasts(tmp_path, "city_air", ISSUE, frame.drop(columns="quantile"), MODEL)
    naive = frame.assign(target_time=frame["target_time"].dt.tz_localize(None))
    with pytest.raises(ForecastValidationError, match="target_time must be timezone-aware"):
        write_forecasts(tmp_path, "city_air", ISSUE, naive, MODEL)
    assert not (tmp_path / "forecasts").exists() or read_forecasts(tmp_path, "city_air").empty


def test_reads_by_issue_target_and_latest(tmp_path: Path) -> None:
    issues = [ISSUE + timedelta(days=d) for d in range(4)]
    for n, t in enumerate(issues):
        write_forecasts(tmp_path, "city_air", t, _batch(t, base=50.0 + 100 * n), MODEL)
    water = _batch(ISSUE, cities=("S001",)).assign(period="hour")
    write_forecasts(tmp_path, "section_water", ISSUE, water, MODEL)

    assert list_batches(tmp_path, "city_air") == [pd.Timestamp(t) for t in issues]
    assert len(read_forecasts(tmp_path, "section_water")) == 9
    one = read_forecasts(tmp_path, "city_air", issued_from=issues[1], issued_to=issues[2])
    assert sorted(set(one["issued_at"])) == [pd.Timestamp(issues[1]), pd.Timestamp(issues[2])]
    # a target day forecast by three issues (1, 2 and 3 days ahead)
    day = pd.Timestamp("2026-03-03T16:00Z")  # 4 March CST
    same_target = read_forecasts(
        tmp_path, "city_air", target_ids=["330100"], target_from=day, target_to=day
    )
    med = same_target[same_target["quantile"] == 0.5]
    assert med["value"].tolist() == [53.0, 152.0, 251.0]
    latest = read_forecasts(tmp_path, "city_air", latest_only=True)
    assert set(latest["issued_at"]) == {pd.Timestamp(issues[-1])}
    assert len(latest) == 18
    # latest per target among those matched: an issue window picks that window's newest
    capped = read_forecasts(tmp_path, "city_air", issued_to=issues[1], latest_only=True)
    assert set(capped["issued_at"]) == {pd.Timestamp(issues[1])}
    assert read_forecasts(tmp_path, "city_air", target_ids=["999999"]).empty
    assert read_forecasts(tmp_path, "city_air", target_ids=[]).empty
    assert read_forecasts(tmp_path / "nothing", "city_air").columns[0] == "kind"
    assert has_batch(tmp_path, "city_air", issues[3])
    assert not has_batch(tmp_path, "city_air", issues[3] + timedelta(hours=1))


_KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import UTC, datetime
    from pathlib import Path
    import pandas as pd
    from qingshan.forecast import store

    def die(*args, **kwargs):  # the kill point: the temporary is written, not yet linked
        os.kill(os.getpid(), signal.SIGKILL)

    store.os.link = die
    issued = datetime.fromisoformat(sys.argv[2])
    frame = pd.read_pickle(sys.argv[3])
    store.write_forecasts(Path(sys.argv[1]), "city_air", issued, frame, store.ForecastModel("p", "1"))
    """
)


def test_a_kill_between_write_and_rename_leaves_the_old_state(tmp_path: Path) -> None:
    write_forecasts(tmp_path, "city_air", ISSUE, _batch(ISSUE), MODEL)
    before = read_forecasts(tmp_path, "city_air")
    later = ISSUE + timedelta(days=1)
    _batch(later, base=999.0).to_pickle(tmp_path / "rows.pkl")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _KILL_SCRIPT,
            str(tmp_path),
            later.isoformat(),
            str(tmp_path / "rows.pkl"),
        ],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    leftovers = list(batch_path(tmp_path, "city_air", later).parent.iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith(
        ".tmp-"
    )  # the kill did happen there
    pd.testing.assert_frame_equal(read_forecasts(tmp_path, "city_air"), before)
    assert not has_batch(tmp_path, "city_air", later)
    # the issue can be made again after the crash
    assert write_forecasts(tmp_path, "city_air", later, _batch(later), MODEL) is True
    assert len(read_forecasts(tmp_path, "city_air")) == 2 * len(before)
