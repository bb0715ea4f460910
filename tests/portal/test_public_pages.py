"""The public portal (/public, /public/open-data; issue #23) through the real app, without
login: every section present, the numbers equal the services that publish them (the map's air
layer, the water layer, the city air history, the ranking), the caching headers and the 304,
the rate limit (429 with Retry-After)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from e2e.seed import STATIONS, seed_air_stations, seed_water_sections
from fastapi.testclient import TestClient

from qingshan.accounts.scope import PUBLIC_SCOPE
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring import layers
from qingshan.monitoring.layers import LayerCache
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series, update_latest
from qingshan.platform.app import create_app
from qingshan.portal.public import service
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_cst, utcnow

SECTIONS = ("pp-air", "pp-water", "pp-ranking", "pp-opendata", "pp-complaint", "pp-spot")


@pytest.fixture
def seeded(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        seed_air_stations(s)
        seed_water_sections(s)
    service.CACHE.clear()
    layers.CACHE.clear()
    return engine


@pytest.fixture
def client(seeded, app_settings):
    with TestClient(create_app(app_settings)) as c:
        yield c


def test_home_has_every_section_and_the_maps_numbers(client, seeded, app_settings):
    r = client.get("/public")
    assert r.status_code == 200, r.text
    html = r.text
    for section in SECTIONS:
        assert f'id="{section}"' in html, section
    for link in ("/complaints/new", "/complaints/track", "/spot-checks/public", "/map",
                 "/ranking", "/public/open-data", "/api/v1/docs"):  # fmt: skip
        assert f'href="{link}' in html, link
    # the map's layer (the same call its API answers) gives the per-level counts and each
    # city's best and worst station AQI shown here
    with session_scope(seeded) as s:
        store = ObservationStore(app_settings.observations_dir)
        layer = layers.air_layer(s, store, PUBLIC_SCOPE, "latest")
    with_aqi = [st for st in layer.stations if st.aqi is not None]
    assert len(with_aqi) >= 5  # the seed: one station per AQI level
    for level in range(1, 7):
        n = sum(1 for st in with_aqi if st.level == level)
        assert f'data-level="{level}" data-count="{n}"' in html
    by_city: dict[str, list[int]] = {}
    for st in with_aqi:
        by_city.setdefault(st.city_code, []).append(st.aqi)
    for city, values in by_city.items():
        row = re.search(rf'data-city="{city}"[^>]*>', html)
        assert row, city
        assert f'data-aqi-min="{min(values)}" data-aqi-max="{max(values)}"' in row.group(0)
    # the water layer's class counts
    with session_scope(seeded) as s:
        water = layers.water_layer(s, store, PUBLIC_SCOPE, "latest")
    for k, n in water.summary.by_class.items():
        assert f'data-class="{k}" data-count="{n}"' in html
    assert water.summary.assessed > 0


def test_cache_headers_and_not_modified(client):
    r = client.get("/public")
    assert r.headers["cache-control"] == "public, max-age=60"
    etag = r.headers["etag"]
    assert etag.startswith('W/"')
    # the seed's data hour is the newest data time of the page
    assert r.headers["last-modified"] == "Wed, 04 Feb 2026 06:00:00 GMT"
    again = client.get("/public", headers={"If-None-Match": etag})
    if again.status_code == 200:  # the layout's clock turned a minute between the two
        etag = again.headers["etag"]
        again = client.get("/public", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # an answer setting the language cookie is not for shared caches
    r = client.get("/public?lang=en")
    assert "set-cookie" in r.headers and r.headers["cache-control"] == "private, max-age=60"


def test_open_data_page_lists_the_datasets(client):
    r = client.get("/public/open-data?dataset=city_aqi")
    assert r.status_code == 200
    for path in ("/api/v1/open/indices/air/cities/{code}/daily", "/api/v1/open/sites",
                 "/api/v1/open/indices/water/sections/{code}/classes"):  # fmt: skip
        assert path in r.text
    assert r.headers["cache-control"] == "public, max-age=60"
    # the form's pickers hold the public stations (never outlets)
    assert STATIONS[0][0] in r.text


def test_rate_limit_answers_429_with_retry_after(seeded, app_settings):
    settings = app_settings.model_copy(update={"public_rate_per_address": "3/minute"})
    with TestClient(create_app(settings)) as c:
        assert [c.get("/public").status_code for _ in range(3)] == [200, 200, 200]
        r = c.get("/public/open-data")
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        assert "QINGSHAN_PUBLIC_RATE_PER_ADDRESS" in r.text


def test_bad_rate_setting_names_it():
    from qingshan.errors import ConfigurationError
    from qingshan.portal.public.guard import PublicGuard

    with pytest.raises(ConfigurationError, match="QINGSHAN_PUBLIC_RATE_PER_ADDRESS"):
        PublicGuard("often")


def test_ttl_cache_expires_after_its_ttl():
    now = [0.0]
    cache = LayerCache(maxsize=64, clock=lambda: now[0])
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert cache.get_or_compute(("k",), 300, compute) == 1
    now[0] = 299.0
    assert cache.get_or_compute(("k",), 300, compute) == 1
    now[0] = 300.0
    assert cache.get_or_compute(("k",), 300, compute) == 2
    assert (cache.hits, cache.misses) == (1, 2)
    with pytest.raises(ValueError, match="ttl"):
        cache.get_or_compute(("k",), 0, compute)


def test_without_stored_days_no_city_has_a_daily_aqi(client):
    r = client.get("/api/v1/open/indices/air/cities/330100/daily")
    assert r.status_code == 200
    assert all(i["aqi"] is None for i in r.json()["items"])
    page = client.get("/public").text
    assert re.search(r'data-city="330100" data-day-aqi=""', page)


#: code, county, PM2.5 [µg/m³] of every hour (the other five pollutants alike everywhere)
STORED = [("T01A", "330106", 40.0), ("T02A", "330108", 80.0), ("T03A", "330203", 20.0)]
OTHER = {"a34002": 50.0, "a21026": 10.0, "a21004": 40.0, "a05024": 100.0, "a21005": 1.0}


@pytest.fixture
def stored_client(engine, app_settings):
    """Three national stations with every hour of the last two CST days stored (and latest)."""
    store = ObservationStore(app_settings.observations_dir)
    today = as_cst(utcnow()).date()
    first = pd.Timestamp(today - timedelta(days=2), tz=CST).tz_convert("UTC")
    with session_scope(engine) as s:
        seed_regions(s)
        rows = []
        for code, county, pm25 in STORED:
            site = Site(code=code, name=code, kind=SiteKind.AIR_STATION,
                        control_level=ControlLevel.NATIONAL, region_code=county)  # fmt: skip
            s.add(site)
            s.flush()
            for param, v in {"a34004": pm25, **OTHER}.items():
                unit = "mg/m³" if param == "a21005" else "µg/m³"
                sid = get_or_create_series(s, site, param, Period.HOUR, unit).id
                rows += [dict(series_id=sid, time=first + pd.Timedelta(hours=h), period="hour",
                              value=v, raw_value=v, source="test") for h in range(48)]  # fmt: skip
        frame = pd.DataFrame(rows)
        store.append(frame, "air")
        update_latest(s, frame)
    service.CACHE.clear()
    layers.CACHE.clear()
    with TestClient(create_app(app_settings)) as c:
        yield c


def test_numbers_equal_the_published_indices(stored_client):
    """Each city's daily AQI is the open-data API's (the air history of its national stations)
    and each station's AQI now the map layer API's."""
    page = stored_client.get("/public").text
    layer = stored_client.get("/api/v1/air/layers/latest").json()["stations"]
    now = {st["code"]: st["aqi"] for st in layer}
    # real-time AQI, 1-h PM on the 24-h table of HJ 633-2026 Table 3 (PM2.5 breakpoints 35, 60,
    # 115 µg/m³ at IAQI 50, 100, 150): PM2.5 40 → 5/25·50 + 50 = 60; 80 → 20/55·50 + 100 =
    # 118.2 → 119; 20 → 28.6 → 29, but PM10 50 → 50, so 宁波's station is 50
    assert now == {"T01A": 60, "T02A": 119, "T03A": 50}
    for city, lo, hi in (("330100", 60, 119), ("330200", 50, 50)):
        row = re.search(rf'data-city="{city}" data-day-aqi="(\d*)" data-aqi-min="{lo}" '
                        rf'data-aqi-max="{hi}"', page)  # fmt: skip
        assert row, city
        api = stored_client.get(f"/api/v1/open/indices/air/cities/{city}/daily").json()
        published = [i["aqi"] for i in api["items"] if i["aqi"] is not None]
        assert row.group(1) == str(published[-1])
    # 杭州's day: PM2.5 (40 + 80)/2 = 60 µg/m³ → IAQI 100 (HJ 633-2026 Table 3: 60 is the
    # level-2 top), PM10 50 → 50, O3 8 h 100 → 50
    assert re.search(r'data-city="330100" data-day-aqi="100"', page)
    assert 'data-level="1" data-count="1"' in page and 'data-level="2" data-count="1"' in page
    assert 'data-level="3" data-count="1"' in page


def test_published_public_notices_are_shown_newest_first(client, seeded):
    from qingshan.accounts.models import Role
    from qingshan.accounts.scope import Scope
    from qingshan.portal.notices.service import create_notice

    province = Scope("330000", Role.PROVINCE, username="zj-notices")
    t0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    with session_scope(seeded) as s:
        create_notice(s, province, title="秸秆禁烧公告", body="**禁止**露天焚烧。",
                      audience="public", publish=True, now=t0)  # fmt: skip
        create_notice(s, province, title="重污染天气预警", audience="public", publish=True,
                      now=t0.replace(day=2))  # fmt: skip
        create_notice(s, province, title="内部通知", audience="officers", publish=True, now=t0)
        create_notice(s, province, title="草稿公告", audience="public", now=t0)
    html = client.get("/public").text
    notices = html[html.index('id="pp-notices"') :]
    assert notices.index("重污染天气预警") < notices.index("秸秆禁烧公告")
    assert "<strong>禁止</strong>" in notices  # the body as the notices service renders it
    assert "内部通知" not in html and "草稿公告" not in html


def test_penalty_decisions_are_published_unless_revoked(client, seeded):
    from datetime import date

    from qingshan.archive.models import Enterprise, Industry
    from qingshan.archive.records import record_penalty, set_penalty_status

    with session_scope(seeded) as s:
        ent = Enterprise(credit_code="91330106MA2PUB0001", name="西湖印染（测试）",
                         industry=Industry.CHEMICAL, region_code="330106")  # fmt: skip
        s.add(ent)
        s.flush()
        basis = "《中华人民共和国大气污染防治法》第九十九条"
        fine = record_penalty(s, ent.id, decision_no="杭环罚〔2026〕12号", legal_basis=basis,
                              kind="fine", amount_yuan=200000, decided_on=date(2026, 10, 9),
                              actor="test")  # fmt: skip
        record_penalty(s, ent.id, decision_no="杭环罚〔2026〕15号", legal_basis=basis,
                       kind="warning", decided_on=date(2026, 11, 2), actor="test")  # fmt: skip
        gone = record_penalty(s, ent.id, decision_no="杭环罚〔2026〕7号", legal_basis=basis,
                              kind="warning", decided_on=date(2026, 9, 1), actor="test")  # fmt: skip
        set_penalty_status(s, gone.id, "revoked", note="复议撤销", actor="test")
        fine_id = fine.id
    html = client.get("/public").text
    table = html[html.index('id="pp-penalties"') :]
    assert table.index("杭环罚〔2026〕15号") < table.index("杭环罚〔2026〕12号")  # newest first
    assert f'data-penalty="{fine_id}"' in table and "200,000 元" in table
    assert "杭环罚〔2026〕7号" not in html
