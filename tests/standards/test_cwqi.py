import numpy as np
import pandas as pd
import pytest

from qingshan.standards.cwqi import change_rate, city_cwqi, cwqi, cwqi_frame, indicator_index, rank
from qingshan.standards.errors import InvalidValue, UnknownIndicator


def test_indicator_indices_against_class_iii():
    assert indicator_index("COD", 20) == 1.0
    assert indicator_index("NH3_N", 0.5) == 0.5
    assert indicator_index("TP", 0.1) == pytest.approx(0.5)
    assert indicator_index("TP", 0.1, "lake") == pytest.approx(2.0)
    assert indicator_index("DO", 10) == 0.5 and indicator_index("DO", 5) == 1.0
    assert indicator_index("pH", 7) == 0.0
    assert indicator_index("pH", 6) == 1.0 and indicator_index("pH", 6.5) == 0.5
    assert indicator_index("pH", 9) == 1.0 and indicator_index("pH", 8) == 0.5


def test_total_is_sum():
    r = cwqi({"COD": 20, "NH3_N": 0.5, "DO": 10, "pH": 8, "TP": None})
    assert r.total == pytest.approx(2.5) and set(r.indices) == {"COD", "NH3_N", "DO", "pH"}


def test_rejects_tn_and_faecal_coliform():
    with pytest.raises(UnknownIndicator, match=r"unknown indicator 'TN \(not part of CWQI\)'"):
        cwqi({"TN": 1})
    with pytest.raises(
        UnknownIndicator, match=r"unknown indicator 'FecalColiform \(not part of CWQI\)'"
    ):
        cwqi({"FecalColiform": 100})


def test_city_weighting_rank_and_change():
    assert city_cwqi(4.0, 3, 6.0, 1) == pytest.approx(4.5)
    assert city_cwqi(4.0, 3) == 4.0
    assert rank({"a": 3.2, "b": 2.9, "c": 3.2, "d": 4}) == {"a": 2, "b": 1, "c": 2, "d": 4}
    assert change_rate(2.0, 4.0) == -0.5
    with pytest.raises(InvalidValue, match=r"city CWQI needs at least one river section"):
        city_cwqi(None, 0)
    with pytest.raises(InvalidValue, match=r"base CWQI is 0"):
        change_rate(1, 0)


def test_frame_matches_scalar():
    frame = pd.DataFrame({"COD": [20, 10], "DO": [10, np.nan], "pH": [8, 6.5]})
    out = cwqi_frame(frame)
    for i in range(2):
        one = cwqi({k: (None if pd.isna(v) else v) for k, v in frame.iloc[i].items()})
        assert out["cwqi"].iloc[i] == pytest.approx(one.total)


def test_do_near_zero_has_no_index():
    """CWQI(DO) = Cs/C: as DO falls to 0 it grows without bound — a clear error below
    0.01 mg/L, never a null or infinite total."""
    for do in (0.0, 5e-324, 0.009):
        with pytest.raises(InvalidValue, match=r"DO below 0.01 mg/L has no meaningful CWQI"):
            cwqi({"DO": do, "COD": 15.0})
    assert indicator_index("DO", 0.01) == pytest.approx(500.0)
    assert indicator_index("DO", 10.0) == pytest.approx(0.5)  # Cs 5 mg/L (class III) / 10
