"""Cross-province transfer approvals and the manifests' time limits, pure (no I/O).

Source: 危险废物转移管理办法 (生态环境部、公安部、交通运输部令第23号, 2021-11-30, in force
2022-01-01), text read in a reprint of the MEE page (mee.gov.cn/gzk/gz/202112/
t20211228_965467.shtml, reprinted in github.com/Fungwingwaa/cee docs/posts/P4/wxfwzyglbf.md):

- Art. 21 ¶1: a cross-province transfer is approved by the **origin** province's 生态环境主管部门
  after the receiving province agrees; no transfer without approval (also 固废法 2020 Art. 82).
- Art. 27 ¶1: the decision names the waste, category, code, quantity, 移出人, 接受人 and method.
- Art. 27 ¶2: the decision is valid **twelve months**, but not beyond the period the 移出人 asked
  for, nor beyond the remaining term of the receiver's 危险废物经营许可证.
- Art. 27 ¶3: the 移出人 may ship several times under one decision within its validity.
- Art. 28 (一)(三): another kind of waste, more than the approved quantity, or another receiver
  needs a new application — so a manifest is refused when any of these does not match.
- Art. 18 ¶1: the 接受人 verifies the delivered waste and confirms receipt in the information
  system **within five working days** from the day it accepts it (the platform counts from the
  arrival: the last transporter's handover).
- Art. 20 ¶2: a **paper** manifest used when the electronic one cannot run is entered in the
  system **within ten working days** after the transfer is complete.

Working days: Monday–Friday less the State Council's public holidays, plus its 调休 working
weekends, as the ``chinese_calendar`` package records them (2004–2026); outside those years,
weekends only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar

from qingshan.timeutil import as_cst
from qingshan.waste.errors import ApprovalInvalid, ApprovalRefused
from qingshan.waste.manifest import licence_covers

__all__ = [
    "APPROVAL_MONTHS",
    "PAPER_ENTRY_WORKING_DAYS",
    "RECEIPT_WORKING_DAYS",
    "ApprovalTerms",
    "Overdue",
    "TimedSignature",
    "add_working_days",
    "approval_codes",
    "approval_valid_to",
    "check_approval",
    "is_working_day",
    "overdue",
]

#: 危险废物转移管理办法 (2021) Art. 27 ¶2: an approval is valid twelve months
APPROVAL_MONTHS = 12
#: Art. 18 ¶1: the receiver confirms receipt within five working days
RECEIPT_WORKING_DAYS = 5
#: Art. 20 ¶2: a paper manifest is entered within ten working days after the transfer
PAPER_ENTRY_WORKING_DAYS = 10


def is_working_day(day: date) -> bool:
    """A working day in China: the State Council's calendar (``chinese_calendar``, 2004–2026:
    holidays off, 调休 weekends on), else Monday–Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # outside the years the package knows
        return day.weekday() < 5


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted): the last day of a
    limit of ``n`` working days that starts on ``day``."""
    if n < 0:
        raise ValueError(f"n must be ≥ 0, not {n}")
    d = day
    while n:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def approval_valid_to(approved_on: date, requested_to: date | None,
                      licence_valid_to: date | None) -> date:  # fmt: skip
    """The last day an approval decided on ``approved_on`` is in force: twelve months (办法 2021
    Art. 27 ¶2), cut at the end of the period the 移出人 asked for and at the end of the
    receiver's licence (same paragraph). The twelve months are counted as 民法典 (2020) Art.
    201–202 count a period of months: from the next day, ending on the corresponding day of the
    twelfth month, or that month's last day when it has none.

    >>> approval_valid_to(date(2026, 3, 10), None, None)
    datetime.date(2027, 3, 10)
    >>> approval_valid_to(date(2028, 2, 29), None, None)
    datetime.date(2029, 2, 28)
    >>> approval_valid_to(date(2026, 3, 10), date(2026, 9, 30), date(2026, 12, 31))
    datetime.date(2026, 9, 30)
    """
    end = _add_months(approved_on, APPROVAL_MONTHS)
    for cap in (requested_to, licence_valid_to):
        if cap is not None:
            end = min(end, cap)
    if end < approved_on:
        raise ApprovalInvalid(
            f"the approval would end on {end.isoformat()}, before its date "
            f"{approved_on.isoformat()} (the requested period or the receiver's licence ends "
            "earlier)", field="valid_to",
        )  # fmt: skip
    return end


@dataclass(frozen=True)
class ApprovalTerms:
    """What a manifest is checked against: an approval's number, parties, codes (or category
    wildcards ``HWnn``), validity and quantity [t]."""

    number: str
    producer_id: int
    receiver_id: int
    waste_codes: tuple[str, ...]
    valid_from: date
    valid_to: date
    approved_t: float


def check_approval(terms: ApprovalTerms, *, producer_id: int, receiver_id: int, code: str,
                   ship_on: date, quantity_t: float, shipped_before_t: float) -> float:  # fmt: skip
    """The quantity [t] left under ``terms`` after this manifest; raises
    :class:`ApprovalRefused` naming the first condition that fails (``condition``: producer,
    receiver, code, validity, quantity): the approval must name the manifest's producer and
    facility (Art. 27 ¶1, 28 (三)), cover its code (28 (一)), be in force on the shipping day
    (27 ¶2), and ``shipped_before_t`` + ``quantity_t`` must not exceed the approved quantity
    (28 (一)). ``shipped_before_t``: the other manifests already submitted under it [t].

    >>> t = ApprovalTerms("浙危转 2026-001", 1, 2, ("900-041-49",), date(2026, 1, 5),
    ...                   date(2027, 1, 4), 100.0)
    >>> check_approval(t, producer_id=1, receiver_id=2, code="900-041-49",
    ...                ship_on=date(2026, 6, 1), quantity_t=30.0, shipped_before_t=60.0)
    10.0
    """
    n = terms.number
    if producer_id != terms.producer_id:
        raise ApprovalRefused(
            f"approval {n} is for producer {terms.producer_id}, not {producer_id} "
            "(办法 2021 Art. 27 ¶1)", condition="producer", field="approval_ref",
        )  # fmt: skip
    if receiver_id != terms.receiver_id:
        raise ApprovalRefused(
            f"approval {n} names receiving facility {terms.receiver_id}, not {receiver_id}: "
            "another receiver needs a new approval (办法 2021 Art. 28 (三))",
            condition="receiver", field="approval_ref",
        )  # fmt: skip
    if not licence_covers(terms.waste_codes, code):
        raise ApprovalRefused(
            f"approval {n} does not cover {code} (approved: {', '.join(terms.waste_codes)}); "
            "another kind of waste needs a new approval (办法 2021 Art. 28 (一))",
            condition="code", field="approval_ref",
        )  # fmt: skip
    if not terms.valid_from <= ship_on <= terms.valid_to:
        raise ApprovalRefused(
            f"approval {n} is in force {terms.valid_from.isoformat()}–"
            f"{terms.valid_to.isoformat()}, not on the shipping day {ship_on.isoformat()} "
            "(办法 2021 Art. 27 ¶2)", condition="validity", field="approval_ref",
        )  # fmt: skip
    left = terms.approved_t - shipped_before_t - quantity_t
    if left < -1e-9:
        raise ApprovalRefused(
            f"approval {n} allows {terms.approved_t:g} t; {shipped_before_t:g} t already shipped "
            f"under it, so {quantity_t:g} t more exceeds it by {-left:g} t — a larger quantity "
            "needs a new approval (办法 2021 Art. 28 (一))",
            condition="quantity", field="approval_ref",
        )  # fmt: skip
    return round(max(left, 0.0), 6)


@dataclass(frozen=True)
class TimedSignature:
    """A signature as the time limits see it."""

    party: str
    action: str
    signed_at: datetime
    paper: bool = False


@dataclass(frozen=True)
class Overdue:
    """A limit a manifest has missed: ``kind`` ``receipt`` (Art. 18) or ``paper`` (Art. 20),
    the last day allowed, and whether the step is still not done (``open``) or was done late."""

    kind: str
    due: date
    open: bool


def _day(t: datetime) -> date:
    return as_cst(t).date()


def overdue(signatures: Sequence[TimedSignature], legs: int, transfer_on: date,
            today: date) -> list[Overdue]:  # fmt: skip
    """The time limits a manifest has missed, computed from its signatures (never stored).

    - **receipt** (Art. 18 ¶1): once the last transporter (``transporter:<legs>``) has handed
      over, the receiver signs ``receive`` or ``reject`` within 5 working days of that day (CST);
      late when it signed after, or when it has not signed and ``today`` is past the limit.
    - **paper** (Art. 20 ¶2): a paper back-entry (``paper``) is entered within 10 working days
      after the transfer is complete — the electronic receipt's day when there is one, else
      (the receipt itself on paper) the manifest's ``transfer_on`` (the earliest it could be).
    """
    out: list[Overdue] = []
    arrived = [s for s in signatures
               if s.party == f"transporter:{legs}" and s.action == "handover"]  # fmt: skip
    receipts = [s for s in signatures if s.action in ("receive", "reject")]
    if arrived:
        due = add_working_days(_day(arrived[0].signed_at), RECEIPT_WORKING_DAYS)
        if receipts:
            if _day(receipts[0].signed_at) > due:
                out.append(Overdue("receipt", due, False))
        elif not any(s.action == "void" for s in signatures) and today > due:
            out.append(Overdue("receipt", due, True))
    papers = [s for s in signatures if s.paper]
    if papers:
        done = next((s for s in receipts if not s.paper), None)
        start = _day(done.signed_at) if done is not None else transfer_on
        due = add_working_days(start, PAPER_ENTRY_WORKING_DAYS)
        if any(_day(s.signed_at) > due for s in papers):
            out.append(Overdue("paper", due, False))
    return out


def approval_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes of an approval, sorted and without repeats."""
    return tuple(sorted({c.strip().upper() for c in codes if c.strip()}))
