"""The safe-use rate of contaminated land (污染地块安全利用率), a pure function.

Definition used (土壤污染防治行动计划, 国发〔2016〕31号, 一、工作目标 and Art. 6 — the target
"污染地块安全利用率达到90%以上" by 2020 [MC: quoted alike by several provincial plans]; the way
it is counted follows the assessment rules of the action plan (土壤污染防治行动计划实施情况评估
考核规定（试行）, 环土壤〔2018〕41号) [U: the formula's own text was not found; searched in
session 10, see docs/soil-sites.md]):

    rate = sites re-used as sensitive land that met their risk-control or remediation targets
           before re-use ÷ all sites re-used as sensitive land  × 100 %

- "sites": sites on the register (建设用地土壤污染风险管控和修复名录);
- "re-used as sensitive land": the planned use is of the first category of GB 36600-2018 §3.3
  (residence, schools, hospitals, welfare, community and children's parks) and re-use has begun
  (``reused_on`` set) on or before the day counted;
- "met the targets": the effect evaluation was passed and the site moved off the register
  (stage ``removed``) on or before the day re-use began.

The rate is None when no such site exists (no data, not 100 %). Zhejiang's plan (main goal 1)
asks for ≥ 92 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["ReuseRecord", "SafeUse", "safe_use_rate"]


@dataclass(frozen=True)
class ReuseRecord:
    """What the rate needs of one site: its register code, land category (1 or 2), the day its
    re-use began (or None) and the day it met its targets (moved to ``removed``; or None)."""

    code: str
    land_category: int
    reused_on: date | None
    targets_met_on: date | None


@dataclass(frozen=True)
class SafeUse:
    """``safe`` of ``reused`` sites were safely re-used; ``rate`` [%] or None; ``unsafe`` the
    codes of sites re-used before meeting their targets."""

    safe: int
    reused: int
    rate: float | None
    unsafe: tuple[str, ...]


def safe_use_rate(records: Iterable[ReuseRecord], on: date) -> SafeUse:
    """The safe-use rate on day ``on`` (see the module's definition) [%]."""
    safe, reused, unsafe = 0, 0, []
    for r in records:
        if r.land_category != 1 or r.reused_on is None or r.reused_on > on:
            continue
        reused += 1
        if r.targets_met_on is not None and r.targets_met_on <= r.reused_on:
            safe += 1
        else:
            unsafe.append(r.code)
    rate = None if reused == 0 else round(100.0 * safe / reused, 2)
    return SafeUse(safe, reused, rate, tuple(sorted(unsafe)))
