"""The emission-factor library: data files, validation, the factor in force on a date.

Every factor is data (``qingshan/carbon/data/factors/*.json``, one file per publication), each
value with its source, validity period, unit and the reference's confidence tag (``""`` read in
the named source, ``"U"`` unverified, ``"3P"`` third-party copies only). A user data dir
(``$QINGSHAN_DATA_DIR/carbon/factors/``) adds factors or supersedes one by its ``id`` without a
code change. The file format is described in ``docs/carbon.md`` (§ Factor library).

Kinds and what ``value`` holds:

* ``fuel`` — EF [tCO2/t or tCO2/10^4 Nm3] = NCV × CC × OF × 44/12 (GB/T 32150-2015 Appendix B
  formula, NDRC guidelines 2013–2015), computed from ``params`` (``ncv``, ``ncv_unit``, ``cc``
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
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from qingshan.carbon.errors import FactorFileError, UnknownFactor, UnknownFuel

__all__ = [
    "BASES",
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

#: GB/T 32150 editions. The 2025 revision is in force from 2026-07-01 (SAMR/SAC announcement of
#: 2025-12-31 as cited by third parties [3P]); months before use the 2015 edition.
EDITION_2015 = "GB/T 32150-2015"
EDITION_2025 = "GB/T 32150-2025"
EDITION_2025_FROM = dt.date(2026, 7, 1)

KINDS = ("fuel", "grid", "heat", "process")
TAGS = ("", "U", "3P")
#: Electricity-factor bases (口径).
BASES = ("ets", "national", "east_china", "non_fossil_excluded", "fossil")
#: Fuel tables, in fallback order after the one asked for.
GUIDELINES = ("general", "later", "ipcc2006")
_FALLBACK = ("general", "ipcc2006")
#: ncv_unit -> (activity unit, factor unit)
_FUEL_UNITS = {"GJ/t": ("t", "tCO2/t"), "GJ/10^4 Nm3": ("10^4 Nm3", "tCO2/10^4 Nm3")}
_UNITS = {"grid": "tCO2/MWh", "heat": "tCO2/GJ", "process": "tCO2/t"}
#: molar-mass ratio CO2 / C (GB/T 32150-2015 Appendix B formula's 44/12)
CO2_PER_C = 44.0 / 12.0


def method_edition(month: dt.date) -> str:
    """The GB/T 32150 edition for an accounting period starting ``month``.

    Returns ``"GB/T 32150-2015"`` before 2026-07-01, ``"GB/T 32150-2025"`` from then on (the
    2025 revision, published 2025-12-31, in force 2026-07-01 [3P]).
    """
    return EDITION_2025 if month >= EDITION_2025_FROM else EDITION_2015


def fuel_ef(ncv: float, cc: float, of: float) -> float:
    """Fuel CO2 emission factor [tCO2/unit] = NCV [GJ/unit] × CC [tC/GJ] × OF × 44/12.

    GB/T 32150-2015 Appendix B (B.1–B.2) and the NDRC guidelines' fuel-combustion formula.
    """
    return ncv * cc * of * CO2_PER_C


@dataclass(frozen=True)
class Factor:
    """One factor of one publication (see the module docstring for ``kind`` and ``params``)."""

    id: str
    kind: str
    value: float | None
    unit: str
    params: dict[str, Any] = field(hash=False, compare=True)
    source: str
    valid_from: dt.date
    valid_to: dt.date | None
    tag: str

    @property
    def key(self) -> str:
        """The lookup key: the fuel, the basis, ``"clinker"``… (the id's second segment)."""
        return self.id.split("/")[1]

    def in_period(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "value": self.value,
            "unit": self.unit,
            "params": dict(self.params),
            "source": self.source,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
            "tag": self.tag,
        }


# ----------------------------------------------------------------------------------------
# parsing and validation of one row
# ----------------------------------------------------------------------------------------
def _num(
    row: Mapping[str, Any], name: str, where: tuple[str, int | None], *, upper: float = math.inf
) -> float:
    v = row.get(name)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise FactorFileError(where[0], where[1], name, f"must be a finite number (got {v!r})")
    if not 0 < v <= upper:
        raise FactorFileError(where[0], where[1], name, f"must be > 0 and <= {upper} (got {v!r})")
    return float(v)


def _date(
    row: Mapping[str, Any], name: str, where: tuple[str, int | None], *, nullable: bool
) -> dt.date | None:
    v = row.get(name)
    if v is None and nullable:
        return None
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise FactorFileError(
            where[0], where[1], name, f"must be an ISO date YYYY-MM-DD (got {v!r})"
        ) from None


def factor_from_row(
    row: Mapping[str, Any], *, path: str = "<row>", index: int | None = None
) -> Factor:
    """Validate one data-file row (file defaults already merged) and build its :class:`Factor`.

    Raises :class:`FactorFileError` naming ``path``, the 1-based ``index`` and the field.
    """
    where = (path, index)
    fid = row.get("id")
    if not isinstance(fid, str) or fid.count("/") < 2 or not all(fid.split("/")):
        raise FactorFileError(path, index, "id", f"must be 'kind/key/publication' (got {fid!r})")
    kind = row.get("kind", fid.split("/")[0])
    if kind not in KINDS or fid.split("/")[0] != kind:
        raise FactorFileError(
            path,
            index,
            "kind",
            f"must be one of {', '.join(KINDS)} and the id's first segment (got {kind!r})",
        )
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        raise FactorFileError(path, index, "source", "is required (who published the value, where)")
    tag = row.get("tag", "")
    if tag not in TAGS:
        raise FactorFileError(path, index, "tag", f"must be one of {TAGS} (got {tag!r})")
    valid_from = _date(row, "valid_from", where, nullable=False)
    valid_to = _date(row, "valid_to", where, nullable=True)
    assert valid_from is not None
    if valid_to is not None and valid_to < valid_from:
        raise FactorFileError(
            path, index, "valid_to", f"{valid_to} is before valid_from {valid_from}"
        )
    params: dict[str, Any] = {
        k: row[k] for k in ("name_zh", "name_en", "note", "year", "region") if k in row
    }
    if kind == "fuel":
        ncv_unit = row.get("ncv_unit")
        if ncv_unit not in _FUEL_UNITS:
            raise FactorFileError(
                path,
                index,
                "ncv_unit",
                f"must be one of {', '.join(_FUEL_UNITS)} (got {ncv_unit!r})",
            )
        ncv, cc, of = (
            _num(row, "ncv", where),
            _num(row, "cc", where, upper=0.2),
            _num(row, "of", where, upper=1.0),
        )
        biomass = row.get("biomass", False)
        if not isinstance(biomass, bool):
            raise FactorFileError(
                path, index, "biomass", f"must be true or false (got {biomass!r})"
            )
        guideline = row.get("guideline")
        if guideline not in GUIDELINES:
            raise FactorFileError(
                path,
                index,
                "guideline",
                f"must be one of {', '.join(GUIDELINES)} (got {guideline!r})",
            )
        activity_unit, unit = _FUEL_UNITS[str(ncv_unit)]
        params.update(
            ncv=ncv,
            ncv_unit=ncv_unit,
            cc=cc,
            of=of,
            biomass=biomass,
            guideline=guideline,
            activity_unit=activity_unit,
        )
        value: float = fuel_ef(ncv, cc, of)
    else:
        unit = _UNITS[kind]
        if row.get("unit", unit) != unit:
            raise FactorFileError(
                path,
                index,
                "unit",
                f"must be {unit!r} for a {kind} factor (got {row.get('unit')!r})",
            )
        if kind == "process" and "value" not in row:
            comp = {k: _num(row, k, where, upper=1.0) for k in ("cao", "mgo")}
            comp.update(
                {k: float(row.get(k, 0.0)) for k in ("cao_noncarbonate", "mgo_noncarbonate")}
            )
            params.update(comp)
            value = clinker_ef(**comp)
        else:
            value = _num(row, "value", where, upper=10.0)
        if kind == "grid":
            basis = fid.split("/")[1]
            if basis not in BASES:
                raise FactorFileError(
                    path,
                    index,
                    "id",
                    f"grid basis must be one of {', '.join(BASES)} (got {basis!r})",
                )
    return Factor(
        fid, str(kind), value, unit, params, source.strip(), valid_from, valid_to, str(tag)
    )


def clinker_ef(
    cao: float, mgo: float, cao_noncarbonate: float = 0.0, mgo_noncarbonate: float = 0.0
) -> float:
    """Clinker calcination factor [tCO2/t clinker] from the clinker's oxide mass fractions.

    EF = (CaO − CaO_non-carbonate) × 44/56 + (MgO − MgO_non-carbonate) × 44/40, the carbonate
    decomposition term of 中国水泥生产企业温室气体排放核算方法与报告指南(试行) (NDRC 2013,
    batch 1) §5 "原料碳酸盐分解" (CaCO3 → CaO + CO2, MgCO3 → MgO + CO2; molar masses 44/56 and
    44/40).
    """
    return (cao - cao_noncarbonate) * 44.0 / 56.0 + (mgo - mgo_noncarbonate) * 44.0 / 40.0


def parse_factor_file(text: str, path: str) -> list[Factor]:
    """Parse one data file: a JSON object with a ``header`` (title, source, licence…), optional
    ``defaults`` merged into each row, and ``factors`` (the rows). Every row is validated."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactorFileError(path, None, "json", f"not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("factors"), list):
        raise FactorFileError(
            path, None, "factors", "the file must be an object with a 'factors' list"
        )
    header = doc.get("header")
    if not isinstance(header, dict) or not header.get("source") or not header.get("licence"):
        raise FactorFileError(path, None, "header", "needs a 'header' with 'source' and 'licence'")
    defaults = doc.get("defaults") or {}
    out: list[Factor] = []
    seen: set[str] = set()
    for i, row in enumerate(doc["factors"], start=1):
        if not isinstance(row, dict):
            raise FactorFileError(path, i, "row", "must be an object")
        f = factor_from_row({**defaults, **row}, path=path, index=i)
        if f.id in seen:
            raise FactorFileError(path, i, "id", f"duplicate id {f.id!r} in the file")
        seen.add(f.id)
        out.append(f)
    return out


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
        correction. The row is validated like a file row; the version changes."""
        row: dict[str, Any] = {**factor.params, **factor.to_json()}
        row.pop("params")
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


def with_params(f: Factor, **changes: Any) -> Factor:
    """``f`` with ``changes`` applied (params merged), value recomputed for fuels and clinker."""
    params = {
        **f.params,
        **{k: v for k, v in changes.items() if k in f.params or k in ("ncv", "cc", "of")},
    }
    top = {
        k: v
        for k, v in changes.items()
        if k in ("value", "source", "valid_from", "valid_to", "tag", "unit")
    }
    g = replace(f, params=params, **top)
    row: dict[str, Any] = {**g.params, **g.to_json()}
    row.pop("params")
    if f.kind != "fuel" and "cao" in row and "value" not in changes:
        row.pop("value")
    return factor_from_row(row, path="<override>")
