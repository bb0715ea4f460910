"""The EIA and permit rules without I/O (issue #23, area eia): document types, the approval
number's form, the permit application's materials, the "最多跑一次" statistics and the three
warnings. Pure: takes plain values, returns plain values.

Document types: 《中华人民共和国环境影响评价法》(2018 修正) 第十六条 — a project with a significant
impact files an 环境影响报告书, a light one an 环境影响报告表 (both approved, 第二十二条), one with
very little impact an 环境影响登记表 (filed, 备案, not approved: its number is the 备案号).

Applications: 《排污许可管理条例》(2021) 第十一条–第十五条 — the materials of an application (第八条),
decided within 20 days of acceptance (第十五条: 20 日; registration 登记管理 is not applied for);
变更 (第十五条) and 延续 (第十四条: 60 days before expiry).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "DOC_TYPES",
    "APPLICATION_KINDS",
    "MATERIALS",
    "DECISION_DAYS",
    "normalise_approval_no",
    "check_approval_no",
    "application_days",
    "percentile",
    "ServiceStat",
    "service_stats",
    "Warning",
    "ApprovalFacts",
    "PermitFacts",
    "warnings_for",
]

#: document type key → (中文, English); 环评法 第十六条
DOC_TYPES: Mapping[str, tuple[str, str]] = {
    "report": ("环境影响报告书", "EIA report"),
    "table": ("环境影响报告表", "EIA form"),
    "registration": ("环境影响登记表", "registration form"),
}
#: application kind → (中文, English); 排污许可管理条例 第十一条 (申请), 第十五条 (变更), 第十四条 (延续)
APPLICATION_KINDS: Mapping[str, tuple[str, str]] = {
    "apply": ("首次申请", "first application"),
    "change": ("变更", "change"),
    "renew": ("延续", "renewal"),
}
#: the materials of an application (排污许可管理条例 第八条 (一)–(六)), as data: key →
#: (中文, English, the kinds that need it)
MATERIALS: Mapping[str, tuple[str, str, tuple[str, ...]]] = {
    "application_form": ("排污许可证申请表", "application form", ("apply", "change", "renew")),
    "self_monitoring_plan": ("自行监测方案", "self-monitoring plan", ("apply", "renew")),
    "commitment": ("守法承诺书", "compliance commitment", ("apply", "change", "renew")),
    "eia_approval": ("环评批复或备案文件", "EIA approval or filing", ("apply", "change")),
    "rights_proof": ("排污权交易凭证", "emission rights proof", ("apply", "change")),
    "public_notice": ("信息公开情况说明", "public disclosure note", ("apply",)),
    "change_note": ("变更事项说明", "statement of the change", ("change",)),
    "execution_report": ("执行报告", "execution reports", ("renew",)),
}
#: 排污许可管理条例 (2021) 第十五条: decided within 20 days of acceptance [counted here as
#: calendar days from submission, the applicant's view]
DECISION_DAYS = 20

_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔",
                           "]": "〕", "］": "〕", ")": "〕", "）": "〕", "】": "〕"})  # fmt: skip
#: 批复文号: issuing organ's short name, 〔year〕, serial, 号 — e.g. 浙环建〔2023〕12号 (GB/T 9704-2012 7.2.4
#: 发文字号: 机关代字, 年份 in 六角括号〔〕, 发文顺序号)
APPROVAL_NO = re.compile(r"^[\u4e00-\u9fff]{2,12}〔(19|20)\d{2}〕\d{1,5}号$")
#: 登记表 备案号: the filing system's number, digits only [U: 10–24 digits, as filing systems issue]
FILING_NO = re.compile(r"^\d{10,24}$")


def normalise_approval_no(text: str) -> str:
    """The number with its brackets as 〔〕 and no spaces."""
    return re.sub(r"\s+", "", str(text)).translate(_BRACKETS)


def check_approval_no(text: str, doc_type: str, approved_on: date | None = None) -> str | None:
    """What is wrong with ``text`` as the number of a ``doc_type`` document, or None."""
    no = normalise_approval_no(text)
    if doc_type == "registration":
        return None if FILING_NO.match(no) else f"备案号 {text!r}: 10–24 digits"
    if not APPROVAL_NO.match(no):
        return f"批复文号 {text!r}: like 浙环建〔2023〕12号 (organ, 〔year〕, serial, 号)"
    if approved_on is not None:
        year = int(re.search(r"〔(\d{4})〕", no).group(1))  # type: ignore[union-attr]
        if year != approved_on.year:
            return f"批复文号 {text!r}: its year {year} is not the approval year {approved_on.year}"
    return None


def application_days(submitted_on: date, decided_on: date | None) -> int | None:
    """Calendar days from submission to decision (None while undecided)."""
    return None if decided_on is None else (decided_on - submitted_on).days


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` (0–1) percentile by linear interpolation between closest ranks (numpy's
    default, Hyndman & Fan 1996 definition 7); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return round(float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)), 6)


@dataclass(frozen=True)
class ServiceStat:
    """ "最多跑一次" figures of one group: applications, decided, median and p90 days, the share
    decided with at most one trip, and how many were decided within :data:`DECISION_DAYS`."""

    key: tuple[str, ...]
    applications: int
    decided: int
    median_days: float | None
    p90_days: float | None
    one_trip_share: float | None
    within_limit: int


def service_stats(
    rows: Iterable[tuple[tuple[str, ...], date, date | None, int]],
) -> list[ServiceStat]:
    """Group (key, submitted_on, decided_on, trips) rows by key; shares over decided ones."""
    groups: dict[tuple[str, ...], list[tuple[date, date | None, int]]] = {}
    for key, sub, dec, trips in rows:
        groups.setdefault(key, []).append((sub, dec, trips))
    out = []
    for key in sorted(groups):
        g = groups[key]
        days = [float(d) for s, dec, _ in g if (d := application_days(s, dec)) is not None]
        decided = [t for _, dec, t in g if dec is not None]
        out.append(ServiceStat(
            key, len(g), len(decided), percentile(days, 0.5), percentile(days, 0.9),
            (sum(1 for t in decided if t <= 1) / len(decided)) if decided else None,
            sum(1 for d in days if d <= DECISION_DAYS),
        ))  # fmt: skip
    return out


@dataclass(frozen=True)
class ApprovalFacts:
    approval_no: str
    approved_on: date
    totals: Mapping[str, float]


@dataclass(frozen=True)
class PermitFacts:
    number: str
    valid_from: date
    caps: Mapping[str, float]


@dataclass(frozen=True)
class Warning:
    """One computed warning: ``kind`` no_eia | permit_older | totals_above; ``key`` names it
    for good (a case is opened once per key)."""

    kind: str
    key: str
    enterprise_id: int
    detail: str


#: tolerance when comparing t/a figures (rounding in the documents)
_EPS = 1e-6


def warnings_for(
    enterprise_id: int,
    status: str,
    approvals: Sequence[ApprovalFacts],
    permit: PermitFacts | None,
    names: Mapping[str, str] | None = None,
) -> list[Warning]:
    """The warnings of one enterprise:

    - ``no_eia``: operating and no EIA approval on file (环评法 第二十五条: no construction before
      approval);
    - ``permit_older``: the latest approval is dated after the permit's issue (valid_from of
      its current version) — the permit was not changed after the project changed (排污许可管理条例
      第十五条: 变更 within 30 days when the EIA changes);
    - ``totals_above``: for a pollutant, the approved total (the latest approval giving it) is
      above the permit's annual cap — shown for the permit to be reconciled.

    ``names``: how a pollutant code reads in the detail text (SO2 for a21026; default the code).
    """
    out: list[Warning] = []
    if not approvals:
        if status == "operating":
            out.append(Warning("no_eia", f"no_eia:{enterprise_id}", enterprise_id,
                               "在产企业无环评审批记录"))  # fmt: skip
        return out
    latest = max(approvals, key=lambda a: (a.approved_on, a.approval_no))
    if permit is not None and latest.approved_on > permit.valid_from:
        out.append(Warning(
            "permit_older", f"permit_older:{enterprise_id}:{latest.approval_no}", enterprise_id,
            f"环评 {latest.approval_no} ({latest.approved_on}) 晚于排污许可证 {permit.number} "
            f"({permit.valid_from})",
        ))  # fmt: skip
    if permit is not None:
        approved: dict[str, tuple[float, date]] = {}
        for a in sorted(approvals, key=lambda a: a.approved_on):
            for code, t in a.totals.items():
                approved[code] = (float(t), a.approved_on)
        for code, (t, _) in sorted(approved.items()):
            cap = permit.caps.get(code)
            if cap is not None and t > cap + _EPS:
                out.append(Warning(
                    "totals_above", f"totals_above:{enterprise_id}:{permit.number}:{code}",
                    enterprise_id, f"{(names or {}).get(code, code)}: 环评批复 {t:g} t/a > 许可 {cap:g} t/a",
                ))  # fmt: skip
    return out
