"""Species occurrence records in a Darwin Core shape (pure; no database): the import layout, the
check of one record and the Darwin Core CSV export.

Terms are Darwin Core's (TDWG, https://dwc.tdwg.org/terms/, the term names exactly as the
standard writes them): occurrenceID, scientificName, vernacularName (Chinese), taxonRank,
kingdom, phylum, class, order, family, eventDate, decimalLatitude, decimalLongitude,
coordinateUncertaintyInMeters, recordedBy, basisOfRecord, individualCount; the survey area a
record belongs to is ``locationID`` (its code; ``surveyArea`` is accepted as a header too).
The export adds geodeticDatum (WGS84), countryCode (CN), stateProvince (浙江省), county and
locality (the survey area's name).

A record is refused without a place (both coordinates) or a date (eventDate; an ISO 8601 day,
or the first day of an interval ``2021-05-01/2021-05-03``), with coordinates outside Zhejiang
(in no county, :func:`qingshan.geo.counties.county_at` with a 5 km tolerance for the coast),
with a date in the future, a basisOfRecord outside Darwin Core's vocabulary, or a negative
count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qingshan.ecology.table import RowError
from qingshan.geo.counties import county_at
from qingshan.tablefile import cell_text, is_blank, parse_date, parse_number

__all__ = [
    "BASIS_OF_RECORD",
    "COLUMNS",
    "DWC_EXPORT_TERMS",
    "REQUIRED",
    "TAXON_RANKS",
    "Known",
    "check_record",
    "dwc_row",
]

#: Darwin Core term (the import's header) → the record's key, in template order
COLUMNS: dict[str, str] = {
    "occurrenceID": "occurrence_id", "scientificName": "scientific_name",
    "vernacularName": "vernacular_name", "taxonRank": "taxon_rank", "kingdom": "kingdom",
    "phylum": "phylum", "class": "class_name", "order": "order_name", "family": "family",
    "eventDate": "event_date", "decimalLatitude": "lat", "decimalLongitude": "lon",
    "coordinateUncertaintyInMeters": "coordinate_uncertainty_m", "recordedBy": "recorded_by",
    "basisOfRecord": "basis_of_record", "individualCount": "individual_count",
    "locationID": "survey_area",
}  # fmt: skip
#: other headers read as a column (Chinese headers bureaus use, and the brief's surveyArea)
ALIASES = {
    "surveyArea": "locationID", "surveyarea": "locationID", "调查区域": "locationID",
    "记录编号": "occurrenceID", "学名": "scientificName", "中文名": "vernacularName",
    "日期": "eventDate", "纬度": "decimalLatitude", "经度": "decimalLongitude",
    "记录人": "recordedBy", "数量": "individualCount",
}  # fmt: skip
REQUIRED = ("occurrence_id", "scientific_name", "event_date", "lat", "lon")
#: dwc:basisOfRecord's recommended vocabulary (Darwin Core, basisOfRecord)
BASIS_OF_RECORD = (
    "HumanObservation", "MachineObservation", "PreservedSpecimen", "LivingSpecimen",
    "FossilSpecimen", "MaterialSample", "MaterialEntity", "MaterialCitation", "Occurrence",
)  # fmt: skip
TAXON_RANKS = ("species", "subspecies", "variety", "form", "genus", "family")
#: the Darwin Core CSV's columns, in order
DWC_EXPORT_TERMS = (
    "occurrenceID", "basisOfRecord", "eventDate", "scientificName", "vernacularName",
    "taxonRank", "kingdom", "phylum", "class", "order", "family", "individualCount",
    "recordedBy", "decimalLatitude", "decimalLongitude", "geodeticDatum",
    "coordinateUncertaintyInMeters", "countryCode", "stateProvince", "county", "locationID",
    "locality", "occurrenceRemarks",
)  # fmt: skip
_LIMITS = {"occurrence_id": 100, "scientific_name": 200, "vernacular_name": 100,
           "kingdom": 64, "phylum": 64, "class_name": 64, "order_name": 64, "family": 64,
           "recorded_by": 200}  # fmt: skip
_INTERVAL = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T[\d:.+Z-]*)?(?:/.*)?$")
#: a coordinate lying no farther than this from a county's border is placed in it [km]
COAST_TOLERANCE_KM = 5.0


@dataclass(frozen=True)
class Known:
    """What the checks look up, handed in by the service: survey-area code → id of the areas
    the caller may write to, and today (CST; a later eventDate is refused)."""

    areas: Mapping[str, int] = field(default_factory=dict)
    today: date | None = None


def _text(cells: Mapping[str, Any], key: str) -> str:
    text = cell_text(cells.get(key))
    limit = _LIMITS.get(key)
    if limit is not None and len(text) > limit:
        raise RowError(key, f"{key} is longer than {limit} characters")
    return text


def _event_date(value: Any) -> date:
    text = cell_text(value)
    m = _INTERVAL.match(text)
    try:
        return parse_date(m.group(1) if m else value)
    except ValueError as exc:
        raise RowError("event_date", f"eventDate: {exc}") from None


def _number(cells: Mapping[str, Any], key: str, term: str) -> float | None:
    if is_blank(cells.get(key)):
        return None
    try:
        return parse_number(cells[key])
    except ValueError as exc:
        raise RowError(key, f"{term}: {exc}") from None


def check_record(cells: Mapping[str, Any], known: Known) -> dict[str, Any]:
    """The checked values of one record by key (:data:`COLUMNS`' values): raises
    :class:`RowError` naming the column of the first problem. A record without a place or
    a date is refused; so are coordinates outside Zhejiang."""
    for key, term in (("event_date", "eventDate"), ("lat", "decimalLatitude"),
                      ("lon", "decimalLongitude")):  # fmt: skip
        if is_blank(cells.get(key)):
            what = "a date" if key == "event_date" else "a place"
            raise RowError(key, f"{term} is required: a record without {what} is refused")
    for key in ("occurrence_id", "scientific_name"):
        if is_blank(cells.get(key)):
            raise RowError(key, f"{key} is required")
    lat, lon = _number(cells, "lat", "decimalLatitude"), _number(cells, "lon", "decimalLongitude")
    assert lat is not None and lon is not None
    if not -90 <= lat <= 90:
        raise RowError("lat", f"decimalLatitude {lat:g} is not a latitude in [-90, 90]")
    if not -180 <= lon <= 180:
        raise RowError("lon", f"decimalLongitude {lon:g} is not a longitude in [-180, 180]")
    county = county_at(lon, lat, tolerance_km=COAST_TOLERANCE_KM)
    if county is None:
        raise RowError("lon", f"({lon:g}, {lat:g}) lies outside Zhejiang (in no county)")
    day = _event_date(cells["event_date"])
    if known.today is not None and day > known.today:
        raise RowError("event_date", f"eventDate {day} is after today {known.today}")
    basis = _text(cells, "basis_of_record") or "HumanObservation"
    if basis not in BASIS_OF_RECORD:
        raise RowError("basis_of_record", f"basisOfRecord {basis!r} is not one of "
                       f"{', '.join(BASIS_OF_RECORD)}")  # fmt: skip
    rank = (_text(cells, "taxon_rank") or "species").lower()
    if rank not in TAXON_RANKS:
        raise RowError("taxon_rank", f"taxonRank {rank!r} is not one of {', '.join(TAXON_RANKS)}")
    count = _number(cells, "individual_count", "individualCount")
    if count is not None and (count < 0 or not count.is_integer()):
        raise RowError("individual_count", f"individualCount {count:g} is not a whole number ≥ 0")
    unc = _number(cells, "coordinate_uncertainty_m", "coordinateUncertaintyInMeters")
    if unc is not None and unc < 0:
        raise RowError("coordinate_uncertainty_m",
                       f"coordinateUncertaintyInMeters {unc:g} is negative")  # fmt: skip
    area_code = cell_text(cells.get("survey_area"))
    area_id = None
    if area_code:
        area_id = known.areas.get(area_code)
        if area_id is None:
            raise RowError("survey_area", f"no survey area {area_code!r} in your region")
    return {
        "occurrence_id": _text(cells, "occurrence_id"),
        "scientific_name": _text(cells, "scientific_name"),
        "vernacular_name": _text(cells, "vernacular_name"), "taxon_rank": rank,
        "kingdom": _text(cells, "kingdom"), "phylum": _text(cells, "phylum"),
        "class_name": _text(cells, "class_name"), "order_name": _text(cells, "order_name"),
        "family": _text(cells, "family"), "event_date": day, "lat": lat, "lon": lon,
        "coordinate_uncertainty_m": unc, "recorded_by": _text(cells, "recorded_by"),
        "basis_of_record": basis, "individual_count": None if count is None else int(count),
        "survey_area_id": area_id, "region_code": str(county),
    }  # fmt: skip


def dwc_row(r: Any, *, county: str, area_code: str, area_name: str,
            remarks: Sequence[str] = ()) -> list[Any]:  # fmt: skip
    """One record as a row of :data:`DWC_EXPORT_TERMS` (``r`` an occurrence with the model's
    attributes; ``county`` the county's name; ``remarks`` e.g. the list flags, synthetic)."""
    return [
        r.occurrence_id, r.basis_of_record, r.event_date.isoformat(), r.scientific_name,
        r.vernacular_name, r.taxon_rank, r.kingdom, r.phylum, r.class_name, r.order_name,
        r.family, r.individual_count, r.recorded_by, r.lat, r.lon, "WGS84",
        r.coordinate_uncertainty_m, "CN", "浙江省", county, area_code, area_name,
        "; ".join(remarks),
    ]  # fmt: skip
