"""Where a site lies, by its GB/T 2260 region code: city and county with their names."""

from __future__ import annotations

from qingshan.geo.regions import PROVINCE_CODE, REGIONS
from qingshan.monitoring.history_schemas import Place


def place_of(region_code: str) -> Place:
    """The city and county of ``region_code`` (a city-level code has no county; an unknown
    code keeps only itself)."""
    record = REGIONS.get(region_code)
    if record is None or region_code == PROVINCE_CODE:
        return Place(region_code=region_code, city_code=None, city_name=None, city_name_en=None)
    if record.parent_code == PROVINCE_CODE:
        return Place(
            region_code=region_code, city_code=record.code, city_name=record.name,
            city_name_en=record.name_en,
        )  # fmt: skip
    city = REGIONS[record.parent_code] if record.parent_code else record
    return Place(
        region_code=region_code, city_code=city.code, city_name=city.name,
        city_name_en=city.name_en, county_code=record.code, county_name=record.name,
        county_name_en=record.name_en,
    )  # fmt: skip
