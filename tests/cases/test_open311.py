"""Open311 GeoReport v2 under /open311/v2, driven as a 311 client drives it, with the
specification's example requests (wiki.open311.org/GeoReport_v2): services, a service
definition, POST requests (form-encoded), GET requests by id and by query, JSON and XML, the
spec's error array, the optional api_key; public fields only. SQLite and PostgreSQL."""

# ruff: noqa: F811  (the fixtures of .sources_world are imported by name)
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from qingshan.cases import service
from qingshan.cases.complaint_models import CaseComplaint
from qingshan.cases.models import CaseFile, CaseRecord
from qingshan.db.engine import session_scope
from qingshan.timeutil import utcnow

from .sources_world import (  # noqa: F401  (fixtures)
    png_bytes,
    sources_client,
    sources_world,
    user,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
#: the specification's example POST body, verbatim (a San Francisco sinkhole)
SPEC_EXAMPLE = (
    "api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043"
    "&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111"
    "&account_id=123456&first_name=john&last_name=smith&phone=111111111"
    "&description=A+large+sinkhole+is+destroying+the+street"
    "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    "&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001"
)
#: the same request as a Zhejiang client sends it: a night-time noise complaint in 西湖区
ZJ_EXAMPLE = {
    "api_key": "xyz", "jurisdiction_id": "zj.gov.cn", "service_code": "noise",
    "lat": "30.25", "long": "120.10", "address_string": "杭州市西湖区转塘街道",
    "email": "smit333@sfgov.edu", "device_id": "tt222111", "account_id": "123456",
    "first_name": "john", "last_name": "smith", "phone": "111111111",
    "description": "A large sinkhole is destroying the street — 夜间工地噪声",
    "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    "attribute[PERIOD]": "night",
}  # fmt: skip
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
]  # fmt: skip


def _post(client, data: dict | str, fmt: str = "json"):
    body = data if isinstance(data, str) else urlencode(data, doseq=True)
    return client.post(f"/open311/v2/requests.{fmt}", content=body, headers=FORM)


def _xml(r) -> ET.Element:
    assert r.headers["content-type"] == "text/xml; charset=utf-8"
    assert r.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(r.content)


def test_service_list_is_the_categories_the_public_may_report(sources_client):
    r = sources_client.get("/open311/v2/services.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json; charset=utf-8"
    services = r.json()
    assert [s["service_code"] for s in services] == [
        "air_pollution", "water_pollution", "noise", "solid_waste", "soil", "ecology",
        "radiation", "other",
    ]  # fmt: skip
    assert services[2] == {
        "service_code": "noise", "service_name": "噪声",
        "description": "工业、建筑施工、社会生活噪声扰民。 Industrial, construction or neighbourhood noise.",
        "metadata": True, "type": "realtime", "keywords": "噪声,噪音,施工,夜间,noise,construction,night",
        "group": "环境污染 pollution",
    }  # fmt: skip
    root = _xml(sources_client.get("/open311/v2/services.xml?jurisdiction_id=zj.gov.cn"))
    assert root.tag == "services" and len(root) == 8
    assert [c.tag for c in root[0]] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]  # fmt: skip
    assert root[2].findtext("metadata") == "true" and root[2].findtext("type") == "realtime"


