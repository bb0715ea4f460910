"""Hand-worked months by GB/T 32150-2015 and the NDRC guidelines: one line per source family.

Each expected value is written with its arithmetic and the source of every factor in it. Where
the shipped value is unverified ([U]: clinker composition, biomass NCVs), the test adds its own
factor row to the library, so the arithmetic is tested without pinning an unconfirmed value.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qingshan.carbon.accounting import (
    MonthResult,
    code_tco2,
    emissions_month,
    result_from_json,
    result_to_json,
)
from qingshan.carbon.activity import ActivityMonth, FuelUse
from qingshan.carbon.errors import InvalidAmount, NegativeAmount, UnknownFuel, WrongUnit
from qingshan.carbon.factors import FactorLibrary, factor_from_row, load_library

D = dt.date
MAR_2024 = D(2024, 3, 1)  # inside the ETS factor's period (2023–2025)


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    return load_library()


def _one(lib: FactorLibrary, month: dt.date = MAR_2024, **kw: object) -> MonthResult:
    return emissions_month(ActivityMonth(enterprise_id=1, month=month, **kw), lib)  # type: ignore[arg-type]


def test_solid_fuel_raw_coal(lib: FactorLibrary) -> None:
    # 100 t × 20.908 GJ/t × 0.02637 tC/GJ × 0.94 × 44/12 = 190.03 tCO2
    # (batch-1 defaults; the product EF 1.9003 t/t agrees with published factor tables, reference §3)
    r = _one(lib, fuels=(FuelUse("raw_coal", 100.0, "t"),))
    (line,) = r.lines
    assert (line.source, line.scope, line.unit, line.factor_id) == (
        "fuel:raw_coal",
        1,
        "t",
        "fuel/raw_coal/guideline-2013",
    )
    assert line.tco2 == pytest.approx(190.03, abs=0.005)
    assert r.scope1_tco2 == r.total_tco2 == line.tco2 and r.scope2_tco2 == 0.0


def test_solid_fuel_ipcc_fallback_anthracite(lib: FactorLibrary) -> None:
    # IPCC 2006 Vol. 2 Ch. 1 (reference §4): 100 t × 26.7 GJ/t × 0.0268 tC/GJ × 1.0 × 44/12 = 262.372 tCO2
    r = emissions_month(
        ActivityMonth(1, MAR_2024, fuels=(FuelUse("anthracite", 100.0, "t"),)),
        lib,
        guideline="ipcc2006",
    )
    assert r.total_tco2 == pytest.approx(262.372, abs=1e-9)
    assert r.warnings == ()


def test_liquid_fuel_diesel(lib: FactorLibrary) -> None:
    # 10 t × 42.652 GJ/t × 0.0202 tC/GJ × 0.98 × 44/12 = 30.959 tCO2 (reference §3: EF 3.0959 t/t)
    r = _one(lib, fuels=(FuelUse("diesel", 4.0, "t"), FuelUse("diesel", 6.0, "t")))
    (line,) = r.lines  # the same fuel twice is summed into one line of 10 t
    assert line.activity == 10.0
    assert line.tco2 == pytest.approx(30.959, abs=5e-4)


def test_gas_fuel_natural_gas(lib: FactorLibrary) -> None:
    # 2 × 10^4 Nm3 × 389.31 GJ/10^4 Nm3 × 0.01530 tC/GJ × 0.99 × 44/12 = 43.244 tCO2 (= 2.162 kg/m3)
    r = _one(lib, fuels=(FuelUse("natural_gas", 2.0, "10^4 Nm3"),))
    assert r.total_tco2 == pytest.approx(43.2438, abs=5e-5)
    assert r.lines[0].unit == "10^4 Nm3"


def test_electricity_ets_and_other_bases(lib: FactorLibrary) -> None:
    # 1 000 MWh × 0.5703 tCO2/MWh = 570.3 tCO2 (MEE Feb 2023 notice, ETS 2023–2025)
    r = _one(lib, electricity_purchased_mwh=1000.0)
    assert r.scope2_tco2 == pytest.approx(570.3) == r.total_tco2
    assert r.basis == "ets"
    assert r.lines[0].scope == 2 and r.lines[0].factor_id == "grid/ets/2022"
    # same month on the East China basis: the newest year is 2023, so 2024 is past its period (warned)
    # 1 000 MWh × 0.5500 = 550.0 tCO2 (MEE + NBS 2023 factors as reported Jan 2026)
    east = emissions_month(
        ActivityMonth(1, MAR_2024, electricity_purchased_mwh=1000.0), lib, basis="east_china"
    )
    assert east.total_tco2 == pytest.approx(550.0)
    assert any("grid/east_china/2023" in w and "past its stated period" in w for w in east.warnings)


def test_heat(lib: FactorLibrary) -> None:
    # 400 GJ × 0.11 tCO2/GJ = 44.0 tCO2 (guideline default, reference §2)
    r = _one(lib, heat_purchased_gj=400.0)
    assert r.total_tco2 == pytest.approx(44.0) and r.lines[0].source == "heat"


def test_exports_are_subtracted(lib: FactorLibrary) -> None:
    # electricity: (1 000 − 10) MWh × 0.5703 = 564.597 tCO2; heat: (400 − 20) GJ × 0.11 = 41.8 tCO2
    r = _one(lib, electricity_purchased_mwh=1000.0, electricity_exported_mwh=10.0,
             heat_purchased_gj=400.0, heat_exported_gj=20.0)  # fmt: skip
    by = {ln.source: ln.tco2 for ln in r.lines}
    assert by["electricity_export"] == pytest.approx(-5.703)
    assert by["heat_export"] == pytest.approx(-2.2)
    # scope 2 = 570.3 − 5.703 + 44.0 − 2.2 = 606.397 tCO2
    assert r.scope2_tco2 == pytest.approx(606.397) == r.total_tco2


def test_clinker_process_emissions(lib: FactorLibrary) -> None:
    # cement guideline (2013) carbonate decomposition, with a test clinker of CaO 65 %, MgO 2 %:
    # EF = 0.65 × 44/56 + 0.02 × 44/40 = 0.510714 + 0.022 = 0.532714 tCO2/t
    # 1 000 t × 0.532714 = 532.714 tCO2
    test_row = {
        "id": "process/clinker/test",
        "cao": 0.65,
        "mgo": 0.02,
        "valid_from": "2024-01-01",
        "source": "test clinker",
    }
    tlib = lib.with_override(factor_from_row(test_row))
    r = emissions_month(ActivityMonth(1, MAR_2024, clinker_t=1000.0), tlib)
    (line,) = r.lines
    assert (line.source, line.scope, line.factor_id) == (
        "process:clinker",
        1,
        "process/clinker/test",
    )
    assert line.tco2 == pytest.approx(532.7142857, abs=1e-6)
    assert r.factors["process/clinker/test"]["params"]["cao"] == 0.65
    # no clinker (None) -> no process line; the shipped default is used otherwise (tag U)
    assert _one(lib, clinker_t=None).lines == ()
    assert _one(lib, clinker_t=10.0).factors["process/clinker/cement-guideline-2013"]["tag"] == "U"


def test_biomass_reported_apart_not_in_total(lib: FactorLibrary) -> None:
    # test biomass row (IPCC wood/wood waste figures, [U] in the shipped data):
    # 10 t × 15.6 GJ/t × 0.0305 tC/GJ × 1.0 × 44/12 = 17.446 tCO2 — apart, not in the total
    # coal beside it: 190.03 tCO2 (test_solid_fuel_raw_coal)
    row = {"id": "fuel/test_wood/test", "ncv": 15.6, "ncv_unit": "GJ/t", "cc": 0.0305, "of": 1.0,
           "biomass": True, "guideline": "general", "valid_from": "2020-01-01", "source": "test"}  # fmt: skip
    tlib = lib.with_override(factor_from_row(row))
    r = emissions_month(
        ActivityMonth(
            1, MAR_2024, fuels=(FuelUse("test_wood", 10.0, "t"), FuelUse("raw_coal", 100.0, "t"))
        ),
        tlib,
    )
    assert r.biomass_tco2 == pytest.approx(17.446, abs=1e-9)
    assert r.total_tco2 == pytest.approx(190.03, abs=0.005) == r.scope1_tco2
    assert [ln.biomass for ln in r.lines] == [True, False]


def test_a_full_month_and_its_audit_trail(lib: FactorLibrary) -> None:
    # raw coal 190.030 + natural gas 43.244 + electricity 570.3 − 5.703 + heat 44.0 = 841.871 tCO2
    a = ActivityMonth(
        9, MAR_2024, fuels=(FuelUse("raw_coal", 100.0, "t"), FuelUse("natural_gas", 2.0, "10^4 Nm3")),
        electricity_purchased_mwh=1000.0, electricity_exported_mwh=10.0, heat_purchased_gj=400.0,
    )  # fmt: skip
    r = emissions_month(a, lib)
    assert r.total_tco2 == pytest.approx(190.0299 + 43.2438 + 570.3 - 5.703 + 44.0, abs=1e-3)
    assert r.edition == "GB/T 32150-2015" and r.library_version == lib.version
    assert set(r.factors) == {"fuel/raw_coal/guideline-2013", "fuel/natural_gas/guideline-2013",
                              "grid/ets/2022", "heat/default/guideline"}  # fmt: skip
    ets = r.factors["grid/ets/2022"]
    assert (ets["value"], ets["unit"], ets["tag"], ets["valid_to"]) == (
        0.5703,
        "tCO2/MWh",
        "",
        "2025-12-31",
    )
    assert "tanpaifang" in ets["source"]
    assert r.warnings == ()
    assert result_from_json(result_to_json(r)) == r


def test_2026_months_use_the_newest_factor_with_a_warning(lib: FactorLibrary) -> None:
    r = _one(lib, D(2026, 8, 1), electricity_purchased_mwh=100.0)
    assert r.edition == "GB/T 32150-2025"  # in force from 2026-07-01
    assert r.total_tco2 == pytest.approx(57.03)  # 100 MWh × 0.5703
    assert r.warnings == (
        "factor grid/ets/2022 (0.5703 tCO2/MWh) used past its stated period (valid to 2025-12-31) "
        "for 2026-08: no newer factor in the library",
    )


def test_green_electricity_only_lowers_the_code_emissions(lib: FactorLibrary) -> None:
    # total: 1 000 MWh × 0.5703 = 570.3; 碳效码 CO2: 570.3 − 300 MWh × 0.5703 = 399.21 tCO2
    r = _one(lib, electricity_purchased_mwh=1000.0, green_electricity_mwh=300.0)
    assert r.total_tco2 == pytest.approx(570.3)
    assert code_tco2(r) == pytest.approx(399.21)
    capped = _one(lib, electricity_purchased_mwh=100.0, green_electricity_mwh=300.0)
    assert code_tco2(capped) == pytest.approx(0.0)
    assert "exceeds purchased electricity" in capped.warnings[0]


def test_fallback_to_ipcc_is_warned(lib: FactorLibrary) -> None:
    # lignite is not in the batch-1 table: 50 t × 11.9 × 0.0276 × 1.0 × 44/12 = 60.214 tCO2 (IPCC 2006)
    r = _one(lib, fuels=(FuelUse("lignite", 50.0, "t"),))
    assert r.total_tco2 == pytest.approx(60.214, abs=1e-9)
    assert r.warnings == ("fuel 'lignite': not in the 'general' table; factor fuel/lignite/ipcc-2006 used "
                          "(IPCC 2006 default, oxidation 100 %)",)  # fmt: skip


def test_bad_input_errors(lib: FactorLibrary) -> None:
    with pytest.raises(
        UnknownFuel,
        match=r"unknown fuel 'rawcoal'; did you mean raw_coal, charcoal\? \(known fuels: agri_residue",
    ):
        _one(lib, fuels=(FuelUse("rawcoal", 1.0, "t"),))
    with pytest.raises(WrongUnit, match=r"wrong unit 'm3' for 'natural_gas': expected '10\^4 Nm3'"):
        _one(lib, fuels=(FuelUse("natural_gas", 20000.0, "m3"),))
    with pytest.raises(WrongUnit, match=r"wrong unit 'kg' for 'diesel': expected 't'"):
        _one(lib, fuels=(FuelUse("diesel", 1.0, "kg"),))
    with pytest.raises(NegativeAmount, match=r"electricity_exported_mwh must not be negative"):
        _one(lib, electricity_exported_mwh=-3.0)
    with pytest.raises(
        InvalidAmount, match=r"fuels\[0\]\.amount \(diesel\) must be a finite number \(got nan\)"
    ):
        _one(lib, fuels=(FuelUse("diesel", float("nan"), "t"),))
    with pytest.raises(
        Exception, match=r"month must be the first day of a month \(got 2024-03-15\)"
    ):
        _one(lib, D(2024, 3, 15))
