"""The double-random draw (双随机): enterprises, then two inspectors per task. Pure and
reproducible: the same inputs file gives the same draw on any machine.

Sources: 国办发〔2015〕58号 (draw the entity from the 市场主体名录库 and the inspectors from the
执法检查人员名录库; ratios raised for entities with complaints or serious violations) [MC];
at least two inspectors per check, conflicts of interest excluded (回避) [MC]
(``shared/reference/enterprise.md`` §3).

The algorithm (:data:`ALGORITHM`), so that anyone can re-run a published draw:

1. The random numbers come from NumPy's ``Generator(PCG64(seed))`` and nothing else, drawn with
   ``Generator.random(n)`` (each a double ``(next_uint64 >> 11) · 2⁻⁵³`` in [0, 1)).
2. **Enterprises**, per stratum (a county's region code) in ascending code order: the quota is
   ``ceil(ratio × population) − already drawn`` (the population counts the enterprises of the
   target group in the stratum, those already drawn for the same item and period included;
   they are not candidates again), at least 0 and at most the candidates. The candidates,
   ascending by enterprise id, get ``u = random(n)`` and the key ``ln(u) / weight``
   (Efraimidis & Spirakis 2006, "Weighted random sampling with a reservoir", Inf. Process.
   Lett. 97(5): the A-ES key ``u^(1/w)``, taken in logs); the ``quota`` largest keys are drawn
   (ties by the smaller id). A weight ``w`` makes a candidate about ``w`` times as likely to be
   drawn first as a weight-1 one; the number drawn per stratum never changes with the weights.
3. **Inspectors**, per drawn enterprise in ascending id order: the eligible are the roster's
   inspectors, ascending by id, minus those the inputs exclude for that enterprise (declared
   conflicts, an inspection of the same enterprise within the window) and, when the same-county
   rule is on, those whose county is the enterprise's. They get ``u = random(n)`` and the key
   ``ln(u) · (1 + load)``, ``load`` being the tasks the inspector already got in this draw (the
   same A-ES key with weight ``1 / (1 + load)``: work spreads over the roster); the
   ``per_task`` largest keys are drawn. Too few eligible inspectors for any task refuses the
   whole draw (:class:`~qingshan.enforcement.errors.TooFewInspectors`).

The inputs and the result are written as canonical JSON (keys sorted, no spaces, UTF-8, one
newline at the end) and hashed with SHA-256: :func:`canonical`, :func:`sha256_hex`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qingshan.enforcement.errors import BadEnforcementInput, TooFewInspectors

__all__ = [
    "ALGORITHM",
    "MAX_SEED",
    "Candidate",
    "Inspector",
    "DrawInputs",
    "DrawResult",
    "Task",
    "canonical",
    "sha256_hex",
    "run_draw",
    "inputs_from_json",
    "quota",
]

ALGORITHM = "qingshan-draw-1 (A-ES keys ln(u)/w over numpy Generator(PCG64(seed)).random)"
#: seeds are JSON-safe integers (exact in every JSON reader, JavaScript's included)
MAX_SEED = 2**53 - 1


@dataclass(frozen=True)
class Candidate:
    """An enterprise that may be drawn: its stratum (county code) and weight with the factors
    it is the product of (``{"credit:poor": 3.0, "key_unit": 2.0}``)."""

    id: int
    stratum: str
    weight: float
    factors: Mapping[str, float] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"id": self.id, "stratum": self.stratum, "weight": self.weight,
                "factors": dict(self.factors)}  # fmt: skip


@dataclass(frozen=True)
class Inspector:
    """A roster entry as the draw sees it: id and county (region code of the unit)."""

    id: int
    county: str

    def as_json(self) -> dict:
        return {"id": self.id, "county": self.county}


@dataclass(frozen=True)
class DrawInputs:
    """Everything a draw depends on. ``population`` counts the target group per stratum,
    ``already_drawn`` those drawn before for the same item and period; ``exclusions`` maps an
    enterprise id to the inspectors excluded for it with the reason
    (``conflict`` | ``recent_inspection``); ``meta`` is carried along (plan, item, period)."""

    seed: int
    ratio: float
    per_task: int
    same_county: bool
    candidates: tuple[Candidate, ...]
    inspectors: tuple[Inspector, ...]
    population: Mapping[str, int]
    already_drawn: Mapping[str, int] = field(default_factory=dict)
    exclusions: Mapping[int, Mapping[int, str]] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "algorithm": ALGORITHM,
            "seed": self.seed,
            "ratio": self.ratio,
            "per_task": self.per_task,
            "same_county": self.same_county,
            "population": dict(sorted(self.population.items())),
            "already_drawn": dict(sorted(self.already_drawn.items())),
            "candidates": [c.as_json() for c in sorted(self.candidates, key=lambda c: c.id)],
            "inspectors": [i.as_json() for i in sorted(self.inspectors, key=lambda i: i.id)],
            "exclusions": {
                str(e): {str(i): r for i, r in sorted(ex.items())}
                for e, ex in sorted(self.exclusions.items())
                if ex
            },
            "meta": dict(self.meta),
        }


@dataclass(frozen=True)
class Task:
    enterprise_id: int
    stratum: str
    inspectors: tuple[int, ...]


@dataclass(frozen=True)
class DrawResult:
    tasks: tuple[Task, ...]
    quotas: Mapping[str, int]

    def as_json(self) -> dict:
        return {
            "quotas": dict(sorted(self.quotas.items())),
            "tasks": [
                {"enterprise_id": t.enterprise_id, "stratum": t.stratum,
                 "inspectors": list(t.inspectors)}
                for t in self.tasks
            ],
        }  # fmt: skip


def canonical(obj: Any) -> bytes:
    """The canonical file of ``obj``: JSON with sorted keys, no spaces, UTF-8, a final newline."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)  # fmt: skip
    return (text + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def quota(ratio: float, population: int, already: int = 0) -> int:
    """Enterprises to draw in a stratum: ``ceil(ratio × population) − already`` (≥ 0)."""
    return max(0, math.ceil(round(ratio * population, 9)) - already)


def _check(inputs: DrawInputs) -> None:
    if not 0 <= inputs.seed <= MAX_SEED:
        raise BadEnforcementInput("seed", f"an integer in 0 … 2⁵³−1, got {inputs.seed}")
    if not 0 < inputs.ratio <= 1:
        raise BadEnforcementInput("ratio", f"a share in (0, 1], got {inputs.ratio}")
    if not 1 <= inputs.per_task <= 10:
        raise BadEnforcementInput("per_task", f"1 to 10 inspectors a task, got {inputs.per_task}")
    seen: set[int] = set()
    for c in inputs.candidates:
        if c.id in seen:
            raise BadEnforcementInput("candidates", f"enterprise {c.id} is listed twice")
        seen.add(c.id)
        if not (c.weight > 0 and math.isfinite(c.weight)):
            raise BadEnforcementInput(f"candidates[{c.id}].weight", f"> 0, got {c.weight}")
        if c.stratum not in inputs.population:
            raise BadEnforcementInput(
                f"candidates[{c.id}].stratum", f"{c.stratum} has no population"
            )
    if len({i.id for i in inputs.inspectors}) != len(inputs.inspectors):
        raise BadEnforcementInput("inspectors", "an inspector is listed twice")


def _top(keys: np.ndarray, ids: Sequence[int], k: int) -> list[int]:
    """Indexes of the ``k`` largest keys, ties by the smaller id."""
    order = sorted(range(len(ids)), key=lambda i: (-float(keys[i]), ids[i]))
    return order[:k]


def run_draw(inputs: DrawInputs) -> DrawResult:
    """The draw of ``inputs`` (the algorithm in the module's docstring)."""
    _check(inputs)
    rng = np.random.Generator(np.random.PCG64(inputs.seed))
    by_stratum: dict[str, list[Candidate]] = {}
    for c in inputs.candidates:
        by_stratum.setdefault(c.stratum, []).append(c)
    drawn: list[Candidate] = []
    quotas: dict[str, int] = {}
    for code in sorted(inputs.population):
        cands = sorted(by_stratum.get(code, []), key=lambda c: c.id)
        k = min(len(cands), quota(inputs.ratio, inputs.population[code],
                                  inputs.already_drawn.get(code, 0)))  # fmt: skip
        quotas[code] = k
        if not cands or k == 0:
            continue
        u = rng.random(len(cands))
        with np.errstate(divide="ignore"):  # u = 0 (p = 2⁻⁵³) gives −inf: drawn last
            keys = np.log(u) / np.array([c.weight for c in cands])
        drawn.extend(cands[i] for i in _top(keys, [c.id for c in cands], k))
    roster = sorted(inputs.inspectors, key=lambda i: i.id)
    load: dict[int, int] = {}
    tasks: list[Task] = []
    short: list[str] = []
    for c in sorted(drawn, key=lambda c: c.id):
        excluded = inputs.exclusions.get(c.id, {})
        eligible = [i for i in roster if i.id not in excluded
                    and not (inputs.same_county and i.county == c.stratum)]  # fmt: skip
        if len(eligible) < inputs.per_task:
            reasons: dict[str, int] = {}
            for r in excluded.values():
                reasons[r] = reasons.get(r, 0) + 1
            if inputs.same_county:
                reasons["same_county"] = sum(1 for i in roster if i.county == c.stratum
                                             and i.id not in excluded)  # fmt: skip
            why = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()) if n)
            short.append(
                f"enterprise {c.id} ({c.stratum}): {len(eligible)} eligible of "
                f"{len(roster)} on the roster" + (f", excluded: {why}" if why else "")
            )
            continue
        u = rng.random(len(eligible))
        with np.errstate(divide="ignore"):
            keys = np.log(u) * np.array([1 + load.get(i.id, 0) for i in eligible])
        chosen = sorted(
            eligible[j].id for j in _top(keys, [i.id for i in eligible], inputs.per_task)
        )
        for i in chosen:
            load[i] = load.get(i, 0) + 1
        tasks.append(Task(c.id, c.stratum, tuple(chosen)))
    if short:
        raise TooFewInspectors(
            f"too few eligible inspectors ({inputs.per_task} needed per task) for "
            f"{len(short)} of {len(drawn)} drawn enterprises: " + "; ".join(short),
            needed=inputs.per_task,
            short=short,
        )
    return DrawResult(tasks=tuple(tasks), quotas=quotas)


