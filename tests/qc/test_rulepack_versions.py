"""Rule-pack versions in force by date, and what generic/2026.1 changes (worked numbers)."""

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from qingshan.qc import checks as C
from qingshan.qc import patterns as PT
from qingshan.qc.flags import Flag
from qingshan.qc.rules import load_rulepack, pack_industry, rulepack_for
from qingshan.qc.service import window_date


def test_generic_versions_by_date():
    assert load_rulepack("generic", date(2019, 1, 1)).version == "generic/2024.1"
    assert load_rulepack("generic", date(2026, 5, 31)).version == "generic/2024.1"
    assert load_rulepack("generic", date(2026, 6, 1)).version == "generic/2026.1"
    assert load_rulepack("generic", date(2026, 11, 30)).version == "generic/2026.1"
    assert load_rulepack("generic", date(2026, 12, 1)).version == "generic/2026.2"
    assert load_rulepack("generic", date(2026, 12, 31)).version == "generic/2026.2"
    assert load_rulepack("generic").version == "generic/2026.3"
    # 2026.1 replays without the ambient checks of 2026.2
    assert "zero_run" not in load_rulepack("generic", version="generic/2026.1").checks_for("a21005")
    # replay still finds the old version by name
    assert load_rulepack("generic", version="generic/2024.1").checks_for("a21026")[
        "relative_spike"
    ] == {"ratio": 3.5, "min_delta": 30.0}


def test_generic_2026_2_analysers_are_data_with_their_source():
    """The analysers' range and detection limit are [U] (HJ 654-2013 / HJ 653-2013 tables not
    confirmed from the text): asserted here only as data carrying their source and tag, and as
    the stated conversion of the stated mixing ratios (25 °C, 1013.25 hPa: M / 24.465)."""
    pack = load_rulepack("generic", version="generic/2026.2")
    molar = {
        "a21026": 64.066,
        "a21004": 46.006,
        "a21002": 46.006,
        "a05024": 47.998,
        "a21005": 28.01,
    }
    for code, m in molar.items():
        a = pack.checks_for(code)["analyser"]
        assert "HJ 654-2013" in a["source"] and "[U" in a["source"]
        top, dl = re.search(
            r"range 0–([\d.]+) \S+, lowest detection limit ≤ ([\d.]+)", a["source"]
        ).groups()
        assert a["range"][1] == pytest.approx(float(top) * m / 24.465, abs=0.5)  # rounded
        assert a["detection_limit"] == pytest.approx(float(dl) * m / 24.465, abs=0.05)
    assert pack.checks_for("a21026")["analyser"]["resolution"] == 1.0
    assert pack.checks_for("a21005")["analyser"]["resolution"] == 0.1  # CNEMC publishes CO so
    pm = pack.checks_for("a34002")["analyser"]
    assert pm["detection_limit"] is None and "HJ 653-2013" in pm["source"] and "[U" in pm["source"]
    assert pack.checks_for("a34004")["pm_inversion"]["partner"] == "a34002"
    assert pack.checks_for("a05024")["night_titration"]["o3_min"] == 160.0
    assert pack.checks_for("a21004")["no2_above_nox"]["partner"] == "a21002"
    # the neighbours' context is for ambient air: water sections judged with this pack keep
    # their spike flags
    assert pack.checks_for("a21005")["regional_context"]["min_ratio"] == 2.0
    assert "regional_context" not in pack.checks_for("w21003")


def test_generic_2026_catches_ambient_so2_spike():
    # SO2 6 → 31.02 → 10 µg/m³: 31.02 / 10 = 3.1× both neighbours, 21 µg/m³ above the higher one
    x = np.array([6.0, 6.0, 31.02, 10.0, 15.0])
    old = load_rulepack("generic", version="generic/2024.1").checks_for("a21026")["relative_spike"]
    new = load_rulepack("generic", version="generic/2026.1").checks_for("a21026")["relative_spike"]
    assert new == {"ratio": 3.0, "min_delta": 12.0}
    assert C.relative_spike_test(x, **old)[2] == Flag.PASS  # 3.1 < 3.5 and 21 < 30
    assert C.relative_spike_test(x, **new)[2] == Flag.SUSPECT
    assert (np.delete(C.relative_spike_test(x, **new), 2) != Flag.SUSPECT).all()


