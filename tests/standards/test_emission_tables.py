"""GB 13271-2014, GB 4287-2012 (+ 2015 amendment), GB 8978-1996 Table 4 and the GB 4915-2013
amendment of 2026: worked figures from the tables (see qingshan/standards/emission_tables.py
for where each was read). Rows tagged [U] / [MC] are checked for their tag only."""

import datetime as dt

import pytest

from qingshan.standards.emission_limits import (
    EMISSION_LIMITS,
    REFERENCE_O2,
    emission_limit,
    reference_o2_correct,
)
from qingshan.standards.errors import StandardsError, UnknownKeyError

B, T, W = "GB 13271-2014", "GB 4287-2012", "GB 8978-1996"


def _exceeds(value: float, limit: float) -> bool:
    return value > limit


class TestBoilersGB13271:
    def test_tables_by_fuel(self):
        def lim(fuel, pol, cat):
            return emission_limit(B, f"{fuel}_industrial_boiler", pol, cat).limit

        # Table 2, new boilers (4.3, from 2014-07-01): coal 50/300/300, oil 30/200/250, gas 20/50/200
        assert [lim("coal", p, "new") for p in ("PM", "SO2", "NOx")] == [50, 300, 300]
        assert [lim("oil", p, "new") for p in ("PM", "SO2", "NOx")] == [30, 200, 250]
        assert [lim("gas", p, "new") for p in ("PM", "SO2", "NOx")] == [20, 50, 200]
        # Table 1, existing boilers (4.2): coal 80/400/400, oil 60/300/400, gas 30/100/400
        assert [lim("coal", p, "existing") for p in ("PM", "SO2", "NOx")] == [80, 400, 400]
        assert [lim("gas", p, "existing") for p in ("PM", "SO2", "NOx")] == [30, 100, 400]
        # Table 3, special limits (4.4): coal 30/200/200, oil 30/100/200, gas 20/50/150
        assert [lim("coal", p, "special") for p in ("PM", "SO2", "NOx")] == [30, 200, 200]
        assert [lim("oil", p, "special") for p in ("PM", "SO2", "NOx")] == [30, 100, 200]
        assert [lim("gas", p, "special") for p in ("PM", "SO2", "NOx")] == [20, 50, 150]
        # mercury only for coal-fired boilers, 0.05 in every table
        assert {lim("coal", "Hg", c) for c in ("existing", "new", "special")} == {0.05}
        with pytest.raises(UnknownKeyError, match=r"unknown pollutant 'Hg'.*valid: NOx, PM, SO2"):
            emission_limit(B, "gas_industrial_boiler", "Hg", "new")
        row = emission_limit(B, "coal_industrial_boiler", "SO2", "existing")
        assert row.clause == "4.2" and "550" in row.note and row.tag == ""

    def test_dates(self):
        assert emission_limit(B, "gas_industrial_boiler", "NOx", "new", date=dt.date(2014, 7, 1))
        with pytest.raises(StandardsError, match=r"applies from 2014-07-01, not on 2014-06-30"):
            emission_limit(B, "gas_industrial_boiler", "NOx", "new", date=dt.date(2014, 6, 30))
        with pytest.raises(StandardsError, match=r"applies from 2015-10-01, not on 2015-09-30"):
            emission_limit(B, "coal_industrial_boiler", "PM", "existing", date=dt.date(2015, 9, 30))

    def test_reference_oxygen(self):
        """5.2: coal-fired 9 %, oil- and gas-fired 3.5 %."""
        assert REFERENCE_O2["coal_industrial_boiler"] == 9.0
        assert REFERENCE_O2["oil_industrial_boiler"] == REFERENCE_O2["gas_industrial_boiler"] == 3.5

    def test_gas_boiler_nox_at_3_5_percent_o2(self):
        """A gas-fired boiler measures NOx 120 mg/m³ at 7.5 % O2:
        120 × (21 − 3.5)/(21 − 7.5) = 120 × 17.5/13.5 = 155.56 mg/m³ at 3.5 % O2. That exceeds the
        Table 3 special limit 150 by (155.56 − 150)/150 = 0.037 times, and meets the Table 2
        limit for new boilers, 200."""
        c = reference_o2_correct(120, 7.5, source="gas_industrial_boiler")
        assert c == pytest.approx(155.5556, abs=1e-4)
        special = emission_limit(B, "gas_industrial_boiler", "NOx", "special").limit
        new = emission_limit(B, "gas_industrial_boiler", "NOx", "new").limit
        assert _exceeds(c, special) and (c - special) / special == pytest.approx(0.0370, abs=1e-4)
        assert not _exceeds(c, new)

    def test_coal_boiler_so2_at_9_percent_o2(self):
        """SO2 180 mg/m³ at 12 % O2 → 180 × 12/9 = 240 at 9 %: over Table 3 (200), within
        Table 2 (300)."""
        c = reference_o2_correct(180, 12, source="coal_industrial_boiler")
        assert c == pytest.approx(240.0)
        assert _exceeds(c, emission_limit(B, "coal_industrial_boiler", "SO2", "special").limit)
        assert not _exceeds(c, emission_limit(B, "coal_industrial_boiler", "SO2", "new").limit)


