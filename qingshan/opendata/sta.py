"""A read-only OGC SensorThings API v1.1 view of the monitoring network (OGC 18-088,
SensorThings API Part 1: Sensing, version 1.1).

Mapping (§8 the sensing entities):

- ``Thing`` (§8.2.1), ``Location`` (§8.2.2), ``Sensor`` (§8.2.5) and ``FeatureOfInterest``
  (§8.2.8): one per monitoring site, ``@iot.id`` the site's id;
- ``Datastream`` (§8.2.4): one per series (site × parameter × period), ``@iot.id`` the
  series id, ``unitOfMeasurement`` {name, symbol, definition} by UCUM;
- ``ObservedProperty`` (§8.2.6): one per HJ 212-2017 Appendix B code, ``@iot.id`` the code;
- ``HistoricalLocation`` (§8.2.3): none (a site's position is not versioned); the set and
  the ``HistoricalLocations`` navigation of Things and Locations answer an empty collection;
- ``Observation`` (§8.2.7): one stored row, ``@iot.id`` ``"<series id>-<epoch seconds>"``,
  ``phenomenonTime`` the start of its period, ``resultTime`` when it was received.

Requests (§9): the service root (§9.2.1), entity sets (§9.2.2), an entity by id ``Things(1)``
(§9.2.3), a property ``Things(1)/name`` (§9.2.4), navigation ``Things(1)/Datastreams``,
``Datastreams(1)/Observations`` (§9.2.6), association links ``…/Observations/$ref``
(§9.2.7); query options (§9.3) ``$count``, ``$top``/``$skip``
with ``@iot.nextLink`` (§9.3.3.6 server-driven paging), ``$orderby``, ``$select``, ``$expand`` (one level, no nested options) and
``$filter`` (:mod:`.sta_filter`). Every entity is read within the caller's scope, as the rest of
the API reads (anonymous callers: public sites only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound
from qingshan.monitoring import service as monitoring
from qingshan.monitoring.models import Series, Site
from qingshan.monitoring.places import place_of
from qingshan.opendata.sta_filter import (
    Compare,
    Literal,
    Logical,
    Node,
    Not,
    Path,
    StaError,
    evaluate,
    parse_filter,
    time_bounds,
)
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

VERSION = "v1.1"
DEFAULT_TOP = 100
MAX_TOP = 1000
#: the earliest time an Observations read starts at when the filter does not bound it
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: and the latest it ends at (the platform's calendar ends in 2200: qingshan.api.limits)
LATEST = datetime(2200, 12, 31, tzinfo=UTC)
MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"
SUPPORTED_OPTIONS = ("$filter", "$top", "$skip", "$count", "$orderby", "$select", "$expand")
NOT_IMPLEMENTED_OPTIONS = ("$resultFormat", "$search", "$format", "$apply")


class NotImplementedOption(StaError):
    """A valid SensorThings request this read view does not implement (501)."""

    status_code = 501


#: entity set → navigation property → (target entity set, to-many)
NAVIGATION: dict[str, dict[str, tuple[str, bool]]] = {
    "Things": {
        "Locations": ("Locations", True),
        "HistoricalLocations": ("HistoricalLocations", True),
        "Datastreams": ("Datastreams", True),
    },
    "Locations": {
        "Things": ("Things", True),
        "HistoricalLocations": ("HistoricalLocations", True),
    },
    "HistoricalLocations": {"Thing": ("Things", False), "Locations": ("Locations", True)},
    "Datastreams": {
        "Thing": ("Things", False),
        "Sensor": ("Sensors", False),
        "ObservedProperty": ("ObservedProperties", False),
        "Observations": ("Observations", True),
    },
    "Sensors": {"Datastreams": ("Datastreams", True)},
    "ObservedProperties": {"Datastreams": ("Datastreams", True)},
    "Observations": {
        "Datastream": ("Datastreams", False),
        "FeatureOfInterest": ("FeaturesOfInterest", False),
    },
    "FeaturesOfInterest": {"Observations": ("Observations", True)},
}
ENTITY_SETS = tuple(NAVIGATION)
#: a site's position is not versioned, so no HistoricalLocation is recorded (§8.2.3: a Thing
#: has zero-to-many): the set and every Thing's and Location's navigation answer an empty
#: collection, which is the truth for a fixed monitoring site
EMPTY_SETS = ("HistoricalLocations",)

#: units as stored → UCUM (name, symbol, definition); UCUM: The Unified Code for Units of
#: Measure, https://ucum.org (the definition URIs SensorThings examples use)
UNITS: Mapping[str, tuple[str, str]] = {
    "µg/m³": ("microgram per cubic metre", "ug/m3"),
    "mg/m³": ("milligram per cubic metre", "mg/m3"),
    "mg/L": ("milligram per litre", "mg/L"),
    "℃": ("degree Celsius", "Cel"),
    "%": ("percent", "%"),
    "m³/s": ("cubic metre per second", "m3/s"),
    "L/s": ("litre per second", "L/s"),
    "无量纲": ("dimensionless", "1"),
}


def unit_of_measurement(unit: str) -> dict[str, str]:
    """SensorThings ``unitOfMeasurement`` (§8.2.4 Table 7: name, symbol, definition) of a unit
    as the store records it."""
    name, ucum = UNITS.get(unit, (unit, unit))
    return {
        "name": name,
        "symbol": unit,
        "definition": f"https://ucum.org/ucum#{quote(ucum, safe='')}",
    }


def _iso(t: datetime | pd.Timestamp | None) -> str | None:
    if t is None or pd.isna(t):
        return None
    ts = pd.Timestamp(t)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _key(entity_id: int | str) -> str:
    return f"'{entity_id}'" if isinstance(entity_id, str) else str(entity_id)


# --- the request --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    name: str
    id: int | str | None


_SEGMENT = re.compile(r"^(?P<name>[A-Za-z]+)(?:\((?P<id>\d+|'(?:[^']|'')*')\))?$")


def parse_path(path: str) -> list[Segment]:
    """``Things(1)/Datastreams`` → segments; an unknown name or a malformed id raises 400."""
    out = []
    for raw in [p for p in path.strip("/").split("/") if p]:
        m = _SEGMENT.match(raw)
        if m is None:
            raise NotFound(f"cannot read the resource path segment {raw!r}", segment=raw)
        ident = m.group("id")
        value: int | str | None = None
        if ident is not None:
            value = ident[1:-1].replace("''", "'") if ident.startswith("'") else int(ident)
        out.append(Segment(m.group("name"), value))
    return out


@dataclass
class Options:
    filter: Node | None = None
    top: int = DEFAULT_TOP
    skip: int = 0
    count: bool = False
    orderby: list[tuple[str, bool]] = field(default_factory=list)  # (property path, descending)
    select: list[str] | None = None
    expand: list[str] = field(default_factory=list)


def _int_option(name: str, raw: str) -> int:
    if not raw.isdigit():
        raise StaError(f"{name} must be a non-negative integer, got {raw!r}", option=name)
    return int(raw)


def parse_options(params: Mapping[str, str]) -> Options:
    """The query options of §9.3; an unknown ``$`` option is 400, a known one this view does
    not implement 501, each naming the option."""
    opts = Options()
    for name in params:
        if not name.startswith("$"):
            continue
        if name in NOT_IMPLEMENTED_OPTIONS:
            raise NotImplementedOption(f"query option {name} is not implemented", option=name)
        if name not in SUPPORTED_OPTIONS:
            raise StaError(
                f"unknown query option {name}; supported: {', '.join(SUPPORTED_OPTIONS)}",
                option=name,
            )
    if "$filter" in params:
        opts.filter = parse_filter(params["$filter"])
    if "$top" in params:
        opts.top = min(_int_option("$top", params["$top"]), MAX_TOP)
    if "$skip" in params:
        opts.skip = _int_option("$skip", params["$skip"])
    if "$count" in params:
        if params["$count"] not in ("true", "false"):
            raise StaError(f"$count must be true or false, got {params['$count']!r}")
        opts.count = params["$count"] == "true"
    if "$orderby" in params:
        for item in params["$orderby"].split(","):
            words = item.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
                raise StaError(f"$orderby: cannot read {item.strip()!r} (property [asc|desc])")
            opts.orderby.append((words[0], len(words) == 2 and words[1] == "desc"))
    if "$select" in params:
        opts.select = [s.strip() for s in params["$select"].split(",") if s.strip()]
    if "$expand" in params:
        for item in params["$expand"].split(","):
            item = item.strip()
            if "(" in item or "/" in item:
                raise NotImplementedOption(
                    f"$expand {item!r}: nested options and multi-level expansion are not "
                    "implemented (one level: $expand=Locations,Datastreams)",
                    option="$expand",
                )
            opts.expand.append(item)
    return opts


# --- the catalogue of one caller ------------------------------------------------------------------


class Catalog:
    """The entities the caller may read, built once per request from the monitoring service."""

    def __init__(self, session: Session, scope: Scope, store: ObservationStore, base: str):
        self.store = store
        self.base = base.rstrip("/")
        self.sites = {s.id: s for s in monitoring.get_sites(session, scope)}
        by_site = monitoring.get_series_of_sites(session, list(self.sites.values()))
        self.series: dict[int, Series] = {s.id: s for ss in by_site.values() for s in ss}
        self.series_of_site = {k: [s.id for s in v] for k, v in by_site.items()}
        self.names = monitoring.parameter_names(session)

    def link(self, entity_set: str, entity_id: int | str, nav: str | None = None) -> str:
        url = f"{self.base}/{entity_set}({_key(entity_id)})"
        return f"{url}/{nav}" if nav else url

    def _links(self, entity_set: str, entity_id: int | str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "@iot.id": entity_id,
            "@iot.selfLink": self.link(entity_set, entity_id),
        }
        for nav in NAVIGATION[entity_set]:
            out[f"{nav}@iot.navigationLink"] = self.link(entity_set, entity_id, nav)
        return out

    # entity representations (§8.2)
    def thing(self, s: Site) -> dict[str, Any]:
        place = place_of(s.region_code)
        return {
            **self._links("Things", s.id),
            "name": s.name,
            "description": f"{s.kind.value} {s.code}",
            "properties": {
                "code": s.code,
                "kind": s.kind.value,
                "control_level": s.control_level.value,
                "region_code": s.region_code,
                "city_name": place.city_name,
                "county_name": place.county_name,
                "approximate": monitoring.is_approximate(s),
            },
        }

    def _point(self, s: Site) -> dict[str, Any] | None:
        if s.longitude is None or s.latitude is None:
            return None
        return {"type": "Point", "coordinates": [s.longitude, s.latitude]}

    def location(self, s: Site) -> dict[str, Any]:
        return {
            **self._links("Locations", s.id),
            "name": s.name,
            "description": f"location of {s.code}"
            + (" (approximate)" if monitoring.is_approximate(s) else ""),
            "encodingType": "application/geo+json",
            "location": self._point(s),
        }

    def feature(self, s: Site) -> dict[str, Any]:
        return {
            **self._links("FeaturesOfInterest", s.id),
            "name": s.name,
            "description": f"the air or water sampled at {s.code}",
            "encodingType": "application/geo+json",
            "feature": self._point(s),
        }

    def sensor(self, s: Site) -> dict[str, Any]:
        return {
            **self._links("Sensors", s.id),
            "name": f"{s.code} analysers",
            "description": f"the automatic analysers of {s.name} ({s.kind.value})",
            "encodingType": "text/plain",
            "metadata": "HJ 212-2017 data logger" if s.enterprise_id else "automatic monitoring",
        }

    def observed_property(self, code: str) -> dict[str, Any]:
        name, name_en = self.names.get(code, (code, code))
        return {
            **self._links("ObservedProperties", code),
            "name": name_en or name,
            "definition": f"urn:hj212:2017:pollutant:{code}",
            "description": f"{name} (HJ 212-2017 Appendix B code {code})",
            "properties": {"code": code, "name_zh": name},
        }

    def datastream(self, s: Series) -> dict[str, Any]:
        site = self.sites[s.site_id]
        name, name_en = self.names.get(s.parameter_code, (s.parameter_code, s.parameter_code))
        return {
            **self._links("Datastreams", s.id),
            "name": f"{site.name} {name} ({s.period.value})",
            "description": f"{s.period.value} values of {name_en or name} at {site.code}",
            "observationType": MEASUREMENT,
            "unitOfMeasurement": unit_of_measurement(s.unit),
            "properties": {
                "site_code": site.code,
                "parameter_code": s.parameter_code,
                "period": s.period.value,
            },
        }

    def observation_frame(self, s: Series, node: Node | None) -> pd.DataFrame:
        """The stored rows of ``s`` within the time range ``node`` implies, oldest first."""
        lo, hi = time_bounds(node) if node is not None else (None, None)
        start = max(lo, EPOCH) if lo else EPOCH
        end = min(hi + timedelta(seconds=1), LATEST) if hi else utcnow() + timedelta(days=1)
        if end <= start:
            start, end = EPOCH, EPOCH + timedelta(seconds=1)
        return self.store.query(
            [s.id],
            start,
            end,
            period=s.period.value,
            columns=["value", "raw_value", "source_flag", "qc_flag", "received_at"],
        )

    def observation_entities(self, s: Series, frame: pd.DataFrame) -> list[dict[str, Any]]:
        out = []
        for r in frame.itertuples(index=False):
            oid = f"{s.id}-{int(pd.Timestamp(r.time).timestamp())}"
            out.append(
                {
                    **self._links("Observations", oid),
                    "phenomenonTime": _iso(r.time),
                    "resultTime": _iso(r.received_at),
                    "result": None if pd.isna(r.value) else float(r.value),
                    "parameters": {
                        "raw_value": None if pd.isna(r.raw_value) else float(r.raw_value),
                        "source_flag": None if pd.isna(r.source_flag) else r.source_flag,
                        "qc_flag": None if pd.isna(r.qc_flag) else int(r.qc_flag),
                    },
                }
            )
        return out

    def observations(self, s: Series, node: Node | None) -> list[dict[str, Any]]:
        return self.observation_entities(s, self.observation_frame(s, node))

    # collections and navigation
    def collection(self, entity_set: str, node: Node | None = None) -> list[dict[str, Any]]:
        sites = list(self.sites.values())
        if entity_set in EMPTY_SETS:
            return []
        if entity_set == "Things":
            return [self.thing(s) for s in sites]
        if entity_set == "Locations":
            return [self.location(s) for s in sites]
        if entity_set == "Sensors":
            return [self.sensor(s) for s in sites]
        if entity_set == "FeaturesOfInterest":
            return [self.feature(s) for s in sites]
        if entity_set == "Datastreams":
            return [self.datastream(s) for s in self.series.values()]
        if entity_set == "ObservedProperties":
            codes = sorted({s.parameter_code for s in self.series.values()})
            return [self.observed_property(c) for c in codes]
        raise NotImplementedOption(
            "the Observations of every Datastream at once are not served: ask "
            "Datastreams(<id>)/Observations (a Datastream's @iot.navigationLink)",
            entity_set=entity_set,
        )

    def entity(self, entity_set: str, entity_id: int | str) -> dict[str, Any]:
        def missing() -> NotFound:
            return NotFound(f"no {entity_set}({_key(entity_id)}) in your scope", id=entity_id)

        if entity_set in EMPTY_SETS:
            raise missing()
        if entity_set in ("Things", "Locations", "Sensors", "FeaturesOfInterest"):
            site = self.sites.get(entity_id) if isinstance(entity_id, int) else None
            if site is None:
                raise missing()
            build: Callable[[Site], dict[str, Any]] = {
                "Things": self.thing,
                "Locations": self.location,
                "Sensors": self.sensor,
                "FeaturesOfInterest": self.feature,
            }[entity_set]
            return build(site)
        if entity_set == "Datastreams":
            series = self.series.get(entity_id) if isinstance(entity_id, int) else None
            if series is None:
                raise missing()
            return self.datastream(series)
        if entity_set == "ObservedProperties":
            if not any(s.parameter_code == entity_id for s in self.series.values()):
                raise missing()
            return self.observed_property(str(entity_id))
        m = re.fullmatch(r"(\d+)-(\d+)", str(entity_id))
        series = self.series.get(int(m.group(1))) if m else None
        if m is None or series is None:
            raise missing()
        try:
            t = datetime.fromtimestamp(int(m.group(2)), UTC)
        except (OverflowError, ValueError, OSError):
            raise missing() from None
        rows = self.observations(series, parse_filter(f"phenomenonTime eq {_iso(t)}"))
        if not rows:
            raise missing()
        return rows[0]

    def related(
        self, entity_set: str, entity: Mapping[str, Any], nav: str, node: Node | None = None
    ) -> list[dict[str, Any]] | dict[str, Any] | None:
        if nav not in NAVIGATION[entity_set]:
            raise StaError(
                f"{entity_set} has no navigation property {nav!r}; it has: "
                f"{', '.join(NAVIGATION[entity_set])}",
                navigation=nav,
            )
        ident = entity["@iot.id"]
        if entity_set in ("Things", "Locations", "Sensors", "FeaturesOfInterest"):
            site = self.sites[ident]
            if nav in EMPTY_SETS:
                return []
            if nav == "Locations":
                return [self.location(site)] if self._point(site) else []
            if nav == "Things":
                return [self.thing(site)]
            if nav == "Datastreams":
                return [self.datastream(self.series[i]) for i in self.series_of_site[site.id]]
            raise NotImplementedOption(
                "the Observations of a FeatureOfInterest are read through its Datastreams "
                f"(Things({site.id})/Datastreams)",
                navigation=nav,
            )
        if entity_set == "ObservedProperties":
            return [self.datastream(s) for s in self.series.values() if s.parameter_code == ident]
        if entity_set == "Datastreams":
            series = self.series[ident]
            site = self.sites[series.site_id]
            if nav == "Thing":
                return self.thing(site)
            if nav == "Sensor":
                return self.sensor(site)
            if nav == "ObservedProperty":
                return self.observed_property(series.parameter_code)
            return self.observations(series, node)
        series = self.series[int(str(ident).split("-")[0])]
        if nav == "Datastream":
            return self.datastream(series)
        return self.feature(self.sites[series.site_id])


# --- answering a request ----------------------------------------------------------------------------


def _sort_key(path: str) -> Callable[[Mapping[str, Any]], tuple[bool, Any]]:
    parts = tuple(path.split("/"))

    def key(entity: Mapping[str, Any]) -> tuple[bool, Any]:
        node: Any = entity
        for i, p in enumerate(parts):
            node = (
                node.get("@iot.id" if p == "id" and i == len(parts) - 1 else p)
                if isinstance(node, Mapping)
                else None
            )
        return (node is None, node if node is not None else 0)

    return key


def _project(
    entity: dict[str, Any], entity_set: str, opts: Options, catalog: Catalog
) -> dict[str, Any]:
    out = dict(entity)
    for nav in opts.expand:
        if nav not in NAVIGATION[entity_set]:
            raise StaError(
                f"$expand: {entity_set} has no navigation property {nav!r}; it has: "
                f"{', '.join(NAVIGATION[entity_set])}",
                option="$expand",
            )
        related = catalog.related(entity_set, entity, nav)
        if isinstance(related, list):
            out[f"{nav}@iot.count"] = len(related)  # as 18-088 §9.3.2.1 Example 18 shows
        if isinstance(related, list) and len(related) > DEFAULT_TOP:
            out[f"{nav}@iot.nextLink"] = (
                f"{catalog.link(entity_set, entity['@iot.id'], nav)}?$skip={DEFAULT_TOP}"
            )
            related = related[:DEFAULT_TOP]
        out[nav] = related
        out.pop(f"{nav}@iot.navigationLink", None)
    if opts.select is not None:
        keep = {"@iot.id" if s == "id" else s for s in opts.select}
        keep |= {f"{s}@iot.navigationLink" for s in opts.select}
        keep |= set(opts.expand)
        out = {k: v for k, v in out.items() if k in keep}
    return out


def answer(
    catalog: Catalog, path: str, params: Mapping[str, str], request_url: str
) -> dict[str, Any]:
    """The JSON answer of a GET on ``path`` (below the service root) with ``params``; a path
    ending in ``/$ref`` (§9.2.7, an associationLink) answers the related entities' selfLinks."""
    if path.rstrip("/").endswith("/$ref"):
        kept = {k: v for k, v in params.items() if k not in ("$select", "$expand")}
        out = answer(catalog, path.rstrip("/")[: -len("/$ref")], kept, request_url)
        if "value" in out:
            return {**out, "value": [{"@iot.selfLink": v["@iot.selfLink"]} for v in out["value"]]}
        if "@iot.selfLink" not in out:
            raise NotFound("$ref follows a navigation property, e.g. Datastreams(1)/Sensor/$ref")
        return {"@iot.selfLink": out["@iot.selfLink"]}
    segments = parse_path(path)
    opts = parse_options(params)
    if not segments:
        return service_root(catalog.base)
    first = segments[0]
    if first.name not in ENTITY_SETS:
        raise NotFound(
            f"no entity set {first.name!r}; the service has: {', '.join(ENTITY_SETS)}",
            entity_set=first.name,
        )
    entity_set = first.name
    rows: list[dict[str, Any]] | None = None
    single: dict[str, Any] | None = None
    if first.id is not None:
        single = catalog.entity(entity_set, first.id)
    else:
        rows = catalog.collection(entity_set, opts.filter)
    for seg in segments[1:]:
        if single is None:
            raise NotFound(
                f"{seg.name!r} follows a collection: select one entity first, "
                f"e.g. {entity_set}(1)/{seg.name}",
                segment=seg.name,
            )
        target, _many = NAVIGATION[entity_set].get(seg.name, (None, False))
        if target is None and seg.id is None and seg.name in single and seg is segments[-1]:
            return {seg.name: single[seg.name]}  # §9.2.4: a property of an entity
        if target is None:
            raise NotFound(
                f"{entity_set} has no navigation property {seg.name!r}; it has: "
                f"{', '.join(NAVIGATION[entity_set])}",
                navigation=seg.name,
            )
        if (
            entity_set == "Datastreams"
            and seg.name == "Observations"
            and seg.id is None
            and seg is segments[-1]
            and _time_only(opts)
        ):
            return _observation_page(catalog, catalog.series[single["@iot.id"]], opts, params,
                                     request_url)  # fmt: skip
        related = catalog.related(entity_set, single, seg.name, opts.filter)
        entity_set = target
        if isinstance(related, list):
            if seg.id is not None:
                match = [r for r in related if r["@iot.id"] == seg.id]
                if not match:
                    raise NotFound(f"no {seg.name}({_key(seg.id)}) there", id=seg.id)
                single, rows = match[0], None
            else:
                single, rows = None, related
        else:
            if related is None:
                raise NotFound(f"no {seg.name} there")
            single, rows = related, None
    if single is not None:
        return _project(single, entity_set, opts, catalog)
    assert rows is not None
    if "Observations" in opts.expand and "Observations" in NAVIGATION[entity_set]:
        raise NotImplementedOption(
            f"$expand=Observations on a collection of {entity_set} reads every series' history: "
            f"expand it on one entity, e.g. {entity_set}(<id>)?$expand=Observations",
            option="$expand",
        )
    if opts.filter is not None:
        node = opts.filter
        rows = [r for r in rows if evaluate(node, r)]
    for prop, desc in reversed(opts.orderby):
        rows.sort(key=_sort_key(prop), reverse=desc)
    page = rows[opts.skip : opts.skip + opts.top]
    return _collection(page, len(rows), entity_set, opts, catalog, params, request_url)