def test_outlet_packs_2026_2_by_date_and_replay():
    for ind in ("thermal_power", "cement", "paper"):
        assert load_rulepack(ind, date(2026, 11, 30)).version == f"{ind}/2023.1"
        assert load_rulepack(ind, date(2026, 12, 1)).version == f"{ind}/2026.2"
        assert load_rulepack(ind).version == f"{ind}/2026.2"
    code = "a21026"
    old = load_rulepack("thermal_power", version="thermal_power/2023.1").checks_for(code)
    new = load_rulepack("thermal_power", version="thermal_power/2026.2").checks_for(code)
    # the old version replays unchanged: one day, 90 % in band, no ceiling check
    assert old["limit_hugging"] == {"window_duration": 86400, "band": [0.8, 1.0], "min_share": 0.9}
    assert "ceiling" not in old
    assert new["limit_hugging"] == {
        "window_duration": 604800,
        "band": [0.8, 1.0],
        "min_share": 0.6,
        "min_valid_share": 0.75,
    }
    assert new["ceiling"] == {
        "window_duration": 2592000,
        "band": [0.8, 1.0],
        "tolerance_share": 0.003,
        "min_count": 3,
    }


def test_outlet_pack_2026_2_hugging_at_0_88_of_the_limit():
    # SO2 limit 35, 7 days of hourly values: 70 % of hours at 0.88 × 35 = 30.8, 30 % at
    # 0.70 × 35 = 24.5 (below the 28 band edge) — the demo's hugger. The one-day rule (90 %)
    # misses every day; the seven-day rule (60 %) flags the week.
    day = np.array([30.8] * 17 + [24.5] * 7)
    x = np.tile(day, 7)
    old = load_rulepack("thermal_power", version="thermal_power/2023.1").checks_for("a21026")
    new = load_rulepack("thermal_power", version="thermal_power/2026.2").checks_for("a21026")
    old, new = old["limit_hugging"], new["limit_hugging"]

    def run(cfg):
        w = cfg["window_duration"] // 3600
        return PT.limit_hugging_test(
            x,
            35.0,
            w,
            band=tuple(cfg["band"]),
            min_share=cfg["min_share"],
            min_valid_share=cfg.get("min_valid_share", 1.0),
        )

    assert (run(old) == Flag.PASS).all()  # 17 / 24 = 0.71 < 0.9
    assert (run(new) == Flag.SUSPECT).all()  # 119 / 168 = 0.71 ≥ 0.6


def test_pack_choice_is_data_one_function():
    """rulepacks/pack_choice.json: site kind, then the enterprise's industry."""
    # a paper mill's stack is an industrial boiler: GB 13271-2014, the boiler pack (issue #10)
    assert pack_industry("gas_outlet", "paper") == "boiler"
    assert pack_industry("gas_outlet", "dyeing") == "boiler"
    assert pack_industry("gas_outlet", "chemical") == "boiler"
    assert pack_industry("gas_outlet", "cement") == "cement"
    assert pack_industry("gas_outlet", "thermal_power") == "thermal_power"
    assert pack_industry("gas_outlet", None) == "thermal_power"
    assert pack_industry("water_outlet", "paper") == "paper"
    # other wastewater: GB 8978-1996 (the wastewater pack), dyeing works GB 4287-2012
    assert pack_industry("water_outlet", "thermal_power") == "wastewater"
    assert pack_industry("water_outlet", None) == "wastewater"
    assert pack_industry("water_outlet", "dyeing") == "dyeing"
    assert pack_industry("air_station", None) == "generic"
    assert rulepack_for("gas_outlet", "paper", date(2026, 3, 1)).version == "boiler/2023.1"
    assert rulepack_for("gas_outlet", "paper").version == "boiler/2026.2"
    assert rulepack_for("gas_outlet", "paper").source_type == "coal_industrial_boiler"


def test_a_window_is_judged_on_its_cst_date():
    """The CST day 2026-12-01 starts at 2026-11-30 16:00 UTC: it is judged under the packs in
    force from 2026-12-01, not those of the UTC date of its start."""
    start = datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert window_date(start) == date(2026, 12, 1)
    assert window_date(start - timedelta(seconds=1)) == date(2026, 11, 30)
    assert rulepack_for("gas_outlet", None, window_date(start)).version == "thermal_power/2026.2"


def test_paper_mills_gas_outlets_are_judged_with_the_pack_of_their_limits():
    """Every demo paper mill's stack is a GB 13271-2014 industrial boiler (sim.limits), so its
    pack is the boiler pack, whose source type carries the same standard."""
    from qingshan.sim.limits import INDUSTRY_OUTLETS, SOURCE_TYPES

    gas_choices, _ = INDUSTRY_OUTLETS["paper"][0]
    assert {SOURCE_TYPES[k].standard[:13] for k, _w in gas_choices} == {"GB 13271-2014"}
    pack = rulepack_for("gas_outlet", "paper")
    assert pack.industry == "boiler" and "GB 13271-2014" in pack.basis
