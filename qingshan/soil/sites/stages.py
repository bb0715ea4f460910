"""The stages of a contaminated site and the rule for moving between them (pure).

The register's life of a site (土壤污染防治法 2018, Arts. 59–66 [MC]: investigation → risk
assessment → risk control or remediation → effect evaluation → removal from the register, the
order of 污染地块土壤环境管理办法（试行）(环境保护部令第42号, 2016) [MC]):

``investigation`` (土壤污染状况调查) → ``risk_assessment`` (风险评估) → ``control`` (风险管控) or
``remediation`` (治理修复) → ``effect_evaluation`` (效果评估) → ``removed`` (移出名录).

A move forward goes one step at a time (a skipped stage is refused, naming both stages and the
one missing); a move backwards (or from control to remediation and back) needs a reason, else it
is refused naming both stages; a move to the stage the site is in is refused.
"""

from __future__ import annotations

from qingshan.soil.sites.errors import SiteError

__all__ = ["STAGES", "STAGE_RANK", "NAMES_ZH", "check_stage", "check_move"]

STAGES = ("investigation", "risk_assessment", "control", "remediation", "effect_evaluation",
          "removed")  # fmt: skip
#: the rank of each stage: control and remediation are the two routes of the same step
STAGE_RANK = {"investigation": 0, "risk_assessment": 1, "control": 2, "remediation": 2,
              "effect_evaluation": 3, "removed": 4}  # fmt: skip
NAMES_ZH = {"investigation": "土壤污染状况调查", "risk_assessment": "风险评估",
            "control": "风险管控", "remediation": "治理修复", "effect_evaluation": "效果评估",
            "removed": "移出名录"}  # fmt: skip
_NEXT = {0: "risk_assessment", 1: "control or remediation", 2: "effect_evaluation", 3: "removed"}


def check_stage(stage: str) -> str:
    """``stage`` if it is one of :data:`STAGES`, else :class:`SiteError` listing them."""
    if stage not in STAGE_RANK:
        raise SiteError(f"stage: {stage!r} is not a stage (one of {', '.join(STAGES)})",
                        field="stage")  # fmt: skip
    return stage


def check_move(current: str, new: str, reason: str = "") -> bool:
    """Whether the move ``current`` → ``new`` is allowed; returns True for a move backwards (or
    sideways between control and remediation), which must carry ``reason``.

    Raises :class:`SiteError` naming both stages when the move skips a stage, goes backwards
    without a reason, or stays where it is."""
    check_stage(current)
    check_stage(new)
    a, b = STAGE_RANK[current], STAGE_RANK[new]
    if new == current:
        raise SiteError(f"stage: the site is already at {current!r}", field="stage")
    if b == a + 1:
        return False
    if b > a + 1:
        raise SiteError(f"stage: {current!r} → {new!r} skips a stage (next after {current!r} "
                        f"is {_NEXT[a]})", field="stage")  # fmt: skip
    if not reason.strip():
        raise SiteError(f"reason: moving back from {current!r} to {new!r} needs a reason",
                        field="reason")  # fmt: skip
    return True
