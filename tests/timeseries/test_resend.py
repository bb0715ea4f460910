"""append_new: a re-sent row is not written again physically, and every read is exactly what
append would give (the physical side of the re-send rule)."""

from __future__ import annotations

import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingshan.timeseries import ObservationStore
from qingshan.timeseries.resend import redundant_mask

from .test_properties import R0, T0, frame, read_all, row

NEW = dict(series_id=1, time=T0, period="hour", value=2.0, raw_value=2.0, source_flag="N",
           qc_flag=0, source="M:1", received_at=R0, revision=0)  # fmt: skip


def _rows(*changes: dict) -> pd.DataFrame:
    return frame([{**NEW, **c} for c in changes])


def _physical(store: ObservationStore) -> int:
    files = [str(p) for p in store.root.rglob("*.parquet")]
    if not files:
        return 0
    return duckdb.sql("SELECT count(*) FROM read_parquet($f)", params={"f": files}).fetchall()[0][0]


def test_redundant_rows_by_the_rule():
    later = R0 + timedelta(minutes=1)
    stored = _rows({})
    new = _rows(
        {"received_at": later, "source": "M:2"},  # same content, later: a re-send
        {"received_at": R0 - timedelta(minutes=1)},  # same content, earlier: its first arrival
        {"value": 3.0, "received_at": later},  # another content: a correction
        {"series_id": 2},  # another key
        {"series_id": 2, "received_at": later},  # repeated within the batch
    )
    assert redundant_mask(new, stored).tolist() == [True, False, False, False, True]
    # a higher revision, stored or in the batch, makes any lower one redundant
    assert redundant_mask(_rows({"value": 9.0}), _rows({"revision": 2})).tolist() == [True]
    both = _rows({"value": 9.0}, {"revision": 1, "received_at": later})
    assert redundant_mask(both, stored).tolist() == [True, False]
    # null equals null in the content; received_at tie: the stored row came first
    nulls = {"value": None, "raw_value": None, "source_flag": None}
    assert redundant_mask(_rows(nulls), _rows(nulls)).tolist() == [True]


def test_a_resent_packet_is_written_once_and_reads_do_not_change(tmp_path):
    store = ObservationStore(tmp_path / "obs")
    first = _rows({}, {"series_id": 2})
    assert store.append_new(first, "gas_outlet") == 2
    before = store.scan(None, None, None)
    resent = _rows({"received_at": R0 + timedelta(hours=1)}, {"series_id": 2, "source": "M:9"})
    assert store.append_new(resent, "gas_outlet") == 0
    assert _physical(store) == 2
    pd.testing.assert_frame_equal(store.scan(None, None, None), before)
    # rows not marked for checking are only compared within their batch
    twice = pd.concat([resent, resent])
    assert store.append_new(twice, "gas_outlet", check=np.zeros(4, dtype=bool)) == 2
    assert _physical(store) == 4
    pd.testing.assert_frame_equal(store.scan(None, None, None), before)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batches=st.lists(st.lists(row, min_size=1, max_size=12), min_size=1, max_size=4),
    compact_after=st.integers(0, 4),
)
def test_append_new_reads_as_append_and_never_writes_a_redundant_row(batches, compact_after):
    with tempfile.TemporaryDirectory() as tmp:
        plain = ObservationStore(Path(tmp) / "plain")
        lean = ObservationStore(Path(tmp) / "lean")
        for i, batch in enumerate(batches):
            plain.append(frame(batch), "air")
            lean.append_new(frame(batch), "air")
            if i == compact_after:
                lean.compact(min_files=1)
            pd.testing.assert_frame_equal(read_all(lean), read_all(plain))
        # everything again, once more: nothing new to write
        for batch in batches:
            assert lean.append_new(frame(batch), "air") == 0
        pd.testing.assert_frame_equal(read_all(lean), read_all(plain))
        # never more than append (a row can become redundant later, when an earlier arrival
        # or a higher revision of its key comes: compaction removes it then)
        assert _physical(lean) <= _physical(plain)


def test_lock_is_exclusive_between_holders(tmp_path):
    store = ObservationStore(tmp_path / "obs")
    order: list[str] = []
    with store.lock("ingest"):
        t = threading.Thread(target=lambda: _take(store, order))
        t.start()
        t.join(0.3)
        order.append("first done")
    t.join(5)
    assert order == ["first done", "second"]
    assert (tmp_path / "obs" / ".ingest.lock").exists()


def _take(store: ObservationStore, order: list[str]) -> None:
    with store.lock("ingest"):
        order.append("second")
