"""The SensorThings API v1.1 read view replaying the request/response examples of OGC 18-088
(SensorThings API Part 1: Sensing, v1.1) against the test network: the JSON shapes of the
entities (§8.2), resource paths (§9.2) and query options (§9.3), each test citing its clause.
Clause numbers as in 18-088's table of contents (mirrored by ITU-T Y.4473, whose §6/§7 are
OGC's §8/§9): 9.2.1 no resource path, 9.2.3 an entity, 9.2.4 a property, 9.2.6 a navigation
property, 9.3.2.1 $expand, 9.3.2.2 $select, 9.3.3.1–5 $orderby $top $skip $count $filter,
9.3.3.6 server-driven paging."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .conftest import DAY1, DAY2, OUTLET, SECTION, STATION, STATION_NB

STA = "/api/v1/sta/v1.1"
BASE = f"http://testserver{STA}"


def _thing_id(api, code: str, role: str = "province") -> int:
    r = api(role, f"{STA}/Things", **{"$filter": f"properties/code eq '{code}'"})
    [thing] = r.json()["value"]
    return thing["@iot.id"]


def _datastream(api, code: str, period: str = "hour") -> dict:
    tid = _thing_id(api, code)
    ds = api("province", f"{STA}/Things({tid})/Datastreams").json()["value"]
    return next(d for d in ds if d["properties"]["period"] == period)


def test_service_root_9_2_1(api):
    """§9.2.1 (no resource path): the service root lists each entity set's name and URL; v1.1 adds
    serverSettings with the conformance classes."""
    body = api("anonymous", STA).json()
    names = [v["name"] for v in body["value"]]
    assert names == ["Things", "Locations", "HistoricalLocations", "Datastreams", "Sensors",
                     "ObservedProperties", "Observations", "FeaturesOfInterest"]  # fmt: skip
    assert body["value"][0] == {"name": "Things", "url": f"{BASE}/Things"}
    assert any(c.endswith("/req/request-data") for c in body["serverSettings"]["conformance"])


def test_thing_entity_8_2_1_and_9_2_3(api):
    """§9.2.3 (address to an entity in a collection) example GET Things(1): @iot.id, @iot.selfLink, the navigation links, name,
    description, properties (§8.2.1 Table 2)."""
    tid = _thing_id(api, STATION)
    body = api("anonymous", f"{STA}/Things({tid})").json()
    assert body["@iot.id"] == tid
    assert body["@iot.selfLink"] == f"{BASE}/Things({tid})"
    assert body["Locations@iot.navigationLink"] == f"{BASE}/Things({tid})/Locations"
    assert body["Datastreams@iot.navigationLink"] == f"{BASE}/Things({tid})/Datastreams"
    assert body["name"] == "西溪" and body["properties"]["code"] == STATION
    assert body["properties"]["county_name"] == "西湖区"
    assert isinstance(body["description"], str)


def test_location_8_2_2(api):
    """§8.2.2 Table 3: a Location's encodingType and GeoJSON location (lon, lat)."""
    tid = _thing_id(api, STATION)
    [loc] = api("anonymous", f"{STA}/Things({tid})/Locations").json()["value"]
    assert loc["encodingType"] == "application/geo+json"
    assert loc["location"] == {"type": "Point", "coordinates": [120.063, 30.2747]}
    assert loc["Things@iot.navigationLink"] == f"{BASE}/Locations({loc['@iot.id']})/Things"


def test_datastream_8_2_4_unit_of_measurement(api):
    """§8.2.4 Table 7: unitOfMeasurement is a JSON object with name, symbol and definition;
    observationType OM_Measurement for numeric results."""
    ds = _datastream(api, STATION)
    assert ds["unitOfMeasurement"] == {
        "name": "microgram per cubic metre",
        "symbol": "µg/m³",
        "definition": "https://ucum.org/ucum#ug%2Fm3",
    }
    assert ds["observationType"].endswith("/OM_Measurement")
    for nav in ("Thing", "Sensor", "ObservedProperty", "Observations"):
        assert ds[f"{nav}@iot.navigationLink"] == f"{BASE}/Datastreams({ds['@iot.id']})/{nav}"
    prop = api("anonymous", ds["ObservedProperty@iot.navigationLink"]).json()
    assert prop["@iot.id"] == "a34004" and prop["definition"] == "urn:hj212:2017:pollutant:a34004"
    assert prop["@iot.selfLink"] == f"{BASE}/ObservedProperties('a34004')"
    sensor = api("anonymous", ds["Sensor@iot.navigationLink"]).json()
    assert {"name", "description", "encodingType", "metadata"} <= set(sensor)


