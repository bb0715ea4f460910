"""Hourly amounts from concentration × flow (HJ 212-2017 Appendix D.2.5 eq. (33))."""

from __future__ import annotations

import numpy as np
import pytest

from qingshan.archive.emissions import hourly_discharge_kg


def test_flue_gas_and_wastewater_hours():
    # 35 mg/m³ × 100 m³/s = 35 × 360,000 m³/h × 10⁻⁶ = 12.6 kg
    assert hourly_discharge_kg(35.0, "mg/m³", 100.0, "m³/s") == pytest.approx(12.6)
    # 80 mg/L × 50 L/s = 80 g/m³ × 180 m³/h × 10⁻³ = 14.4 kg
    assert hourly_discharge_kg(80.0, "mg/L", 50.0, "L/s") == pytest.approx(14.4)
    out = hourly_discharge_kg(np.array([10.0, 0.0]), "mg/m³", np.array([1.0, 5.0]), "m³/h")
    assert out.tolist() == pytest.approx([1e-5, 0.0])


def test_unknown_units_are_named():
    with pytest.raises(ValueError, match=r"flow unit 'L/min': one of"):
        hourly_discharge_kg(1.0, "mg/L", 1.0, "L/min")
