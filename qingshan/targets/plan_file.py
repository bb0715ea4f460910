"""The plan file: a yearly plan's targets as data (format ``qingshan-targets/1``, documented in
``docs/targets.md``), read and checked row by row before anything is stored.

A file is JSON: ``{"format": "qingshan-targets/1", "plan": {...}, "targets": [{...}, ...]}``.
Every problem is collected (row, field, what is wrong) and raised together in one
:class:`~qingshan.targets.errors.PlanFileError`, so a bureau fixes its file in one pass. Pure:
:func:`parse_plan` takes the decoded document; :func:`read_plan_file` reads a path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from qingshan.geo.regions import CITY_CODES
from qingshan.targets.errors import PlanFileError, RowProblem

__all__ = [
    "FORMAT",
    "COMPARISONS",
    "METRICS",
    "SPLITS",
    "PlanSpec",
    "TargetSpec",
    "parse_plan",
    "read_plan_file",
    "plan_for_year",
    "DEFAULT_PLAN",
]

FORMAT = "qingshan-targets/1"
#: how a value is judged against the target: at least, at most, exactly
COMPARISONS = (">=", "<=", "=")
#: computed by a KPI provider from the platform's data, or reported by hand
METRICS = ("computed", "reported")
#: how a province target is split to the cities (docs/targets.md, "Decomposition"):
#: ``sum`` the cities' shares add up to the province value (``shares`` or equal parts);
#: ``each`` every city must reach the value itself (a rate); ``province`` not split
SPLITS = ("sum", "each", "province")
#: the plan file shipped with the platform (Zhejiang's 2021 work plan)
DEFAULT_PLAN = Path(__file__).parent / "data" / "plan_2021.json"

_TARGET_FIELDS = {"code", "item", "wording", "wording_en", "unit", "comparison", "value",
                  "baseline", "deadline", "metric", "kpi", "split", "units", "shares", "weight"}  # fmt: skip
_REQUIRED = ("code", "item", "wording", "unit", "comparison", "value", "deadline", "metric",
             "split", "units")  # fmt: skip


@dataclass(frozen=True)
class TargetSpec:
    """One target row of a plan file (values in the target's ``unit``)."""

    code: str
    item: str
    wording: str
    unit: str
    comparison: str
    value: float
    deadline: date
    metric: str
    split: str
    units: tuple[str, ...]
    wording_en: str = ""
    baseline: float = 0.0
    kpi: str | None = None
    shares: Mapping[str, float] | None = None  # city code → value (split "sum")
    weight: float = 1.0


@dataclass(frozen=True)
class PlanSpec:
    code: str
    title: str
    year: int
    period_start: date
    period_end: date
    source: str = ""
    title_en: str = ""
    targets: tuple[TargetSpec, ...] = field(default_factory=tuple)


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError(f"must be a date as text YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}") from None


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, got {value!r}")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be non-empty text, got {value!r}")
    return value.strip()


def _plan_header(doc: Mapping[str, Any], problems: list[RowProblem]) -> dict[str, Any]:
    plan = doc.get("plan")
    if not isinstance(plan, Mapping):
        problems.append(RowProblem(0, "plan", "missing or not an object"))
        return {}
    out: dict[str, Any] = {}
    checks = {"code": _text, "title": _text, "period_start": _date, "period_end": _date}
    for name, check in checks.items():
        try:
            out[name] = check(plan.get(name))
        except ValueError as exc:
            problems.append(RowProblem(0, name, str(exc)))
    year = plan.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        problems.append(RowProblem(0, "year", f"must be a whole year, got {year!r}"))
    else:
        out["year"] = year
    if "period_start" in out and "period_end" in out and out["period_end"] < out["period_start"]:
        problems.append(RowProblem(0, "period_end", "is before period_start"))
        del out["period_end"]  # the rows' deadlines are not judged against a bad period
    out["source"] = str(plan.get("source") or "")
    out["title_en"] = str(plan.get("title_en") or "")
    return out