def test_service_definition_has_the_attributes(sources_client):
    d = sources_client.get("/open311/v2/services/noise.json").json()
    assert d["service_code"] == "noise"
    assert [(a["code"], a["datatype"], a["required"], a["order"]) for a in d["attributes"]] == [
        ("ENTERPRISE", "string", False, 1), ("OBSERVED", "datetime", False, 2),
        ("PERIOD", "singlevaluelist", True, 3),
    ]  # fmt: skip
    assert d["attributes"][2]["values"] == [
        {"key": "day", "name": "昼间 daytime 06:00–22:00"},
        {"key": "night", "name": "夜间 night 22:00–06:00"},
    ]
    root = _xml(sources_client.get("/open311/v2/services/air_pollution.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "air_pollution"
    kind = root.find("attributes")[2]
    assert kind.tag == "attribute" and kind.findtext("datatype") == "multivaluelist"
    assert [v.findtext("key") for v in kind.find("values")] == ["smoke", "odour", "dust", "burning"]
    for fmt in ("json", "xml"):
        r = sources_client.get(f"/open311/v2/services/001.{fmt}")
        assert r.status_code == 404
    assert r.text.endswith(
        "<errors><error><code>404</code><description>service_code '001' not found</description>"
        "</error></errors>"
    )


def test_the_spec_example_is_refused_naming_what_is_wrong(sources_client):
    r = _post(sources_client, SPEC_EXAMPLE)
    assert r.status_code == 404
    assert r.json() == [{"code": 404, "description": "service_code '001' not found"}]
    r = _post(sources_client, SPEC_EXAMPLE.replace("service_code=001", "service_code=noise"))
    assert r.status_code == 400
    assert r.json()[0]["description"].startswith("attribute[WHISDORN]: unknown attribute of noise")
    sf = SPEC_EXAMPLE.replace("service_code=001", "service_code=noise").split("&attribute")[0]
    r = _post(sources_client, sf + "&attribute[PERIOD]=night")
    assert r.status_code == 400 and r.json()[0]["description"] == (
        "location: the point (-122.42120, 37.76524) lies outside Zhejiang province (浙江省): "
        "place it within the province"
    )


def test_post_request_files_a_complaint_and_reads_it_back(engine, sources_client):
    r = _post(sources_client, ZJ_EXAMPLE)
    assert r.status_code == 200, r.text
    [created] = r.json()
    rid = created["service_request_id"]
    assert created == {
        "service_request_id": rid,
        "service_notice": "已受理，将交办责任单位办理。Received: it will be dispatched to the responsible unit.",
        "account_id": "123456",
    }
    assert "token" not in created
    with session_scope(engine) as s:
        c = s.scalars(select(CaseComplaint)).one()
        assert (c.tracking_no, c.channel, c.secret_hash, c.region_code) == (
            rid,
            "open311",
            None,
            "330106",
        )
        assert (c.contact_name, c.contact_phone, c.contact_email) == (
            "john smith",
            "111111111",
            "smit333@sfgov.edu",
        )
        assert c.media_url == ZJ_EXAMPLE["media_url"] and c.attributes == {"PERIOD": "night"}
        case = s.get_one(CaseRecord, c.case_id)
        assert (case.source, case.category, case.region_code) == ("complaint", "noise", "330106")
    got = sources_client.get(f"/open311/v2/requests/{rid}.json")
    assert got.status_code == 200
    [req] = got.json()
    assert list(req) == REQUEST_FIELDS
    assert {k: req[k] for k in ("status", "status_notes", "service_name", "service_code", "description",
                                "agency_responsible", "address", "address_id", "lat", "long", "media_url")} == {
        "status": "open", "status_notes": "已受理，待交办 Received, to be dispatched", "service_name": "噪声",
        "service_code": "noise", "description": None, "agency_responsible": None,
        "address": "浙江省杭州市西湖区", "address_id": "330106", "lat": 30.25, "long": 120.1, "media_url": None,
    }  # fmt: skip
    assert req["requested_datetime"].endswith("+08:00")
    assert "john" not in got.text and "sinkhole" not in got.text and "111111111" not in got.text
    root = _xml(sources_client.get(f"/open311/v2/requests/{rid.lower()}.xml"))
    assert root.tag == "service_requests" and root[0].tag == "request"
    assert [c.tag for c in root[0]] == REQUEST_FIELDS
    assert root[0].findtext("status") == "open" and root[0].findtext("description") == ""
    assert sources_client.get("/open311/v2/requests/JB20260101AAAAAA.json").json() == [
        {"code": 404, "description": "no service request 'JB20260101AAAAAA'"}
    ]


def test_get_requests_by_ids_code_dates_and_status(engine, sources_world, sources_client):
    ids = []
    for data in (ZJ_EXAMPLE,
                 ZJ_EXAMPLE | {"service_code": "solid_waste", "lat": "29.87", "long": "121.55",
                               "attribute[PERIOD]": ""},
                 {"service_code": "air_pollution", "address_id": "330108", "description": "滨江异味"}):  # fmt: skip
        r = _post(sources_client, {k: v for k, v in data.items() if v})
        assert r.status_code == 200, r.text
        ids.append(r.json()[0]["service_request_id"])
    noise, waste, air = ids
    with session_scope(engine) as s:  # the noise case is dispatched, rectified and accepted
        cid = s.scalars(
            select(CaseComplaint.case_id).where(CaseComplaint.tracking_no == noise)
        ).one()
        service.assign_case(s, user(s, "xihu"), cid)
        service.start_rectification(s, user(s, "xihu"), cid)
        service.submit_for_acceptance(s, user(s, "xihu"), cid, reason="夜间停工")
        service.sign_acceptance(s, user(s, "dept"), cid, "department")
        service.sign_acceptance(s, user(s, "gov"), cid, "government")

    def query(**params) -> list[str]:
        r = sources_client.get("/open311/v2/requests.json", params=params)
        assert r.status_code == 200, r.text
        return [x["service_request_id"] for x in r.json()]

    assert query() == [air, waste, noise]  # newest first, the last 90 days
    assert query(status="closed") == [noise] and query(status="open") == [air, waste]
    assert query(status="open,closed") == [air, waste, noise]
    assert query(service_code="noise,air_pollution") == [air, noise]
    # service_request_id overrides every other argument; unknown ids are left out
    assert query(service_request_id=f"{noise},{waste},JB20260101AAAAAA", status="open") == [
        waste,
        noise,
    ]
    # the spec's sample query: 2010 is before any request
    assert query(start_date="2010-05-24T00:00:00Z", end_date="2010-06-24T00:00:00Z", status="open",
                 jurisdiction_id="city.gov") == []  # fmt: skip
    now = utcnow()
    assert query(start_date=(now - timedelta(hours=1)).isoformat(),
                 end_date=(now + timedelta(hours=1)).isoformat()) == [air, waste, noise]  # fmt: skip
    [closed] = sources_client.get(f"/open311/v2/requests/{noise}.json").json()
    assert (closed["status"], closed["status_notes"], closed["agency_responsible"]) == (
        "closed", "验收通过 Accepted as rectified", "西湖区生态环境分局",
    )  # fmt: skip
    [b] = sources_client.get(f"/open311/v2/requests/{air}.json").json()
    assert (b["address"], b["address_id"], b["lat"]) == ("浙江省杭州市滨江区", "330108", None)
    root = _xml(sources_client.get("/open311/v2/requests.xml", params={"status": "closed"}))
    assert [r.findtext("service_request_id") for r in root] == [noise]


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"start_date": "2010-05-24T00:00:00Z", "end_date": "2010-09-24T00:00:00Z"},
         "the range may not span more than 90 days"),
        ({"start_date": "2010-05-24T00:00:00"}, "start_date '2010-05-24T00:00:00' needs a time zone (Z or ±hh:mm)"),
        ({"end_date": "yesterday"}, "end_date 'yesterday' is not a w3 date, e.g. 2010-01-01T00:00:00Z"),
        ({"start_date": "2010-06-24T00:00:00Z", "end_date": "2010-05-24T00:00:00Z"}, "start_date is after end_date"),
        ({"status": "pending"}, "status pending: use open or closed"),
        ({"service_code": "emission_exceedance"}, "unknown service_code emission_exceedance"),
    ],
)  # fmt: skip
def test_bad_queries_answer_the_error_array(sources_client, params, description):
    for fmt in ("json", "xml"):
        r = sources_client.get(f"/open311/v2/requests.{fmt}", params=params)
        assert r.status_code == 400
        if fmt == "json":
            assert r.json() == [{"code": 400, "description": description}]
        else:
            err = _xml(r)[0]
            assert (err.tag, err.findtext("code"), err.findtext("description")) == (
                "error",
                "400",
                description,
            )


