"""The JSON examples of OGC 18-088 (SensorThings API Part 1: Sensing, v1.1) replayed against
the read view: each example of ``data/sta_18-088_examples.json`` (taken from the standard's
asciidoc source; source, licence and the few slips corrected are named in the file) is asked
of the test network, and the answer must have the example's keys (annotations, navigation
links, properties), links of the example's form relative to the service root, and values of
the example's types. Where the answer differs, the difference is listed in
:data:`DEVIATIONS` with its reason, and the test checks that the list is exactly what differs.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import DAY1, STATION

STA = "/api/v1/sta/v1.1"
BASE = f"http://testserver{STA}"
SPEC_ROOT = "http://example.org/v1.1"
DATA = json.loads((Path(__file__).parent / "data" / "sta_18-088_examples.json").read_text("utf-8"))
EXAMPLES: dict[str, dict[str, Any]] = {e["key"]: e for e in DATA["examples"]}
ENTITIES = ("Thing", "Location", "Datastream", "Sensor", "ObservedProperty", "Observation",
            "FeatureOfInterest")  # fmt: skip

#: 18-088 §8.2, each entity's "Properties of …" table: the properties of multiplicity
#: zero-to-one (or zero-to-many), which an answer may leave out or add beyond the example
OPTIONAL: dict[str, frozenset[str]] = {
    "Thing": frozenset({"properties"}),
    "Location": frozenset({"properties"}),
    "Datastream": frozenset({"properties", "observedArea", "phenomenonTime", "resultTime"}),
    "Sensor": frozenset({"properties"}),
    "ObservedProperty": frozenset({"properties"}),
    "Observation": frozenset({"resultQuality", "validTime", "parameters"}),
    "FeatureOfInterest": frozenset({"properties"}),
}

#: example → {"+key" (ours only) / "-key" (the example's only): reason}
DEVIATIONS: dict[str, dict[str, str]] = {
    "Datastream": {
        "+properties": "optional (zero-to-one): the site code, HJ 212 parameter code and period",
        "-observedArea": "optional (zero-to-one); a Datastream is one fixed site, its extent a "
        "point, not an envelope: the Thing's Location gives it",
        "-phenomenonTime": "optional (zero-to-one); the interval would read each series' store "
        "for every Datastream listed: ask Datastreams(<id>)/Observations?$top=1",
        "-resultTime": "optional (zero-to-one); as phenomenonTime",
    },
    "ObservedProperty": {
        "+properties": "optional (zero-to-one): the HJ 212-2017 code and the Chinese name",
    },
    "Observation": {
        "+parameters": "optional (zero-to-one): the raw value, HJ 212 data flag and QC flag",
    },
    "Expand": {
        "+Datastreams/Thing@iot.navigationLink": "§8.1: navigationLink is mandatory on every "
        "entity; the example abbreviates the inline Datastream",
        "+Datastreams/Sensor@iot.navigationLink": "as Thing@iot.navigationLink",
        "+Datastreams/ObservedProperty@iot.navigationLink": "as Thing@iot.navigationLink",
        "+Datastreams/Observations@iot.navigationLink": "as Thing@iot.navigationLink",
        "+Datastreams/properties": "optional, as in the Datastream example",
        "-Datastreams/observedArea": "optional, as in the Datastream example",
        "-Datastreams/phenomenonTime": "optional, as in the Datastream example",
        "-Datastreams/resultTime": "optional, as in the Datastream example",
    },
    "HistoricalLocations": {
        "-value/*": "a site's position is not versioned: no HistoricalLocation is recorded, "
        "Things(<id>)/HistoricalLocations is an empty collection (§8.2.3: zero-to-many)",
        "-@iot.nextLink": "an empty collection is complete: no next page (§9.3.3.6)",
    },
    "ServiceRoot": {
        "+value/HistoricalLocations": "§9.2.1 asks one element per entity set; the example's "
        "list leaves HistoricalLocations out",
        "-serverSettings/http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-"
        "mqtt/receive-updates": "the MQTT extension is not implemented (read-only view)",
        "-serverSettings/http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-"
        "via-mqtt/observations-creation": "the MQTT extension is not implemented",
    },
}

ISO_INSTANT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"


def _instant(v: object) -> bool:
    if not isinstance(v, str) or re.fullmatch(ISO_INSTANT, v) is None:
        return False
    datetime.fromisoformat(v.replace("Z", "+00:00"))
    return True


def _time_object(v: object) -> bool:
    """TM_Object (§8.2.7): an ISO 8601 instant or an interval of two instants."""
    return isinstance(v, str) and all(_instant(p) for p in v.split("/")) and v.count("/") <= 1


def _geojson(v: object) -> bool:
    """A GeoJSON geometry or Feature (RFC 7946), as encodingType application/geo+json says."""
    if not isinstance(v, dict):
        return False
    if v.get("type") == "Feature":
        return _geojson(v.get("geometry"))
    coords = v.get("coordinates")
    if v.get("type") == "Point":
        return isinstance(coords, list) and len(coords) in (2, 3)
    return v.get("type") in ("Polygon", "LineString", "MultiPoint", "MultiPolygon") and bool(coords)


def _form(link: str, root: str) -> str:
    """A link relative to its service root with each key written (…): the example's
    ``Things(1)/Locations`` and ours ``http://testserver/…/v1.1/Things(3)/Locations`` compare."""
    rel = link[len(root) + 1 :] if link.startswith(root + "/") else link
    return re.sub(r"\((\d+|'(?:[^']|'')*')\)", "(…)", rel)


