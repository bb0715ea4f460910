"""The implementation of the zero-direct-discharge parks' :class:`~qingshan.zones.parks_service.ParkOutlets`:
the outlets of the enterprises inside a park with their newest values against the permit limits,
through the archive's enterprise list (with the cases' open cases and QC's events per outlet);
zones imports neither."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.service import list_enterprises
from qingshan.cases.service import open_case_counts
from qingshan.qc.service import outlet_event_counts
from qingshan.timeutil import CST, utcnow
from qingshan.zones.parks_service import ParkOutlet, ParkOutlets

__all__ = ["PARK_OUTLETS", "park_outlets"]


def _counts(session: Session, site_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    return open_case_counts(session, site_ids), outlet_event_counts(session, site_ids)


def park_outlets(session: Session, scope: Scope, region_code: str,
                 enterprise_ids: Sequence[int]) -> list[ParkOutlet]:  # fmt: skip
    """The outlets of ``enterprise_ids`` (enterprises of region ``region_code``, the park's
    city) that ``scope`` sees, with their newest hour's values [their units] — the converted
    value where the archive gives one — and whether one is above its permit limit."""
    wanted = set(enterprise_ids)
    if not wanted:
        return []
    page = list_enterprises(session, scope, today=utcnow().astimezone(CST).date(),
                            region=region_code, limit=100_000, counts=_counts)  # fmt: skip
    out: list[ParkOutlet] = []
    for e in page.items:
        if e.id not in wanted:
            continue
        for o in e.outlets:
            out.append(ParkOutlet(
                enterprise_id=e.id, code=o.code, name=o.name, kind=o.kind,
                latest_time=o.latest_time, exceeding=o.exceeding,
                values=[(v.symbol or v.name, v.converted if v.converted is not None else v.value,
                         v.unit, v.exceeds) for v in o.values]))  # fmt: skip
    return out


PARK_OUTLETS: ParkOutlets = park_outlets
