"""The resources API and pages (issue #22, area resources), through the app: officers import
and read in their region, the nearest query answers ranked distances and says that road distance
is approximated by the straight line, an import with bad rows answers 422 listing them, the page
shows the map's configuration, the lists with their flags, and an empty state."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

PASSWORD = "resources-password"
API = "/api/v1/emergency/resources"
DEPOTS = """编号,名称,权属,权属单位,经度,纬度
HZ-XH-01,西湖区环境应急物资库,部门,西湖分局,120.13,30.26
HZ-XS-01,萧山区环境应急物资库,企业,某化工有限公司,120.27,30.18
""".encode()
MATERIALS = """物资库编号,类别,名称,规格型号,数量,单位,有效期至,储备方式
HZ-XH-01,污染物控制,围油栏,WGJ-900,200,m,2030-01-01,自储
HZ-XS-01,污染物降解,活性炭,,5,t,2020-01-01,协议储备
HZ-XS-01,安全防护,防毒面具,,30,个,,代储
""".encode()


def _login(c: TestClient, name: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_import_list_nearest_and_pages(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("hz", Role.CITY, "330100"), ("nb", Role.CITY, "330200"),
                                   ("xihu", Role.COUNTY, "330106")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    with TestClient(create_app(app_settings)) as c:
        _login(c, "nb")
        assert 'id="qs-emres-empty"' in c.get("/emergency/resources").text  # the empty state

        _login(c, "hz")
        r = c.post(f"{API}/import/depots", files={"file": ("depots.csv", DEPOTS, "text/csv")})
        assert r.status_code == 201 and r.json()["created"] == 2, r.text
        bad = MATERIALS.replace(b"200,m", b"-1,m")
        r = c.post(f"{API}/import/materials", files={"file": ("m.csv", bad, "text/csv")})
        assert r.status_code == 422
        assert r.json()["context"]["problems"] == [
            "row 2, column E (数量): quantity -1 is negative"
        ]
        r = c.post(f"{API}/import/materials", files={"file": ("m.csv", MATERIALS, "text/csv")})
        assert r.status_code == 201 and r.json()["created"] == 3

        near = c.get(f"{API}/nearest", params={"lon": 120.28, "lat": 30.17, "k": 2}).json()
        assert [d["code"] for d in near["depots"]] == ["HZ-XS-01", "HZ-XH-01"]
        assert near["depots"][0]["distance_km"] < near["depots"][1]["distance_km"]
        assert "straight-line" in near["note"] and near["distance"] == "great_circle"
        # 活性炭 expired in 2020: no depot holds usable 污染物降解 stock
        assert (
            c.get(
                f"{API}/nearest", params={"lon": 120.28, "lat": 30.17, "category": "degradation"}
            ).json()["depots"]
            == []
        )
        expired = c.get(f"{API}/materials", params={"status": "expired"}).json()
        assert [m["name"] for m in expired] == ["活性炭"]

        page = c.get("/emergency/resources")
        assert page.status_code == 200
        cfg = json.loads(re.search(r'id="qs-config">(.*?)</script>', page.text, re.S).group(1))
        assert {d["code"] for d in cfg["depots"]} == {"HZ-XH-01", "HZ-XS-01"}
        assert "qs-emres-flag qs-emres-expired" in page.text
        depot_id = next(d["id"] for d in cfg["depots"] if d["code"] == "HZ-XS-01")
        assert "活性炭" in c.get(f"/emergency/resources/depots/{depot_id}").text
        en = c.get("/emergency/resources?lang=en")  # every label has its English
        assert en.status_code == 200 and "Nearest resources" in en.text and "Expired" in en.text
        assert (
            "Every stock line of this depot"
            in c.get(f"/emergency/resources/depots/{depot_id}?lang=en").text
        )

        # the entry form: a team outside Zhejiang is refused with the field named; one inside saved
        team = {"code": "T-1", "name": "萧山危化品处置队", "size": "20", "specialities": "危险化学品处置",
                "lon": "121.47", "lat": "31.23"}  # fmt: skip
        r = c.post("/emergency/resources/new/teams", data=team, follow_redirects=False)
        assert (
            r.status_code == 422
            and "outside Zhejiang" in r.text
            and 'id="qs-emres-form-error"' in r.text
        )
        r = c.post("/emergency/resources/new/teams", data=team | {"lon": "120.27", "lat": "30.18"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        assert [t["region_code"] for t in c.get(f"{API}/teams").json()] == ["330109"]

        # a county officer of 西湖 sees its own depot only; Ningbo none; a visitor is refused
        _login(c, "xihu")
        assert [d["code"] for d in c.get(f"{API}/depots").json()] == ["HZ-XH-01"]
        assert c.get(f"{API}/depots/{depot_id}").status_code == 404
        _login(c, "nb")
        assert c.get(f"{API}/nearest", params={"lon": 120.28, "lat": 30.17}).json()["depots"] == []
        c.cookies.clear()  # anonymous: no reading
        assert c.get(f"{API}/depots").status_code == 401
