"""The demo's limits are the standards' tables: ``sim.limits`` reads every figure from
``qingshan.standards.emission_tables`` and keeps none of its own."""

from __future__ import annotations

import ast
import inspect
from datetime import date

import pytest

from qingshan.sim import limits as L
from qingshan.standards.emission_tables import EMISSION_LIMITS, REFERENCE_O2

from .conftest import small_catalogue

#: demo source type → (standard, table, source row, category, reference-O2 key or None)
ROWS = {
    "coal_boiler_ultralow": ("环发〔2015〕164号", None, "coal_boiler", "ultra_low", "coal_boiler"),
    "coal_boiler_special": ("GB 13223-2011", "Table 2", "coal_boiler", "special", "coal_boiler"),
    "gas_turbine": (
        "GB 13223-2011", "Table 2", "gas_turbine_natural_gas", "special", "gas_turbine_natural_gas"
    ),
    "cement_kiln": ("GB 4915-2013", "Table 2", "cement_kiln", "special", "cement_kiln"),
    "coal_industrial_boiler": (
        "GB 13271-2014", "Table 3", "coal_industrial_boiler", "special", "coal_industrial_boiler"
    ),
    "gas_industrial_boiler": (
        "GB 13271-2014", "Table 3", "gas_industrial_boiler", "special", "gas_industrial_boiler"
    ),
    "paper_effluent": ("GB 3544-2008", "Table 2", "paper_mill", "new", None),
    "pulp_paper_effluent": ("GB 3544-2008", "Table 2", "pulp_and_paper_mill", "new", None),
    "dyeing_effluent": ("GB 4287-2012", "Table 2", "dyeing_finishing", "direct", None),
    "chemical_effluent": ("GB 8978-1996", "Table 4", "other_units", "grade_1", None),
}  # fmt: skip
NAME = {"a34013": "PM", "a21026": "SO2", "a21002": "NOx", "w01018": "COD", "w21003": "NH3_N"}


def _table_value(standard, table, source, category, pollutant) -> float:
    rows = [
        r
        for r in EMISSION_LIMITS
        if (r.standard, r.source, r.category, r.pollutant)
        == (standard, source, category, pollutant)
        and (table is None or r.table == table)
        and r.valid_to is None
    ]
    return max(rows, key=lambda r: r.applies_from or date.min).limit


@pytest.mark.parametrize("key", sorted(ROWS))
def test_every_demo_limit_is_the_standards_table_row(key):
    st = L.SOURCE_TYPES[key]
    standard, table, source, category, o2 = ROWS[key]
    assert dict(st.limits) == {
        c: _table_value(standard, table, source, category, NAME[c]) for c in st.limits
    }
    assert st.reference_o2 == (None if o2 is None else REFERENCE_O2[o2])
    assert set(st.limits) == (
        {"a34013", "a21026", "a21002"} if st.medium == "gas" else {"w01018", "w21003"}
    )


def test_the_source_types_are_the_ones_checked_and_the_worked_figures():
    assert set(L.SOURCE_TYPES) == set(ROWS)
    # GB 13271-2014 Table 3 coal-fired boilers at 9 % O2 (5.2): PM 30, SO2 200, NOx 200
    coal = L.SOURCE_TYPES["coal_industrial_boiler"]
    assert (coal.reference_o2, coal.limits["a21026"]) == (9.0, 200.0)
    # GB 8978-1996 Table 4 grade 1: COD 100, NH3-N 15 mg/L
    assert dict(L.SOURCE_TYPES["chemical_effluent"].limits) == {"w01018": 100.0, "w21003": 15.0}


def test_sim_limits_holds_no_figure_of_its_own():
    """No number in the table of source types: every limit and reference O2 comes from the
    standards library (the module's other numbers are the demo's outlet-mix weights)."""
    tree = ast.parse(inspect.getsource(L))
    (types,) = [
        n
        for n in tree.body
        if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "_TYPES" for t in n.targets)
    ]
    numbers = [
        n.value
        for n in ast.walk(types)
        if isinstance(n, ast.Constant) and isinstance(n.value, int | float)
    ]
    assert numbers == []


def test_the_demos_permits_carry_the_standards_limits():
    cat = small_catalogue()
    sites = cat.sites.set_index("code")
    assert len(cat.limits) > 0
    for _, row in cat.limits.iterrows():
        st = L.SOURCE_TYPES[sites.loc[row["site_code"], "attrs"]["source_type"]]
        standard, table, source, category, _o2 = ROWS[st.key]
        assert row["limit"] == _table_value(
            standard, table, source, category, NAME[row["parameter_code"]]
        )
