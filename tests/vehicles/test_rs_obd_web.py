"""The remote-sensing and OBD pages through the app (SQLite and PostgreSQL) on a small synthetic
demo: the figures are the store's (readings, validity share, exceedance rate by reference §3's
definition), a city officer sees its own sites and trucks only, the high emitters link to the
vehicle's page, the planted SCR-failure and gap trucks are listed with their evidence, and a
visitor not logged in gets no page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qingshan.sim.demo_vehicles import OBD_TRUTH_TABLE
from qingshan.timeutil import utcnow
from qingshan.vehicles import remote_sensing as rsr
from qingshan.vehicles.rs_obd_service import rs_since

from .conftest import fleet_client, login_as


@pytest.fixture
def client(engine, app_settings):
    now = utcnow() - timedelta(hours=1)
    with fleet_client(engine, app_settings, now=now, n_vehicles=6000, rs_obd=True) as c:
        yield c


def test_rs_page_figures_and_scope(client):
    store = client.store
    readings = store.read_rs()
    readings = readings[readings["at"] >= rs_since(utcnow())]
    offenders = set(rsr.repeat_offenders(rsr.repeat_exceedances(readings))["plate"])
    valid = readings[readings["valid"]]
    login_as(client, "zj")
    page = client.get("/vehicles/rs")
    assert page.status_code == 200 and 'id="qs-rs-map"' in page.text
    assert f'data-n="{len(readings)}"' in page.text
    plates = set(valid["plate"])
    assert f'data-offenders="{len(offenders & plates)}" data-plates="{len(plates)}"' in page.text
    # a listed high emitter links to its vehicle's page
    vins = store.read_vehicles().set_index("plate")["vin"]
    first = sorted(offenders)[0]
    assert f'data-plate="{first}"' in page.text and f"/vehicles/v/{vins[first]}" in page.text
    # Hangzhou sees its two sites only
    login_as(client, "hz")
    hz = client.get("/vehicles/rs?lang=en")
    assert hz.status_code == 200 and "Exceedance rate" in hz.text
    assert 'data-site="RS330100A"' in hz.text and 'data-site="RS330200A"' not in hz.text
    hz_sites = {"RS330100A", "RS330100B"}
    assert f'data-n="{int(readings["site_code"].isin(hz_sites).sum())}"' in hz.text


def test_obd_page_lists_the_planted_trucks(client):
    store = client.store
    truth = store.read_table(OBD_TRUTH_TABLE)
    login_as(client, "zj")
    page = client.get("/vehicles/obd")
    assert page.status_code == 200
    n = store.read_obd()["vin"].nunique()
    assert f'id="qs-obd-trucks" data-n="{n}"' in page.text
    for kind, table in (("scr_failure", "qs-obd-scr"), ("data_gap", "qs-obd-gaps")):
        section = page.text.split(f'id="{table}"')[1].split("</table>")[0]
        for vin in truth.loc[truth["kind"] == kind, "unit"]:
            assert f'data-vin="{vin}"' in section, (kind, vin)
    assert client.get("/vehicles/obd?lang=en").text.count("Suspected SCR failure") == 1


def test_pages_need_an_officer_login(client):
    client.cookies.clear()
    for url in ("/vehicles/rs", "/vehicles/obd"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code in (303, 401) and "qs-rs-map" not in r.text
