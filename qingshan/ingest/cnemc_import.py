"""Loading parsed CNEMC files into the platform: sites, series, observations, latest values.

Stations are matched by code (``china_sites_*``), cities by name (``china_cities_*``) and water
sections by name; unknown Zhejiang stations are registered from a CNEMC station list
(``StationList-*.csv``: 监测点编码,监测点名称,城市,经度,纬度). Rows outside Zhejiang, or of
stations we cannot place, are skipped and counted, never guessed.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.config import get_settings
from qingshan.errors import describe_read_error, read_table_text
from qingshan.geo.counties import place
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.ingest.cnemc import Parsed, parse_air, parse_water, sniff
from qingshan.ingest.errors import BadRow, UnknownFormat
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import ensure_city_site, get_or_create_series, update_latest
from qingshan.timeseries.store import ObservationStore

_CITY_BY_SHORT_NAME = {REGIONS[c].name.removesuffix("市"): c for c in CITY_CODES}


@dataclass
class ImportReport:
    file: str
    kind: str
    rows_stored: int = 0
    sites_created: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason → rows
    bad: list[BadRow] = field(default_factory=list)


def read_station_list(path: Path) -> pd.DataFrame:
    """A CNEMC station list: code, name, city, longitude, latitude [degrees]."""
    try:
        df = pd.read_csv(
            io.StringIO(read_table_text(path, get_settings().max_file_bytes)), dtype=str
        )
    except (ValueError, OSError) as exc:  # empty, binary, not UTF-8/GBK, ragged
        reason, line = describe_read_error(exc)
        raise UnknownFormat(
            f"{path.name}: cannot read as CSV: {reason}", file=str(path), line=line
        ) from exc
    df.columns = ["code", "name", "city", "longitude", "latitude"][: len(df.columns)]
    return df.set_index("code")


def _station_site(session: Session, code: str, stations: pd.DataFrame | None) -> Site | str:
    site = session.scalar(select(Site).where(Site.code == code))
    if site is not None:
        return site
    if stations is None or code not in stations.index:
        return "station not registered (pass --stations StationList.csv)"
    rec = stations.loc[code]
    city = _CITY_BY_SHORT_NAME.get(str(rec["city"]).removesuffix("市"))
    if city is None:
        return "outside Zhejiang"
    lon = float(rec["longitude"]) if pd.notna(rec["longitude"]) else None
    lat = float(rec["latitude"]) if pd.notna(rec["latitude"]) else None
    site = Site(
        code=code,
        name=str(rec["name"]),
        kind=SiteKind.AIR_STATION,
        control_level=ControlLevel.NATIONAL,
        region_code=place(lon, lat, city),  # the county of its coordinates, else the city
        longitude=lon,
        latitude=lat,
        attrs={"source": "CNEMC station list"},
    )
    session.add(site)
    session.flush()
    return site


def _city_site(session: Session, name: str) -> Site | str:
    city = _CITY_BY_SHORT_NAME.get(name.removesuffix("市"))
    if city is None:
        return "outside Zhejiang"
    return ensure_city_site(session, f"CITY{city}", f"{REGIONS[city].name}（城市均值）",
                            SiteKind.CITY_AIR, city, {"source": "CNEMC china_cities"})  # fmt: skip


def _water_site(session: Session, name: str, province: str, basin: str) -> Site | str:
    site = session.scalar(
        select(Site).where(Site.kind == SiteKind.WATER_SECTION, Site.name == name)
    )
    if site is not None:
        return site
    if province != "浙江省":
        return "outside Zhejiang"
    site = Site(
        code=f"CNEMC-W-{name}",
        name=name,
        kind=SiteKind.WATER_SECTION,
        control_level=ControlLevel.NATIONAL,
        region_code="330000",
        attrs={"basin": basin, "source": "CNEMC surface-water table", "location": "city unknown"},
    )
    session.add(site)
    session.flush()
    return site


def import_file(
    session: Session,
    store: ObservationStore,
    path: Path,
    *,
    stations: pd.DataFrame | None = None,
    year: int | None = None,
) -> ImportReport:
    """Import one CNEMC file. Good rows are stored even when some rows are bad (reported in
    ``bad``); a bad row — a value that is not a number, a row cut off by a truncated file —
    stores nothing, so it never replaces a value stored before."""
    fmt = sniff(path)
    parsed: Parsed
    if fmt == "air":
        parsed = parse_air(path)
    else:
        parsed = parse_water(path, year=year or _year_from_name(path))
    report = ImportReport(file=path.name, kind=parsed.kind, bad=parsed.bad)
    rows = parsed.rows
    if rows.empty:
        return report
    sites: dict[str, Site | str] = {}
    before = set(session.scalars(select(Site.id)))
    for key, group in rows.groupby("site", sort=False):
        if parsed.kind == "sites":
            sites[key] = _station_site(session, key, stations)
        elif parsed.kind == "cities":
            sites[key] = _city_site(session, key)
        else:
            first = group.iloc[0]
            sites[key] = _water_site(session, key, first["province"], first["basin"])
    placed_sites = {k: s for k, s in sites.items() if isinstance(s, Site)}
    report.sites_created = sum(1 for s in placed_sites.values() if s.id not in before)
    placed = rows["site"].map(lambda k: k in placed_sites)
    for reason, n in rows.loc[~placed, "site"].map(sites).value_counts().items():
        report.skipped[reason] += int(n)
    rows = rows[placed]
    series_ids = {}
    for (site_key, code, unit), _ in rows.groupby(["site", "parameter", "unit"], sort=False):
        series_ids[(site_key, code)] = get_or_create_series(
            session, placed_sites[site_key], code, Period.HOUR, unit
        ).id
    obs = pd.DataFrame(
        {
            "series_id": [series_ids[k] for k in zip(rows["site"], rows["parameter"], strict=True)],
            "time": rows["time"].to_numpy(),
            "period": "hour",
            "value": rows["value"].to_numpy(),
            "raw_value": rows["value"].to_numpy(),
            "source": f"file:{path.name}",
        }
    )
    obs["time"] = pd.to_datetime(obs["time"], utc=True)
    stream = "water" if parsed.kind == "water" else "air"
    report.rows_stored = store.append(obs, stream)
    update_latest(session, obs)
    return report


def _year_from_name(path: Path) -> int:
    digits = "".join(ch for ch in path.stem if ch.isdigit())
    if len(digits) >= 4 and digits[:2] in ("19", "20"):
        return int(digits[:4])
    raise BadRow(
        f"{path.name}: the surface-water table has no year; pass --year", line=1, file=path.name
    )
