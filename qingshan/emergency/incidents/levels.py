"""The level of a 突发环境事件 judged from its facts (pure core, no I/O but the data file).

The criteria are data (``data/levels.json``): 《国家突发环境事件应急预案》 (国办函〔2014〕119号),
附件1 突发环境事件分级标准, each criterion with its threshold, its item number, the annex's own
words and a ``confidence`` tag. "以上" includes the bound, "以下" excludes it, so every numeric
criterion reads ``fact >= threshold``; the incident takes the highest level any criterion of which
it meets (附件1: 凡符合下列情形之一的), and 一般 (IV) otherwise (附件1 一般 (6): not reaching 较大).
The response level equals the level and the leading tier follows it (国办函〔2014〕119号 §4.2:
I/II 省级, III 设区的市级, IV 县级) [MC].
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from qingshan.emergency.incidents.errors import BadIncident

__all__ = [
    "LEVELS",
    "Criterion",
    "Judgement",
    "LevelInfo",
    "criteria",
    "fact_specs",
    "judge",
    "level_info",
    "validate_facts",
]

#: the levels, most serious first
LEVELS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class LevelInfo:
    code: str
    name: str
    name_en: str
    response: str
    lead_tier: str  # province | city | county
    source: str
    confidence: str


@dataclass(frozen=True)
class Criterion:
    level: str
    item: str
    fact: str
    op: str  # ">=" | "in"
    threshold: float | None
    values: tuple[str, ...]
    text: str
    confidence: str

    def met(self, value: Any) -> bool:
        if value is None:
            return False
        if self.op == ">=":
            return float(value) >= float(self.threshold or 0)
        return str(value) in self.values


@dataclass(frozen=True)
class Judgement:
    """A level with the criteria met at that level (``basis``; empty: the 一般 default)."""

    level: str
    basis: tuple[Criterion, ...]

    @property
    def info(self) -> LevelInfo:
        return level_info(self.level)

    def basis_json(self) -> list[dict[str, Any]]:
        return [
            {"level": c.level, "item": c.item, "fact": c.fact, "text": c.text,
             "confidence": c.confidence}
            for c in self.basis
        ]  # fmt: skip


@cache
def _data() -> dict[str, Any]:
    text = (
        resources.files("qingshan.emergency.incidents")
        .joinpath("data/levels.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def source() -> str:
    return str(_data()["source"])


@cache
def _levels() -> dict[str, LevelInfo]:
    return {d["code"]: LevelInfo(**d) for d in _data()["levels"]}


def level_info(code: str) -> LevelInfo:
    try:
        return _levels()[code]
    except KeyError:
        raise BadIncident(
            f"level {code!r} is not one of {', '.join(LEVELS)}", field="level"
        ) from None


def fact_specs() -> dict[str, dict[str, Any]]:
    """The facts a level is judged from: ``kind`` (count, amount, choice), labels, choices."""
    return dict(_data()["facts"])


@cache
def criteria() -> tuple[Criterion, ...]:
    return tuple(
        Criterion(
            level=d["level"],
            item=str(d["item"]),
            fact=d["fact"],
            op=d["op"],
            threshold=d.get("threshold"),
            values=tuple(d.get("values", ())),
            text=d["text"],
            confidence=d["confidence"],
        )  # fmt: skip
        for d in _data()["criteria"]
    )


def validate_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """``facts`` checked and normalised (counts to int, amounts to float, choices to their key);
    ``None`` or ``""`` values are dropped (unknown, not zero). Raises :class:`BadIncident` naming
    the fact and the value for an unknown fact, a negative or non-numeric figure or an unknown
    choice."""
    specs = fact_specs()
    out: dict[str, Any] = {}
    for key, value in facts.items():
        spec = specs.get(key)
        if spec is None:
            raise BadIncident(
                f"fact {key!r} is not one the level is judged from ({', '.join(specs)})",
                field=f"facts.{key}",
            )
        if value is None or value == "":
            continue
        if spec["kind"] == "choice":
            if str(value) not in spec["choices"]:
                raise BadIncident(
                    f"fact {key}={value!r} is not one of {', '.join(spec['choices'])}",
                    field=f"facts.{key}",
                )
            out[key] = str(value)
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise BadIncident(
                f"fact {key}={value!r} is not a number", field=f"facts.{key}"
            ) from None
        if isinstance(value, bool) or number != number or number < 0 or number == float("inf"):
            raise BadIncident(f"fact {key}={value!r} must be a number ≥ 0", field=f"facts.{key}")
        if spec["kind"] == "count":
            if number != int(number):
                raise BadIncident(
                    f"fact {key}={value!r} must be a whole number", field=f"facts.{key}"
                )
            out[key] = int(number)
        else:
            out[key] = number
    return out


def judge(facts: dict[str, Any]) -> Judgement:
    """The level of an incident with these (validated) facts and the criteria it meets there."""
    facts = validate_facts(facts)
    for level in LEVELS:
        met = tuple(c for c in criteria() if c.level == level and c.met(facts.get(c.fact)))
        if met:
            return Judgement(level, met)
    return Judgement("IV", ())
