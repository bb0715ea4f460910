"""Environmental credit (企业环境信用评价): the rule as data and the score of a record. Pure.

The rule is a versioned JSON file (default ``data/credit_rule.json``; a five-colour example in
``data/credit_rule_5.json``) holding the grades with their score bands and card colours, the
points deducted per finding kind (each kind capped), and the one-veto (一票否决) rules that put
an enterprise in the lowest grade whatever its score.

Sources (tags as in ``shared/reference/enterprise.md`` §4):

- grades and colours 诚信 green / 良好 blue / 警示 yellow / 不良 red: 《企业环境信用评价办法（试行）》
  环发〔2013〕150号 [MC]; five colours (绿/蓝/黄/红/黑) as Jiangsu and Xi'an use them [MC];
- score bands 95 / 80 / 60: a local rule (Anqing 2016) [MC];
- one-veto events (data falsification, hidden pipes and bypasses, building without an EIA,
  illegal hazardous-waste disposal, environmental crime): 环发〔2013〕150号 as reprinted [MC];
- **the deduction points are the platform's defaults [U]**: the official indicators (4 aspects,
  21 items) and their weights were not obtained. The rule says so (``weights_confirmed``) and
  the pages show it.

The score: ``start_score`` minus the points of every finding inside the evaluation window
(``window_months`` before the evaluation date, that date included), each kind's points capped
at its ``cap``, never below 0. Findings of one kind are taken in time order; once the cap is
reached further findings are listed with 0 points (``capped``). A transmission-rate finding
deducts ``points_per_percent`` per percentage point below ``threshold``. The grade is the first
grade whose ``min_score`` the score reaches, unless a veto rule matches a finding: then the
``veto_grade``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from qingshan.enforcement.errors import BadEnforcementInput, BadRule

__all__ = [
    "KINDS",
    "COLOURS",
    "RULE_FILE",
    "Grade",
    "CreditRule",
    "Finding",
    "Deduction",
    "CreditResult",
    "credit_rule",
    "parse_credit_rule",
    "score_credit",
    "window_start",
    "describe_rule",
]

DATA_DIR = Path(__file__).with_name("data")
RULE_FILE = DATA_DIR / "credit_rule.json"

#: the finding kinds a rule deducts for (what the archive's record holds)
KINDS = (
    "exceedance",  # 超标排放事件 (QC exceedance events)
    "violation",  # 环境违法行为 found at inspections
    "penalty",  # 行政处罚 (amount [CNY])
    "overdue_case",  # 整改逾期 (a case past its deadline)
    "relapsed_case",  # 问题反弹 (a closed case reopened)
    "data_fraud",  # 监测数据造假 (QC fraud patterns; ``confirmed`` once established)
    "transmission",  # 数据传输有效率 (rate [0, 1])
)
#: card colours a grade may have (CSS classes of the pages)
COLOURS = ("green", "blue", "yellow", "red", "black")


@dataclass(frozen=True)
class Grade:
    key: str
    zh: str
    en: str
    title_zh: str
    colour: str
    min_score: float
    tag: str


@dataclass(frozen=True)
class VetoRule:
    key: str
    kind: str
    zh: str
    en: str
    tag: str
    confirmed: bool = False
    categories: tuple[str, ...] = ()

    def matches(self, f: Finding) -> bool:
        if f.kind != self.kind or (self.confirmed and not f.confirmed):
            return False
        return not self.categories or f.category in self.categories


@dataclass(frozen=True)
class CreditRule:
    version: str
    name_zh: str
    name_en: str
    source: str
    weights_confirmed: bool
    window_months: int
    start_score: float
    grades: tuple[Grade, ...]  # best first
    veto_grade: str
    #: kind → its deduction entry as in the file (points | bands | threshold, cap, names, tag)
    deductions: Mapping[str, Mapping[str, Any]]
    veto: tuple[VetoRule, ...]

    def grade(self, key: str) -> Grade:
        for g in self.grades:
            if g.key == key:
                return g
        raise KeyError(f"no grade {key!r}; one of {', '.join(g.key for g in self.grades)}")

    def grade_for(self, score: float) -> Grade:
        """The best grade whose ``min_score`` ``score`` reaches."""
        for g in self.grades:
            if score >= g.min_score:
                return g
        return self.grades[-1]


@dataclass(frozen=True)
class Finding:
    """One fact of an enterprise's record the rule may deduct for.

    ``kind`` one of :data:`KINDS`; ``key`` identifies it (``"case:12"``); ``occurred`` its CST
    date; ``link`` where the page links it; ``amount`` [CNY] for penalties; ``rate`` [0, 1] for
    transmission; ``category`` for violations; ``confirmed`` for data fraud established by an
    inspection or a court rather than suspected from the data."""

    kind: str
    key: str
    occurred: date
    title: str
    link: str | None = None
    category: str | None = None
    amount: float | None = None
    rate: float | None = None
    confirmed: bool = False


@dataclass(frozen=True)
class Deduction:
    """A finding with the points it cost (0 when its kind's cap was already reached)."""

    finding: Finding
    points: float
    capped: bool = False
    veto: str | None = None  # the key of the veto rule it matched


@dataclass(frozen=True)
class CreditResult:
    score: float
    grade: Grade
    rule_version: str
    as_of: date
    deductions: tuple[Deduction, ...] = ()
    vetoed_by: tuple[str, ...] = ()  # veto rule keys that matched
    ignored: int = 0  # findings outside the window

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoed_by)

    def reasons(self) -> list[dict]:
        """The reasons as plain data (stored with a rating, shown on the pages)."""
        return [
            {
                "kind": d.finding.kind,
                "key": d.finding.key,
                "occurred": d.finding.occurred.isoformat(),
                "title": d.finding.title,
                "link": d.finding.link,
                "points": d.points,
                "capped": d.capped,
                "veto": d.veto,
            }
            for d in self.deductions
        ]


