import numpy as np
import pandas as pd
import pytest

from qingshan.qc.errors import BadParameter, ShapeMismatch, UnknownFlag
from qingshan.qc.flags import (
    PRECEDENCE,
    Flag,
    aggregate,
    counts,
    flag_from_name,
    flag_names,
    worse_than,
)

P, NE, S, F, M = Flag.PASS, Flag.NOT_EVALUATED, Flag.SUSPECT, Flag.FAIL, Flag.MISSING


def test_codes_follow_qartod_and_store():
    assert (P, S, F, M) == (1, 3, 4, 9)
    assert NE == 0  # the observation store's "not evaluated"
    assert PRECEDENCE == (F, S, P, NE, M)


def test_aggregate_worst_wins_by_precedence():
    a = np.array([P, P, NE, M, S, M], dtype=np.uint8)
    b = np.array([S, NE, NE, M, F, P], dtype=np.uint8)
    got = aggregate([a, b])
    assert got.tolist() == [S, P, NE, M, F, P]


def test_aggregate_custom_precedence_and_errors():
    a = np.array([M, P], dtype=np.uint8)
    b = np.array([P, NE], dtype=np.uint8)
    assert aggregate([a, b], precedence=[F, S, M, P, NE]).tolist() == [M, P]
    with pytest.raises(BadParameter, match=r"aggregate: parameter flag_arrays=\[\] .*at least one"):
        aggregate([])
    with pytest.raises(ShapeMismatch, match="flag array 0 has 2 rows but flag array 1 has 1"):
        aggregate([a, np.array([P], dtype=np.uint8)])


def test_worse_than_names_counts():
    f = np.array([P, S, F, M, NE], dtype=np.uint8)
    assert worse_than(f, S).tolist() == [False, True, True, False, False]
    assert flag_names(f).tolist() == ["pass", "suspect", "fail", "missing", "not_evaluated"]
    assert counts(f) == {"not_evaluated": 1, "pass": 1, "suspect": 1, "fail": 1, "missing": 1}
    assert flag_from_name("Suspect") is S
    assert Flag.FAIL.label_zh == "无效"
    with pytest.raises(UnknownFlag, match="unknown flag 'bad' \\(valid: not_evaluated, pass"):
        flag_from_name("bad")
    with pytest.raises(UnknownFlag, match=r"unknown flag 7 \(valid: 0, 1, 3, 4, 9\)"):
        flag_names(np.array([7]))


def test_aggregate_accepts_series():
    s = pd.Series([1, 4], dtype="uint8")
    assert aggregate([s, s]).tolist() == [1, 4]
