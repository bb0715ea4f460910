"""Assessment score of a city (考核得分, pure), by a configurable method whose weights are data
(``data/assessment.json``, format ``qingshan-assessment/1``, documented in
``docs/targets.md``, "Assessment").

Methods
-------
``status_points``
    ``score = Σ wᵢ · points(statusᵢ) / Σ wᵢ`` over the city's targets, with the points of each
    status from the file (default: met 100, on track 90, at risk 60, behind 30, no data 0).
``progress``
    ``score = 100 · Σ wᵢ · pᵢ / Σ wᵢ`` with ``pᵢ`` the progress [0–1] (no data: 0).

A target's weight is the file's ``weights[code]`` when given, else the plan row's ``weight``
(default 1). Targets kept at the province (split ``province``) are not in a city's score.
Example: weights 2, 1, 1 with statuses met, at risk, no data score (2·100 + 60 + 0) / 4 = 65.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from qingshan.targets.errors import TargetError
from qingshan.targets.status import Status

__all__ = [
    "AssessmentMethod",
    "ScoredTarget",
    "DEFAULT_METHOD_FILE",
    "read_method",
    "parse_method",
    "score_city",
]

DEFAULT_METHOD_FILE = Path(__file__).parent / "data" / "assessment.json"
METHODS = ("status_points", "progress")


@dataclass(frozen=True)
class AssessmentMethod:
    name: str
    points: Mapping[str, float] = field(default_factory=dict)  # status → points
    weights: Mapping[str, float] = field(default_factory=dict)  # target code → weight


@dataclass(frozen=True)
class ScoredTarget:
    code: str
    status: Status
    progress: float | None
    weight: float = 1.0  # the plan row's weight


def parse_method(doc: Any) -> AssessmentMethod:
    """The method of a decoded assessment file; a bad one raises naming what is wrong."""
    if not isinstance(doc, Mapping) or doc.get("format") != "qingshan-assessment/1":
        raise TargetError("assessment file: format must be 'qingshan-assessment/1'")
    name = doc.get("method")
    if name not in METHODS:
        raise TargetError(f"assessment file: method {name!r} is not one of {', '.join(METHODS)}")
    points: dict[str, float] = {}
    if name == "status_points":
        raw = (doc.get("methods") or {}).get("status_points", {}).get("points", {})
        missing = [s.value for s in Status if s.value not in raw]
        if missing:
            raise TargetError(f"assessment file: points missing for {', '.join(missing)}")
        points = {k: float(v) for k, v in raw.items()}
    weights = doc.get("weights") or {}
    if not all(isinstance(v, int | float) and v >= 0 for v in weights.values()):
        raise TargetError("assessment file: weights must be numbers ≥ 0")
    return AssessmentMethod(
        name, MappingProxyType(points), MappingProxyType({k: float(v) for k, v in weights.items()})
    )


def read_method(path: Path | str = DEFAULT_METHOD_FILE) -> AssessmentMethod:
    """The assessment method of the file at ``path`` (default: the shipped one)."""
    return parse_method(json.loads(Path(path).read_text(encoding="utf-8")))


def score_city(targets: Sequence[ScoredTarget], method: AssessmentMethod) -> float | None:
    """The score [0–100] of a city's ``targets`` by ``method`` (module docstring); None when
    no target has a weight."""
    total = 0.0
    weight_sum = 0.0
    for t in targets:
        w = method.weights.get(t.code, t.weight)
        if w <= 0:
            continue
        if method.name == "status_points":
            v = method.points[t.status.value]
        else:
            v = 100.0 * (t.progress or 0.0)
        total += w * v
        weight_sum += w
    return None if weight_sum == 0 else round(total / weight_sum, 1)
