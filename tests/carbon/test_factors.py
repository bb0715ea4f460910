"""The factor library: shipped data, the factor in force, user overrides, row validation.

Values asserted here are the confirmed ones only (shared/reference/carbon.md without [U], or
confirmed since: see docs/carbon.md § Factor library); each test names its source.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from qingshan.carbon.errors import FactorFileError, UnknownFactor, UnknownFuel
from qingshan.carbon.factors import (
    FACTOR_DIR,
    Factor,
    FactorLibrary,
    factor_from_row,
    load_library,
    method_edition,
)

D = dt.date


@pytest.fixture(scope="module")
def lib() -> FactorLibrary:
    return load_library()


def test_every_shipped_file_names_source_and_licence_and_every_row_has_provenance(
    lib: FactorLibrary,
) -> None:
    files = sorted(FACTOR_DIR.glob("*.json"))
    assert len(files) >= 9  # one per publication
    for p in files:
        header = json.loads(p.read_text("utf-8"))["header"]
        assert header["source"] and header["licence"], p.name
    for f in lib.all():
        assert f.source and f.tag in ("", "U", "3P") and f.value is not None and f.value > 0, f.id
        assert f.unit.startswith("tCO2/"), f.id


def test_ets_grid_factor_for_2023_to_2025(lib: FactorLibrary) -> None:
    # MEE notice of Feb 2023: 0.5703 tCO2/MWh for 2023–2025 reporting (tanpaifang.com, reference §5)
    f = lib.grid(D(2024, 6, 1))
    assert (f.id, f.value, f.unit, f.tag) == ("grid/ets/2022", 0.5703, "tCO2/MWh", "")
    assert (f.valid_from, f.valid_to) == (D(2023, 1, 1), D(2025, 12, 31))
    # 2026: nothing newer on the ETS basis -> the same factor stays in force (the result warns)
    assert lib.grid(D(2026, 3, 1)).id == "grid/ets/2022"


def test_mee_nbs_consumption_side_factors_by_year_and_basis(lib: FactorLibrary) -> None:
    # MEE + NBS 2021 (公告2024年第12号) and 2022 (notice of 2024-12-20), reference §5
    assert lib.grid(D(2021, 5, 1), basis="national").value == 0.5568
    assert lib.grid(D(2022, 5, 1), basis="national").value == 0.5366
    assert lib.grid(D(2022, 5, 1), basis="east_china").value == 0.5617
    assert lib.grid(D(2022, 5, 1), basis="non_fossil_excluded").value == 0.5856
    # 2023 figures (光明日报 / 中国电力报 reports of the 2023 notice, Jan 2026): national 0.5306,
    # East China 0.5500, excluding market-traded non-fossil 0.6096
    assert lib.grid(D(2023, 5, 1), basis="national").value == 0.5306
    assert lib.grid(D(2023, 5, 1), basis="east_china").value == 0.5500
    assert lib.grid(D(2023, 5, 1), basis="non_fossil_excluded").value == 0.6096
    # a 2026 month gets the newest published year (2023)
    assert lib.grid(D(2026, 9, 1), basis="national").id == "grid/national/2023"


def test_heat_default(lib: FactorLibrary) -> None:
    # 公共建筑运营单位 guideline 附录表3: 0.11 tCO2/GJ (reference §2)
    f = lib.heat(D(2026, 1, 1))
    assert (f.value, f.unit) == (0.11, "tCO2/GJ")


def test_fuel_tables_and_fallback(lib: FactorLibrary) -> None:
    # diesel, batch-1 table: EF 42.652 × 0.0202 × 0.98 × 44/12 = 3.0959 t/t (reference §3; the
    # published factor tables agree on 3.0959)
    diesel = lib.fuel("diesel", D(2025, 1, 1))
    assert diesel.id == "fuel/diesel/guideline-2013"
    assert diesel.value == pytest.approx(3.0959, abs=5e-5)
    assert diesel.params["activity_unit"] == "t" and diesel.unit == "tCO2/t"
    # natural gas is accounted in 10^4 Nm3: 389.31 × 0.0153 × 0.99 × 44/12 = 21.622 t/10^4 Nm3
    gas = lib.fuel("natural_gas", D(2025, 1, 1))
    assert (
        gas.value == pytest.approx(21.622, abs=5e-4) and gas.params["activity_unit"] == "10^4 Nm3"
    )
    # lignite is only in the IPCC 2006 fallback (Vol. 2 Ch. 1: NCV 11.9 GJ/t, 27.6 kg C/GJ, OF 1)
    lignite = lib.fuel("lignite", D(2025, 1, 1))
    assert lignite.id == "fuel/lignite/ipcc-2006" and lignite.params["of"] == 1.0
    assert lignite.value == pytest.approx(1.204, abs=5e-4)  # reference §4 "computed from C content"
    # asking for the later-batch table picks its row where it has one
    assert lib.fuel("diesel", D(2025, 1, 1), guideline="later").id == "fuel/diesel/guideline-later"
    assert (
        lib.fuel("natural_gas", D(2025, 1, 1), guideline="later").id
        == "fuel/natural_gas/guideline-2013"
    )


def test_raw_coal_is_shipped_with_its_unverified_tag(lib: FactorLibrary) -> None:
    coal = lib.fuel("raw_coal", D(2025, 1, 1))
    # NCV 20.908 GJ/t (= GB/T 2589's 20 908 kJ/kg) and the product EF 1.9003 t/t (published factor
    # tables, reference §3) are confirmed; CC 0.02637 and OF 0.94 alone are not: the tag stays U
    assert coal.params["ncv"] == 20.908 and coal.value == pytest.approx(1.9003, abs=5e-5)
    assert coal.tag == "U"


def test_biomass_fuels_are_flagged(lib: FactorLibrary) -> None:
    assert lib.fuel("biomass_pellet", D(2026, 1, 1)).params["biomass"] is True
    assert lib.fuel("raw_coal", D(2026, 1, 1)).params["biomass"] is False
    assert {"biomass_pellet", "wood", "agri_residue", "charcoal"} <= set(lib.fuels())


def test_unknown_keys_list_what_exists(lib: FactorLibrary) -> None:
    with pytest.raises(
        UnknownFuel, match=r"unknown fuel 'coal'; did you mean .*\(known fuels: .*raw_coal"
    ) as e:
        lib.fuel("coal", D(2025, 1, 1))
    assert "natural_gas" in e.value.known and e.value.status_code == 422
    with pytest.raises(
        UnknownFactor, match=r"no grid factor 'zhejiang' basis \(known: east_china, ets, fossil"
    ):
        lib.grid(D(2025, 1, 1), basis="zhejiang")
    with pytest.raises(UnknownFactor, match=r"no process factor 'glass'.*known: clinker"):
        lib.process("glass", D(2025, 1, 1))


def test_method_edition_switches_on_2026_07_01() -> None:
    # GB/T 32150-2025: published 2025-12-31, in force 2026-07-01 (reference §1 [3P])
    assert method_edition(D(2026, 6, 1)) == "GB/T 32150-2015"
    assert method_edition(D(2026, 7, 1)) == "GB/T 32150-2025"
    assert method_edition(D(2016, 1, 1)) == "GB/T 32150-2015"


def test_version_is_stable_and_changes_with_any_value(lib: FactorLibrary) -> None:
    assert load_library().version == lib.version
    ets = lib.get("grid/ets/2022")
    corrected = lib.with_override(Factor(**{**ets.__dict__, "value": 0.5810}))
    assert corrected.version != lib.version and corrected.grid(D(2024, 1, 1)).value == 0.5810
    assert lib.grid(D(2024, 1, 1)).value == 0.5703  # the original library is untouched
    same = lib.with_override(ets)
    assert same.version == lib.version
    # a fuel correction changes a parameter; the EF follows:
    # 20.908 GJ/t × 0.02700 tC/GJ × 0.94 × 44/12 = 1.94570 tCO2/t
    coal = lib.get("fuel/raw_coal/guideline-2013")
    fixed = lib.with_override(replace(coal, params={**coal.params, "cc": 0.02700}))
    assert fixed.get(coal.id).value == pytest.approx(20.908 * 0.027 * 0.94 * 44 / 12, rel=1e-12)
    assert fixed.version != lib.version


def _write(path: Path, rows: list[dict[str, object]], **header: object) -> Path:
    doc = {"header": {"source": "test", "licence": "CC0", **header}, "factors": rows}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_user_dir_adds_and_supersedes(tmp_path: Path, lib: FactorLibrary) -> None:
    _write(
        tmp_path / "zj.json",
        [
            {"id": "grid/ets/2022", "value": 0.57, "valid_from": "2023-01-01", "valid_to": "2025-12-31", "source": "local correction"},
            {"id": "grid/ets/2025", "value": 0.55, "valid_from": "2026-01-01", "source": "a newer notice"},
            {"id": "fuel/rice_husk/local", "ncv": 14.0, "ncv_unit": "GJ/t", "cc": 0.028, "of": 1.0, "biomass": True,
             "guideline": "general", "valid_from": "2020-01-01", "source": "provincial table"},
        ],
    )  # fmt: skip
    user = load_library(tmp_path)
    assert user.version != lib.version
    assert user.grid(D(2024, 1, 1)).value == 0.57
    assert user.grid(D(2026, 2, 1)).id == "grid/ets/2025"
    assert "rice_husk" in user.fuels() and "rice_husk" not in lib.fuels()
    assert load_library(tmp_path / "missing").version == lib.version


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"cc": "0.02"}, "cc", "must be a finite number"),
        ({"of": 1.2}, "of", r"must be > 0 and <= 1\.0"),
        ({"ncv_unit": "GJ/m3"}, "ncv_unit", "must be one of 'GJ/t', 'GJ/10\\^4 Nm3'"),
        ({"source": ""}, "source", "is required"),
        ({"valid_from": "2020-13-01"}, "valid_from", "must be an ISO date"),
        ({"valid_to": "2010-01-01"}, "valid_to", "2010-01-01 is before valid_from 2020-01-01"),
        ({"tag": "maybe"}, "tag", "must be one of"),
        ({"id": "fuel/diesel"}, "id", "must be 'kind/key/publication'"),
        ({"guideline": "batch9"}, "guideline", "must be one of 'general', 'later', 'ipcc2006'"),
    ],
)
def test_a_bad_row_names_file_row_and_field(
    tmp_path: Path, row: dict[str, object], field: str, message: str
) -> None:
    good = {"id": "fuel/diesel/x", "ncv": 43.0, "ncv_unit": "GJ/t", "cc": 0.0202, "of": 0.98,
            "guideline": "general", "valid_from": "2020-01-01", "source": "s"}  # fmt: skip
    _write(tmp_path / "bad.json", [good | {"id": "fuel/lpg/x"}, good | row])
    with pytest.raises(
        FactorFileError, match=rf"bad\.json, row 2, field '{field}': {message}"
    ) as e:
        load_library(tmp_path)
    assert e.value.row == 2 and e.value.field == field


def test_file_level_errors(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FactorFileError, match=r"a\.json, field 'json': not valid JSON"):
        load_library(tmp_path)
    (tmp_path / "a.json").write_text(
        json.dumps({"header": {"source": "s"}, "factors": []}), encoding="utf-8"
    )
    with pytest.raises(FactorFileError, match=r"needs a 'header' with 'source' and 'licence'"):
        load_library(tmp_path)
    row = {"id": "heat/default/x", "value": 0.1, "valid_from": "2020-01-01", "source": "s"}
    _write(tmp_path / "a.json", [row, row])
    with pytest.raises(
        FactorFileError, match=r"a\.json, row 2, field 'id': duplicate id 'heat/default/x'"
    ):
        load_library(tmp_path)
    _write(tmp_path / "a.json", [row | {"unit": "kgCO2/GJ"}])
    with pytest.raises(FactorFileError, match=r"field 'unit': must be 'tCO2/GJ' for a heat factor"):
        load_library(tmp_path)


def test_factor_in_force_is_the_newest_started(lib: FactorLibrary) -> None:
    rows = [
        {
            "id": "grid/ets/a",
            "value": 0.6,
            "valid_from": "2020-01-01",
            "valid_to": "2020-12-31",
            "source": "s",
        },
        {"id": "grid/ets/b", "value": 0.5, "valid_from": "2021-01-01", "source": "s"},
    ]
    small = FactorLibrary(factor_from_row(r) for r in rows)
    assert small.grid(D(2020, 6, 1)).id == "grid/ets/a"
    assert small.grid(D(2021, 1, 1)).id == "grid/ets/b"
    # before every factor: the earliest (emissions_month warns "before its stated period")
    assert small.grid(D(2019, 1, 1)).id == "grid/ets/a"