def test_observations_of_a_datastream_9_2_6(api):
    """§9.2.6 (address to a navigation property) example Datastreams(1)/Observations; §8.2.7 Table 10: phenomenonTime, result,
    resultTime; an Observation by its id (§9.2.3) and its navigation links."""
    ds = _datastream(api, STATION)
    body = api("anonymous", ds["Observations@iot.navigationLink"]).json()
    assert len(body["value"]) == 39  # 24 + 15 hourly values
    first = body["value"][0]
    assert first["phenomenonTime"] == "2026-11-27T16:00:00Z" and first["result"] == 10.0
    assert first["resultTime"] is not None
    assert first["parameters"]["source_flag"] == "N"
    one = api("anonymous", first["@iot.selfLink"]).json()
    assert one == first
    assert (
        api("anonymous", first["Datastream@iot.navigationLink"]).json()["@iot.id"] == ds["@iot.id"]
    )
    foi = api("anonymous", first["FeatureOfInterest@iot.navigationLink"]).json()
    assert foi["feature"] == {"type": "Point", "coordinates": [120.063, 30.2747]}


def test_property_of_an_entity_9_2_4(api):
    """§9.2.4 (address to a property of an entity) example Things(1)/name → {"name": …}."""
    tid = _thing_id(api, STATION)
    assert api("anonymous", f"{STA}/Things({tid})/name").json() == {"name": "西溪"}


def test_expand_9_3_2_1(api):
    """§9.3.2.1 examples Things?$expand=Datastreams and Datastreams(1)?$expand=
    Observations,ObservedProperty: the related entities inline, one level."""
    tid = _thing_id(api, STATION)
    body = api("anonymous", f"{STA}/Things({tid})", **{"$expand": "Locations,Datastreams"}).json()
    assert [loc["location"]["type"] for loc in body["Locations"]] == ["Point"]
    assert {d["properties"]["period"] for d in body["Datastreams"]} == {"hour", "day"}
    assert "Datastreams@iot.navigationLink" not in body
    ds = _datastream(api, STATION)
    body = api("anonymous", ds["@iot.selfLink"],
               **{"$expand": "Observations,ObservedProperty"}).json()  # fmt: skip
    assert len(body["Observations"]) == 39 and body["ObservedProperty"]["@iot.id"] == "a34004"
    r = api("anonymous", f"{STA}/Things", **{"$expand": "Datastreams($top=1)"})
    assert r.status_code == 501 and "$expand" in r.json()["detail"]
    r = api("anonymous", f"{STA}/Datastreams", **{"$expand": "Observations"})
    assert r.status_code == 501 and "Datastreams(<id>)?$expand=Observations" in r.json()["detail"]
    r = api("anonymous", f"{STA}/Things", **{"$expand": "Observations"})
    assert r.status_code == 400 and "'Observations'" in r.json()["detail"]


def test_select_9_3_2_2(api):
    """§9.3.2.2 example Observations?$select=result,resultTime: only those properties."""
    ds = _datastream(api, STATION)
    body = api("anonymous", ds["Observations@iot.navigationLink"],
               **{"$select": "result,resultTime", "$top": "2"}).json()  # fmt: skip
    assert [set(v) for v in body["value"]] == [{"result", "resultTime"}] * 2
    body = api("anonymous", f"{STA}/Things", **{"$select": "id,name"}).json()
    assert set(body["value"][0]) == {"@iot.id", "name"}


def test_orderby_9_3_3_1(api):
    """§9.3.3.1 example Observations?$orderby=result; and phenomenonTime desc."""
    ds = _datastream(api, STATION)
    link = ds["Observations@iot.navigationLink"]
    body = api("anonymous", link, **{"$orderby": "result desc", "$top": "3"}).json()
    assert [v["result"] for v in body["value"]] == [50.0, 50.0, 50.0]
    body = api("anonymous", link, **{"$orderby": "phenomenonTime desc", "$top": "1"}).json()
    assert body["value"][0]["phenomenonTime"] == "2026-11-29T06:00:00Z"  # DAY2 hour 14
    r = api("anonymous", link, **{"$orderby": "result sideways"})
    assert r.status_code == 400 and "result sideways" in r.json()["detail"]


def test_top_skip_count_and_next_link_9_3_3_2_to_9_3_3_6(api):
    """§9.3.3.2 $top, §9.3.3.3 $skip, §9.3.3.4 $count=true → @iot.count (the count of the
    whole collection, ignoring $top/$skip), §9.3.3.6 server-driven paging: @iot.nextLink."""
    body = api("anonymous", f"{STA}/Things", **{"$top": "2", "$count": "true"}).json()
    assert body["@iot.count"] == 3 and len(body["value"]) == 2
    nxt = urlsplit(body["@iot.nextLink"])
    assert nxt.path == f"{STA}/Things"
    assert parse_qs(nxt.query) == {"$top": ["2"], "$count": ["true"], "$skip": ["2"]}
    last = api("anonymous", f"{STA}/Things", **parse_qs(nxt.query)).json()
    assert len(last["value"]) == 1 and "@iot.nextLink" not in last
    page = api("anonymous", f"{STA}/Things", **{"$skip": "10", "$count": "true"}).json()
    assert page == {"@iot.count": 3, "value": []}
    r = api("anonymous", f"{STA}/Things", **{"$top": "-1"})
    assert r.status_code == 400 and "$top" in r.json()["detail"]