@pytest.mark.parametrize(
    ("data", "status", "description"),
    [
        ({"lat": "30.25", "description": "x"}, 400, "lat and long both need to be sent"),
        ({"description": "x"}, 400, "a location is required: lat and long, address_string or address_id"),
        ({"address_string": "1234 5th street"}, 400,
         "address_string names no city or county of Zhejiang: send lat and long, or address_id (a GB/T 2260 region code)"),
        ({"address_id": "545483"}, 400, "region_code: region code '545483' is outside Zhejiang: Qingshan covers 330000 (浙江省) only"),
        ({"address_id": "A1"}, 400, "address_id 'A1': a GB/T 2260 region code of Zhejiang"),
        ({"address_id": "330106", "attribute[KIND][]": ["smoke", "fog"]}, 400,
         "attribute[KIND]: ['fog'] not among burning, dust, odour, smoke"),
        ({"address_id": "330106", "media_url": "javascript:alert(1)"}, 400,
         "media_url: an http(s) URL of at most 1000 characters"),
        ({"service_code": "", "address_id": "330106"}, 400, "service_code was not provided"),
    ],
)  # fmt: skip
def test_bad_requests_are_refused_and_nothing_is_stored(
    engine, sources_client, data, status, description
):
    r = _post(sources_client, {"service_code": "air_pollution"} | data, fmt="json")
    assert (r.status_code, r.json()) == (status, [{"code": status, "description": description}])
    with session_scope(engine) as s:
        assert s.scalars(select(CaseRecord)).all() == []


