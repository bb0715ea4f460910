"""The monthly mass balance (pure) with worked numbers: producers, facilities, the tolerance's
share and floor, and the dumping pattern (consecutive months only, on-site use not enough)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from qingshan.waste.balance import (
    dumping_suspect,
    facility_balance,
    ledger_rules,
    producer_balance,
    tolerance_t,
)

MAR = date(2026, 3, 1)


def _producers(rows):
    cols = ["enterprise_id", "month", "generated_t", "transferred_t", "self_utilised_t",
            "self_disposed_t", "stock_start_t", "stock_end_t"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def test_rules_are_the_documented_defaults():
    rules = ledger_rules()
    assert rules["operator_storage_limit_days"] == 365  # 固废法 2020 Art. 81 ¶3
    assert rules["storage_alert_days_before"] == 30
    assert (rules["tier_key_min_t"], rules["tier_simplified_min_t"]) == (100.0, 10.0)
    assert tolerance_t(20.0) == pytest.approx(1.0)  # 5 % of 20 t
    assert tolerance_t(1.0) == pytest.approx(0.1)  # the floor


def test_producer_balance_worked_months():
    b = producer_balance(_producers([
        # 10 = (4.5 − 2) + 6 + 1 + 0.5: closes exactly
        (1, MAR, 10.0, 6.0, 1.0, 0.5, 2.0, 4.5),
        # 20 − 12 = 8 t unaccounted, tolerance 1 t: open
        (2, MAR, 20.0, 12.0, 0.0, 0.0, 0.0, 0.0),
        # 0.05 t short of 1 t: within the 0.1 t floor
        (3, MAR, 1.0, 0.95, 0.0, 0.0, 0.0, 0.0),
        # shipped 5 t more than generated, out of a stock that did not fall: open (negative gap)
        (4, MAR, 10.0, 15.0, 0.0, 0.0, 3.0, 3.0),
    ]))  # fmt: skip
    assert b["accounted_t"].tolist() == pytest.approx([10.0, 12.0, 0.95, 15.0])
    assert b["gap_t"].tolist() == pytest.approx([0.0, 8.0, 0.05, -5.0])
    assert b["tolerance_t"].tolist() == pytest.approx([0.5, 1.0, 0.1, 0.5])
    assert b["closes"].tolist() == [True, False, True, False]


def test_facility_balance_at_and_past_the_tolerance():
    f = pd.DataFrame(
        [(9, MAR, 100.0, 90.0, 10.0, 15.0), (9, date(2026, 4, 1), 100.0, 80.0, 15.0, 20.0)],
        columns=["enterprise_id", "month", "received_t", "processed_t", "stock_start_t",
                 "stock_end_t"],
    )  # fmt: skip
    b = facility_balance(f)
    # 100 − (90 + 5) = 5 t = 5 % of 100 t: closes at the boundary; 100 − (80 + 5) = 15 t: open
    assert b["gap_t"].tolist() == pytest.approx([5.0, 15.0])
    assert b["closes"].tolist() == [True, False]


def test_a_frame_without_a_column_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"lacks columns \['stock_end_t'\]"):
        producer_balance(_producers([]).drop(columns=["stock_end_t"]))


def _month(m):
    return date(2026, m, 1)


def test_dumping_needs_three_consecutive_months_of_silent_generation():
    rows = []
    for m in range(1, 5):  # enterprise 1: 4 months, 5 t each, nothing out, stock flat at 3 t
        rows.append((1, _month(m), 5.0, 0.0, 0.0, 0.0, 3.0, 3.0))
    for m, shipped in ((1, 0.0), (2, 0.0), (3, 5.0), (4, 0.0)):  # enterprise 2: broken by March
        rows.append((2, _month(m), 5.0, shipped, 0.0, 0.0, 0.0, 0.0))
    for m in (1, 3, 4, 5):  # enterprise 3: February missing, then March–May
        rows.append((3, _month(m), 2.0, 0.0, 0.0, 0.0, 1.0, 1.0))
    for m in range(1, 5):  # enterprise 4: the stock grows by what it makes: stored, not dumped
        rows.append((4, _month(m), 5.0, 0.0, 0.0, 0.0, 5.0 * (m - 1), 5.0 * m))
    for m in range(1, 4):  # enterprise 5: 0.5 of 8 t used on site, the rest gone: suspect
        rows.append((5, _month(m), 8.0, 0.0, 0.5, 0.0, 0.0, 0.0))
    for m in range(1, 4):  # enterprise 6: uses all it makes on site: closes, not suspect
        rows.append((6, _month(m), 8.0, 0.0, 6.0, 2.0, 0.0, 0.0))
    s = dumping_suspect(producer_balance(_producers(rows)))
    assert s["enterprise_id"].tolist() == [1, 3, 5]
    one, three = s.iloc[0], s.iloc[1]
    assert (s.iloc[2]["months"], s.iloc[2]["unaccounted_t"]) == (3, 24.0)
    assert (one["first_month"], one["last_month"], one["months"]) == (_month(1), _month(4), 4)
    assert one["unaccounted_t"] == pytest.approx(20.0)
    assert (three["first_month"], three["months"], three["unaccounted_t"]) == (_month(3), 3, 6.0)
    assert dumping_suspect(producer_balance(_producers(rows)), min_months=5).empty
