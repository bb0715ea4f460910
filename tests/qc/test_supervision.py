import pytest

from qingshan.qc.errors import BadParameter
from qingshan.qc.supervision import transmission_rates


def test_effective_transmission_rate():
    # 720 hours expected, 700 reported, 665 valid: 0.9722 × 0.95 = 0.9236
    r = transmission_rates(720, 700, 665)
    assert r["transmission_rate"] == pytest.approx(700 / 720)
    assert r["validity_rate"] == pytest.approx(0.95)
    assert r["effective_rate"] == pytest.approx(700 / 720 * 0.95)
    # water analysers: ≤ 1 h/day of 标样核查 exempt — 23 of 24 counts as 100 %
    assert transmission_rates(24, 23, 23, exempt=1)["effective_rate"] == 1.0
    assert transmission_rates(0, 0, 0)["effective_rate"] is None
    with pytest.raises(BadParameter, match=r"valid=5 is not allowed \(≤ reported \(4\)\)"):
        transmission_rates(10, 4, 5)
    with pytest.raises(BadParameter, match="expected=-1"):
        transmission_rates(-1, 0, 0)