def _type_ok(key: str, spec: Any, ours: Any) -> bool:
    """Our value has the example's type, as the property's data type in §8.2 reads."""
    if key == "unitOfMeasurement":
        return set(ours) == {"name", "symbol", "definition"} and all(
            isinstance(x, str) for x in ours.values()
        )
    if key in ("phenomenonTime", "resultTime", "validTime"):
        return _time_object(ours) and (_instant(ours) or key != "resultTime" or "/" in spec)
    if key in ("location", "feature", "observedArea"):
        return _geojson(ours)
    if key == "definition":
        return isinstance(ours, str) and re.match(r"^[a-z][a-z0-9+.-]*:", ours) is not None
    if key == "result":
        return isinstance(ours, (int, float))
    if key == "@iot.id":
        return isinstance(ours, (int, str))  # §8.1 Table 2: id is of type Any
    return type(ours) is type(spec)


def _diff(spec: dict[str, Any], ours: dict[str, Any], prefix: str = "") -> set[str]:
    return {f"+{prefix}{k}" for k in set(ours) - set(spec)} | {
        f"-{prefix}{k}" for k in set(spec) - set(ours)
    }


def _check_entity(spec: dict[str, Any], ours: dict[str, Any]) -> None:
    """Links of the example's form, values of the example's types, on the keys both have."""
    assert ours["@iot.selfLink"].startswith(BASE + "/")
    for k in set(spec) & set(ours):
        if k == "@iot.selfLink" or k.endswith("@iot.navigationLink"):
            assert _form(ours[k], BASE) == _form(spec[k], SPEC_ROOT), k
        elif isinstance(spec[k], list) and spec[k] and isinstance(spec[k][0], dict):
            continue  # an expanded collection: checked by the caller
        else:
            assert _type_ok(k, spec[k], ours[k]), (k, spec[k], ours[k])


@pytest.fixture(scope="module")
def ours(api) -> dict[str, str]:
    """Our entity for each example's ``(1)``: the 西溪 station, its hourly PM2.5 series, and
    that series' first hour."""
    r = api("province", f"{STA}/Things", **{"$filter": f"properties/code eq '{STATION}'"})
    tid = r.json()["value"][0]["@iot.id"]
    sid = api.ids[STATION]
    return {
        "Things": f"Things({tid})",
        "Locations": f"Locations({tid})",
        "Sensors": f"Sensors({tid})",
        "FeaturesOfInterest": f"FeaturesOfInterest({tid})",
        "Datastreams": f"Datastreams({sid})",
        "ObservedProperties": "ObservedProperties('a34004')",
        "Observations": f"Observations('{sid}-{int(DAY1.timestamp())}')",
    }