def test_a_multivalue_attribute_and_a_media_file(engine, sources_client):
    r = sources_client.post(
        "/open311/v2/requests.json",
        data={"service_code": "air_pollution", "address_string": "宁波市海曙区某工业园",
              "attribute[KIND][]": ["smoke", "odour"], "description": "黑烟"},
        files={"media": ("smoke.png", png_bytes(), "image/png")},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    with session_scope(engine) as s:
        c = s.scalars(select(CaseComplaint)).one()
        assert (c.region_code, c.place, c.attributes) == (
            "330203", "宁波市海曙区某工业园", {"KIND": ["smoke", "odour"]},
        )  # fmt: skip
        assert s.get_one(CaseFile, c.file_ids[0]).media_type == "image/png"


def test_the_api_key_when_keys_are_set(sources_world, app_settings):
    from qingshan.platform.app import create_app

    settings = app_settings.model_copy(update={"open311_api_keys": "k-one, k-two"})
    with TestClient(create_app(settings)) as client:
        for key in (None, "xyz"):
            data = ZJ_EXAMPLE | ({"api_key": key} if key else {})
            if key is None:
                data.pop("api_key")
            r = _post(client, data, fmt="xml")
            assert r.status_code == 403
            err = _xml(r)[0]
            assert (err.findtext("code"), err.findtext("description")) == (
                "403", "Invalid api_key received -- can't proceed with create_request.",
            )  # fmt: skip
        assert _post(client, ZJ_EXAMPLE | {"api_key": "k-two"}).status_code == 200
        assert client.get("/open311/v2/services.json").status_code == 200  # reading needs no key


def test_requests_are_rate_limited_per_address(sources_world, app_settings):
    from qingshan.platform.app import create_app

    settings = app_settings.model_copy(update={"complaint_rate_per_address": "2/hour"})
    with TestClient(create_app(settings)) as client:
        assert _post(client, ZJ_EXAMPLE).status_code == 200
        assert (
            client.post("/complaints/new", data={"category": "noise"}).status_code == 422
        )  # not counted
        assert _post(client, ZJ_EXAMPLE).status_code == 200
        r = _post(client, ZJ_EXAMPLE)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert r.json()[0]["code"] == 429
        assert r.json()[0]["description"].startswith("too many complaints from this address")


def test_other_paths_under_open311_answer_the_error_array(sources_client):
    r = sources_client.get("/open311/v2/requests.csv")
    assert (r.status_code, r.json()) == (
        400,
        [{"code": 400, "description": "format 'csv' is not served: use .json or .xml"}],
    )
    r = sources_client.get("/open311/v2/tokens/12345.json")
    assert r.status_code == 404 and "realtime" in r.json()[0]["description"]
    r = sources_client.get("/open311/v3/services.xml")
    assert r.status_code == 404 and _xml(r)[0].findtext("code") == "404"
    d = sources_client.get("/open311/discovery.json").json()
    assert d["endpoints"] == [{
        "specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://testserver/open311/v2",
        "changeset": "2026-12-09 00:00", "type": "production", "formats": ["text/xml", "application/json"],
    }]  # fmt: skip
    root = _xml(sources_client.get("/open311/discovery.xml"))
    assert [f.text for f in root.find("endpoints")[0].find("formats")] == [
        "text/xml",
        "application/json",
    ]
