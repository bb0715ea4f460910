"""The limits that apply to an outlet, and its reference oxygen: the outlet's permit first, then
the national standard — both taken from :mod:`qingshan.standards.emission_limits`, the one place the national
limit values, their dates and the 折算 formula live. This module only says which row of that
library an outlet's source type corresponds to.

Industrial boilers fall back on GB 13271-2014 (Table 3 special limits, as the demo's permits in
Zhejiang carry; 9 % / 3.5 % reference O2), dyeing works on GB 4287-2012 (Table 2 direct
discharge) and chemical works on GB 8978-1996 (Table 4 grade 1, 其他排污单位 — no sector
standard of theirs is loaded). A source type the library does not cover has no national
fallback: its limits come from the outlet's permit and its reference O2 from the outlet's
archive record (``reference_o2``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

import numpy as np

from qingshan.standards import emission_limits as EL
from qingshan.standards.errors import InvalidValue, StandardsError
from qingshan.standards.pollutant_codes import COMMON_NAMES

__all__ = [
    "NATIONAL_SOURCES",
    "POLLUTANT_OF_CODE",
    "reference_o2",
    "convert_to_reference_o2",
    "national_limit",
    "resolve_limit",
]

#: QC / archive source type → (standard, source, category) of
#: :data:`qingshan.standards.emission_limits.EMISSION_LIMITS`
NATIONAL_SOURCES: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "coal_boiler_ultralow": ("环发〔2015〕164号", "coal_boiler", "ultra_low"),
        "coal_boiler_special": ("GB 13223-2011", "coal_boiler", "special"),
        "coal_boiler": ("GB 13223-2011", "coal_boiler", "new"),
        "oil_boiler": ("GB 13223-2011", "oil_boiler", "new"),
        "gas_turbine": ("GB 13223-2011", "gas_turbine_natural_gas", "special"),
        "cement_kiln": ("GB 4915-2013", "cement_kiln", "special"),
        "paper_effluent": ("GB 3544-2008", "paper_mill", "new"),
        "pulp_paper_effluent": ("GB 3544-2008", "pulp_and_paper_mill", "new"),
        "pulp_effluent": ("GB 3544-2008", "pulp_mill", "new"),
        "coal_industrial_boiler": ("GB 13271-2014", "coal_industrial_boiler", "special"),
        "oil_industrial_boiler": ("GB 13271-2014", "oil_industrial_boiler", "special"),
        "gas_industrial_boiler": ("GB 13271-2014", "gas_industrial_boiler", "special"),
        "dyeing_effluent": ("GB 4287-2012", "dyeing_finishing", "direct"),
        "chemical_effluent": ("GB 8978-1996", "other_units", "grade_1"),
        "integrated_effluent": ("GB 8978-1996", "other_units", "grade_1"),
    }
)

#: HJ 212-2017 code → pollutant name used by the standards library
POLLUTANT_OF_CODE: Mapping[str, str] = MappingProxyType(
    {
        COMMON_NAMES[k]: v
        for k, v in (
            ("DUST", "PM"),
            ("SO2", "SO2"),
            ("NOX", "NOx"),
            ("NH3", "NH3"),
            ("COD", "COD"),
            ("NH3_N", "NH3_N"),
            ("SS", "SS"),
            ("BOD5", "BOD5"),
            ("TN", "TN"),
            ("TP", "TP"),
        )
    }
)


def reference_o2(source_type: str | None, archive: float | None = None) -> float | None:
    """Reference O2 [%] of a source type: the standard's (GB 13223-2011 §5.2, GB 4915-2013 §5.2,
    GB 13271-2014 §5.2, via :data:`qingshan.standards.emission_limits.REFERENCE_O2`), else the value recorded for
    the outlet in the archive (``archive``), else None."""
    nat = NATIONAL_SOURCES.get(source_type) if source_type is not None else None
    if nat is not None and nat[1] in EL.REFERENCE_O2:
        return float(EL.REFERENCE_O2[nat[1]])
    if source_type is not None and source_type in EL.REFERENCE_O2:
        return float(EL.REFERENCE_O2[source_type])
    return None if archive is None else float(archive)


def convert_to_reference_o2(concentration, o2, o2_ref: float):
    """C = C′ × (21 − O2_ref) / (21 − O2), computed by
    :func:`qingshan.standards.emission_limits.reference_o2_correct` on the values where it is
    defined. Undefined at O2 ≥ 21 % (and for O2 < 0): those values come back NaN — invalid,
    so never judged — and the O2 series carries the FAIL (``o2_range``).

    Parameters
    ----------
    concentration : array [mg/m³] measured (dry, standard state)
    o2 : array [%] measured
    o2_ref : float [%], 0 ≤ O2_ref < 21

    Returns
    -------
    array [mg/m³] at the reference O2; NaN where O2 is undefined or an input is missing.

    Raises
    ------
    InvalidValue — O2_ref outside [0, 21)
    """
    if not 0 <= o2_ref < 21.0:
        raise InvalidValue(
            f"convert_to_reference_o2: o2_ref={o2_ref!r} is not allowed (0 ≤ O2_ref < 21)",
            field="o2_ref",
            value=o2_ref,
            clause="GB 13223-2011 §5.2",
        )
    c = np.asarray(concentration, dtype="float64")
    o = np.asarray(o2, dtype="float64")
    with np.errstate(invalid="ignore"):
        ok = (o >= 0) & (o < 21.0)
    out = np.asarray(EL.reference_o2_correct(c, np.where(ok, o, 0.0), o2_ref), dtype="float64")
    out = np.where(ok, out, np.nan)
    return float(out) if np.ndim(out) == 0 else out


def national_limit(
    source_type: str | None, code: str, on: date | None = None
) -> tuple[float, str] | None:
    """(limit, citation) of the national standard for a source type and HJ 212 code, or None
    when the standards library has no such row or the row does not yet apply ``on`` that date.
    The citation carries the row's confirmation tag (``[U]``, ``[MC]``) when it has one."""
    nat = NATIONAL_SOURCES.get(source_type) if source_type is not None else None
    pol = POLLUTANT_OF_CODE.get(code)
    if nat is None or pol is None:
        return None
    standard, source, category = nat
    try:
        row = EL.emission_limit(standard, source, pol, category, date=on)
    except StandardsError:  # no such pollutant for that source, or not in force on that date
        return None
    tag = f" {row.tag}" if row.tag else ""
    return float(row.limit), f"{row.standard} {row.table} ({row.category}){tag}"


def resolve_limit(
    code: str,
    permit_limits: Iterable[Mapping] = (),
    *,
    source_type: str | None = None,
    on: date | None = None,
    averaging: str | None = None,
    archive_reference_o2: float | None = None,
) -> dict | None:
    """The limit that applies: the outlet's permit limit for ``code`` (``PermitLimit`` rows as
    mappings with ``parameter_code``, ``limit``, ``unit``, ``averaging``, ``standard``), else the
    national limit of ``source_type``.

    Returns ``{"limit", "standard", "source", "reference_o2"}`` or None; ``reference_o2`` [%]
    is the O2 the limit is stated at (:func:`reference_o2`; None for water or when unknown).
    """
    ref = None if code.startswith("w") else reference_o2(source_type, archive_reference_o2)
    for row in permit_limits:
        if row["parameter_code"] == code and (
            averaging is None or row.get("averaging") == averaging
        ):
            return {
                "limit": float(row["limit"]),
                "standard": row.get("standard", ""),
                "source": "permit",
                "reference_o2": ref,
            }
    nat = national_limit(source_type, code, on)
    if nat is None:
        return None
    return {"limit": nat[0], "standard": nat[1], "source": "national", "reference_o2": ref}