def _collection(
    page: list[dict[str, Any]],
    total: int,
    entity_set: str,
    opts: Options,
    catalog: Catalog,
    params: Mapping[str, str],
    request_url: str,
) -> dict[str, Any]:
    """A collection's answer: ``@iot.count`` when asked (§9.3.3.4), ``@iot.nextLink`` when
    more remain (§9.3.3.6), the page's entities projected."""
    out: dict[str, Any] = {}
    if opts.count:
        out["@iot.count"] = total
    if opts.top > 0 and opts.skip + opts.top < total:
        query = dict(params)
        query["$skip"] = str(opts.skip + opts.top)
        query["$top"] = str(opts.top)
        out["@iot.nextLink"] = f"{request_url.split('?')[0]}?{urlencode(query, safe='$,()')}"
    out["value"] = [_project(r, entity_set, opts, catalog) for r in page]
    return out


def _time_only(opts: Options) -> bool:
    """Whether a Datastream's Observations can be paged on the stored frame before the
    entities are built: ordered by phenomenonTime only (or not at all), filtered on
    phenomenonTime only."""
    if any(prop != "phenomenonTime" for prop, _ in opts.orderby) or len(opts.orderby) > 1:
        return False
    stack = [opts.filter] if opts.filter is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, Logical):
            stack += [node.left, node.right]
        elif isinstance(node, Not):
            stack.append(node.operand)
        elif isinstance(node, Compare):
            paths = [n for n in (node.left, node.right) if isinstance(n, Path)]
            if [p.parts for p in paths] != [("phenomenonTime",)]:
                return False
            if not all(isinstance(n, (Path, Literal)) for n in (node.left, node.right)):
                return False
        else:
            return False
    return True