def _ask(api, ours: dict[str, str], request: str, **params: str) -> dict[str, Any]:
    path = re.sub(r"^(\w+)\(1\)", lambda m: ours[m.group(1)], request)
    r = api("province", f"{STA}/{path}" if path else STA, **params)
    assert r.status_code == 200, (path, r.text)
    return r.json()


def test_examples_file_names_its_source_and_licence():
    assert "OGC 18-088" in DATA["document"] and "Open Geospatial Consortium" in DATA["copyright"]
    assert "not been approved or adopted by the OGC" in DATA["modifications"]
    for e in DATA["examples"]:
        assert e["source"]["repo"] == "opengeospatial/sensorthings" and e["clause"]
    assert set(ENTITIES) | {"HistoricalLocations"} <= set(EXAMPLES)


def test_deviation_reasons_of_optional_properties_are_optional():
    """A property an entity answer adds or leaves out is one 18-088 makes optional."""
    for key in ENTITIES:
        for dev in DEVIATIONS.get(key, {}):
            assert dev[1:] in OPTIONAL[key], (key, dev)


@pytest.mark.parametrize("key", ENTITIES)
def test_entity_example_8_2(api, ours, key):
    """§8.2.1–8.2.8 Examples 1, 2, 4–8: GET <Set>(1) has the example's keys, link forms and
    value types, but for the listed deviations."""
    example = EXAMPLES[key]
    body = _ask(api, ours, example["request"])
    assert _diff(example["response"], body) == set(DEVIATIONS.get(key, {}))
    _check_entity(example["response"], body)


def test_historical_locations_example_8_2_3(api, ours):
    """§8.2.3 Example 3 (Things(1)/HistoricalLocations): a collection, empty here."""
    example = EXAMPLES["HistoricalLocations"]
    body = _ask(api, ours, example["request"])
    diff = _diff(example["response"], body)
    if not body["value"]:
        diff.add("-value/*")
    assert diff == set(DEVIATIONS["HistoricalLocations"])
    assert _ask(api, ours, "HistoricalLocations") == {"value": []}
    tid = ours["Things"]
    assert api("province", f"{STA}/{tid}/HistoricalLocations(1)").status_code == 404


def test_entity_set_example_9_2_2(api, ours):
    """§9.2.2 Example 11 (ObservedProperties, 84 counted, paged by 5): @iot.count before value,
    an @iot.nextLink of the form ObservedProperties?$top=n&$skip=n."""
    example = EXAMPLES["EntitySet"]["response"]
    shown = [v for v in example["value"] if v]
    body = _ask(api, ours, "ObservedProperties", **{"$count": "true", "$top": str(len(shown))})
    assert list(body) == ["@iot.count", "@iot.nextLink", "value"] and set(body) == set(example)
    assert list(body).index("@iot.count") < list(body).index("value")
    assert body["@iot.count"] == 3 and len(body["value"]) == len(shown)
    for spec, got in zip(shown, body["value"], strict=True):
        assert _diff(spec, got) == set(DEVIATIONS["ObservedProperty"])
        _check_entity(spec, got)
    ours_next, spec_next = urlsplit(body["@iot.nextLink"]), urlsplit(example["@iot.nextLink"])
    assert _form(body["@iot.nextLink"].split("?")[0], BASE) == _form(
        example["@iot.nextLink"].split("?")[0], SPEC_ROOT
    )
    spec_q, ours_q = parse_qs(spec_next.query), parse_qs(ours_next.query)
    assert set(spec_q) <= set(ours_q) and ours_q["$skip"] == ours_q["$top"] == ["2"]


def test_property_example_9_2_4(api, ours):
    """§9.2.4 Example 13 (Observations(1)/resultTime): {"resultTime": an ISO 8601 instant}."""
    example = EXAMPLES["Property"]
    body = _ask(api, ours, example["request"])
    assert set(body) == set(example["response"]) and _instant(body["resultTime"])


