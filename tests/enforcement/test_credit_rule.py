"""The credit rule (issue #12): hand-worked scores, caps, the window, one-veto, the 5-colour
variant and bad rule files. The points are the platform's defaults ([U] in the rule file), so
these tests pin the computation with a rule written here, not the official weights."""

from __future__ import annotations

import json
from datetime import date

import pytest

from qingshan.enforcement.credit import (
    RULE_FILE,
    Finding,
    credit_rule,
    parse_credit_rule,
    score_credit,
    window_start,
)
from qingshan.enforcement.errors import BadEnforcementInput, BadRule

AS_OF = date(2026, 6, 30)

#: a rule for the tests (not the shipped defaults)
RULE = {
    "version": "test-1",
    "source": "tests",
    "window_months": 12,
    "start_score": 100,
    "grades": [
        {"key": "trustworthy", "zh": "诚信", "en": "Trustworthy", "colour": "green", "min_score": 95},
        {"key": "good", "zh": "良好", "en": "Good", "colour": "blue", "min_score": 80},
        {"key": "warning", "zh": "警示", "en": "Warning", "colour": "yellow", "min_score": 60},
        {"key": "poor", "zh": "不良", "en": "Poor", "colour": "red", "min_score": 0},
    ],
    "veto_grade": "poor",
    "deductions": {
        "exceedance": {"points": 2, "cap": 6},
        "violation": {"points": 5, "cap": 30},
        "penalty": {"bands": [{"min_amount": 0, "points": 3}, {"min_amount": 50000, "points": 6},
                              {"min_amount": 200000, "points": 10}], "cap": 30},
        "overdue_case": {"points": 3, "cap": 15},
        "relapsed_case": {"points": 5, "cap": 15},
        "data_fraud": {"points": 10, "cap": 20},
        "transmission": {"threshold": 0.9, "points_per_percent": 1, "cap": 10},
    },
    "veto": [
        {"key": "fraud", "kind": "data_fraud", "confirmed": True},
        {"key": "hidden_pipe", "kind": "violation", "categories": ["hidden_pipe"]},
    ],
}  # fmt: skip


def rule(**changes):
    return parse_credit_rule(RULE | changes, "test")


def f(kind, day, key=None, **kw):
    return Finding(kind=kind, key=key or f"{kind}:{day}", occurred=date.fromisoformat(day),
                   title=kind, link=f"/x/{kind}", **kw)  # fmt: skip


def test_a_clean_record_scores_the_start_and_the_best_grade():
    r = score_credit([], rule(), as_of=AS_OF)
    assert (r.score, r.grade.key, r.grade.colour, r.vetoed) == (
        100.0,
        "trustworthy",
        "green",
        False,
    )


def test_hand_worked_score():
    """100 − 2×2 (exceedances) − 6 (a ¥80,000 penalty) − 3 (overdue) − 4.7 (transmission
    85.3 % < 90 %: 4.7 pp × 1) = 82.3 → 良好 (80 ≤ 82.3 < 95)."""
    findings = [
        f("exceedance", "2026-01-10"),
        f("exceedance", "2026-02-11"),
        f("penalty", "2026-03-01", amount=80_000),
        f("overdue_case", "2026-04-01"),
        f("transmission", "2026-06-30", rate=0.853),
    ]
    r = score_credit(findings, rule(), as_of=AS_OF)
    assert r.score == 82.3
    assert r.grade.key == "good" and r.grade.colour == "blue"
    assert [(d.finding.kind, d.points) for d in r.deductions] == [
        ("exceedance", 2.0), ("exceedance", 2.0), ("penalty", 6.0), ("overdue_case", 3.0),
        ("transmission", 4.7),
    ]  # fmt: skip
    assert r.reasons()[2] == {
        "kind": "penalty", "key": "penalty:2026-03-01", "occurred": "2026-03-01",
        "title": "penalty", "link": "/x/penalty", "points": 6.0, "capped": False, "veto": None,
    }  # fmt: skip


def test_penalty_bands_and_band_edges():
    pts = [score_credit([f("penalty", "2026-05-01", amount=a)], rule(), as_of=AS_OF).score
           for a in (0, 49_999.99, 50_000, 199_999, 200_000)]  # fmt: skip
    assert pts == [97.0, 97.0, 94.0, 94.0, 90.0]


def test_each_kind_is_capped_and_the_capped_findings_are_listed():
    """Four exceedances at 2 points, cap 6: 2 + 2 + 2 + 0 (listed, capped)."""
    findings = [f("exceedance", f"2026-0{m}-01") for m in range(1, 5)]
    r = score_credit(findings, rule(), as_of=AS_OF)
    assert r.score == 94.0 and r.grade.key == "good"
    assert [(d.points, d.capped) for d in r.deductions] == [(2, False)] * 3 + [(0, True)]


def test_grade_boundaries():
    """95 → 诚信, 94.9 → 良好, 80 → 良好, 60 → 警示, 59.9 → 不良."""
    r = rule()
    assert [r.grade_for(s).key for s in (95, 94.9, 80, 79.9, 60, 59.9, 0)] == [
        "trustworthy", "good", "good", "warning", "warning", "poor", "poor"]  # fmt: skip


