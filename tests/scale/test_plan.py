"""The batch plan: partitions from the store's layout, CST days, months after days."""

from __future__ import annotations

from datetime import date

import pytest

from qingshan.scale.errors import BatchArgumentError
from qingshan.scale.plan import BatchPartition, expand_kinds, plan_partitions

LAYOUT = [
    ("air", "2024-01-30"),
    ("air", "2024-01-31"),
    ("gas_outlet", "2024-02-01"),
    ("water", "2024-03-05"),
]


def test_kinds_in_order_and_all():
    assert expand_kinds(["indices", "qc"]) == ("qc", "indices")
    assert expand_kinds(["all"]) == ("qc", "rollups", "indices")
    with pytest.raises(BatchArgumentError, match="unknown batch kind 'aqi'"):
        expand_kinds(["aqi"])


def test_a_cst_day_reads_its_two_utc_dates():
    # CST 2024-02-01 = UTC [01-31 16:00, 02-01 16:00): planned from the UTC date 01-31 alone
    parts = plan_partitions(["rollups"], LAYOUT, date(2024, 1, 31), date(2024, 2, 1))
    assert parts == [
        BatchPartition("rollups", "air", date(2024, 1, 31)),
        BatchPartition("rollups", "air", date(2024, 2, 1)),
        BatchPartition("rollups", "gas_outlet", date(2024, 2, 1)),
        # the day → month step after every day partition, one per (stream, month)
        BatchPartition("rollups", "air", date(2024, 1, 1), "month"),
        BatchPartition("rollups", "air", date(2024, 2, 1), "month"),
        BatchPartition("rollups", "gas_outlet", date(2024, 2, 1), "month"),
    ]
    assert parts[3].key == "rollups/air/2024-01.month"
    assert parts[0].key == "rollups/air/2024-01-31"


def test_streams_per_kind_and_sites():
    parts = plan_partitions(["all"], LAYOUT, date(2024, 2, 1), date(2024, 3, 5))
    assert {p.stream for p in parts if p.kind == "qc"} == {"gas_outlet"}
    assert {(p.stream, p.day) for p in parts if p.kind == "indices"} == {
        ("water", date(2024, 3, 5))  # one hive partition each: the UTC date itself
    }
    only_air = plan_partitions(["all"], LAYOUT, date(2024, 1, 1), date(2024, 3, 31), {"A1": "air"})
    assert {p.stream for p in only_air} == {"air"}
    assert [p.kind for p in only_air].count("qc") == 0


def test_bad_range():
    with pytest.raises(BatchArgumentError, match=r"--to 2024-01-01 is before --from 2024-02-01"):
        plan_partitions(["qc"], LAYOUT, date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(BatchArgumentError, match="at most 3660"):
        plan_partitions(["qc"], LAYOUT, date(2000, 1, 1), date(2024, 1, 1))


def test_qc_outlet_groups():
    """A ``qc`` partition split into outlet groups, each with its own marker key; the other
    kinds untouched; two tasks per worker across the outlet streams."""
    from qingshan.scale.batch import qc_groups
    from qingshan.scale.plan import split_outlet_groups

    parts = [
        BatchPartition("qc", "gas_outlet", date(2024, 2, 1)),
        BatchPartition("rollups", "air", date(2024, 2, 1)),
    ]
    split = split_outlet_groups(parts, 3)
    assert [p.key for p in split] == [
        "qc/gas_outlet/2024-02-01.g0of3",
        "qc/gas_outlet/2024-02-01.g1of3",
        "qc/gas_outlet/2024-02-01.g2of3",
        "rollups/air/2024-02-01",
    ]
    assert split_outlet_groups(parts, 1) == parts  # one group: the keys as before
    assert [qc_groups(w, 2) for w in (1, 2, 3, 16)] == [1, 2, 3, 16]
    assert qc_groups(2, 1) == 4
    with pytest.raises(BatchArgumentError, match="at least 1"):
        split_outlet_groups(parts, 0)
