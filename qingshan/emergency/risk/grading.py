"""HJ 941-2018 企业突发环境事件风险分级方法: the grading of an enterprise from its declared risk
substances (Q), its processes and control measures (M) and the sensitivity of what is around it
(E), for air and water separately; the enterprise level is the higher of the two, written
``较大[较大-大气(Q2-M2-E3) + 一般-水(Q0)]``.

Pure: no I/O beyond reading the package's data file ``data/hj941.json``, which holds every
number with its source and confidence (the Annex A critical quantities, the Q and M bands, the
M score tables, the E rules, the Q×M×E matrix and the 3-year penalty adjustment). Only one
matrix cell (E3-Q2-M2 → 较大) was seen outside the standard [MC]; the rest of the matrix, the
Q bands, the M tables and the E rules are [U] (not read in the standard's own text) — see
docs/emergency-risk.md for what was searched.

- Q = Σ qᵢ / Qᵢ over the air-relevant (or water-relevant) substances, qᵢ the maximum stock in
  tonnes, Qᵢ the critical quantity of HJ 941-2018 附录A 表A.1; Q < 1 → Q0 and the medium is
  一般 directly (HJ 941-2018 §5);
- M = the process score (HJ 941-2018 表1, capped at 30) + the control-measure scores of the
  medium (表2 air / 表3 water) → M1 < 25 ≤ M2 < 45 ≤ M3 < 60 ≤ M4 [MC];
- E: air from the population declared within 5 km and 500 m; water from the straight-line
  distance to the nearest drinking-water source protection zone / ecological red line (a
  proxy of the standard's receiving-water × target table, said so in the basis).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qingshan.emergency.risk.errors import RiskError

__all__ = [
    "LEVELS",
    "Substance",
    "Chemical",
    "GradeInputs",
    "MediumResult",
    "Grade",
    "table",
    "version",
    "substances",
    "find_substance",
    "close_matches",
    "q_value",
    "q_band",
    "m_score",
    "m_band",
    "air_e",
    "water_e",
    "matrix_level",
    "grade",
    "higher",
]

DATA = Path(__file__).with_name("data") / "hj941.json"
#: the enterprise levels, lowest first (HJ 941-2018 §5: 一般 / 较大 / 重大)
LEVELS = ("一般", "较大", "重大")
MEDIA = ("air", "water")
MEDIUM_ZH = {"air": "大气", "water": "水"}


@cache
def table() -> dict[str, Any]:
    """The HJ 941-2018 data file, read once."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def version() -> str:
    """The grading version stored with every grade (data file and code together)."""
    return str(table()["version"])


@dataclass(frozen=True)
class Substance:
    """One risk substance of HJ 941-2018 附录A with its critical quantity (临界量) in tonnes."""

    key: str
    name: str
    name_en: str
    cas: str
    critical_t: float
    part: int
    air: bool
    water: bool
    source: str
    confidence: str


@cache
def substances() -> dict[str, Substance]:
    """key → substance, from the data file."""
    return {s["key"]: Substance(**s) for s in table()["substances"]}


def _norm(text: str) -> str:
    return "".join(str(text).split()).lower()


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for s in substances().values():
        for alias in (s.key, s.name, s.name_en):
            names[_norm(alias)] = s.key
        if s.cas:
            names.setdefault(_norm(s.cas), s.key)
    return names


def close_matches(text: str, n: int = 3) -> list[str]:
    """The names of the substances closest to ``text`` (for an error message)."""
    names = _names()
    hits = difflib.get_close_matches(_norm(text), list(names), n=n * 3, cutoff=0.4)
    hits += [k for k in names if _norm(text) and (_norm(text) in k or k in _norm(text))]
    out: list[str] = []
    for h in hits:
        name = substances()[names[h]].name
        if name not in out:
            out.append(name)
    return out[:n]


def find_substance(text: str) -> Substance:
    """The substance named by its key, Chinese or English name or CAS number; an unknown name
    raises :class:`RiskError` naming it with the closest matches."""
    key = _names().get(_norm(text))
    if key is None:
        near = close_matches(text)
        hint = f"; did you mean {'、'.join(near)}?" if near else ""
        raise RiskError(f"substance: {text!r} is not in HJ 941-2018 附录A as held here{hint}",
                        field="substance", value=text, suggestions=near)  # fmt: skip
    return substances()[key]


@dataclass(frozen=True)
class Chemical:
    """One declared risk substance: the maximum quantity held at once (t) and where."""

    substance: str
    max_stock_t: float
    place: str = ""


