"""The enterprise list at the demo's size (issue #13, defect 1): 520 enterprises, one outlet above
its limit sorted past the 500th row. The page used to load the first 500 rows and filter 仅看超标
in the browser, so the KPI said one outlet exceeds while the filtered list showed 0 of 520; the
list is filtered, sorted and paged by the server, and the KPI comes from the same query."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry, Permit, PermitLimit
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform.app import create_app

HOUR = datetime(2026, 3, 1, 6, tzinfo=UTC)
N = 520
#: the one exceeding enterprise: the 511th row in the list's default order (region, name)
LATE = 510


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for i in range(N):
            # one county, names in list order: the default sort puts row i at position i
            ent = Enterprise(credit_code=f"91330100MA{i:07d}X", name=f"测试印染{i:04d}有限公司",
                             industry=Industry.DYEING, region_code="330105")  # fmt: skip
            s.add(ent)
            s.flush()
            permit = Permit(enterprise_id=ent.id, number=f"P{i:05d}", valid_from=date(2021, 1, 1),
                            valid_to=date(2030, 1, 1))  # fmt: skip
            s.add(permit)
            s.flush()
            site = Site(code=f"DYE{i:04d}-DW001", name="废水总排口", kind=SiteKind.WATER_OUTLET,
                        control_level=ControlLevel.ENTERPRISE, region_code="330105",
                        enterprise_id=ent.id)  # fmt: skip
            s.add(site)
            s.flush()
            series = get_or_create_series(s, site, "w01018", Period.HOUR, "mg/L")
            # COD 120 mg/L against the permit's 80 at the late row only, 40 everywhere else
            value = 120.0 if i == LATE else 40.0
            s.add(LatestValue(series_id=series.id, time=HOUR, value=value, qc_flag=0))
            s.add(PermitLimit(permit_id=permit.id, site_id=site.id, parameter_code="w01018",
                              limit=80.0, unit="mg/L", averaging="day", standard="排污许可证"))  # fmt: skip
        create_user(s, "zj", "province-pass", Role.PROVINCE, "330000")
    with TestClient(create_app(app_settings)) as c:
        r = c.post("/api/v1/auth/login", data={"username": "zj", "password": "province-pass"})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def test_the_kpi_and_the_exceeding_filter_agree_past_row_500(client):
    url = "/api/v1/archive/enterprises"
    first = client.get(url, params={"limit": 500}).json()
    assert first["total"] == N and len(first["items"]) == 500
    # the exceeding enterprise is not among the first 500 rows the page used to load …
    assert not any(e["exceeding_outlets"] for e in first["items"])
    # … yet the KPI counts it, and the filtered list finds it: one outlet, one enterprise
    assert first["summary"]["exceeding_outlets"] == 1
    only = client.get(url, params={"exceeding": "true", "limit": 50}).json()
    assert only["total"] == 1 and only["summary"]["exceeding_outlets"] == 1
    (ent,) = only["items"]
    assert ent["name"] == f"测试印染{LATE:04d}有限公司" and ent["exceeding_outlets"] == 1
    (outlet,) = ent["outlets"]
    assert outlet["code"] == f"DYE{LATE:04d}-DW001" and outlet["exceeding"] is True
    assert outlet["values"][0]["value"] == 120.0 and outlet["values"][0]["limit"] == 80.0
    # sorted by 超标 on the server, it leads the first page of 50
    top = client.get(url, params={"sort": "exceeding", "limit": 50}).json()
    assert top["items"][0]["id"] == ent["id"] and top["total"] == N
    # and paging reaches it at its place in the default order
    page = client.get(url, params={"limit": 50, "offset": 500}).json()
    assert [e["exceeding_outlets"] for e in page["items"]].index(1) == LATE - 500
    assert len(page["items"]) == N - 500
