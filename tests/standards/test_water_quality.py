"""GB 3838-2002 classes and the 2011 evaluation method (环办〔2011〕22号)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingshan.standards.errors import (
    InsufficientData,
    InvalidValue,
    UnknownIndicator,
    UnknownKeyError,
)
from qingshan.standards.water_quality import (
    GB3838_LIMITS,
    classify_frame,
    classify_section,
    indicator_class,
    meets_target,
    parse_class,
    river_status,
)
from qingshan.standards.water_tables import ASSESSED, CLASSES

DATA = Path(__file__).parents[1] / "data" / "cnemc_surface_water_realtime_20260204.csv"
UPPER = [k for k in GB3838_LIMITS if k not in ("DO",)]


@pytest.mark.parametrize("item", UPPER)
def test_every_limit_inclusive_best_class(item):
    key = "TP" if item.startswith("TP") else item
    body = "lake" if item == "TP_lake" else "river"
    limits = [float(v) for v in GB3838_LIMITS[item][1]]
    for lim in limits:
        best = min(j for j, v in enumerate(limits) if v == lim)
        assert indicator_class(key, lim, body) == CLASSES[best], (item, lim)
        above = indicator_class(key, lim * 1.001, body)
        nxt = next((j for j, v in enumerate(limits) if v > lim), 5)
        assert above == CLASSES[nxt], (item, lim)


def test_shared_limits_take_best_class():
    assert indicator_class("COD", 15) == "I" and indicator_class("COD", 15.01) == "III"
    assert indicator_class("Cd", 0.005) == "II" and indicator_class("Hg", 0.00005) == "I"
    assert indicator_class("Hg", 0.00006) == "III" and indicator_class("Hg", 0.0011) == "劣V"


def test_do_lower_limit():
    got = indicator_class("DO", [7.5, 7.49, 6, 5, 4.99, 3, 2, 1.99])
    assert list(got) == ["I", "II", "II", "III", "IV", "IV", "V", "劣V"]


def test_ph_pass_fail():
    assert list(indicator_class("pH", [6, 9, 5.99, 9.01, 7])) == ["I", "I", "劣V", "劣V", "I"]


def test_tp_river_and_lake():
    assert indicator_class("TP", 0.05, "river") == "II"
    assert indicator_class("TP", 0.05, "lake") == "III"
    assert indicator_class("TP", 0.41, "river") == "劣V"


def test_section_worst_of_21_and_reference_excluded():
    r = classify_section({"pH": 7.2, "DO": 8, "NH3_N": 0.4, "TN": 5, "FecalColiform": 1e6})
    assert r.section_class == "II" and r.indicator_classes["TN"] == "劣V"
    assert r.status == "优" and r.main_pollutants == () and r.over_standard_multiples == {}
    assert len(ASSESSED) == 21


@pytest.mark.parametrize(
    "cls, status", [("I", "优"), ("II", "优"), ("III", "良好"), ("IV", "轻度污染"),
                    ("V", "中度污染"), ("劣V", "重度污染")],
)  # fmt: skip
def test_section_status(cls, status):
    nh3 = {"I": 0.1, "II": 0.4, "III": 0.9, "IV": 1.4, "V": 1.9, "劣V": 2.5}[cls]
    r = classify_section({"NH3_N": nh3})
    assert (r.section_class, r.status) == (cls, status)


def test_multiples_and_main_pollutants():
    r = classify_section({"pH": 7.5, "DO": 4, "CODMn": 7.2, "NH3_N": 1.6, "TP": 0.25, "COD": 45})
    assert r.section_class == "劣V"
    assert r.over_standard_multiples["CODMn"] == pytest.approx(0.2)
    assert r.over_standard_multiples["COD"] == pytest.approx(1.25)
    assert "DO" not in r.over_standard_multiples and "pH" not in r.over_standard_multiples
    # worst class first (COD 劣V), then V (NH3-N), then IV by larger multiple (TP 0.25 > CODMn 0.2)
    assert r.main_pollutants == ("COD", "NH3_N", "TP")
    assert r.main_pollutants_label == "化学需氧量(1.2)、氨氮(0.6)、总磷(0.2)"


def test_heavy_metals_and_cyanide_first():
    r = classify_section({"COD": 45, "NH3_N": 2.5, "Pb": 0.06, "CN": 0.3})
    assert r.main_pollutants == ("CN", "Pb", "NH3_N")  # 劣V ties: NH3-N 1.5 > COD 1.25


def test_no_main_pollutants_at_class_iii():
    assert classify_section({"COD": 20}).main_pollutants == ()


def test_target_compliance():
    assert classify_section({"COD": 20}, target_class="Ⅲ").meets_target is True
    assert classify_section({"COD": 21}, target_class="III").meets_target is False
    assert list(meets_target(["I", "IV", None], "III")) == [True, False, False]


def test_parse_class():
    assert [parse_class(x) for x in ("Ⅰ", "劣Ⅴ", "III类", 4, "--")] == [
        "I",
        "劣V",
        "III",
        "IV",
        None,
    ]
    with pytest.raises(UnknownKeyError, match=r"unknown water-quality class 'VI'"):
        parse_class("VI")


class TestRiverStatus:
    @pytest.mark.parametrize(
        "classes, status",
        [(["II"] * 9 + ["IV"], "优"),  # 90 %
         (["II"] * 8 + ["IV"] * 2, "良好"),  # 80 %
         (["II"] * 6 + ["IV"] * 2, "良好"),  # 75 %
         (["II"] * 7 + ["IV"] * 2 + ["劣V"] * 1, "轻度污染"),  # 70 %, 劣V 10 %
         (["II"] * 7 + ["IV"] + ["劣V"] * 2, "中度污染"),  # 劣V 20 %
         (["II"] * 6 + ["劣V"] * 4, "重度污染"),  # 劣V 40 %
         (["II"] * 6 + ["IV"] + ["劣V"] * 3, "中度污染")],  # 劣V 30 %
    )  # fmt: skip
    def test_thresholds(self, classes, status):
        assert river_status(classes).status == status

    def test_boundaries_exact(self):
        r = river_status(["II"] * 15 + ["IV"] * 5)
        assert r.status == "良好" and r.share_good == 75.0 and r.method == "share"

    def test_fewer_than_five_uses_means(self):
        conc = [{"NH3_N": 0.9, "COD": 10}, {"NH3_N": 1.3, "COD": 10}]
        r = river_status(["III", "IV"], conc)
        assert r.method == "mean" and r.mean_class == "IV" and r.status == "轻度污染"

    def test_fewer_than_five_needs_concentrations(self):
        with pytest.raises(InsufficientData, match=r"river status from 3 section\(s\) needs"):
            river_status(["II", "II", "III"])


def test_errors():
    with pytest.raises(UnknownIndicator, match=r"unknown indicator 'NH3N'; did you mean NH3_N"):
        classify_section({"NH3N": 1})
    with pytest.raises(UnknownKeyError, match=r"unknown water body 'sea'"):
        classify_section({"COD": 1}, water_body="sea")
    with pytest.raises(InvalidValue, match=r"negative value -1 for COD at position 0"):
        indicator_class("COD", -1)


def test_frame_matches_scalar():
    frame = pd.DataFrame(
        {"COD": [10, 45, np.nan], "NH3_N": [0.2, 1.6, 0.3], "Pb": [0.001, 0.06, np.nan]}
    )
    out = classify_frame(frame)
    for i in range(len(frame)):
        one = classify_section({k: v for k, v in frame.iloc[i].items() if pd.notna(v)})
        assert out["section_class"].iloc[i] == one.section_class
        assert out["main_pollutants"].iloc[i] == ",".join(one.main_pollutants)


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from([k for k in ASSESSED if k not in ("pH", "DO")]),
       a=st.floats(0, 100), b=st.floats(0, 100))  # fmt: skip
def test_class_monotone(key, a, b):
    lo, hi = sorted((a, b))
    assert CLASSES.index(indicator_class(key, lo)) <= CLASSES.index(indicator_class(key, hi))


def test_published_class_every_zhejiang_section():
    """CNEMC automatic stations, 2026-02-04: worst class over pH, DO, CODMn, NH3-N, TP."""
    raw = pd.read_csv(DATA, na_values=["--"])
    zj = raw[raw["省份"].str.startswith("浙江")]
    assert len(zj) == 47
    cols = {"pH(无量纲)": "pH", "溶解氧(mg/L)": "DO", "高锰酸盐指数(mg/L)": "CODMn",
            "氨氮(mg/L)": "NH3_N", "总磷(mg/L)": "TP"}  # fmt: skip
    out = classify_frame(zj.rename(columns=cols)[list(cols.values())])
    published = zj["水质类别"].map(parse_class)
    assert (out["section_class"] == published).all()


@pytest.mark.parametrize(
    "concentrations, main, label",
    [
        # DO 1.5 is worse than V: the only main pollutant, named without a multiple (3.3)
        ({"DO": 1.5, "CODMn": 3.0, "NH3_N": 0.4}, ("DO",), "溶解氧"),
        # pH out of 6–9 is 劣V and has no multiple either
        ({"pH": 9.8, "COD": 18}, ("pH",), "pH"),
        # mixed with indicators that have a multiple: those keep theirs
        (
            {"pH": 7.2, "DO": 1.5, "NH3_N": 2.5, "TP": 0.45},
            ("NH3_N", "TP", "DO"),
            "氨氮(1.5)、总磷(1.2)、溶解氧",
        ),
    ],
)
def test_main_pollutants_label_without_multiple(concentrations, main, label):
    r = classify_section(concentrations)
    assert r.main_pollutants == main
    assert r.main_pollutants_label == label


def test_one_table_of_class_colours():
    from qingshan.standards.water_quality import STATUS_BY_CLASS
    from qingshan.web.legend import WATER_CLASS_COLORS

    assert dict(WATER_CLASS_COLORS) == {c: s.color for c, s in STATUS_BY_CLASS.items()}
    assert WATER_CLASS_COLORS["I"] != WATER_CLASS_COLORS["II"]  # one colour per class
