import pandas as pd
import pytest

from qingshan.qc.errors import MarkEndsBeforeStart, MarkOverlap, UnknownMarkKind
from qingshan.qc.marks import MarkInterval, lateness, mark_mask, validate_marks

T = pd.Timestamp


def m(kind, a, b, **kw):
    return MarkInterval(kind, T(a, tz="UTC"), T(b, tz="UTC"), **kw)


def test_mark_mask_half_open_and_kinds():
    t = pd.date_range("2024-01-01 00:00", periods=6, freq="h", tz="UTC")
    marks = [
        m("停运", "2024-01-01 01:00", "2024-01-01 03:00"),
        m("校准", "2024-01-01 04:00", "2024-01-01 04:30", parameter="a21026"),
    ]
    assert mark_mask(t, marks).tolist() == [False, True, True, False, True, False]
    assert mark_mask(t, marks, {"停运"}).tolist() == [False, True, True, False, False, False]
    assert mark_mask(t, marks, parameter="a21002").tolist() == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]
    # unsorted times work too
    assert mark_mask(t[::-1], marks, {"停运"}).tolist() == [False, False, False, True, True, False]


def test_validate_marks_errors():
    with pytest.raises(
        MarkEndsBeforeStart,
        match=r"mark '停运' ends \(2024-01-01 00:00:00\+00:00\) before it starts",
    ):
        validate_marks([m("停运", "2024-01-01 01:00", "2024-01-01 00:00")])
    with pytest.raises(MarkOverlap, match="overlaps mark #7 停运"):
        validate_marks(
            [
                m("停运", "2024-01-01 00:00", "2024-01-01 05:00", id=7, site=1),
                m("故障", "2024-01-01 04:00", "2024-01-01 06:00", site=1),
            ]
        )
    with pytest.raises(UnknownMarkKind, match="unknown mark kind '停产'"):
        validate_marks([m("停产", "2024-01-01 00:00", "2024-01-01 01:00")])
    # touching marks, other sites, different parameters: fine
    ok = [
        m("停运", "2024-01-01 00:00", "2024-01-01 05:00", site=1),
        m("启炉", "2024-01-01 05:00", "2024-01-01 06:00", site=1),
        m("停运", "2024-01-01 00:00", "2024-01-01 05:00", site=2),
        m("校准", "2024-01-02 00:00", "2024-01-02 01:00", site=1, parameter="a21026"),
        m("维护", "2024-01-02 00:30", "2024-01-02 01:00", site=1, parameter="a21002"),
    ]
    assert len(validate_marks(ok)) == 5


def test_lateness():
    mk = m(
        "停运", "2024-01-01 18:00", "2024-01-02 06:00", created_at=T("2024-01-02 05:40", tz="UTC")
    )
    assert lateness(mk) == pd.Timedelta(hours=11, minutes=40)
    assert lateness(m("停运", "2024-01-01", "2024-01-02")) is None
