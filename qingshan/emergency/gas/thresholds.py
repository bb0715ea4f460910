"""Toxic-gas alarm set-points by substance, as data (``data/gas_thresholds.json``).

GB/T 50493-2019 《石油化工可燃气体和有毒气体检测报警设计标准》 sets a toxic-gas detector's
first-level alarm at ≤ 100 % and its second-level alarm at ≤ 200 % of the occupational exposure
limit (OEL); the OELs are those of GBZ 2.1-2019 Table 1 (MAC where set, else PC-TWA). Every entry
carries its source and a confidence tag ("confirmed" / "MC" / "U"); here all are MC or U (read
through reprints, not the standards' own text — see docs/emergency-gas.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from qingshan.emergency.gas.errors import UnknownSubstance

__all__ = [
    "AlarmRule",
    "Threshold",
    "alarm_rule",
    "mg_m3_from_ppm",
    "threshold_of",
    "thresholds",
]

#: molar volume of an ideal gas at 0 ℃ and 101.325 kPa [L/mol]
_MOLAR_VOLUME_STP = 22.414


@dataclass(frozen=True)
class Threshold:
    """The set-points of one substance [mg/m³]: ``al1`` (一级报警) and ``al2`` (二级报警)."""

    code: str
    name: str
    name_en: str
    oel_kind: str
    oel: float
    al1: float
    al2: float
    molar_mass: float | None
    confidence: str
    source: str


@dataclass(frozen=True)
class AlarmRule:
    """When an alarm escalates, clears and turns into a case (the platform's rule, as data)."""

    persist_intervals: int
    clear_intervals: int
    ack_window: timedelta
    invalid_flags: frozenset[str]


@cache
def _data() -> dict[str, Any]:
    text = (
        resources.files("qingshan.emergency.gas").joinpath("data/gas_thresholds.json").read_text()
    )
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def thresholds() -> Mapping[str, Threshold]:
    """Every substance's set-points by HJ 212-2017 code: AL1 = 1.0 × OEL, AL2 = 2.0 × OEL
    (GB/T 50493-2019, toxic-gas detectors; the factors are data)."""
    data = _data()
    f1, f2 = float(data["factors"]["al1"]), float(data["factors"]["al2"])
    out = {}
    for code, s in data["substances"].items():
        oel = float(s["oel"])
        out[code] = Threshold(
            code=code, name=s["name"], name_en=s["name_en"], oel_kind=s["oel_kind"], oel=oel,
            al1=round(oel * f1, 6), al2=round(oel * f2, 6),
            molar_mass=None if s.get("molar_mass") is None else float(s["molar_mass"]),
            confidence=s["confidence"], source=s["source"],
        )  # fmt: skip
    return MappingProxyType(out)


def threshold_of(code: str) -> Threshold:
    """The set-points of substance ``code``; an unknown code raises :class:`UnknownSubstance`
    naming the known ones."""
    table = thresholds()
    try:
        return table[code]
    except KeyError:
        raise UnknownSubstance(code, list(table)) from None


@cache
def alarm_rule() -> AlarmRule:
    """The escalation, clearing and acknowledgement rule of ``data/gas_thresholds.json``."""
    r = _data()["rule"]
    return AlarmRule(
        persist_intervals=int(r["persist_intervals"]),
        clear_intervals=int(r["clear_intervals"]),
        ack_window=timedelta(minutes=float(r["ack_window_minutes"])),
        invalid_flags=frozenset(r["invalid_flags"]),
    )


def mg_m3_from_ppm(
    ppm: float, molar_mass: float, *, temperature_c: float | None = None,
    pressure_kpa: float | None = None,
) -> float:  # fmt: skip
    """Convert a volume fraction to a mass concentration.

    c [mg/m³] = ppm × M / Vm, with Vm = 22.414 × (T / 273.15) × (101.325 / p) [L/mol] (ideal
    gas). Default conditions: the data's reference conditions, 20 ℃ and 101.325 kPa (the
    standard sampling volume of GBZ 159-2004, to which GBZ 2.1-2019 refers [U]).

    Parameters
    ----------
    ppm : float
        Volume fraction [µmol/mol].
    molar_mass : float
        [g/mol].
    temperature_c, pressure_kpa : float, optional
        Reference temperature [℃] and pressure [kPa].
    """
    ref = _data()["reference_conditions"]
    t = float(ref["temperature_c"]) if temperature_c is None else temperature_c
    p = float(ref["pressure_kpa"]) if pressure_kpa is None else pressure_kpa
    if molar_mass <= 0 or p <= 0 or t <= -273.15:
        raise ValueError(f"molar mass {molar_mass}, {t} ℃, {p} kPa: not a physical gas state")
    vm = _MOLAR_VOLUME_STP * (t + 273.15) / 273.15 * 101.325 / p
    return ppm * molar_mass / vm
