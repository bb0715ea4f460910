"""The cases a vehicle's or an I/M station's page lists, read through the cases service
(:func:`qingshan.cases.service.subject_cases`) by the subject keys the screening reported them
under (:mod:`qingshan.vehicles.case_subjects`): a vehicle's are its plate's remote-sensing cases
and its VIN's OBD cases, a station's its fraud cases. Scoped like every case read: the viewer
sees the cases of its own region (a remote-sensing case belongs to the region of the site that
measured the plate, so a vehicle's page may list fewer cases than the vehicle has)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.cases import service as cases
from qingshan.vehicles.case_subjects import (
    CASE_SOURCE,
    plate_subject,
    station_subject,
    truck_subject,
)

__all__ = ["CASES_SHOWN", "STATE_COLORS", "vehicle_cases", "station_cases"]

#: cases a page lists (the newest)
CASES_SHOWN = 50
#: the state badges' colours, as the case list shows them
STATE_COLORS = cases.STATE_COLORS


def vehicle_cases(
    session: Session, scope: Scope, *, vin: str, plate: str
) -> list[cases.SubjectCase]:
    """The cases of a vehicle in ``scope``: its plate's remote-sensing and its VIN's OBD cases,
    newest first."""
    keys = [truck_subject(vin)] + ([plate_subject(plate)] if plate else [])
    return cases.subject_cases(session, scope, CASE_SOURCE, keys, limit=CASES_SHOWN)


def station_cases(session: Session, scope: Scope, station_code: str) -> list[cases.SubjectCase]:
    """The fraud cases of an I/M station in ``scope``, newest first."""
    keys = [station_subject(station_code)]
    return cases.subject_cases(session, scope, CASE_SOURCE, keys, limit=CASES_SHOWN)