def q_value(chemicals: Iterable[Chemical], medium: str) -> tuple[float, list[dict[str, Any]]]:
    """Q = Σ qᵢ/Qᵢ over the substances relevant to ``medium`` (HJ 941-2018 §5, 附录A), and the
    basis: one row per substance (its stock summed over places, its critical quantity, q/Q)."""
    totals: dict[str, float] = {}
    for c in chemicals:
        s = find_substance(c.substance)
        if getattr(s, medium):
            totals[s.key] = totals.get(s.key, 0.0) + float(c.max_stock_t)
    rows: list[dict[str, Any]] = []
    for key, q in totals.items():
        s = substances()[key]
        rows.append({"substance": key, "name": s.name, "cas": s.cas, "q_t": q,
                     "critical_t": s.critical_t, "ratio": q / s.critical_t,
                     "confidence": s.confidence})  # fmt: skip
    rows.sort(key=lambda r: -float(r["ratio"]))
    return float(sum(float(r["ratio"]) for r in rows)), rows


def _band(value: float, bands: list[list[Any]]) -> str:
    name = str(bands[0][0])
    for label, lower in bands:
        if value >= lower:
            name = str(label)
    return name


def q_band(q: float) -> str:
    """Q0 (Q < 1), Q1 (1 ≤ Q < 10), Q2 (10 ≤ Q < 100), Q3 (Q ≥ 100) — HJ 941-2018 §5 [U]."""
    return _band(q, table()["q_bands"]["bands"])


def m_band(m: float) -> str:
    """M1 (M < 25), M2 (25 ≤ M < 45), M3 (45 ≤ M < 60), M4 (M ≥ 60) — HJ 941-2018 [MC]."""
    return _band(m, table()["m_bands"]["bands"])


def m_score(m_items: Mapping[str, Any], medium: str) -> tuple[float, list[dict[str, Any]]]:
    """M of ``medium``: the process score (HJ 941-2018 表1: points per unit, capped at 30 [MC])
    plus the medium's control-measure scores (表2 air, 表3 water [U]). ``m_items`` is
    ``{"process": {item: units}, "controls": {item: option}}``; a control not declared counts
    as its worst option (the standard scores what is not shown as not in place)."""
    spec = table()
    process = dict(m_items.get("process") or {})
    controls = dict(m_items.get("controls") or {})
    basis: list[dict[str, Any]] = []
    known = {i["key"]: i for i in spec["m_process"]["items"]}
    for key in process:
        if key not in known:
            raise RiskError(f"process: unknown item {key!r} (one of {', '.join(known)})",
                            field="process", value=key)  # fmt: skip
    raw = 0.0
    for key, item in known.items():
        units = process.get(key, 0)
        try:
            units = int(units)
        except (TypeError, ValueError):
            raise RiskError(f"process.{key}: {units!r} is not a whole number of units",
                            field=f"process.{key}") from None  # fmt: skip
        if units < 0:
            raise RiskError(f"process.{key}: {units} units is negative", field=f"process.{key}")
        if units:
            pts = units * item["points_per_unit"]
            raw += pts
            basis.append({"item": key, "name": item["name"], "units": units, "points": pts})
    cap = spec["m_process"]["cap"]
    proc = min(raw, cap)
    basis.append({"item": "process_total", "name": "生产工艺过程 (最高 30 分)", "points": proc,
                  "raw": raw})  # fmt: skip
    total = proc
    for item in spec["m_controls"][medium]:
        options = item["options"]
        value = controls.get(item["key"])
        if value is None:
            value = max(options, key=lambda o: options[o])
            note = "not declared: scored as not in place"
        else:
            note = ""
        if value not in options:
            raise RiskError(f"controls.{item['key']}: {value!r} is not one of "
                            f"{', '.join(options)}", field=f"controls.{item['key']}")  # fmt: skip
        pts = options[value]
        total += pts
        basis.append({"item": item["key"], "name": item["name"], "value": value, "points": pts,
                      "note": note})  # fmt: skip
    return total, basis


def air_e(pop_5km: int | None, pop_500m: int | None) -> tuple[str, str]:
    """Air E1–E3 from the population within 5 km and 500 m (HJ 941-2018 [U]); not declared →
    E1, the conservative class, said so in the basis."""
    spec = table()["e_air"]
    if pop_5km is None and pop_500m is None:
        return "E1", "周边人口未申报, 按最敏感 E1 计 (population not declared: E1 assumed)"
    p5, p05 = pop_5km or 0, pop_500m or 0
    for rule in spec["rules"]:
        if p5 > rule["pop_5km_min"] or p05 > rule["pop_500m_min"]:
            return rule["e"], (f"5 km 内人口 {p5}, 500 m 内 {p05} → {rule['e']} "
                               f"(>{rule['pop_5km_min']} 或 >{rule['pop_500m_min']})")  # fmt: skip
    return spec["else"], f"5 km 内人口 {p5}, 500 m 内 {p05} → {spec['else']}"


