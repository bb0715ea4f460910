"""The boiler (GB 13271-2014), dyeing (GB 4287-2012) and wastewater (GB 8978-1996) rule packs:
chosen for the demo's dyeing and chemical works instead of the paper pack, and judging with the
national limits of the outlet's source type when no permit limit is given (worked numbers)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from qingshan.archive.limits import resolve_limit
from qingshan.qc.longform import check_long_frame
from qingshan.qc.rules import load_rulepack, pack_industry, rulepack_for

DAY = date(2026, 3, 2)  # a CST day under the 2023.1 packs


@pytest.mark.parametrize(
    "industry, like, standard",
    [("boiler", "thermal_power", "GB 13271-2014"), ("dyeing", "paper", "GB 4287-2012"),
     ("wastewater", "paper", "GB 8978-1996")],
)  # fmt: skip
def test_new_packs_by_date_with_their_standard(industry, like, standard):
    """Same version windows and checks as the pack they were drawn from; their own basis."""
    for on, suffix in ((date(2026, 11, 30), "2023.1"), (date(2026, 12, 1), "2026.2")):
        pack, model = load_rulepack(industry, on), load_rulepack(like, on)
        assert pack.version == f"{industry}/{suffix}" and standard in pack.basis
        for code in ("a21026", "a21002", "a34013", "w01018", "w21003"):
            assert pack.checks_for(code) == model.checks_for(code)
        assert (pack.validity, pack.events, pack.stop) == (model.validity, model.events, model.stop)


def test_dyeing_and_chemical_works_leave_the_paper_pack():
    for kind, industry, pack in (
        ("water_outlet", "dyeing", "dyeing"),
        ("water_outlet", "chemical", "wastewater"),
        ("water_outlet", "paper", "paper"),
        ("gas_outlet", "dyeing", "boiler"),
        ("gas_outlet", "chemical", "boiler"),
    ):
        assert pack_industry(kind, industry) == pack
        assert rulepack_for(kind, industry, DAY).industry == pack
    assert rulepack_for("water_outlet", "dyeing", DAY).source_type == "dyeing_effluent"
    # the national fallback of a dyeing outlet cites GB 4287 (its direct value carries its tag)
    lim = resolve_limit("w01018", source_type="dyeing_effluent")
    assert lim is not None and lim["standard"] == "GB 4287-2012 Table 2 (direct) [MC]"
    assert lim["source"] == "national" and lim["reference_o2"] is None


def _hours(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2026-03-02", periods=n, freq="h", tz="Asia/Shanghai").tz_convert("UTC")


def test_dyeing_works_gas_boiler_nox_judged_by_gb13271():
    """A dyeing works' gas-fired boiler, no permit limit: GB 13271-2014 Table 3 NOx 150 mg/m³ at
    3.5 % O2. Three hours of NOx 120 at O2 7.5 % convert to 120 × 17.5/13.5 = 155.56 —
    exceeding by 0.037 times; 60 at 7.5 % → 77.78, compliant."""
    t = _hours(24)
    rng = np.random.default_rng(1)
    nox = 60.0 + rng.normal(0, 3, 24)
    nox[5:8] = 120.0
    o2 = np.r_[7.5 + rng.normal(0, 0.1, 5), [7.5] * 3, 7.5 + rng.normal(0, 0.1, 16)]
    df = pd.concat(
        [
            pd.DataFrame({"time": t, "site": "DYE1", "parameter": "a21002", "value": nox}),
            pd.DataFrame({"time": t, "site": "DYE1", "parameter": "a19001", "value": o2}),
        ]
    )
    pack = rulepack_for("gas_outlet", "dyeing", DAY)
    out = check_long_frame(
        df, pack, source_type="gas_industrial_boiler", now=pd.Timestamp("2026-03-03", tz="UTC")
    )
    got = out[out["parameter"] == "a21002"].reset_index(drop=True)
    assert got.loc[5:7, "converted"].to_numpy() == pytest.approx([155.5556] * 3, abs=1e-4)
    assert (got.loc[5:7, "exceedance"] == "exceeding").all()
    assert got.loc[5:7, "multiple"].to_numpy() == pytest.approx([0.0370] * 3, abs=1e-4)
    assert (got.drop(index=[5, 6, 7])["exceedance"] == "compliant").all()


def test_chemical_works_cod_judged_by_gb8978_grade_1():
    """A chemical works' wastewater, no permit limit: GB 8978-1996 Table 4 grade 1 COD 100 mg/L
    (其他排污单位). Day 1 mean 112 → exceeding by 0.12 times; day 2 mean 60 → compliant."""
    t = _hours(48)
    cod = np.r_[np.full(24, 112.0), np.full(24, 60.0)]
    df = pd.DataFrame({"time": t, "site": "CHEM1", "parameter": "w01018", "value": cod})
    pack = rulepack_for("water_outlet", "chemical", DAY)
    out = check_long_frame(
        df, pack, source_type="chemical_effluent", now=pd.Timestamp("2026-03-05", tz="UTC")
    )
    assert (out.loc[:23, "exceedance"] == "exceeding").all()
    assert out.loc[:23, "multiple"].to_numpy() == pytest.approx([0.12] * 24)
    assert (out.loc[24:, "exceedance"] == "compliant").all()