def inputs_from_json(obj: Mapping[str, Any]) -> DrawInputs:
    """The :class:`DrawInputs` of a published inputs file (parsed), as :meth:`DrawInputs.as_json`
    wrote it; :class:`BadEnforcementInput` names a missing or bad field."""
    try:
        if obj.get("algorithm") != ALGORITHM:
            raise BadEnforcementInput(
                "algorithm", f"{obj.get('algorithm')!r}; this version re-runs {ALGORITHM!r}"
            )
        return DrawInputs(
            seed=int(obj["seed"]),
            ratio=float(obj["ratio"]),
            per_task=int(obj["per_task"]),
            same_county=bool(obj["same_county"]),
            population={str(k): int(v) for k, v in obj["population"].items()},
            already_drawn={str(k): int(v) for k, v in obj.get("already_drawn", {}).items()},
            candidates=tuple(
                Candidate(
                    int(c["id"]),
                    str(c["stratum"]),
                    float(c["weight"]),
                    {str(k): float(v) for k, v in c.get("factors", {}).items()},
                )
                for c in obj["candidates"]
            ),  # fmt: skip
            inspectors=tuple(Inspector(int(i["id"]), str(i["county"])) for i in obj["inspectors"]),
            exclusions={
                int(e): {int(i): str(r) for i, r in ex.items()}
                for e, ex in obj.get("exclusions", {}).items()
            },
            meta=dict(obj.get("meta", {})),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadEnforcementInput("inputs", f"not a draw inputs file ({exc!r})") from exc