def _need(raw: Mapping[str, Any], key: str, where: str, kind: type | tuple = object) -> Any:
    if key not in raw:
        raise BadRule(where, key, "missing")
    value = raw[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind in ((int, float), int):
        raise BadRule(where, key, f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def parse_credit_rule(raw: Mapping[str, Any], where: str = "<rule>") -> CreditRule:
    """A :class:`CreditRule` from the parsed JSON ``raw``; :class:`BadRule` names the bad field."""
    num = (int, float)
    grades = []
    for i, g in enumerate(_need(raw, "grades", where, list)):
        at = f"grades[{i}]"
        colour = _need(g, "colour", where, str)
        if colour not in COLOURS:
            raise BadRule(where, f"{at}.colour", f"{colour!r} is not one of {', '.join(COLOURS)}")
        grades.append(
            Grade(
                key=_need(g, "key", where, str),
                zh=_need(g, "zh", where, str),
                en=_need(g, "en", where, str),
                title_zh=str(g.get("title_zh", g["zh"])),
                colour=colour,
                min_score=float(_need(g, "min_score", where, num)),
                tag=str(g.get("tag", "U")),
            )
        )
    if not 2 <= len(grades) <= 5:
        raise BadRule(where, "grades", f"2 to 5 grades, got {len(grades)}")
    mins = [g.min_score for g in grades]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        raise BadRule(where, "grades", f"min_score must fall strictly, best first: {mins}")
    if mins[-1] != 0:
        raise BadRule(where, "grades", "the last grade must start at min_score 0")
    keys = [g.key for g in grades]
    veto_grade = _need(raw, "veto_grade", where, str)
    if veto_grade not in keys:
        raise BadRule(where, "veto_grade", f"{veto_grade!r} is not one of {', '.join(keys)}")
    deductions: dict[str, Mapping[str, Any]] = {}
    for kind, entry in _need(raw, "deductions", where, dict).items():
        at = f"deductions.{kind}"
        if kind not in KINDS:
            raise BadRule(where, at, f"unknown kind; one of {', '.join(KINDS)}")
        _need(entry, "cap", f"{where} {at}", num)
        if kind == "penalty":
            bands = _need(entry, "bands", f"{where} {at}", list)
            amounts = [float(b["min_amount"]) for b in bands]
            if not bands or amounts != sorted(amounts) or amounts[0] != 0:
                raise BadRule(where, f"{at}.bands", "ascending min_amount starting at 0")
        elif kind == "transmission":
            _need(entry, "threshold", f"{where} {at}", num)
            _need(entry, "points_per_percent", f"{where} {at}", num)
        else:
            _need(entry, "points", f"{where} {at}", num)
        deductions[kind] = MappingProxyType(dict(entry))
    veto = []
    for i, v in enumerate(raw.get("veto", [])):
        kind = _need(v, "kind", where, str)
        if kind not in KINDS:
            raise BadRule(where, f"veto[{i}].kind", f"{kind!r}; one of {', '.join(KINDS)}")
        veto.append(
            VetoRule(
                key=_need(v, "key", where, str),
                kind=kind,
                zh=str(v.get("zh", "")),
                en=str(v.get("en", "")),
                tag=str(v.get("tag", "U")),
                confirmed=bool(v.get("confirmed", False)),
                categories=tuple(v.get("categories", ())),
            )
        )
    name = raw.get("name", {})
    window = _need(raw, "window_months", where, int)
    if not 1 <= window <= 60:
        raise BadRule(where, "window_months", f"1 to 60 months, got {window}")
    return CreditRule(
        version=_need(raw, "version", where, str),
        name_zh=str(name.get("zh", "")),
        name_en=str(name.get("en", "")),
        source=_need(raw, "source", where, str),
        weights_confirmed=bool(raw.get("weights_confirmed", False)),
        window_months=window,
        start_score=float(_need(raw, "start_score", where, num)),
        grades=tuple(grades),
        veto_grade=veto_grade,
        deductions=MappingProxyType(deductions),
        veto=tuple(veto),
    )


@cache
def credit_rule(path: Path = RULE_FILE) -> CreditRule:
    """The rule of ``path`` (default: the package's ``data/credit_rule.json``), read once."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadRule(str(path), "file", "not found") from None
    except json.JSONDecodeError as exc:
        raise BadRule(str(path), "file", f"not JSON ({exc})") from exc
    return parse_credit_rule(raw, str(path))


def window_start(as_of: date, months: int) -> date:
    """The first day of the evaluation window ending at ``as_of``: ``months`` calendar months
    earlier, the next day (12 months to 2026-06-30 start 2025-07-01; day clipped to the month)."""
    y, m = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    month = m + 1
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31,
            31, 30, 31, 30, 31][m]  # fmt: skip
    start = date(y, month, min(as_of.day, last))
    return date.fromordinal(start.toordinal() + 1)


def _points(entry: Mapping[str, Any], f: Finding) -> float:
    if f.kind == "penalty":
        if f.amount is None or f.amount < 0:
            raise BadEnforcementInput(f"finding {f.key}.amount", "a penalty needs amount ≥ 0 [CNY]")
        return float(max(b["points"] for b in entry["bands"] if f.amount >= b["min_amount"]))
    if f.kind == "transmission":
        if f.rate is None or not 0 <= f.rate <= 1:
            raise BadEnforcementInput(f"finding {f.key}.rate", f"a rate in [0, 1], got {f.rate}")
        short = max(0.0, float(entry["threshold"]) - f.rate) * 100
        return round(short * float(entry["points_per_percent"]), 1)
    return float(entry["points"])


def score_credit(
    findings: Iterable[Finding], rule: CreditRule | None = None, *, as_of: date
) -> CreditResult:
    """The credit score and grade of a record on ``as_of`` (a CST date) by ``rule`` (default:
    :func:`credit_rule`). Findings outside the window are counted in ``ignored`` only; a finding
    of an unknown kind raises :class:`BadEnforcementInput` listing the kinds."""
    rule = rule or credit_rule()
    start = window_start(as_of, rule.window_months)
    inside: list[Finding] = []
    ignored = 0
    for f in findings:
        if f.kind not in KINDS:
            raise BadEnforcementInput(
                f"finding {f.key}.kind", f"unknown kind {f.kind!r}; one of {', '.join(KINDS)}"
            )
        if start <= f.occurred <= as_of:
            inside.append(f)
        else:
            ignored += 1
    inside.sort(key=lambda f: (f.occurred, KINDS.index(f.kind), f.key))
    used: dict[str, float] = {}
    out: list[Deduction] = []
    vetoed: list[str] = []
    for f in inside:
        veto = next((v.key for v in rule.veto if v.matches(f)), None)
        if veto is not None and veto not in vetoed:
            vetoed.append(veto)
        entry = rule.deductions.get(f.kind)
        if entry is None:
            if veto is not None:
                out.append(Deduction(f, 0.0, veto=veto))
            continue
        pts = _points(entry, f)
        room = float(entry["cap"]) - used.get(f.kind, 0.0)
        taken = round(max(0.0, min(pts, room)), 1)
        used[f.kind] = used.get(f.kind, 0.0) + taken
        if pts > 0 or veto is not None:
            out.append(Deduction(f, taken, capped=taken < pts, veto=veto))
    score = round(max(0.0, rule.start_score - sum(used.values())), 1)
    grade = rule.grade(rule.veto_grade) if vetoed else rule.grade_for(score)
    return CreditResult(
        score=score,
        grade=grade,
        rule_version=rule.version,
        as_of=as_of,
        deductions=tuple(out),
        vetoed_by=tuple(vetoed),
        ignored=ignored,
    )


def describe_rule(rule: CreditRule, lang: str = "zh") -> list[dict]:
    """The deduction table of ``rule`` as rows for a page or the docs: kind, name, points
    (or the penalty bands, or the transmission rule), cap, tag."""
    rows = []
    for kind, e in rule.deductions.items():
        if kind == "penalty":
            pts = " / ".join(f"≥{b['min_amount']:,.0f}: {b['points']}" for b in e["bands"])
        elif kind == "transmission":
            pts = f"<{100 * float(e['threshold']):.0f}%: {e['points_per_percent']}/pp"
        else:
            pts = str(e["points"])
        rows.append({"kind": kind, "name": e.get(lang, kind), "points": pts,
                     "cap": e["cap"], "tag": e.get("tag", "U")})  # fmt: skip
    return rows
