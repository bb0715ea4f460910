"""City boundaries of Zhejiang (GeoJSON), decoded once from Apache ECharts 4.9.0.

See ``scripts/decode_echarts_geojson.py`` for how the file was made and
``data/LICENSE-echarts.txt`` for its licence (Apache-2.0) and notice.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CITY_BOUNDARIES_PATH = Path(__file__).with_name("data") / "zhejiang_cities.geojson"
"""The 11 cities as a GeoJSON FeatureCollection: lon/lat degrees (WGS-84), properties
``code`` (GB/T 2260), ``name``, ``name_en``, ``center``."""


@lru_cache(maxsize=1)
def read_city_boundaries_bytes() -> bytes:
    """The boundary file's bytes (UTF-8 JSON), read once per process."""
    return CITY_BOUNDARIES_PATH.read_bytes()


def read_city_boundaries() -> dict:
    """The boundaries as a parsed FeatureCollection (a fresh copy on every call)."""
    return json.loads(read_city_boundaries_bytes())
