"""Rule-pack versions in force by date, and what generic/2026.1 changes (worked numbers)."""

from datetime import date

import numpy as np

from qingshan.qc import checks as C
from qingshan.qc.flags import Flag
from qingshan.qc.rules import load_rulepack


def test_generic_versions_by_date():
    assert load_rulepack("generic", date(2019, 1, 1)).version == "generic/2024.1"
    assert load_rulepack("generic", date(2026, 5, 31)).version == "generic/2024.1"
    assert load_rulepack("generic", date(2026, 6, 1)).version == "generic/2026.1"
    assert load_rulepack("generic").version == "generic/2026.1"
    # replay still finds the old version by name
    assert load_rulepack("generic", version="generic/2024.1").checks_for("a21026")[
        "relative_spike"
    ] == {"ratio": 3.5, "min_delta": 30.0}


def test_generic_2026_catches_ambient_so2_spike():
    # SO2 6 → 31.02 → 10 µg/m³: 31.02 / 10 = 3.1× both neighbours, 21 µg/m³ above the higher one
    x = np.array([6.0, 6.0, 31.02, 10.0, 15.0])
    old = load_rulepack("generic", version="generic/2024.1").checks_for("a21026")["relative_spike"]
    new = load_rulepack("generic", version="generic/2026.1").checks_for("a21026")["relative_spike"]
    assert new == {"ratio": 3.0, "min_delta": 12.0}
    assert C.relative_spike_test(x, **old)[2] == Flag.PASS  # 3.1 < 3.5 and 21 < 30
    assert C.relative_spike_test(x, **new)[2] == Flag.SUSPECT
    assert (np.delete(C.relative_spike_test(x, **new), 2) != Flag.SUSPECT).all()