class TestDyeingGB4287:
    SRC = "dyeing_finishing"

    def test_2015_amendment_indirect_cod_and_bod5(self):
        """Amendment of 2015-03-27, item 2: indirect COD 500 (4) / 200 (5), BOD5 150 / 50."""
        assert emission_limit(T, self.SRC, "COD", "indirect_park").limit == 500
        assert emission_limit(T, self.SRC, "COD", "indirect").limit == 200
        assert emission_limit(T, self.SRC, "BOD5", "indirect_park").limit == 150
        assert emission_limit(T, self.SRC, "BOD5", "indirect").limit == 50
        row = emission_limit(T, self.SRC, "COD", "indirect_park", date=dt.date(2015, 3, 27))
        assert row.tag == "" and "note (4)" in row.note
        with pytest.raises(StandardsError, match=r"applies from 2015-03-27, not on 2015-03-26"):
            emission_limit(T, self.SRC, "COD", "indirect_park", date=dt.date(2015, 3, 26))

    def test_antimony_added_by_the_amendment(self):
        """Item 3: total antimony 0.10 mg/L, direct and indirect, Tables 1–3."""
        cats = ("direct", "indirect", "indirect_park", "indirect_municipal", "special_direct",
                "special_indirect")  # fmt: skip
        assert {emission_limit(T, self.SRC, "Sb", c).limit for c in cats} == {0.10}

    def test_dyeing_cod_by_discharge_route(self):
        """A dyeing works discharges COD 150 mg/L (daily mean). Into a park plant that pre-treats
        dyeing wastewater apart (note (4), 500): complies; any other indirect discharge (note
        (5), 200): complies; into a municipal plant or sewer (note (3)): the direct limit applies,
        the same row value as direct discharge."""
        cod = 150.0
        park = emission_limit(T, self.SRC, "COD", "indirect_park").limit
        other = emission_limit(T, self.SRC, "COD", "indirect").limit
        assert not _exceeds(cod, park) and not _exceeds(cod, other)
        direct = emission_limit(T, self.SRC, "COD", "direct")
        municipal = emission_limit(T, self.SRC, "COD", "indirect_municipal")
        assert municipal.limit == direct.limit and "note (3)" in municipal.note
        # the direct value is read from agreeing secondary sources only: tagged, not asserted
        assert direct.tag == "[MC]" and direct.clause == "4.2, 4.3"

    def test_special_limits_are_unverified(self):
        rows = [x for x in EMISSION_LIMITS if x.standard == T and x.table == "Table 3"]
        assert rows and {x.tag for x in rows if x.pollutant != "Sb"} == {"[U]"}

    def test_no_new_existing_categories(self):
        with pytest.raises(UnknownKeyError, match=r"unknown category 'new'.*valid: direct"):
            emission_limit(T, self.SRC, "COD")


