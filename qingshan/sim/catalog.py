"""The demo's catalogue: sites, series, enterprises, permits and limits, as DataFrames.

Pure: a function of the scale and a random generator. Real national stations and sections come
first (:mod:`qingshan.sim.reference`), then synthetic provincial sites, drinking-water sources
and enterprises with their outlets. The ``gen`` column of :attr:`Catalogue.sites` carries the
generation parameters of each site (not written to the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from qingshan.sim import names
from qingshan.sim.cities import CITIES, City, city_by_name
from qingshan.sim.limits import INDUSTRY_OUTLETS, SOURCE_TYPES
from qingshan.sim.params import STREAM_OF_KIND, STREAM_PARAMETERS
from qingshan.sim.placement import (
    APPROXIMATE,
    EXACT,
    national_section_positions,
    region_of,
    scatter_in_city,
    unique_site_names,
    whole_city,
)
from qingshan.sim.reference import (
    REPLAY_FILE,
    read_national_air_stations,
    read_national_water_sections,
    read_replay_cube,
)
from qingshan.sim.rivers import link_rivers
from qingshan.sim.scale import Scale

#: Share of each industry among the key enterprises, and the cities it concentrates in.
INDUSTRY_MIX = {
    "thermal_power": (0.12, {"330200": 3, "330400": 2, "330900": 1.5, "331000": 1.5}),
    "cement": (0.10, {"330500": 3, "330700": 2, "330800": 2, "330100": 1.5}),
    "paper": (0.21, {"330100": 3, "330400": 2, "330800": 2, "330300": 1.5}),
    "dyeing": (0.32, {"330600": 5, "330100": 3, "330400": 2, "330200": 1.5}),
    "chemical": (0.25, {"330200": 3, "330600": 2.5, "331000": 2, "330800": 1.5}),
}

REPLAYED_FROM = (
    f"CNEMC national air station hourly data 2019-01-01..2019-09-30 CST ({REPLAY_FILE}), "
    "shifted to the demo year keeping month, day and hour; Oct/Nov/Dec from Apr/Mar/Jan 2019"
)


@dataclass(frozen=True)
class Catalogue:
    sites: pd.DataFrame
    series: pd.DataFrame
    enterprises: pd.DataFrame
    permits: pd.DataFrame
    limits: pd.DataFrame

    def series_of(self, stream: str, period: str = "hour") -> pd.DataFrame:
        s = self.series
        return s[(s["stream"] == stream) & (s["period"] == period)]


def _scatter(rng: np.random.Generator, city: City, scale: float = 1.0) -> tuple[float, float]:
    return scatter_in_city(rng, city, scale)


#: how far synthetic sections and drinking-water sources scatter around the middle of their
#: city (:func:`~qingshan.sim.placement.whole_city`), in units of the city's spread: rivers and
#: reservoirs run through the whole city, not only its urban core (pulled back inside the
#: city where the scatter lands beyond it)
WATER_SCATTER = 2.0

#: basins by river where the city's basin is wrong for it (the bureau's names): the Grand
#: Canal is reported as its own system (运河水系), 东苕溪 drains to 太湖, 飞云江 and 鳌江 are
#: systems of their own beside the 瓯江
RIVER_BASINS = {
    "京杭运河": "运河水系",
    "东苕溪": "太湖流域",
    "飞云江": "飞云江流域",
    "鳌江": "鳌江流域",
}


def _site(code, name, kind, level, region, lon, lat, attrs, gen, enterprise=None) -> dict:
    return dict(
        code=code,
        name=name,
        kind=kind,
        control_level=level,
        region_code=region,
        enterprise_code=enterprise,
        longitude=lon,
        latitude=lat,
        attrs=attrs,
        gen=gen,
    )


def air_sites(rng: np.random.Generator, scale: Scale) -> list[dict]:
    """National stations (real code, name, coordinates) and synthetic provincial stations."""
    codes, cube = read_replay_cube()
    has_data = dict(zip(codes, np.isfinite(cube[0]).any(axis=1), strict=True))
    rows = []
    for st in read_national_air_stations().itertuples():
        city = city_by_name(st.city)
        attrs = {"network": "国控城市站", "city": city.name, "placement": EXACT}
        lon, lat = st.longitude, st.latitude
        if pd.isna(lon):
            lon, lat = _scatter(rng, city, 0.1)
            attrs["coordinates"] = "estimated: missing in the CNEMC station list"
            attrs["placement"] = APPROXIMATE
        if has_data.get(st.code, False):
            attrs["replayed_from"] = REPLAYED_FROM
        else:
            attrs["values"] = "synthetic: CNEMC published no 2019 data for this station"
        rows.append(
            _site(
                st.code,
                st.name,
                "air_station",
                "national",
                region_of(float(lon), float(lat), city.code),
                float(lon),
                float(lat),
                attrs,
                {"city": city.code},
            )
        )
    for city in CITIES.values():
        for i in range(scale.air_per_city):
            lon, lat = _scatter(rng, city, 0.8)
            name = f"{names.place_name(rng)}{('站', '监测站', '子站')[rng.integers(3)]}"
            rows.append(
                _site(
                    f"Z{city.code}A{i + 1:02d}",
                    name,
                    "air_station",
                    "provincial",
                    region_of(lon, lat, city.code),
                    lon,
                    lat,
                    {"network": "省控站", "city": city.name},
                    {"city": city.code},
                )
            )
    return unique_site_names(rows)


def _target_from_observed(rng: np.random.Generator, observed: float) -> int:
    if pd.isna(observed) or observed <= 1:
        return 2
    if observed == 2:
        return int(rng.choice([2, 3]))
    return int(min(observed, 4))


def water_sites(rng: np.random.Generator, scale: Scale) -> list[dict]:
    """National sections (real names, basins; placed within their city), provincial sections
    and drinking-water sources, each with a target class (II, III or IV)."""
    rows = []
    national = read_national_water_sections()
    positions = national_section_positions(national)
    count: dict[str, int] = {}
    for sec, (lon, lat, location) in zip(national.itertuples(), positions, strict=True):
        city = city_by_name(sec.city)
        count[city.code] = count.get(city.code, 0) + 1
        target = _target_from_observed(rng, sec.observed_class)
        snapshot = {
            k: (None if pd.isna(v) else float(v))
            for k, v in dict(
                water_temp=sec.water_temp,
                ph=sec.ph,
                do=sec.do,
                codmn=sec.codmn,
                nh3n=sec.nh3n,
                tp=sec.tp,
            ).items()
        }
        quality = float(sec.observed_class) if not pd.isna(sec.observed_class) else target
        attrs = {
            "basin": sec.basin,
            "water_body": sec.water_body,
            "target_class": target,
            "network": "国家地表水自动监测站",
            "city": city.name,
            "location": location,
            "placement": APPROXIMATE,
        }
        gen = {
            "city": city.code,
            "quality": quality,
            "lake": sec.water_body == "lake",
            "snapshot": snapshot,
        }
        rows.append(
            _site(
                f"N{city.code}W{count[city.code]:02d}",
                sec.name,
                "water_section",
                "national",
                region_of(lon, lat, city.code),
                lon,
                lat,
                attrs,
                gen,
            )
        )
    basins = {
        "330100": "钱塘江流域",
        "330200": "甬江流域",
        "330300": "瓯江流域",
        "330400": "太湖流域",
        "330500": "太湖流域",
        "330600": "钱塘江流域",
        "330700": "钱塘江流域",
        "330800": "钱塘江流域",
        "330900": "浙东诸河",
        "331000": "椒江流域",
        "331100": "瓯江流域",
    }
    for city in CITIES.values():
        for i in range(scale.water_per_city):
            lake = rng.random() < 0.2
            name, body = names.section_name(rng, city.code, lake)
            target = int(rng.choice([2, 3, 4], p=[0.4, 0.48, 0.12]))
            failing = bool(rng.random() < 0.15)
            quality = min(target + 1.0, 5.0) if failing else target - rng.uniform(0.0, 0.8)
            lon, lat = _scatter(rng, whole_city(city), WATER_SCATTER)
            attrs = {
                "basin": RIVER_BASINS.get(body, basins[city.code]),
                "water_body": "lake" if lake else "river",
                "river": body,
                "target_class": target,
                "network": "省控断面",
                "city": city.name,
            }
            rows.append(
                _site(
                    f"Z{city.code}W{i + 1:02d}",
                    name,
                    "water_section",
                    "provincial",
                    region_of(lon, lat, city.code),
                    lon,
                    lat,
                    attrs,
                    {"city": city.code, "quality": quality, "lake": lake, "snapshot": {}},
                )
            )
        for i in range(scale.drinking_per_city):
            reservoir = rng.random() < 0.7
            body = names.place_name(rng) + ("水库" if reservoir else "江")
            lon, lat = _scatter(rng, whole_city(city), WATER_SCATTER)
            attrs = {
                "basin": basins[city.code],
                "water_body": "lake" if reservoir else "river",
                "target_class": 2,
                "network": "集中式饮用水水源地",
                "source_name": f"{body}饮用水水源保护区",
                "city": city.name,
            }
            rows.append(
                _site(
                    f"Z{city.code}D{i + 1:02d}",
                    f"{body}取水口",
                    "drinking_water_source",
                    "provincial",
                    region_of(lon, lat, city.code),
                    lon,
                    lat,
                    attrs,
                    {
                        "city": city.code,
                        "quality": rng.uniform(1.3, 2.0),
                        "lake": reservoir,
                        "snapshot": {},
                    },
                )
            )
    return unique_site_names(rows)


def _industries(rng: np.random.Generator, n: int) -> list[str]:
    keys = list(INDUSTRY_MIX)
    counts = np.floor(np.array([INDUSTRY_MIX[k][0] for k in keys]) * n).astype(int)
    counts[np.argmax(counts)] += n - counts.sum()
    out = [k for k, c in zip(keys, counts, strict=True) for _ in range(c)]
    return [out[i] for i in rng.permutation(n)]


def enterprise_rows(rng: np.random.Generator, scale: Scale, today: date):
    """Enterprises with outlets (sites), permits and permit limits."""
    enterprises, sites, permits, limits = [], [], [], []
    city_codes = list(CITIES)
    small = scale.enterprises <= 3 * len(city_codes)
    seen: set[str] = set()
    for i, industry in enumerate(_industries(rng, scale.enterprises)):
        if small:
            city = CITIES[city_codes[i % len(city_codes)]]
        else:
            w = np.array(
                [CITIES[c].weight * INDUSTRY_MIX[industry][1].get(c, 1.0) for c in city_codes]
            )
            city = CITIES[city_codes[rng.choice(len(city_codes), p=w / w.sum())]]
        name = names.enterprise_name(rng, city.name, industry)
        while name in seen:
            name = names.enterprise_name(rng, city.name, industry)
        seen.add(name)
        lon, lat = _scatter(rng, city, 1.0)
        county = region_of(lon, lat, city.code)
        credit = names.credit_code(rng, county)
        enterprises.append(
            dict(
                credit_code=credit,
                name=name,
                industry=industry,
                region_code=county,
                longitude=lon,
                latitude=lat,
            )
        )
        start = today - timedelta(days=int(rng.integers(30, 5 * 365)))
        number = names.permit_number(credit)
        permits.append(
            dict(
                credit_code=credit,
                number=number,
                valid_from=start,
                valid_to=start + timedelta(days=5 * 365 - 1),
            )
        )
        (gas_choices, (g0, g1)), (water_choices, (w0, w1)) = INDUSTRY_OUTLETS[industry]
        outlets = []
        for medium, choices, lo, hi in (
            ("gas", gas_choices, g0, g1),
            ("water", water_choices, w0, w1),
        ):
            for k in range(int(rng.integers(lo, hi + 1))):
                keys = [c for c, _ in choices]
                p = np.array([w for _, w in choices])
                outlets.append((medium, k, keys[rng.choice(len(keys), p=p / p.sum())]))
        for medium, k, st_key in outlets:
            st = SOURCE_TYPES[st_key]
            prefix = "DA" if medium == "gas" else "DW"
            code = f"{credit}-{prefix}{k + 1:03d}"
            kind = "gas_outlet" if medium == "gas" else "water_outlet"
            attrs: dict[str, str | float] = {
                "source_type": st_key,
                "source_name": st.name,
                "outlet_no": f"{prefix}{k + 1:03d}",
                "mn": f"{credit[2:8]}{i:08d}{prefix}{k + 1:03d}0",
            }
            if st.reference_o2 is not None:
                attrs["reference_o2"] = st.reference_o2
            sname = f"{name.removesuffix('有限公司')}{'废气' if medium == 'gas' else '废水'}排放口{k + 1}"
            olon = round(lon + rng.normal(0, 0.002), 5)
            olat = round(lat + rng.normal(0, 0.002), 5)
            if region_of(olon, olat, county) != county:  # a border between plant and stack
                olon, olat = lon, lat
            sites.append(
                _site(
                    code,
                    sname,
                    kind,
                    "enterprise",
                    county,
                    olon,
                    olat,
                    attrs,
                    {"city": city.code, "source_type": st_key},
                    enterprise=credit,
                )
            )
            for param, value in st.limits.items():
                unit = dict((c, u) for c, u, _ in STREAM_PARAMETERS[STREAM_OF_KIND[kind]])[param]
                limits.append(
                    dict(
                        number=number,
                        site_code=code,
                        parameter_code=param,
                        limit=value,
                        unit=unit,
                        averaging=st.averaging,
                        standard=st.standard,
                    )
                )
    return enterprises, sites, permits, limits


def series_rows(sites: pd.DataFrame) -> pd.DataFrame:
    """One hourly series per site and parameter, plus minute series for outlets."""
    rows = []
    for site in sites.itertuples():
        stream = STREAM_OF_KIND[site.kind]
        periods = ("hour", "min") if stream.endswith("outlet") else ("hour",)
        for period in periods:
            for code, unit, decimals in STREAM_PARAMETERS[stream]:
                rows.append(
                    dict(
                        site_code=site.code,
                        parameter_code=code,
                        period=period,
                        unit=unit,
                        stream=stream,
                        decimals=decimals,
                    )
                )
    out = pd.DataFrame(rows)
    out.index.name = "sidx"
    return out


def build_catalogue(scale: Scale, rng: np.random.Generator, today: date) -> Catalogue:
    """The whole catalogue for ``scale``; ``today`` [CST date] anchors permit validity."""
    air = air_sites(rng, scale)
    water = link_rivers(water_sites(rng, scale))
    enterprises, outlets, permits, limits = enterprise_rows(rng, scale, today)
    sites = pd.DataFrame(air + water + outlets).reset_index(drop=True)
    return Catalogue(
        sites=sites,
        series=series_rows(sites),
        enterprises=pd.DataFrame(enterprises),
        permits=pd.DataFrame(permits),
        limits=pd.DataFrame(limits),
    )