def water_e(water_source_m: float | None, red_line_m: float | None, *,
            water_source_name: str = "", red_line_name: str = "") -> tuple[str, str]:  # fmt: skip
    """Water E1–E3 from the straight-line distance (m) to the nearest drinking-water source
    protection zone and ecological red line in force (None: none within reach, or no layer);
    a proxy of HJ 941-2018's receiving-water × target table [U], said so in the basis."""
    spec = table()["e_water"]
    if water_source_m is not None and water_source_m <= spec["water_source_m"]:
        return "E1", (f"饮用水水源保护区 {water_source_name} 距 {water_source_m:.0f} m "
                      f"(≤ {spec['water_source_m']} m, 直线距离近似)")  # fmt: skip
    if red_line_m is not None and red_line_m <= spec["red_line_m"]:
        return "E2", (f"生态保护红线 {red_line_name} 距 {red_line_m:.0f} m "
                      f"(≤ {spec['red_line_m']} m, 直线距离近似)")  # fmt: skip
    return "E3", f"{spec['water_source_m'] // 1000} km 内无饮用水水源保护区或生态保护红线图层要素"


def matrix_level(q: str, m: str, e: str) -> str:
    """The level of one medium from the HJ 941-2018 Q×M×E matrix; Q0 → 一般 directly."""
    if q == "Q0":
        return "一般"
    spec = table()["matrix"]
    return str(spec[e][q][spec["columns"].index(m)])


def higher(a: str, b: str) -> str:
    """The higher of two levels."""
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


@dataclass(frozen=True)
class GradeInputs:
    """What a grade is computed from (stored beside it)."""

    chemicals: tuple[Chemical, ...]
    m_items: Mapping[str, Any]
    pop_5km: int | None = None
    pop_500m: int | None = None
    water_source_m: float | None = None
    water_source_name: str = ""
    red_line_m: float | None = None
    red_line_name: str = ""
    penalised_3y: bool = False
    penalty_basis: str = ""


@dataclass(frozen=True)
class MediumResult:
    """The grading of one medium with the basis of each factor."""

    medium: str
    q: float
    q_band: str
    q_basis: list[dict[str, Any]]
    m: float | None = None
    m_band: str | None = None
    m_basis: list[dict[str, Any]] = field(default_factory=list)
    e: str | None = None
    e_basis: str = ""
    level: str = "一般"

    def code(self) -> str:
        """``较大-大气(Q2-M2-E3)`` or ``一般-水(Q0)``."""
        tag = self.q_band if self.q_band == "Q0" else f"{self.q_band}-{self.m_band}-{self.e}"
        return f"{self.level}-{MEDIUM_ZH[self.medium]}({tag})"


@dataclass(frozen=True)
class Grade:
    """An enterprise's grading: level, notation, the two media and the adjustment."""

    level: str
    notation: str
    air: MediumResult
    water: MediumResult
    adjusted: bool
    adjustment_basis: str
    version: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (stored as the grade's result)."""
        from dataclasses import asdict

        return asdict(self)


def _medium(inputs: GradeInputs, medium: str) -> MediumResult:
    q, q_basis = q_value(inputs.chemicals, medium)
    qb = q_band(q)
    if qb == "Q0":
        return MediumResult(medium, q, qb, q_basis)
    m, m_basis = m_score(inputs.m_items, medium)
    mb = m_band(m)
    if medium == "air":
        e, e_basis = air_e(inputs.pop_5km, inputs.pop_500m)
    else:
        e, e_basis = water_e(inputs.water_source_m, inputs.red_line_m,
                             water_source_name=inputs.water_source_name,
                             red_line_name=inputs.red_line_name)  # fmt: skip
    return MediumResult(medium, q, qb, q_basis, m, mb, m_basis, e, e_basis,
                        matrix_level(qb, mb, e))  # fmt: skip


def grade(inputs: GradeInputs) -> Grade:
    """Grade an enterprise (HJ 941-2018 §5): each medium from its Q, M, E; the enterprise the
    higher of the two; raised one level (to at most 重大) when penalised in the last 3 years
    for illegal discharge or illegal hazardous-waste transfer/disposal (data, [U])."""
    for i, c in enumerate(inputs.chemicals, start=1):
        if not isinstance(c.max_stock_t, int | float) or c.max_stock_t < 0:
            raise RiskError(f"row {i}: max_stock_t: {c.max_stock_t!r} must be a quantity ≥ 0 t",
                            field="max_stock_t")  # fmt: skip
    air, water = _medium(inputs, "air"), _medium(inputs, "water")
    level = higher(air.level, water.level)
    adjusted, basis = False, ""
    if inputs.penalised_3y:
        adj = table()["penalty_adjustment"]
        raised = LEVELS[min(LEVELS.index(level) + adj["steps"], LEVELS.index(adj["cap"]))]
        adjusted = raised != level
        basis = (f"{inputs.penalty_basis}: 近{adj['years']}年受处罚, "
                 f"{level} → {raised} [{adj['confidence']}]")  # fmt: skip
        level = raised
    notation = f"{level}[{air.code()} + {water.code()}]"
    return Grade(level, notation, air, water, adjusted, basis, version())