def test_the_score_never_falls_below_zero():
    findings = [f("violation", f"2026-0{m}-0{d}") for m in range(1, 7) for d in range(1, 8)]
    findings += [f("penalty", f"2026-0{m}-15", amount=1e6) for m in range(1, 7)]
    findings += [f("overdue_case", f"2026-0{m}-20") for m in range(1, 7)]
    findings += [f("relapsed_case", f"2026-0{m}-21") for m in range(1, 7)]
    findings += [f("data_fraud", f"2026-0{m}-22") for m in range(1, 7)]
    r = score_credit(findings, rule(), as_of=AS_OF)
    assert r.score == 0.0 and r.grade.key == "poor" and not r.vetoed


def test_the_window_is_the_12_months_to_the_evaluation_date():
    assert window_start(AS_OF, 12) == date(2025, 7, 1)
    assert window_start(date(2024, 2, 29), 12) == date(2023, 3, 1)
    findings = [f("violation", "2025-06-30"), f("violation", "2025-07-01"),
                f("violation", "2026-07-01")]  # fmt: skip
    r = score_credit(findings, rule(), as_of=AS_OF)
    assert r.score == 95.0 and r.ignored == 2


def test_one_veto_confirmed_fraud_makes_the_grade_poor_whatever_the_score():
    r = score_credit([f("data_fraud", "2026-05-01", confirmed=True)], rule(), as_of=AS_OF)
    assert r.score == 90.0  # the points still count
    assert r.grade.key == "poor" and r.vetoed_by == ("fraud",)
    assert r.deductions[0].veto == "fraud"


def test_suspected_fraud_only_deducts():
    r = score_credit([f("data_fraud", "2026-05-01")], rule(), as_of=AS_OF)
    assert (r.score, r.grade.key, r.vetoed) == (90.0, "good", False)


def test_one_veto_by_violation_category():
    hidden = f("violation", "2026-05-01", category="hidden_pipe")
    other = f("violation", "2026-05-02", category="records")
    r = score_credit([hidden, other], rule(), as_of=AS_OF)
    assert r.score == 90.0 and r.grade.key == "poor" and r.vetoed_by == ("hidden_pipe",)
    r = score_credit([other], rule(), as_of=AS_OF)
    assert r.grade.key == "trustworthy"


def test_a_veto_outside_the_window_does_not_count():
    r = score_credit([f("data_fraud", "2025-01-01", confirmed=True)], rule(), as_of=AS_OF)
    assert r.grade.key == "trustworthy" and not r.vetoed


def test_unknown_finding_kind_names_the_kinds():
    with pytest.raises(BadEnforcementInput, match=r"unknown kind 'noise'; one of exceedance, "):
        score_credit([f("noise", "2026-05-01")], rule(), as_of=AS_OF)


def test_bad_penalty_and_rate_are_named():
    with pytest.raises(BadEnforcementInput, match=r"finding p\.amount: a penalty needs amount"):
        score_credit([f("penalty", "2026-05-01", key="p")], rule(), as_of=AS_OF)
    with pytest.raises(BadEnforcementInput, match=r"finding t\.rate: a rate in \[0, 1\], got 1.5"):
        score_credit([f("transmission", "2026-05-01", key="t", rate=1.5)], rule(), as_of=AS_OF)


def test_five_colour_rule_from_data():
    r5 = credit_rule(RULE_FILE.with_name("credit_rule_5.json"))
    assert [g.colour for g in r5.grades] == ["green", "blue", "yellow", "red", "black"]
    assert r5.veto_grade == "blacklist"
    res = score_credit([f("data_fraud", "2026-05-01", confirmed=True)], r5, as_of=AS_OF)
    assert res.grade.key == "blacklist" and res.grade.colour == "black"


def test_the_shipped_rule_says_its_weights_are_unconfirmed():
    r = credit_rule()
    assert r.weights_confirmed is False and "[U]" in r.source
    assert [g.colour for g in r.grades] == ["green", "blue", "yellow", "red"]
    assert [g.zh for g in r.grades] == ["诚信", "良好", "警示", "不良"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"veto_grade": "black"}, r"veto_grade: 'black' is not one of trustworthy, good, warning, poor"),
        ({"grades": RULE["grades"][:1]}, r"grades: 2 to 5 grades, got 1"),
        ({"grades": RULE["grades"][:3]}, r"grades: the last grade must start at min_score 0"),
        ({"grades": [RULE["grades"][1], RULE["grades"][0], *RULE["grades"][2:]]},
         r"min_score must fall strictly"),
        ({"grades": [RULE["grades"][0] | {"colour": "pink"}, *RULE["grades"][1:]]},
         r"grades\[0\]\.colour: 'pink' is not one of green, blue, yellow, red, black"),
        ({"deductions": {"noise": {"points": 1, "cap": 1}}}, r"deductions\.noise: unknown kind"),
        ({"deductions": {"exceedance": {"cap": 1}}}, r"deductions.exceedance: points: missing"),
        ({"window_months": 0}, r"window_months: 1 to 60 months, got 0"),
        ({"start_score": "100"}, r"start_score: expected"),
    ],
)  # fmt: skip
def test_bad_rules_name_the_field(change, message):
    with pytest.raises(BadRule, match=message):
        rule(**change)


def test_a_rule_file_that_is_not_json(tmp_path):
    p = tmp_path / "r.json"
    p.write_text("{", encoding="utf-8")
    with pytest.raises(BadRule, match=r"r\.json: file: not JSON"):
        credit_rule(p)
    with pytest.raises(BadRule, match=r"file: not found"):
        credit_rule(tmp_path / "none.json")
    p.write_text(json.dumps(RULE), encoding="utf-8")
    assert credit_rule(p).version == "test-1"
