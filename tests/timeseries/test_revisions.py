"""The re-send rule on the natural key, before and after compaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from qingshan.timeseries import layout
from qingshan.timeseries.revisions import resolve_revisions

from .helpers import T0, rows

R1 = datetime(2024, 1, 2, 0, 0, tzinfo=UTC)
R2 = R1 + timedelta(hours=1)
R3 = R1 + timedelta(hours=2)
END = T0 + timedelta(hours=1)


def visible(store):
    return store.query(1, T0, END)


def test_identical_resend_is_a_noop(store):
    store.append(rows(1, [5.0], source=["MN:QN-1"], source_flag=["N"]), "air", received_at=R1)
    before = visible(store)
    store.append(
        rows(1, [5.0], source=["MN:QN-1-replay"], source_flag=["N"]), "air", received_at=R2
    )
    after = visible(store)
    pd.testing.assert_frame_equal(before, after)
    assert after["received_at"].tolist() == [pd.Timestamp(R1)]
    assert after["source"].tolist() == ["MN:QN-1"]


def test_different_value_is_newer_and_wins(store):
    store.append(rows(1, [5.0]), "air", received_at=R1)
    store.append(rows(1, [6.0]), "air", received_at=R2)
    assert visible(store)["value"].tolist() == [6.0]


def test_newest_is_by_received_at_not_by_append_order(store):
    store.append(rows(1, [6.0]), "air", received_at=R2)
    store.append(rows(1, [5.0]), "air", received_at=R1)  # a late arrival of an older value
    assert visible(store)["value"].tolist() == [6.0]


def test_flag_change_is_a_different_content(store):
    store.append(rows(1, [5.0], source_flag=["N"]), "air", received_at=R1)
    store.append(rows(1, [5.0], source_flag=["D"]), "air", received_at=R2)
    assert visible(store)["source_flag"].tolist() == ["D"]


def test_higher_revision_beats_later_arrival(store):
    store.append(rows(1, [7.0], revision=[1]), "air", received_at=R1)  # a QC correction
    store.append(rows(1, [5.0]), "air", received_at=R3)  # a late logger re-send, revision 0
    got = visible(store)
    assert got["value"].tolist() == [7.0] and got["revision"].tolist() == [1]


def test_old_content_resent_stays_superseded(store):
    store.append(rows(1, [5.0]), "air", received_at=R1)
    store.append(rows(1, [6.0]), "air", received_at=R2)
    store.append(rows(1, [5.0]), "air", received_at=R3)  # replay of the first packet
    assert visible(store)["value"].tolist() == [6.0]
    store.append(rows(1, [5.0], revision=[1]), "air", received_at=R3)  # deliberate restore
    assert visible(store)["value"].tolist() == [5.0]


def test_same_arrival_tie_is_broken_by_content(store):
    store.append(rows(1, [5.0]), "air", received_at=R1)
    store.append(rows(1, [6.0]), "air", received_at=R1)
    assert visible(store)["value"].tolist() == [6.0]
    store.append(rows(2, [None]), "air", received_at=R1)
    store.append(rows(2, [1.0]), "air", received_at=R1)
    assert store.query(2, T0, END)["value"].tolist() == [1.0]


def test_duplicates_inside_one_batch(store):
    batch = pd.concat([rows(1, [5.0]), rows(1, [5.0]), rows(1, [4.0])])
    batch["received_at"] = [R2, R1, R1]
    store.append(batch, "air")
    got = visible(store)
    assert got["value"].tolist() == [5.0] and got["received_at"].tolist() == [pd.Timestamp(R1)]


@pytest.mark.parametrize("compact_between", [True, False])
def test_rule_holds_across_compaction(store, compact_between):
    store.append(rows(1, [5.0, 1.0]), "air", received_at=R1)
    store.append(rows(1, [6.0, 1.0]), "air", received_at=R2)
    if compact_between:
        assert [r.files_in for r in store.compact()] == [2]
        assert len(store.files()) == 1
    before = store.query(1, T0, T0 + timedelta(hours=2))
    store.append(rows(1, [5.0, 1.0]), "air", received_at=R3)  # re-send after compaction
    after = store.query(1, T0, T0 + timedelta(hours=2))
    assert after["value"].tolist() == [6.0, 1.0]
    pd.testing.assert_frame_equal(before, after)
    store.compact()
    pd.testing.assert_frame_equal(store.query(1, T0, T0 + timedelta(hours=2)), after)


def test_compaction_drops_superseded_revisions_and_sorts(store):
    store.append(rows(2, [1.0, 2.0]), "air", received_at=R1)
    store.append(rows(1, [5.0, 5.0]), "air", received_at=R1)
    store.append(rows(1, [5.0, 9.0], revision=[0, 1]), "air", received_at=R2)
    store.append(rows(1, [5.0, 5.0]), "air", received_at=R3)
    before = store.query([1, 2], T0, T0 + timedelta(hours=2))
    (result,) = store.compact()
    assert (result.files_in, result.rows_in, result.rows_out) == (4, 8, 4)
    table = pd.read_parquet(result.path)
    assert table["series_id"].tolist() == [1, 1, 2, 2]
    assert table["value"].tolist() == [5.0, 9.0, 1.0, 2.0]
    pd.testing.assert_frame_equal(store.query([1, 2], T0, T0 + timedelta(hours=2)), before)


def test_compaction_filters_and_min_files(store):
    store.append(rows(1, [1.0]), "air")
    store.append(rows(1, [1.0] * 20), "water")
    store.append(rows(1, [2.0] * 20), "water")
    assert store.compact(stream="air") == []
    assert store.compact(stream="air", min_files=1)[0].rows_out == 1
    done = store.compact(stream="water", date="2024-01-02")
    assert [r.partition.date for r in done] == ["2024-01-02"]
    assert len(store.files(stream="water")) == 3


def test_crash_after_rename_loses_nothing(store, monkeypatch):
    store.append(rows(1, [1.0, 2.0]), "air", received_at=R1)
    store.append(rows(1, [1.0, 3.0]), "air", received_at=R2)
    before = store.query(1, T0, T0 + timedelta(hours=2))

    def crash(paths, fs=None):
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(layout, "discard", crash)
    with pytest.raises(KeyboardInterrupt):
        store.compact()
    monkeypatch.undo()
    assert len(store.files()) == 3  # old files and the new one side by side
    pd.testing.assert_frame_equal(store.query(1, T0, T0 + timedelta(hours=2)), before)
    store.compact()
    assert len(store.files()) == 1
    pd.testing.assert_frame_equal(store.query(1, T0, T0 + timedelta(hours=2)), before)


def test_crash_before_rename_leaves_only_a_hidden_temporary(store, monkeypatch):
    store.append(rows(1, [1.0]), "air")
    store.append(rows(1, [2.0]), "air")
    before = store.query(1, T0, END)

    def crash(pairs, fs=None):
        raise OSError("disk gone")

    monkeypatch.setattr(layout, "publish", crash)
    with pytest.raises(OSError, match="disk gone"):
        store.compact()
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.query(1, T0, END), before)
    assert len(store.files()) == 2


def test_pandas_kernel_states_the_same_rule():
    frame = pd.concat([rows(1, [5.0]), rows(1, [6.0]), rows(1, [5.0]), rows(1, [3.0])])
    frame["received_at"] = pd.to_datetime([R1, R2, R3, R1])
    frame["revision"] = [0, 0, 0, 0]
    for col in ("raw_value", "source_flag", "source"):
        frame[col] = None
    frame["qc_flag"] = 0
    assert resolve_revisions(frame)["value"].tolist() == [6.0]
    assert sorted(resolve_revisions(frame, keep="compact")["value"].tolist()) == [3.0, 5.0, 6.0]