def test_filter_9_3_3_5(api):
    """§9.3.3.5 examples Observations?$filter=result lt 10.00 and phenomenonTime comparisons;
    Things by name; 400 naming the token of a malformed filter."""
    ds = _datastream(api, STATION)
    link = ds["Observations@iot.navigationLink"]
    body = api("anonymous", link, **{"$filter": "result lt 12.00", "$count": "true"}).json()
    assert body["@iot.count"] == 2 and [v["result"] for v in body["value"]] == [10.0, 11.0]
    day2 = f"phenomenonTime ge {DAY2.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    assert api("anonymous", link, **{"$filter": day2, "$count": "true"}).json()["@iot.count"] == 15
    t = (DAY1 + (DAY2 - DAY1) / 2).strftime("%Y-%m-%dT%H:%M:%SZ")
    both = f"phenomenonTime lt {t} and (result eq 10 or result eq 33)"
    assert [v["result"] for v in api("anonymous", link, **{"$filter": both}).json()["value"]] == [
        10.0
    ]
    body = api("anonymous", f"{STA}/Things", **{"$filter": "name eq '姚江'"}).json()
    assert [v["properties"]["code"] for v in body["value"]] == [SECTION]
    r = api("anonymous", f"{STA}/Things", **{"$filter": "name eq '姚江"})
    assert r.status_code == 400 and "'姚江" in r.json()["detail"]
    assert r.json()["context"]["token"] == "'姚江"


def test_unsupported_options(api):
    r = api("anonymous", f"{STA}/Things", **{"$resultFormat": "dataArray"})
    assert r.status_code == 501 and "$resultFormat" in r.json()["detail"]
    r = api("anonymous", f"{STA}/Things", **{"$foo": "1"})
    assert r.status_code == 400 and "$foo" in r.json()["detail"]
    r = api("anonymous", f"{STA}/Robots")
    assert r.status_code == 404 and "Robots" in r.json()["detail"]
    # a resource path that does not address anything is 404, as an unknown entity set
    r = api("anonymous", f"{STA}/Things/Datastreams")
    assert r.status_code == 404 and "select one entity first" in r.json()["detail"]
    r = api("anonymous", f"{STA}/Things(x)")
    assert r.status_code == 404 and "'Things(x)'" in r.json()["detail"]
    r = api("anonymous", f"{STA}/Observations('1-99999999999999999999')")
    assert r.status_code == 404
    r = api("anonymous", f"{STA}/Things", **{"$filter": "id gt 2026-13-45T00:00:00Z"})
    assert r.status_code == 400 and "'2026-13-45T00:00:00Z'" in r.json()["detail"]
    r = api("anonymous", f"{STA}/Observations")
    assert r.status_code == 501 and "Datastreams(<id>)/Observations" in r.json()["detail"]


def test_scope_anonymous_never_sees_outlets(api):
    """Same scoping as the open API: anonymous callers read the public sites only; an
    outlet's Thing, Datastream and Observations are 404 as a missing one."""
    things = api("anonymous", f"{STA}/Things").json()["value"]
    assert {t["properties"]["code"] for t in things} == {STATION, STATION_NB, SECTION}
    ds = api("anonymous", f"{STA}/Datastreams", **{"$top": "1000"}).json()["value"]
    assert all(d["properties"]["site_code"] != OUTLET for d in ds)
    outlet = _thing_id(api, OUTLET)
    assert api("anonymous", f"{STA}/Things({outlet})").status_code == 404
    out_ds = api("province", f"{STA}/Things({outlet})/Datastreams").json()["value"][0]
    assert api("anonymous", out_ds["@iot.selfLink"]).status_code == 404
    assert api("anonymous", out_ds["Observations@iot.navigationLink"]).status_code == 404
    county = {t["properties"]["code"] for t in api("county", f"{STA}/Things").json()["value"]}
    assert county == {STATION, OUTLET}


def test_observation_pages_without_building_every_entity(api):
    """A Datastream's Observations filtered and ordered on phenomenonTime only are paged on
    the stored rows (the fast path); the answer equals the general path's, which a filter on
    ``result`` takes."""
    link = _datastream(api, STATION)["Observations@iot.navigationLink"]
    day2 = DAY2.strftime("%Y-%m-%dT%H:%M:%SZ")
    for time_filter, n in ((f"phenomenonTime gt {day2}", 14), (f"phenomenonTime ge {day2}", 15),
                           (f"not (phenomenonTime lt {day2})", 15)):  # fmt: skip
        opts = {"$orderby": "phenomenonTime desc", "$top": "4", "$skip": "2", "$count": "true"}
        fast = api("anonymous", link, **opts, **{"$filter": time_filter}).json()
        general = api("anonymous", link, **opts,
                      **{"$filter": f"{time_filter} and result ne -1"}).json()  # fmt: skip
        assert fast["@iot.count"] == general["@iot.count"] == n
        assert fast["value"] == general["value"]
        assert [v["phenomenonTime"] for v in fast["value"]][0] == "2026-11-29T04:00:00Z"
        assert parse_qs(urlsplit(fast["@iot.nextLink"]).query)["$skip"] == ["6"]
