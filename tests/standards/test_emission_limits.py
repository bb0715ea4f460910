import datetime as dt

import numpy as np
import pytest

from qingshan.standards.emission_limits import (
    EMISSION_LIMITS,
    REFERENCE_O2,
    emission_limit,
    reference_o2_correct,
)
from qingshan.standards.errors import InvalidValue, StandardsError, UnknownKeyError


def test_thermal_power_limits():
    assert emission_limit("GB 13223-2011", "coal_boiler", "SO2", "new").limit == 100
    assert emission_limit("GB 13223-2011", "coal_boiler", "SO2", "existing").limit == 200
    assert emission_limit("GB 13223-2011", "gas_turbine_natural_gas", "NOx", "all").limit == 50
    # cells the reference notes leave unverified are data with their tag, not asserted
    assert emission_limit("GB 13223-2011", "coal_boiler", "PM", "special").tag == "[U]"
    assert emission_limit("GB 13223-2011", "coal_boiler", "Hg", "all").tag == "[U]"
    ultra = {x.pollutant: x.limit for x in EMISSION_LIMITS if x.category == "ultra_low"}
    assert ultra == {"PM": 10, "SO2": 35, "NOx": 50}


def test_cement_and_paper():
    # GB 4915-2013 kiln table and GB 3544-2008 Table 3: [U] in the reference notes
    assert emission_limit("GB 4915-2013", "cement_kiln", "NOx", "existing").tag == "[U]"
    assert emission_limit("GB 4915-2013", "cement_kiln", "NOx", "special").tag == "[U]"
    assert emission_limit("GB 3544-2008", "paper_mill", "COD", "special").tag == "[U]"
    assert emission_limit("GB 3544-2008", "paper_mill", "COD", "new").limit == 80
    assert emission_limit("GB 3544-2008", "pulp_mill", "COD", "new").limit == 100
    assert emission_limit("GB 3544-2008", "paper_mill", "dioxin", "new").unit == "pg TEQ/L"


def test_dates():
    row = emission_limit(
        "GB 13223-2011", "coal_boiler", "SO2", "existing", date=dt.date(2014, 7, 1)
    )
    assert row.applies_from == dt.date(2014, 7, 1)
    with pytest.raises(StandardsError, match=r"applies from 2014-07-01, not on 2014-06-30"):
        emission_limit("GB 13223-2011", "coal_boiler", "SO2", "existing", date=dt.date(2014, 6, 30))


def test_reference_oxygen():
    assert reference_o2_correct(50, 9, source="coal_boiler") == pytest.approx(62.5)  # 50×15/12
    assert reference_o2_correct(50, 15, o2_ref=15) == 50
    got = reference_o2_correct(np.array([10.0, 20.0]), np.array([6.0, 11.0]), o2_ref=6)
    assert got.tolist() == pytest.approx([10.0, 30.0])
    assert REFERENCE_O2["gas_turbine_natural_gas"] == 15 and REFERENCE_O2["cement_kiln"] == 10


def test_errors():
    with pytest.raises(
        UnknownKeyError, match=r"unknown standard 'GB 13223-2012'; did you mean GB 13223-2011"
    ):
        emission_limit("GB 13223-2012", "coal_boiler", "SO2")
    with pytest.raises(UnknownKeyError, match=r"unknown pollutant 'SO3'"):
        emission_limit("GB 13223-2011", "coal_boiler", "SO3")
    with pytest.raises(InvalidValue, match=r"measured O2 must be in \[0, 21\) %, got 21"):
        reference_o2_correct(10, 21, o2_ref=6)
    with pytest.raises(InvalidValue, match=r"give o2_ref= or source="):
        reference_o2_correct(10, 5)
    with pytest.raises(
        UnknownKeyError, match=r"unknown source type 'coal'; did you mean coal_boiler"
    ):
        reference_o2_correct(10, 5, source="coal")
