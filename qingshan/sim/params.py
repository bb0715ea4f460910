"""The parameters each stream carries: HJ 212-2017 codes, the unit of the series, value ranges.

Codes and names follow HJ 212-2017 Appendix B (:mod:`qingshan.standards.pollutant_codes`).
Ambient concentrations are kept in the units CNEMC publishes and HJ 633 indexes (µg/m³, CO
mg/m³), which differ from the Appendix B default (mg/m³): the unit lives on the series.
"""

from __future__ import annotations

from types import MappingProxyType

from qingshan.monitoring.models import STREAM_OF_KIND as _MONITORING_STREAMS

#: stream → tuple of (parameter code, series unit, decimals the value is rounded to)
STREAM_PARAMETERS: MappingProxyType[str, tuple[tuple[str, str, int], ...]] = MappingProxyType(
    {
        "air": (
            ("a34004", "µg/m³", 0),  # PM2.5
            ("a34002", "µg/m³", 0),  # PM10
            ("a21026", "µg/m³", 0),  # SO2
            ("a21004", "µg/m³", 0),  # NO2
            ("a21005", "mg/m³", 2),  # CO
            ("a05024", "µg/m³", 0),  # O3
        ),
        "water": (
            ("w01001", "无量纲", 2),  # pH
            ("w01009", "mg/L", 2),  # dissolved oxygen
            ("w01019", "mg/L", 2),  # CODMn
            ("w21003", "mg/L", 3),  # NH3-N
            ("w21011", "mg/L", 3),  # TP
            ("w01010", "℃", 1),  # water temperature
        ),
        "gas_outlet": (
            ("a21026", "mg/m³", 2),  # SO2, measured (实测)
            ("a21002", "mg/m³", 2),  # NOx as NO2, measured
            ("a34013", "mg/m³", 2),  # particulate matter (烟尘), measured
            ("a19001", "%", 2),  # O2
            ("a00000", "m³/s", 1),  # flue-gas flow
            ("a01012", "℃", 1),  # flue-gas temperature
        ),
        "water_outlet": (
            ("w01018", "mg/L", 2),  # COD
            ("w21003", "mg/L", 3),  # NH3-N
            ("w00000", "L/s", 2),  # wastewater flow
            ("w01001", "无量纲", 2),  # pH
        ),
    }
)

#: CNEMC type name (replay file) → HJ 212 code of the ambient parameter
CNEMC_TYPES = MappingProxyType(
    {
        "PM2.5": "a34004",
        "PM10": "a34002",
        "SO2": "a21026",
        "NO2": "a21004",
        "O3": "a05024",
        "CO": "a21005",
    }
)

#: stream of each site kind
STREAM_OF_KIND = MappingProxyType({str(k): v for k, v in _MONITORING_STREAMS.items()})


def parameter_codes() -> tuple[str, ...]:
    """Every parameter code the demo uses, sorted."""
    return tuple(sorted({c for rows in STREAM_PARAMETERS.values() for c, _, _ in rows}))