def test_association_link_example_9_2_7(api, ours):
    """§9.2.7 Example 16 (Datastreams(1)/Observations/$ref): value, each element only an
    @iot.selfLink of the form Observations(…)."""
    example = EXAMPLES["AssociationLink"]
    body = _ask(api, ours, example["request"], **{"$top": "2"})
    assert [set(v) for v in body["value"]] == [set(v) for v in example["response"]["value"]]
    for spec, got in zip(example["response"]["value"], body["value"], strict=True):
        assert _form(got["@iot.selfLink"], BASE) == _form(spec["@iot.selfLink"], SPEC_ROOT)
    assert set(body) - set(example["response"]) == {"@iot.nextLink"}  # 39 hours, 2 a page
    sensor = _ask(api, ours, "Datastreams(1)/Sensor/$ref")
    assert sensor == {"@iot.selfLink": f"{BASE}/{ours['Sensors']}"}
    r = api("province", f"{STA}/{ours['Things']}/name/$ref")
    assert r.status_code == 404 and "$ref follows a navigation property" in r.json()["detail"]


def test_expand_example_9_3_2_1(api, ours):
    """§9.3.2.1 Example 18 (Things?$expand=Datastreams): the Thing's keys with Datastreams
    inline and Datastreams@iot.count, each inline Datastream the example's keys."""
    example = EXAMPLES["Expand"]["response"]["value"][0]
    body = _ask(api, ours, "Things", **{"$expand": "Datastreams"})
    thing = next(t for t in body["value"] if t["@iot.selfLink"].endswith(ours["Things"]))
    diff = _diff(example, thing)
    assert thing["Datastreams@iot.count"] == len(thing["Datastreams"]) == 2  # hour and day
    for ds in thing["Datastreams"]:
        diff |= _diff(example["Datastreams"][0], ds, "Datastreams/")
        _check_entity(example["Datastreams"][0], ds)
    assert diff == set(DEVIATIONS["Expand"])
    _check_entity(example, thing)


def test_count_example_9_3_3_4(api, ours):
    """§9.3.3.4 Example 23 (Things?$count=true): @iot.count and value, the count the total."""
    example = EXAMPLES["Count"]["response"]
    body = _ask(api, ours, "Things", **{"$count": "true"})
    assert set(body) == set(example) and body["@iot.count"] == len(body["value"]) == 4


def test_next_link_example_9_3_3_6(api, ours):
    """§9.3.3.6 Example 25 (Things, a partial answer): value and an @iot.nextLink of the form
    Things?$top=n&$skip=n (the example's page of 100 asked as $top=2: the network has 4)."""
    example = EXAMPLES["NextLink"]["response"]
    body = _ask(api, ours, "Things", **{"$top": "2"})
    assert set(body) == set(example) and len(body["value"]) == 2
    link = body["@iot.nextLink"]
    assert _form(link.split("?")[0], BASE) == _form(
        example["@iot.nextLink"].split("?")[0], SPEC_ROOT
    )
    assert parse_qs(urlsplit(link).query) == {"$top": ["2"], "$skip": ["2"]}
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    last = api("province", urlsplit(link).path, **query).json()
    assert len(last["value"]) == 2 and "@iot.nextLink" not in last


def test_service_root_example_9_2_1(api, ours):
    """§9.2.1 Example 10 (no resource path): value of {name, url} and serverSettings'
    conformance, each of our classes one the example lists."""
    example = EXAMPLES["ServiceRoot"]["response"]
    body = _ask(api, ours, "")
    assert set(body) == set(example)
    assert all(set(v) == {"name", "url"} for v in body["value"])
    assert all(_form(v["url"], BASE) == v["name"] for v in body["value"])
    assert all(_form(v["url"], SPEC_ROOT) == v["name"] for v in example["value"])
    names = {v["name"] for v in body["value"]}
    diff = {f"+value/{n}" for n in names - {v["name"] for v in example["value"]}}
    diff |= {f"-value/{n}" for n in {v["name"] for v in example["value"]} - names}
    diff |= _diff(example["serverSettings"], body["serverSettings"], "serverSettings/")
    assert diff == set(DEVIATIONS["ServiceRoot"])
    assert set(body["serverSettings"]["conformance"]) <= set(
        example["serverSettings"]["conformance"]
    )
