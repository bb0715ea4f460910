"""The emission-factor library: data files, validation, the factor in force on a date.

Every factor is data (``qingshan/carbon/data/factors/*.json``, one file per publication), each
value with its source, validity period, unit and the reference's confidence tag (``""`` read in
the named source, ``"U"`` unverified, ``"3P"`` third-party copies only). A user data dir
(``$QINGSHAN_DATA_DIR/carbon/factors/``) adds factors or supersedes one by its ``id`` without a
code change. The file format is described in ``docs/carbon.md`` (§ Factor library).

Kinds and what ``value`` holds:

* ``fuel`` — EF [tCO2/t or tCO2/10^4 Nm3] = NCV × CC × OF × 44/12 (GB/T 32150-2015 §7 and
  the NDRC guidelines 2013–2015, fuel-combustion formula), computed from ``params`` (``ncv``, ``ncv_unit``, ``cc``
  [tC/GJ], ``of`` [fraction], ``biomass``, ``guideline``, ``activity_unit``).
* ``grid`` — electricity [tCO2/MWh] by basis (``ets``, ``national``, ``east_china``,
  ``non_fossil_excluded``, ``fossil``) and data year.
* ``heat`` — purchased heat [tCO2/GJ] (0.11 default).
* ``process`` — process emissions per unit product [tCO2/t] (cement clinker).

The factor *in force* on a date is the newest (largest ``valid_from``) with ``valid_from`` <=
date. Past its ``valid_to`` with nothing newer it is still used; the accounting adds a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from qingshan.carbon.errors import FactorFileError, UnknownFactor, UnknownFuel
from qingshan.carbon.factor_files import (
    BASES,
    CO2_PER_C,
    GUIDELINES,
    KINDS,
    Factor,
    clinker_ef,
    factor_from_row,
    fuel_ef,
    parse_factor_file,
)

__all__ = [
    "BASES",
    "CO2_PER_C",
    "FACTOR_DIR",
    "clinker_ef",
    "factor_from_row",
    "parse_factor_file",
    "EDITION_2015",
    "EDITION_2025",
    "EDITION_2025_FROM",
    "GUIDELINES",
    "KINDS",
    "Factor",
    "FactorLibrary",
    "fuel_ef",
    "load_library",
    "method_edition",
]

_FALLBACK = ("general", "ipcc2006")

#: GB/T 32150 editions. The 2025 revision is in force from 2026-07-01 (SAMR/SAC announcement of
#: 2025-12-31 as cited by third parties [3P]); months before use the 2015 edition.
EDITION_2015 = "GB/T 32150-2015"
EDITION_2025 = "GB/T 32150-2025"
EDITION_2025_FROM = dt.date(2026, 7, 1)


def method_edition(month: dt.date) -> str:
    """The GB/T 32150 edition for an accounting period starting ``month``.

    Returns ``"GB/T 32150-2015"`` before 2026-07-01, ``"GB/T 32150-2025"`` from then on (the
    2025 revision, published 2025-12-31, in force 2026-07-01 [3P]).
    """
    return EDITION_2025 if month >= EDITION_2025_FROM else EDITION_2015


# ----------------------------------------------------------------------------------------
# the library
# ----------------------------------------------------------------------------------------
def _version(factors: Iterable[Factor]) -> str:
    rows = sorted((f.to_json() for f in factors), key=lambda r: str(r["id"]))
    digest = hashlib.sha256(
        json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    newest = max((f.valid_from for f in factors), default=dt.date(1970, 1, 1))
    return f"{newest.isoformat()}+{digest[:8]}"


class FactorLibrary:
    """An immutable set of factors; ``version`` is a hash of every value (it changes when any does)."""

    def __init__(self, factors: Iterable[Factor]) -> None:
        self._by_id: dict[str, Factor] = {f.id: f for f in factors}
        self.version: str = _version(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return f"FactorLibrary(version={self.version!r}, factors={len(self)})"

    def all(self) -> list[Factor]:
        """Every factor, sorted by id."""
        return [self._by_id[k] for k in sorted(self._by_id)]

    def get(self, factor_id: str) -> Factor:
        try:
            return self._by_id[factor_id]
        except KeyError:
            raise UnknownFactor("factor id", factor_id, self._by_id) from None

    def _of(self, kind: str) -> list[Factor]:
        return [f for f in self._by_id.values() if f.kind == kind]

    @staticmethod
    def _in_force(cands: list[Factor], on: dt.date) -> Factor | None:
        """Newest valid_from <= on; if none starts by ``on``, the earliest (the accounting warns)."""
        if not cands:
            return None
        started = [f for f in cands if f.valid_from <= on]
        if started:
            return max(started, key=lambda f: (f.valid_from, f.id))
        return min(cands, key=lambda f: (f.valid_from, f.id))

    def fuels(self) -> list[str]:
        """The fuel keys of the library, sorted."""
        return sorted({f.key for f in self._of("fuel")})

    def fuel(self, key: str, on: dt.date, *, guideline: str = "general") -> Factor:
        """The fuel factor in force on ``on``: from ``guideline``'s table, else the general
        (batch-1) table, else the IPCC 2006 fallback. Unknown key -> :class:`UnknownFuel`."""
        fuels = [f for f in self._of("fuel") if f.key == key]
        if not fuels:
            raise UnknownFuel(key, self.fuels())
        if guideline not in GUIDELINES:
            raise UnknownFactor("fuel guideline", guideline, GUIDELINES)
        for g in (guideline, *_FALLBACK):
            hit = self._in_force([f for f in fuels if f.params.get("guideline") == g], on)
            if hit is not None:
                return hit
        raise UnknownFuel(key, self.fuels())  # pragma: no cover - every fuel row has a guideline

    def grid(self, on: dt.date, *, basis: str = "ets") -> Factor:
        """The electricity factor [tCO2/MWh] of ``basis`` in force on ``on``."""
        hit = self._in_force([f for f in self._of("grid") if f.key == basis], on)
        if hit is None:
            raise UnknownFactor(
                "grid", basis, sorted({f.key for f in self._of("grid")}), detail="basis"
            )
        return hit

    def heat(self, on: dt.date) -> Factor:
        """The purchased-heat factor [tCO2/GJ] in force on ``on``."""
        hit = self._in_force(self._of("heat"), on)
        if hit is None:
            raise UnknownFactor("heat", "default", [])
        return hit

    def process(self, key: str, on: dt.date) -> Factor:
        """The process factor ``key`` (``"clinker"``) [tCO2/t] in force on ``on``."""
        hit = self._in_force([f for f in self._of("process") if f.key == key], on)
        if hit is None:
            raise UnknownFactor("process", key, sorted({f.key for f in self._of("process")}))
        return hit

    def with_override(self, factor: Factor) -> FactorLibrary:
        """A new library where ``factor`` replaces the one of the same id (or is added): a
        correction. The row is validated like a file row; a fuel's value (and a clinker factor
        given by its composition) is recomputed from ``params``, so a correction changes the
        parameters (``dataclasses.replace(f, params={**f.params, "cc": 0.027})``). The version
        changes with any value."""
        row = factor.to_row()
        if factor.kind == "fuel" or "cao" in row:
            row.pop("value")
        checked = factor_from_row(row, path="<override>")
        return FactorLibrary([*(f for f in self._by_id.values() if f.id != checked.id), checked])


#: The package's factor files, one per publication.
FACTOR_DIR = Path(__file__).parent / "data" / "factors"


def _package_files() -> list[tuple[str, str]]:
    return [
        (f"carbon/data/factors/{p.name}", p.read_text("utf-8"))
        for p in sorted(FACTOR_DIR.glob("*.json"))
    ]


@lru_cache(maxsize=1)
def _package_factors() -> tuple[Factor, ...]:
    out: dict[str, Factor] = {}
    for path, text in _package_files():
        for f in parse_factor_file(text, path):
            if f.id in out:
                raise FactorFileError(
                    path, None, "id", f"{f.id!r} is also defined in another package file"
                )
            out[f.id] = f
    return tuple(out.values())


def load_library(extra_dir: Path | None = None) -> FactorLibrary:
    """The package's factors, plus ``extra_dir/*.json`` (same format) which add factors or
    supersede a package factor of the same id (files read in name order; a later file wins)."""
    by_id = {f.id: f for f in _package_factors()}
    if extra_dir is not None and extra_dir.is_dir():
        for p in sorted(extra_dir.glob("*.json")):
            for f in parse_factor_file(p.read_text("utf-8"), str(p)):
                by_id[f.id] = f
    return FactorLibrary(by_id.values())