class TestIntegratedGB8978:
    def test_table_4_other_units(self):
        """Table 4, units built from 1998-01-01, 其他排污单位: COD 100 / 150 / 500, BOD5
        20 / 30 / 300, SS 70 / 150 / 400, NH3-N 15 / 25 / —, phosphate (as P) 0.5 / 1.0 / —."""

        def g(pol, n, src="other_units"):
            return emission_limit(W, src, pol, f"grade_{n}").limit

        assert [g("COD", n) for n in (1, 2, 3)] == [100, 150, 500]
        assert [g("BOD5", n) for n in (1, 2, 3)] == [20, 30, 300]
        assert [g("SS", n) for n in (1, 2, 3)] == [70, 150, 400]
        assert [g("NH3_N", n) for n in (1, 2)] == [15, 25]
        assert [g("phosphate_P", n) for n in (1, 2)] == [0.5, 1.0]
        with pytest.raises(
            UnknownKeyError, match=r"unknown category 'grade_3'.*grade_1, grade_2\)"
        ):
            g("NH3_N", 3)  # "—": grade 3 sets no ammonia limit
        # named industries: petrochemical COD 60 / 120 / 500, NH3-N 15 / 50; the rest as others
        assert [g("COD", n, "petrochemical") for n in (1, 2, 3)] == [60, 120, 500]
        assert g("NH3_N", 2, "petrochemical") == 50 and g("SS", 1, "petrochemical") == 70
        assert [g("COD", n, "dye_manufacturing") for n in (1, 2, 3)] == [100, 200, 1000]
        row = emission_limit(W, "other_units", "COD", "grade_1")
        assert row.applies_from == dt.date(1998, 1, 1) and row.clause == "4.1, 4.2.2"

    def test_chemical_works_cod_grade_1(self):
        """A chemical works (其他排污单位) into class III water (grade 1): daily COD 112 mg/L
        exceeds 100 by 0.12 times; into a municipal sewer with a secondary plant (grade 3, 500)
        it complies."""
        g1 = emission_limit(W, "other_units", "COD", "grade_1").limit
        assert _exceeds(112, g1) and (112 - g1) / g1 == pytest.approx(0.12)
        assert not _exceeds(112, emission_limit(W, "other_units", "COD", "grade_3").limit)


class TestCementAmendment2026:
    SRC = "cement_dryer_independent_heat"

    def test_dryer_limits_change_on_2026_04_01(self):
        """Dryers with an independent heat source: PM 10, SO2 50, NOx 80, NH3 8 from 2026-04-01
        (new and existing enterprises); before that the original table's row (tagged [U])."""
        on = dt.date(2026, 4, 1)
        got = {p: emission_limit("GB 4915-2013", self.SRC, p, "existing", date=on).limit
               for p in ("PM", "SO2", "NOx", "NH3")}  # fmt: skip
        assert got == {"PM": 10, "SO2": 50, "NOx": 80, "NH3": 8}
        before = emission_limit(
            "GB 4915-2013", self.SRC, "NOx", "existing", date=on - dt.timedelta(1)
        )
        assert before.tag == "[U]" and before.valid_to == on
        assert emission_limit("GB 4915-2013", self.SRC, "NOx", "new").limit == 80  # newest row
        with pytest.raises(StandardsError, match=r"NH3 \(new\) applies from 2026-04-01"):
            emission_limit("GB 4915-2013", self.SRC, "NH3", "new", date=dt.date(2026, 3, 31))


def test_every_row_is_tagged_or_confirmed():
    assert {x.tag for x in EMISSION_LIMITS} == {"", "[MC]", "[U]"}
    new = [x for x in EMISSION_LIMITS if x.standard in (B, T, W)]
    assert all(x.clause for x in new)
    keys = [(x.standard, x.table, x.source, x.pollutant, x.category, x.applies_from) for x in new]
    assert len(keys) == len(set(keys))
