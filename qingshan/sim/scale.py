"""Sizes of the demo province: ``small`` for tests, ``full`` for the demo."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Scale:
    """How big a demo province to build.

    Attributes
    ----------
    days : int
        Days of hourly values, ending at ``now`` [d].
    minute_days : int
        Days of outlet minute data (every ``minute_interval`` minutes) before ``now`` [d].
    minute_interval : int
        HJ 212 ``MinInterval`` of the outlets' minute data [min].
    air_per_city : int
        Synthetic provincial air stations per city (on top of the 53 national ones).
    water_per_city : int
        Synthetic provincial water sections per city (on top of the 47 national ones).
    drinking_per_city : int
        Drinking-water sources per city.
    enterprises : int
        Key polluting enterprises in the province.
    """

    name: str
    days: int
    minute_days: int
    minute_interval: int
    air_per_city: int
    water_per_city: int
    drinking_per_city: int
    enterprises: int


SCALES = MappingProxyType(
    {
        "small": Scale(
            "small",
            days=21,
            minute_days=1,
            minute_interval=10,
            air_per_city=1,
            water_per_city=2,
            drinking_per_city=1,
            enterprises=33,
        ),
        "full": Scale(
            "full",
            days=365,
            minute_days=3,
            minute_interval=10,
            air_per_city=6,
            water_per_city=11,
            drinking_per_city=3,
            enterprises=520,
        ),
    }
)


def get_scale(name: str) -> Scale:
    """The scale called ``name``; an unknown name lists the valid ones."""
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}; valid: {', '.join(SCALES)}") from None