def _observation_page(
    catalog: Catalog, series: Series, opts: Options, params: Mapping[str, str], request_url: str
) -> dict[str, Any]:
    """A Datastream's Observations paged on the stored frame (the same answer as building
    every entity first, without building them: a year of hours is 8,760)."""
    frame = catalog.observation_frame(series, opts.filter)
    if opts.filter is not None and len(frame):
        node = opts.filter
        times = [_iso(t) for t in frame["time"]]
        keep = [bool(evaluate(node, {"phenomenonTime": t})) for t in times]
        frame = frame[keep]
    if opts.orderby and opts.orderby[0][1]:
        frame = frame.iloc[::-1]
    part = frame.iloc[opts.skip : opts.skip + opts.top]
    page = catalog.observation_entities(series, part)
    return _collection(page, len(frame), "Observations", opts, catalog, params, request_url)


def service_root(base: str) -> dict[str, Any]:
    """The service root (§9.2.1): each entity set's name and URL, and the server settings
    with the conformance classes this read view implements."""
    return {
        "value": [{"name": name, "url": f"{base}/{name}"} for name in ENTITY_SETS],
        "serverSettings": {
            "conformance": [
                "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
                "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
                "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
            ]
        },
    }


def handle(
    session: Session,
    scope: Scope,
    store: ObservationStore,
    base: str,
    path: str,
    params: Mapping[str, str],
    request_url: str,
) -> dict[str, Any]:
    """Answer a SensorThings GET for the caller of ``scope`` (the service function the route
    calls); errors are :class:`StaError` (400/501) or :class:`NotFound` (404)."""
    return answer(Catalog(session, scope, store, base), path, params, request_url)
