"""Rule packs: versioned QC/validity/exceedance parameters per industry, as data.

Each industry has one JSON file in ``qingshan/qc/rulepacks/`` holding a list of versions with
date windows (``valid_from`` inclusive, ``valid_to`` exclusive, ``null`` = open), so a rule that
changes on a date (a limit tightened, a marking rule in force) is a new version, never an edit.
A verdict stores the version it was judged under and can be replayed with it
(:func:`load_rulepack` with ``version=``).

Durations in a pack are seconds; thresholds are in the parameter's canonical unit (HJ 212-2017
Appendix B default unit; µg/m³ for ambient-air pollutants of the generic pack).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from qingshan.qc.errors import RulePackError, UnknownIndustry

__all__ = ["INDUSTRIES", "RulePack", "load_rulepack", "rulepack_versions"]

#: industries with a rule pack (公告2022年第21号 covers thermal power, cement and paper)
INDUSTRIES: tuple[str, ...] = ("thermal_power", "cement", "paper", "generic")


@dataclass(frozen=True)
class RulePack:
    """One version of an industry's rules (immutable)."""

    industry: str
    version: str
    valid_from: date
    valid_to: date | None
    basis: str
    source_type: str | None
    medium: str
    validity: MappingProxyType
    events: MappingProxyType
    stop: MappingProxyType
    parameters: MappingProxyType = field(repr=False)

    def checks_for(self, code: str) -> dict[str, dict[str, Any]]:
        """Check parameters for an HJ 212 parameter code: the pack's ``default`` entry
        overlaid by the code's own entry (a check set to ``null`` is switched off)."""
        merged = copy.deepcopy(dict(self.parameters.get("default", {})))
        for name, params in dict(self.parameters.get(code, {})).items():
            if params is None:
                merged[name] = None
            elif isinstance(params, dict) and isinstance(merged.get(name), dict):
                merged[name] = {**merged[name], **params}
            else:
                merged[name] = copy.deepcopy(params)
        return {k: v for k, v in merged.items() if v is not None}

    def provenance(self) -> dict[str, str]:
        return {"industry": self.industry, "version": self.version, "basis": self.basis}


def _freeze(d: dict | None) -> MappingProxyType:
    return MappingProxyType(dict(d or {}))


@cache
def _raw(industry: str) -> dict:
    if industry not in INDUSTRIES:
        raise UnknownIndustry(industry, list(INDUSTRIES))
    text = resources.files("qingshan.qc.rulepacks").joinpath(f"{industry}.json").read_text("utf-8")
    data = json.loads(text)
    if data.get("industry") != industry or not data.get("versions"):
        raise RulePackError(
            f"rule pack {industry}.json is malformed: needs 'industry' and 'versions'"
        )
    return data


def _build(industry: str, v: dict, medium: str) -> RulePack:
    return RulePack(
        industry=industry,
        version=v["version"],
        valid_from=date.fromisoformat(v["valid_from"]),
        valid_to=date.fromisoformat(v["valid_to"]) if v.get("valid_to") else None,
        basis=v.get("basis", ""),
        source_type=v.get("source_type"),
        medium=v.get("medium", medium),
        validity=_freeze(v.get("validity")),
        events=_freeze(v.get("events")),
        stop=_freeze(v.get("stop")),
        parameters=MappingProxyType(copy.deepcopy(v.get("parameters", {}))),
    )


def rulepack_versions(industry: str) -> list[RulePack]:
    """Every version of ``industry``'s pack, oldest first."""
    data = _raw(industry)
    packs = [_build(industry, v, data.get("medium", "air")) for v in data["versions"]]
    return sorted(packs, key=lambda p: p.valid_from)


def load_rulepack(industry: str, on: date | None = None, *, version: str | None = None) -> RulePack:
    """The rule pack of ``industry`` in force on ``on`` (default: the newest), or the named
    ``version`` (for replaying a stored verdict).

    Raises
    ------
    UnknownIndustry
        ``industry`` is not one of :data:`INDUSTRIES`.
    RulePackError
        No version covers ``on``, or ``version`` does not exist.
    """
    packs = rulepack_versions(industry)
    if version is not None:
        for p in packs:
            if p.version == version:
                return p
        raise RulePackError(
            f"rule pack {industry!r} has no version {version!r} "
            f"(versions: {', '.join(p.version for p in packs)})"
        )
    if on is None:
        return packs[-1]
    for p in reversed(packs):
        if p.valid_from <= on and (p.valid_to is None or on < p.valid_to):
            return p
    raise RulePackError(
        f"rule pack {industry!r} has no version in force on {on.isoformat()} "
        f"(first from {packs[0].valid_from.isoformat()})"
    )
