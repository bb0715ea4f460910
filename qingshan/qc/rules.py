"""Rule packs: versioned QC/validity/exceedance parameters per industry, as data.

Each industry has one JSON file in ``qingshan/qc/rulepacks/`` holding a list of versions with
date windows (``valid_from`` inclusive, ``valid_to`` exclusive, ``null`` = open), so a rule that
changes on a date (a limit tightened, a marking rule in force) is a new version, never an edit.
A verdict stores the version it was judged under and can be replayed with it
(:func:`load_rulepack` with ``version=``).

Which pack a site is judged with is data too: ``rulepacks/pack_choice.json`` maps a site kind and
the enterprise's industry to a pack (:func:`pack_industry`, :func:`rulepack_for`). Every caller
(the QC job, late-mark re-judgement, the outlet page, the score against the demo) chooses through
:func:`rulepack_for`, so a page never judges with another pack than the stored verdicts.

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

__all__ = [
    "INDUSTRIES",
    "RulePack",
    "load_rulepack",
    "rulepack_versions",
    "pack_industry",
    "rulepack_for",
]

#: industries with a rule pack (公告2022年第21号 covers thermal power, cement and paper; boiler,
#: dyeing and wastewater carry GB 13271-2014, GB 4287-2012 and GB 8978-1996)
INDUSTRIES: tuple[str, ...] = (
    "thermal_power", "cement", "paper", "boiler", "dyeing", "wastewater", "generic",
)  # fmt: skip


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
    validity: MappingProxyType[str, Any]
    events: MappingProxyType[str, Any]
    stop: MappingProxyType[str, Any]
    parameters: MappingProxyType[str, Any] = field(repr=False)

    def checks_for(self, code: str) -> dict[str, dict[str, Any]]:
        """Check parameters for an HJ 212 parameter code: the pack's ``default`` entry
        overlaid by the code's own entry (a check set to ``null`` is switched off)."""
        merged = _copy_json(dict(self.parameters.get("default", {})))
        for name, params in dict(self.parameters.get(code, {})).items():
            if params is None:
                merged[name] = None
            elif isinstance(params, dict) and isinstance(merged.get(name), dict):
                merged[name] = {**merged[name], **params}
            else:
                merged[name] = _copy_json(params)
        return {k: v for k, v in merged.items() if v is not None}

    def provenance(self) -> dict[str, str]:
        return {"industry": self.industry, "version": self.version, "basis": self.basis}


def _copy_json(x: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars; tuples kept tuples), several times
    cheaper than :func:`copy.deepcopy` (which a judgement called thousands of times)."""
    if isinstance(x, dict):
        return {k: _copy_json(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_copy_json(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_copy_json(v) for v in x)
    if isinstance(x, str | int | float | bool) or x is None:
        return x
    return copy.deepcopy(x)


def _freeze(d: dict[str, Any] | None) -> MappingProxyType[str, Any]:
    return MappingProxyType(dict(d or {}))


@cache
def _raw(industry: str) -> dict[str, Any]:
    if industry not in INDUSTRIES:
        raise UnknownIndustry(industry, list(INDUSTRIES))
    text = resources.files("qingshan.qc.rulepacks").joinpath(f"{industry}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    if data.get("industry") != industry or not data.get("versions"):
        raise RulePackError(
            f"rule pack {industry}.json is malformed: needs 'industry' and 'versions'"
        )
    return data


def _build(industry: str, v: dict[str, Any], medium: str) -> RulePack:
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
    return list(_versions(industry))


@cache
def _versions(industry: str) -> tuple[RulePack, ...]:
    # built once per process: a pack is immutable, and building every version again for each
    # outlet-day judged (a deep copy of each version's parameters) was ~1 % of a judgement
    data = _raw(industry)
    packs = [_build(industry, v, data.get("medium", "air")) for v in data["versions"]]
    return tuple(sorted(packs, key=lambda p: p.valid_from))


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


#: the data file mapping (site kind, industry) to a rule pack, next to the packs
PACK_CHOICE_FILE = "pack_choice.json"


@cache
def _pack_choice() -> dict[str, Any]:
    text = resources.files("qingshan.qc.rulepacks").joinpath(PACK_CHOICE_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    named = [data.get("default")]
    for kind, entry in data.get("kinds", {}).items():
        if "default" not in entry:
            raise RulePackError(f"{PACK_CHOICE_FILE}: site kind {kind!r} has no 'default' pack")
        named += [entry["default"], *entry.get("industries", {}).values()]
    bad = sorted({str(n) for n in named if n not in INDUSTRIES})
    if bad:
        raise RulePackError(
            f"{PACK_CHOICE_FILE} names packs that do not exist: {', '.join(bad)} "
            f"(packs: {', '.join(INDUSTRIES)})"
        )
    return data


def pack_industry(kind: str, industry: str | None) -> str:
    """The industry of the rule pack a site is judged with (``rulepacks/pack_choice.json``).

    Parameters
    ----------
    kind : str
        The site's kind (``gas_outlet``, ``water_outlet``, ``air_station`` …).
    industry : str or None
        The enterprise's industry (``thermal_power``, ``paper`` …); None for a site without
        an enterprise.

    Returns
    -------
    str
        One of :data:`INDUSTRIES`: e.g. ``thermal_power`` for the boiler stack (gas outlet)
        of a paper mill, ``paper`` for any wastewater outlet, ``generic`` for a station.
    """
    choice = _pack_choice()
    entry = choice["kinds"].get(str(kind))
    if entry is None:
        return str(choice["default"])
    industries: dict[str, str] = entry.get("industries", {})
    if industry is not None and str(industry) in industries:
        return industries[str(industry)]
    return str(entry["default"])


def rulepack_for(kind: str, industry: str | None, on: date | None = None) -> RulePack:
    """The rule pack a site of ``kind`` of an enterprise of ``industry`` is judged with on
    ``on`` (the data's date, CST; default: the newest version): :func:`pack_industry`, then
    :func:`load_rulepack`.

    Raises
    ------
    RulePackError
        No version of the chosen pack covers ``on``.
    """
    return load_rulepack(pack_industry(kind, industry), on)