def _row(
    n: int, raw: Any, header: Mapping[str, Any], problems: list[RowProblem]
) -> TargetSpec | None:
    if not isinstance(raw, Mapping):
        problems.append(RowProblem(n, "*", "not an object"))
        return None
    code: str = raw["code"] if isinstance(raw.get("code"), str) else ""
    before = len(problems)

    def bad(name: str, problem: str) -> None:
        problems.append(RowProblem(n, name, problem, code))

    for name in sorted(set(raw) - _TARGET_FIELDS):
        bad(name, f"unknown field; valid: {', '.join(sorted(_TARGET_FIELDS))}")
    for name in _REQUIRED:
        if raw.get(name) is None:
            bad(name, "missing")
    got: dict[str, Any] = {}
    for name, check in (("code", _text), ("item", _text), ("wording", _text), ("unit", _text),
                        ("value", _number), ("deadline", _date)):  # fmt: skip
        if raw.get(name) is not None:
            try:
                got[name] = check(raw[name] if name != "item" else str(raw[name]))
            except ValueError as exc:
                bad(name, str(exc))
    for name, valid in (("comparison", COMPARISONS), ("metric", METRICS), ("split", SPLITS)):
        value = raw.get(name)
        if value is not None and value not in valid:
            bad(name, f"{value!r} is not one of {', '.join(valid)}")
    for name in ("baseline", "weight"):
        if raw.get(name) is not None:
            try:
                got[name] = _number(raw[name])
            except ValueError as exc:
                bad(name, str(exc))
    if got.get("weight", 1.0) < 0:
        bad("weight", "must not be negative")
    kpi = raw.get("kpi")
    if raw.get("metric") == "computed" and not kpi:
        bad("kpi", "a computed target names its KPI provider")
    if kpi is not None and not isinstance(kpi, str):
        bad("kpi", f"must be a provider's name, got {kpi!r}")
    units = raw.get("units")
    if units is not None and (
        not isinstance(units, list) or not units
        or not all(isinstance(u, str) and u.strip() for u in units)
    ):  # fmt: skip
        bad("units", "must be a non-empty list of responsible units' names")
    start, end = header.get("period_start"), header.get("period_end")
    deadline = got.get("deadline")
    if deadline is not None and start is not None and end is not None:
        if not start <= deadline <= end:
            bad("deadline", f"{deadline} is outside the plan's period {start} – {end}")
    shares = raw.get("shares")
    if shares is not None:
        if raw.get("split") != "sum":
            bad("shares", "only a target split as 'sum' has city shares")
        elif not isinstance(shares, Mapping):
            bad("shares", "must map city codes to values")
        else:
            unknown = sorted(set(shares) - set(CITY_CODES))
            if unknown:
                bad("shares", f"not city codes: {', '.join(map(str, unknown))}")
            elif set(shares) != set(CITY_CODES):
                missing = sorted(set(CITY_CODES) - set(shares))
                bad("shares", f"every city needs a share; missing {', '.join(missing)}")
            elif not all(not isinstance(v, bool) and isinstance(v, int | float) and v >= 0
                         for v in shares.values()):  # fmt: skip
                bad("shares", "values must be numbers ≥ 0")
            elif "value" in got and abs(sum(shares.values()) - got["value"]) > 1e-9:
                bad("shares", f"add up to {sum(shares.values()):g}, not the value {got['value']:g}")
    if len(problems) > before:
        return None
    return TargetSpec(
        code=got["code"], item=got["item"], wording=got["wording"], unit=got["unit"],
        comparison=raw["comparison"], value=got["value"], deadline=got["deadline"],
        metric=raw["metric"], split=raw["split"], units=tuple(u.strip() for u in units or ()),
        wording_en=str(raw.get("wording_en") or ""), baseline=got.get("baseline", 0.0),
        kpi=kpi, shares={k: float(v) for k, v in shares.items()} if shares else None,
        weight=got.get("weight", 1.0),
    )  # fmt: skip


def parse_plan(doc: Any, source: str = "") -> PlanSpec:
    """The plan of a decoded plan file ``doc``, every row checked.

    Raises
    ------
    PlanFileError
        Every problem found, each with its row (1-based in ``targets``; 0: the plan header),
        field and what is wrong; also a wrong ``format``, no targets, or a code twice.
    """
    problems: list[RowProblem] = []
    if not isinstance(doc, Mapping):
        raise PlanFileError([RowProblem(0, "*", "the file is not a JSON object")], source)
    if doc.get("format") != FORMAT:
        problems.append(RowProblem(0, "format", f"must be {FORMAT!r}, got {doc.get('format')!r}"))
    header = _plan_header(doc, problems)
    rows = doc.get("targets")
    specs: list[TargetSpec] = []
    if not isinstance(rows, list) or not rows:
        problems.append(RowProblem(0, "targets", "must be a non-empty list"))
        rows = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows, start=1):
        spec = _row(n, raw, header, problems)
        if spec is None:
            continue
        if spec.code in seen:
            problems.append(RowProblem(n, "code", f"repeats row {seen[spec.code]}", spec.code))
            continue
        seen[spec.code] = n
        specs.append(spec)
    if problems:
        raise PlanFileError(problems, source)
    return PlanSpec(targets=tuple(specs), **header)


def read_plan_file(path: Path | str) -> PlanSpec:
    """Read and check the plan file at ``path`` (:func:`parse_plan`)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            [RowProblem(0, "*", f"cannot read the file: {exc}")], str(path)
        ) from exc
    except json.JSONDecodeError as exc:
        problem = f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise PlanFileError([RowProblem(0, "*", problem)], str(path)) from exc
    return parse_plan(doc, str(path))


def _moved(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a common year
        return d.replace(year=d.year + years, day=28)


def plan_for_year(plan: PlanSpec, year: int) -> PlanSpec:
    """``plan`` with its period and deadlines moved to ``year`` (the demo tracks the 2021 plan
    in the year of its data; its code gets the suffix ``@<year>`` and its title says
    "（时限移至<year>年）")."""
    if year == plan.year:
        return plan
    k = year - plan.year
    return replace(
        plan, code=f"{plan.code}@{year}", year=year, title=f"{plan.title}（时限移至{year}年）",
        period_start=_moved(plan.period_start, k), period_end=_moved(plan.period_end, k),
        targets=tuple(replace(t, deadline=_moved(t.deadline, k)) for t in plan.targets),
    )  # fmt: skip
