"""Emission limits as data, and the reference-oxygen conversion.

The tables (GB 13223-2011, GB 4915-2013 and its 2026 amendment, GB 3544-2008, GB 13271-2014,
GB 4287-2012 and its 2015 amendment, GB 8978-1996 Table 4) are rows of
:data:`EMISSION_LIMITS`, with their sources, clauses and confirmation tags in
:mod:`.emission_tables`. This module looks them up (:func:`emission_limit`) and converts
measured concentrations to the reference O2 (:func:`reference_o2_correct`).

Concentrations in mg/m³ (dry flue gas, standard state) unless stated.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from qingshan.standards.emission_tables import EMISSION_LIMITS, REFERENCE_O2, EmissionLimit
from qingshan.standards.errors import InvalidValue, StandardsError, UnknownKeyError

__all__ = [
    "EmissionLimit",
    "EMISSION_LIMITS",
    "REFERENCE_O2",
    "reference_o2_correct",
    "emission_limit",
]


def reference_o2_correct(
    concentration: npt.ArrayLike,
    o2: npt.ArrayLike,
    o2_ref: float | None = None,
    source: str | None = None,
) -> float | npt.NDArray[np.float64]:
    """Convert a measured concentration to the reference oxygen content.

    C = C′ × (21 − O2_ref) / (21 − O2) (GB 13223-2011 5.2, GB 4915-2013 5.2, GB 13271-2014 5.2;
    formula shared by the emission standards).

    Parameters
    ----------
    concentration : float or array [mg/m³]
        Measured concentration C′.
    o2 : float or array [%]
        Measured O2, < 21.
    o2_ref : float [%], optional
        Reference O2; taken from :data:`REFERENCE_O2` when ``source`` is given instead.
    source : str, optional

    Returns
    -------
    float or ndarray [mg/m³]
    """
    if o2_ref is None:
        if source is None:
            raise InvalidValue("give o2_ref= or source=", field="o2_ref", value=None)
        if source not in REFERENCE_O2:
            raise UnknownKeyError("source type", source, REFERENCE_O2)
        o2_ref = REFERENCE_O2[source]
    o = np.asarray(o2, dtype=np.float64)
    if (o >= 21).any() or (o < 0).any():
        raise InvalidValue(f"measured O2 must be in [0, 21) %, got {float(np.max(o)) if (o >= 21).any() else float(np.min(o)):g}",
                           field="o2", value=o2, clause="GB 13223-2011 5.2")  # fmt: skip
    out = np.asarray(concentration, dtype=np.float64) * (21.0 - o2_ref) / (21.0 - o)
    return float(out) if np.ndim(out) == 0 else out


def emission_limit(standard: str, source: str, pollutant: str, category: str = "new",
                   date: dt.date | None = None) -> EmissionLimit:  # fmt: skip
    """Look up one limit.

    Parameters
    ----------
    standard, source, pollutant, category : str
        Keys of :data:`EMISSION_LIMITS`.
    date : date, optional
        The limit in force on that date (an amendment's row from its date on, the row it
        replaced before). Without it: the row in force now (not replaced by an amendment).

    Returns
    -------
    EmissionLimit
        Check ``tag``: ``"[U]"`` and ``"[MC]"`` rows are not confirmed in the standard's text.

    Raises
    ------
    UnknownKeyError
        When no row matches (the message lists the valid values of the first key that fails).
    StandardsError
        When the row does not apply yet on ``date`` (or was replaced by then).
    """
    standards = sorted({x.standard for x in EMISSION_LIMITS})
    if standard not in standards:
        raise UnknownKeyError("standard", standard, standards)
    rows = [x for x in EMISSION_LIMITS if x.standard == standard]
    for attr, val in (("source", source), ("pollutant", pollutant), ("category", category)):
        valid = sorted({getattr(x, attr) for x in rows})
        if val not in valid:
            raise UnknownKeyError(attr, val, valid)
        rows = [x for x in rows if getattr(x, attr) == val]

    def start(x: EmissionLimit) -> dt.date:
        return x.applies_from if x.applies_from is not None else dt.date.min

    if date is None:
        return max([x for x in rows if x.valid_to is None] or rows, key=start)
    in_force = [x for x in rows if start(x) <= date and (x.valid_to is None or date < x.valid_to)]
    if in_force:
        return max(in_force, key=start)
    first = min(rows, key=start)
    if date < start(first):
        raise StandardsError(
            f"{standard} {source} {pollutant} ({category}) applies from {first.applies_from}, "
            f"not on {date}",
            applies_from=first.applies_from,
        )
    last = max(rows, key=start)
    raise StandardsError(
        f"{standard} {source} {pollutant} ({category}) was replaced on {last.valid_to}; "
        f"no row applies on {date}",
        valid_to=last.valid_to,
    )
