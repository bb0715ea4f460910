"""The sealed-source register (放射源台账) and spent-source collection — pure rules.

A source is registered with its nuclide and its activity on a reference date (never without one:
decay needs it); its status is one of :class:`Status`. A disused source (废旧放射源) must be
returned to its producer (or exporter) or sent to a licensed storage facility — in Zhejiang the
provincial 城市放射性废物库 [U] — within 3 months (国务院令第449号, 2005, Art. 32 [U];
``data/qc.json`` spent.months). The collection rate (应收尽收率) is collected / disused, the
plan's main goal 3 (100 %, Zhejiang 2021 plan).
"""

from __future__ import annotations

import calendar
import enum
import math
from dataclasses import dataclass
from datetime import date

from qingshan.emergency.radiation.errors import RadiationError
from qingshan.emergency.radiation.gamma import qc_data
from qingshan.emergency.radiation.nuclides import normalise_nuclide

__all__ = [
    "FacilityKind",
    "SourceInput",
    "Status",
    "check_source",
    "collection_deadline",
    "collection_rate",
    "is_overdue",
]


class Status(enum.StrEnum):
    IN_USE = "in_use"  # 在用
    IN_STORAGE = "in_storage"  # 贮存
    MOBILE = "mobile"  # 移动使用 (γ radiography, well logging …)
    DISUSED = "disused"  # 废旧, awaiting collection
    COLLECTED = "collected"  # 已收贮 / 已返回


class FacilityKind(enum.StrEnum):
    RETURN_TO_PRODUCER = "return_to_producer"  # 返回生产单位 (or the original exporter)
    PROVINCIAL_STORAGE = "provincial_storage"  # 省城市放射性废物库


@dataclass(frozen=True)
class SourceInput:
    """A source as entered (API, page or demo). ``reference_date`` may not be None."""

    code: str
    nuclide: str
    a0_bq: float
    reference_date: date | None
    region_code: str
    status: str = Status.IN_USE
    use: str = ""
    licence_no: str = ""
    enterprise_id: int | None = None
    licence_expiry: date | None = None
    location: str = ""
    lon: float | None = None
    lat: float | None = None
    disused_on: date | None = None


def check_source(s: SourceInput, *, today: date) -> SourceInput:
    """``s`` with its nuclide normalised, or an error naming the first bad field: an unknown
    nuclide, an activity that is not a positive number, no reference date or one after
    ``today``, an unknown status, a county code that is not 6 digits, a position out of range,
    a disused source without the day it became disused."""
    if not s.code or len(s.code) > 32:
        raise RadiationError(f"code: must be 1–32 characters, got {s.code!r}", field="code")
    nuc = normalise_nuclide(s.nuclide)
    if not (isinstance(s.a0_bq, int | float) and math.isfinite(s.a0_bq) and s.a0_bq > 0):
        raise RadiationError(f"a0_bq: activity must be a positive number [Bq], got {s.a0_bq!r}",
                             field="a0_bq")  # fmt: skip
    if s.reference_date is None:
        raise RadiationError(
            "reference_date: an activity needs the date it was measured on (出厂活度日期); "
            "none given",
            field="reference_date",
        )
    if s.reference_date > today:
        raise RadiationError(f"reference_date: {s.reference_date} is after today ({today})",
                             field="reference_date")  # fmt: skip
    if s.status not in set(Status):
        raise RadiationError(f"status: unknown status {s.status!r}; known: {', '.join(Status)}",
                             field="status")  # fmt: skip
    if not (len(s.region_code) == 6 and s.region_code.isdigit()):
        raise RadiationError(f"region_code: must be 6 digits, got {s.region_code!r}",
                             field="region_code")  # fmt: skip
    if (s.lon is None) != (s.lat is None):
        raise RadiationError("lon/lat: give both or neither", field="lon")
    if (
        s.lon is not None
        and s.lat is not None
        and not (-180 <= s.lon <= 180 and -90 <= s.lat <= 90)
    ):
        raise RadiationError(f"lon/lat: out of range ({s.lon}, {s.lat})", field="lon")
    if s.status in (Status.DISUSED, Status.COLLECTED) and s.disused_on is None:
        raise RadiationError(f"disused_on: a {s.status} source needs the day it became disused",
                             field="disused_on")  # fmt: skip
    return SourceInput(**{**s.__dict__, "nuclide": nuc})


def collection_deadline(disused_on: date, months: int | None = None) -> date:
    """The day a source disused on ``disused_on`` must be collected by (``months`` calendar
    months later, the day clamped to the month's end; 449号令 Art. 32 [U])."""
    m = int(qc_data()["spent"]["months"]) if months is None else months
    y, mo = divmod(disused_on.month - 1 + m, 12)
    year, month = disused_on.year + y, mo + 1
    return date(year, month, min(disused_on.day, calendar.monthrange(year, month)[1]))


def is_overdue(disused_on: date | None, collected_on: date | None, today: date) -> bool:
    """Disused, not collected, and past the deadline."""
    if disused_on is None or collected_on is not None:
        return False
    return today > collection_deadline(disused_on)


def collection_rate(collected: int, disused: int) -> float | None:
    """应收尽收率 [%]: collected among disused sources; None when none became disused."""
    return None if disused == 0 else round(100.0 * collected / disused, 1)
