"""One factor and its data-file row: the :class:`Factor` record, the row validation, the file parser.

A factor file (``qingshan/carbon/data/factors/*.json``, or the user's
``$QINGSHAN_DATA_DIR/carbon/factors/*.json``) is a JSON object::

    {"header":   {"title": …, "publication": …, "source": …, "licence": …},   # source, licence required
     "defaults": {…fields merged into every row…},                           # optional
     "factors":  [{row}, …]}

Row fields: ``id`` (``kind/key/publication``, e.g. ``fuel/raw_coal/guideline-2013``,
``grid/ets/2022``), ``kind`` (optional, = the id's first segment), ``source``, ``valid_from``,
``valid_to`` (ISO dates; ``valid_to`` may be null), ``tag`` (``""``, ``"U"``, ``"3P"``), optional
``name_zh``, ``name_en``, ``note``, ``year``, ``region``; then by kind:

* fuel: ``ncv`` [GJ/t or GJ/10^4 Nm3], ``ncv_unit``, ``cc`` [tC/GJ], ``of`` [fraction],
  ``biomass`` (bool), ``guideline`` (``general`` | ``later`` | ``ipcc2006``);
* grid / heat: ``value`` [tCO2/MWh | tCO2/GJ], ``unit`` (optional, checked);
* process: ``value`` [tCO2/t], or the clinker composition ``cao``, ``mgo``
  (mass fractions) and optionally ``cao_noncarbonate``, ``mgo_noncarbonate``.

Every row is validated; a bad one raises :class:`FactorFileError` naming file, row and field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qingshan.carbon.errors import FactorFileError

__all__ = [
    "BASES",
    "CO2_PER_C",
    "GUIDELINES",
    "KINDS",
    "TAGS",
    "Factor",
    "clinker_ef",
    "factor_from_row",
    "fuel_ef",
    "parse_factor_file",
]

KINDS = ("fuel", "grid", "heat", "process")
TAGS = ("", "U", "3P")
#: Electricity-factor bases (口径).
BASES = ("ets", "national", "east_china", "non_fossil_excluded", "fossil")
#: Fuel tables: the batch-1 defaults, a later-batch table, the IPCC 2006 fallback.
GUIDELINES = ("general", "later", "ipcc2006")
#: ncv_unit -> (activity unit, factor unit)
FUEL_UNITS = {"GJ/t": ("t", "tCO2/t"), "GJ/10^4 Nm3": ("10^4 Nm3", "tCO2/10^4 Nm3")}
UNITS = {"grid": "tCO2/MWh", "heat": "tCO2/GJ", "process": "tCO2/t"}
#: molar-mass ratio CO2 / C, the guidelines' 44/12
CO2_PER_C = 44.0 / 12.0
_NAMES = ("name_zh", "name_en", "note", "year", "region")
_CLINKER = ("cao", "mgo", "cao_noncarbonate", "mgo_noncarbonate")


def fuel_ef(ncv: float, cc: float, of: float) -> float:
    """Fuel CO2 emission factor [tCO2/unit] = NCV [GJ/unit] × CC [tC/GJ] × OF × 44/12.

    The fuel-combustion formula of GB/T 32150-2015 (燃料燃烧排放) and of the NDRC guidelines.
    """
    return ncv * cc * of * CO2_PER_C


def clinker_ef(
    cao: float, mgo: float, cao_noncarbonate: float = 0.0, mgo_noncarbonate: float = 0.0
) -> float:
    """Clinker calcination factor [tCO2/t clinker] from the clinker's oxide mass fractions.

    EF = (CaO − CaO_non-carbonate) × 44/56 + (MgO − MgO_non-carbonate) × 44/40: the carbonate
    decomposition term of 中国水泥生产企业温室气体排放核算方法与报告指南(试行) (NDRC 2013, batch 1)
    as commonly quoted [U: not read in the guideline's text] (CaCO3 → CaO + CO2, MgCO3 → MgO + CO2: molar masses 44/56 and 44/40).
    """
    return (cao - cao_noncarbonate) * 44.0 / 56.0 + (mgo - mgo_noncarbonate) * 44.0 / 40.0


@dataclass(frozen=True)
class Factor:
    """One factor of one publication. ``value``: fuel EF [tCO2/t or tCO2/10^4 Nm3] computed from
    ``params`` (ncv, cc, of…); grid [tCO2/MWh]; heat [tCO2/GJ]; process [tCO2/t]."""

    id: str
    kind: str
    value: float | None
    unit: str
    params: dict[str, Any] = field(hash=False)
    source: str
    valid_from: dt.date
    valid_to: dt.date | None
    tag: str

    @property
    def key(self) -> str:
        """The lookup key: the fuel, the basis, ``"clinker"``… (the id's second segment)."""
        return self.id.split("/")[1]

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

    def to_row(self) -> dict[str, Any]:
        """The data-file row of this factor (params flattened): ``factor_from_row`` inverts it."""
        row = {**self.params, **self.to_json()}
        del row["params"]
        row.pop("activity_unit", None)
        return row


class _Row:
    """Reads the fields of one row, raising :class:`FactorFileError` with file, row and field."""

    def __init__(self, row: Mapping[str, Any], path: str, index: int | None) -> None:
        self.row, self.path, self.index = row, path, index

    def bad(self, name: str, message: str) -> FactorFileError:
        return FactorFileError(self.path, self.index, name, message)

    def num(self, name: str, *, upper: float = math.inf, default: float | None = None) -> float:
        v = self.row.get(name, default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.bad(name, f"must be a finite number (got {v!r})")
        if not (0 < v <= upper or (default == 0.0 and v == 0)):
            raise self.bad(name, f"must be > 0 and <= {upper} (got {v!r})")
        return float(v)

    def date(self, name: str, *, nullable: bool) -> dt.date | None:
        v = self.row.get(name)
        if v is None and nullable:
            return None
        try:
            return dt.date.fromisoformat(str(v))
        except ValueError:
            raise self.bad(name, f"must be an ISO date YYYY-MM-DD (got {v!r})") from None

    def choice(self, name: str, allowed: tuple[str, ...], default: object = None) -> str:
        v = self.row.get(name, default)
        if v not in allowed:
            raise self.bad(name, f"must be one of {', '.join(map(repr, allowed))} (got {v!r})")
        return str(v)

    def check_value(self, computed: float) -> None:
        """A row (or an override) giving ``value`` beside its parameters must agree with them."""
        given = self.row.get("value")
        if given is not None and not math.isclose(float(given), computed, rel_tol=1e-9):
            raise self.bad("value", f"{given!r} does not match the parameters ({computed:.6g})")


def factor_from_row(
    row: Mapping[str, Any], *, path: str = "<row>", index: int | None = None
) -> Factor:
    """Validate one data-file row (file defaults already merged) and build its :class:`Factor`.

    Raises :class:`FactorFileError` naming ``path``, the 1-based ``index`` and the field.
    """
    r = _Row(row, path, index)
    fid = row.get("id")
    if not isinstance(fid, str) or fid.count("/") < 2 or not all(fid.split("/")):
        raise r.bad("id", f"must be 'kind/key/publication' (got {fid!r})")
    kind = r.choice("kind", KINDS, fid.split("/")[0])
    if fid.split("/")[0] != kind:
        raise r.bad("kind", f"{kind!r} is not the id's first segment")
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        raise r.bad("source", "is required (who published the value, where)")
    tag = r.choice("tag", TAGS, "")
    valid_from = r.date("valid_from", nullable=False)
    valid_to = r.date("valid_to", nullable=True)
    assert valid_from is not None
    if valid_to is not None and valid_to < valid_from:
        raise r.bad("valid_to", f"{valid_to} is before valid_from {valid_from}")
    params: dict[str, Any] = {k: row[k] for k in _NAMES if k in row}
    if kind == "fuel":
        ncv_unit = r.choice("ncv_unit", tuple(FUEL_UNITS))
        ncv, cc, of = r.num("ncv"), r.num("cc", upper=0.2), r.num("of", upper=1.0)
        biomass = row.get("biomass", False)
        if not isinstance(biomass, bool):
            raise r.bad("biomass", f"must be true or false (got {biomass!r})")
        guideline = r.choice("guideline", GUIDELINES)
        activity_unit, unit = FUEL_UNITS[ncv_unit]
        params.update(ncv=ncv, ncv_unit=ncv_unit, cc=cc, of=of, biomass=biomass,
                      guideline=guideline, activity_unit=activity_unit)  # fmt: skip
        value = fuel_ef(ncv, cc, of)
        r.check_value(value)
    else:
        unit = UNITS[kind]
        if row.get("unit", unit) != unit:
            raise r.bad("unit", f"must be {unit!r} for a {kind} factor (got {row.get('unit')!r})")
        if kind == "process" and "cao" in row:
            comp = {k: r.num(k, upper=1.0, default=0.0 if "non" in k else None) for k in _CLINKER}
            params.update(comp)
            value = clinker_ef(**comp)
            r.check_value(value)
        else:
            value = r.num("value", upper=10.0)
        if kind == "grid" and fid.split("/")[1] not in BASES:
            raise r.bad("id", f"grid basis must be one of {', '.join(BASES)} (got {fid!r})")
    return Factor(fid, kind, value, unit, params, source.strip(), valid_from, valid_to, tag)


def parse_factor_file(text: str, path: str) -> list[Factor]:
    """Parse and validate one factor file (format in the module docstring)."""
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
