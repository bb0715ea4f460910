"""Limits and reference oxygen for QC verdicts: permit first, then the national standard.

The national tables and the 折算 formula belong to :mod:`qingshan.standards.emission_limits`
(issue 3). Until that module lands this adapter carries the formula and the reference-O2 values
of issue 5 only, and asks the standards module first whenever it is importable, so the QC
package switches over without code changes elsewhere.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from datetime import date

import numpy as np

from qingshan.qc.errors import BadParameter

__all__ = ["REFERENCE_O2", "convert_to_reference_o2", "resolve_limit", "national_limit"]

#: Reference O2 [%] by source type (issue 5; GB 13223-2011 §5.2, GB 4915-2013 §4.5,
#: GB 13271-2014 §4.5, GB 18485-2014 §4.6 — cells other than coal 6 % are [U]).
REFERENCE_O2: Mapping[str, float] = {
    "coal_boiler": 6.0,
    "coal_boiler_ultralow": 6.0,
    "coal_boiler_special": 6.0,
    "oil_gas_boiler": 3.0,
    "gas_turbine": 15.0,
    "cement_kiln": 10.0,
    "coal_industrial_boiler": 9.0,
    "industrial_boiler": 9.0,
    "gas_industrial_boiler": 3.5,
    "waste_incineration": 11.0,
}


def _standards():
    try:
        return importlib.import_module("qingshan.standards.emission_limits")
    except ImportError:
        return None


def reference_o2(source_type: str | None) -> float | None:
    """Reference O2 [%] of a source type, from the standards library when available."""
    if source_type is None:
        return None
    mod = _standards()
    fn = getattr(mod, "reference_o2", None) if mod else None
    if fn is not None:
        try:
            return float(fn(source_type))
        except Exception:  # unknown there: fall through to the local table
            pass
    return REFERENCE_O2.get(source_type)


def convert_to_reference_o2(concentration, o2, o2_ref: float, *, o2_air: float = 21.0):
    """Reference-oxygen conversion C = C′ × (21 − O2_ref) / (21 − O2) (GB 13223-2011 §5.2;
    HJ 75-2017). Undefined at O2 ≥ 21 % (``o2_air`` for oxy-fuel units): NaN there, never a
    division by zero or a negative concentration.

    Parameters
    ----------
    concentration : array [mg/m³] measured (dry, standard state)
    o2 : array [%] measured
    o2_ref : float [%]

    Returns
    -------
    array [mg/m³] at the reference O2; NaN where O2 ≥ ``o2_air`` or an input is missing.
    """
    if not 0 <= o2_ref < o2_air:
        raise BadParameter("convert_to_reference_o2", "o2_ref", o2_ref, f"0 ≤ O2_ref < {o2_air}")
    mod = _standards()
    fn = getattr(mod, "convert_to_reference_o2", None) if mod else None
    if fn is not None:
        return fn(concentration, o2, o2_ref)
    c = np.asarray(concentration, dtype="float64")
    o = np.asarray(o2, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(o < o2_air, c * (o2_air - o2_ref) / (o2_air - o), np.nan)
    return float(out) if np.ndim(out) == 0 else out


def national_limit(
    source_type: str | None, code: str, on: date | None = None
) -> tuple[float, str] | None:
    """(limit, standard) of the national standard for a source type and parameter, or None.

    Delegates to :mod:`qingshan.standards.emission_limits` (``limit_for``), then to the demo's
    cited table :mod:`qingshan.sim.limits` (GB 13223 / GB 4915 / GB 3544 cells with sources).
    """
    if source_type is None:
        return None
    mod = _standards()
    fn = getattr(mod, "limit_for", None) if mod else None
    if fn is not None:
        try:
            res = fn(source_type, code, on)
            if res is not None:
                return (
                    (float(res[0]), str(res[1]))
                    if isinstance(res, tuple)
                    else (float(res), source_type)
                )
        except Exception:
            pass
    try:
        from qingshan.sim.limits import SOURCE_TYPES
    except ImportError:
        return None
    st = SOURCE_TYPES.get(source_type)
    if st is None or code not in st.limits:
        return None
    return float(st.limits[code]), st.standard


def resolve_limit(
    code: str,
    permit_limits: Iterable[Mapping] = (),
    *,
    source_type: str | None = None,
    on: date | None = None,
    averaging: str | None = None,
) -> dict | None:
    """The limit that applies: the outlet's permit limit for ``code`` (``PermitLimit`` rows as
    mappings with ``parameter_code``, ``limit``, ``unit``, ``averaging``, ``standard``), else the
    national limit of ``source_type``. Returns ``{"limit", "standard", "source"}`` or None."""
    for row in permit_limits:
        if row["parameter_code"] == code and (
            averaging is None or row.get("averaging") == averaging
        ):
            return {
                "limit": float(row["limit"]),
                "standard": row.get("standard", ""),
                "source": "permit",
            }
    nat = national_limit(source_type, code, on)
    if nat is None:
        return None
    return {"limit": nat[0], "standard": nat[1], "source": "national"}
