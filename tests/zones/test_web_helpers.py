"""The zones pages' input helpers (issue #20): typed coordinates to a GeoJSON site, an uploaded
site file, and a refused import's problems split for the page's table."""

from __future__ import annotations

import json

import pytest

from qingshan.zones.errors import LayerRejected, ZoneError
from qingshan.zones.geoio import read_site
from qingshan.zones.web import problems_of, site_from_text


def test_typed_coordinates_make_a_point_or_a_closed_polygon():
    assert site_from_text(" 120.25, 30.25 ") == {"type": "Point", "coordinates": [120.25, 30.25]}
    poly = site_from_text("120.0，30.2\n120.1 30.2;120.1, 30.3")  # full-width comma, space, ';'
    assert poly["coordinates"][0] == [[120.0, 30.2], [120.1, 30.2], [120.1, 30.3], [120.0, 30.2]]
    with pytest.raises(ZoneError, match="line 2 'abc'"):
        site_from_text("120.0, 30.2\nabc\n120.1, 30.3")
    with pytest.raises(ZoneError, match=r"2 point\(s\) make neither"):
        site_from_text("120.0, 30.2\n120.1, 30.3")
    two = site_from_text("120.0, 30.2\n120.1, 30.2\n120.1, 30.3\n\n121, 30\n121.1, 30\n121, 30.1")
    assert two["type"] == "MultiPolygon" and len(two["coordinates"]) == 2
    assert two["coordinates"][1][0][-1] == [121.0, 30.0]


def test_site_file_forms_and_errors():
    sq = {"type": "Polygon", "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30]]]}
    feat = {"type": "Feature", "properties": {}, "geometry": sq}
    assert read_site(json.dumps(sq).encode()) == sq
    assert read_site(json.dumps({"type": "FeatureCollection", "features": [feat]}).encode()) == sq
    with pytest.raises(ZoneError, match=r"exactly one feature is expected \(holds 2\)"):
        read_site(json.dumps({"type": "FeatureCollection", "features": [feat, feat]}).encode())
    with pytest.raises(ZoneError, match="not GeoJSON"):
        read_site(b"{oops")
    with pytest.raises(ZoneError, match="no Point, Polygon"):
        read_site(
            json.dumps({"type": "LineString", "coordinates": [[120, 30], [121, 30]]}).encode()
        )
    # CGCS2000 3-degree Gauss–Krüger CM 120E (EPSG:4549): (500000 m, 3320000 m) is ≈ 120° E, 30° N
    pt = {"type": "Point", "coordinates": [500000.0, 3320000.0],
          "crs": {"type": "name", "properties": {"name": "EPSG:4549"}}}  # fmt: skip
    lon, lat = read_site(json.dumps(pt).encode())["coordinates"]
    assert lon == pytest.approx(120.0, abs=1e-6) and lat == pytest.approx(29.99, abs=0.01)


def test_problems_split_for_the_table():
    exc = LayerRejected(["feature 2 (YQ-02): geometry: invalid: Self-intersection[120.125 30.375]",
                         "features: the file holds no feature"])  # fmt: skip
    rows = problems_of(exc)
    assert (rows[0].n, rows[0].code, rows[0].field) == ("2", "YQ-02", "geometry")
    assert rows[0].what == "invalid: Self-intersection[120.125 30.375]"
    assert (rows[1].n, rows[1].field, rows[1].what) == ("", "features", "the file holds no feature")
    one = problems_of(ZoneError("crs: unknown coordinate reference system 'X'", field="crs"))
    assert [(p.field, p.what) for p in one] == [("crs", "unknown coordinate reference system 'X'")]
