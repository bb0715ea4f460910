"""What the outlet chart draws (issue #13, defect 4): the limit applies to the value converted to
the reference O2 (GB 13223-2011 §5.2; GB 13271-2014 §5.3, 9 % for a coal-fired industrial
boiler), so the flags API gives each row its converted value, its period's mean as judged and the
period's verdict; the events table holds the same kind of value (converted), not the measured.

A paper mill's coal-fired boiler under GB 13271-2014 Table 3 (特别排放限值: 烟尘 30, NOx 200
mg/m³): 烟尘 measured 30.5–32 at O2 8 % converts to 28.2–29.5 and passes, although the measured
values lie above the 30 line; NOx measured ~500 converts to ~460 and exceeds — an exceedance,
not a suspect value."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform.app import create_app
from qingshan.qc.jobs import run_qc
from qingshan.standards.emission_limits import reference_o2_correct
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

DAY0 = pd.Timestamp("2026-03-02", tz=CST)
HOURS = pd.date_range(DAY0, periods=24, freq="h").tz_convert("UTC")
#: 烟尘 measured 30.5 … 32.0 mg/m³, NOx 490 … 513 mg/m³, O2 7.8 … 8.0 % (a constant O2 would be
#: a flat line: invalid, and nothing could be converted)
DUST = 30.5 + (np.arange(24) % 4) * 0.5
NOX = 490.0 + np.arange(24)
O2 = 7.8 + (np.arange(24) % 3) * 0.1
#: the factor (21 − 9) / (21 − O2) of each hour
FACTOR = 12 / (21 - O2)


@pytest.fixture
def client(engine, app_settings):
    store = ObservationStore(app_settings.observations_dir)
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
        ent = Enterprise(credit_code="91330100MA27BOIL01", name="富春纸业有限公司",
                         industry=Industry.PAPER, region_code="330102")  # fmt: skip
        s.add(ent)
        s.flush()
        site = Site(code="PAPERBOILER1", name="富春纸业 2 号燃煤锅炉排口", kind=SiteKind.GAS_OUTLET,
                    control_level=ControlLevel.ENTERPRISE, region_code="330102",
                    enterprise_id=ent.id, attrs={"source_type": "coal_industrial_boiler"})  # fmt: skip
        s.add(site)
        s.flush()
        ids = {
            c: get_or_create_series(s, site, c, Period.HOUR, u).id
            for c, u in (("a34013", "mg/m³"), ("a21002", "mg/m³"), ("a19001", "%"))
        }
        site_id = site.id
    rows = pd.concat(
        [
            pd.DataFrame({"series_id": ids[c], "time": HOURS, "value": v})
            for c, v in (("a34013", DUST), ("a21002", NOX), ("a19001", O2))
        ]
    ).assign(period="hour", raw_value=lambda d: d["value"], source_flag="N", source="test")
    store.append(rows, "gas_outlet")
    ctx = SimpleNamespace(settings=app_settings, engine=engine)
    now = (DAY0 + pd.Timedelta(days=1, hours=1)).tz_convert("UTC").to_pydatetime()
    assert run_qc(ctx, now=now, site_ids=[site_id], store=store).startswith("1 judgements")
    with TestClient(create_app(app_settings)) as c:
        tok = c.post("/api/v1/auth/login", data={"username": "hz", "password": "hangzhou-pass"})
        c.headers["Authorization"] = f"Bearer {tok.json()['access_token']}"
        yield c


def _flags(client) -> dict:
    r = client.get(
        "/api/v1/qc/sites/PAPERBOILER1/flags",
        params={"start": HOURS[0].isoformat(), "end": (HOURS[-1] + pd.Timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()["series"]


def test_dust_above_the_line_measured_passes_converted(client):
    dust = _flags(client)["a34013"]
    assert dust["limit"]["limit"] == 30.0 and dust["limit"]["reference_o2"] == 9.0
    assert "GB 13271-2014" in dust["limit"]["standard"]
    assert dust["value"] == DUST.tolist()  # measured 30.5 … 32: above the 30 line
    # converted to 9 % O2: C × (21 − 9) / (21 − O2) → 27.7 … 29.5, below the limit
    assert dust["converted"] == pytest.approx((DUST * FACTOR).tolist(), abs=1e-3)
    assert max(dust["converted"]) == pytest.approx(29.538, abs=1e-3)  # 32 at O2 8.0
    assert max(dust["converted"]) < 30.0
    assert dust["converted"] == pytest.approx(
        reference_o2_correct(DUST, O2, source="coal_industrial_boiler").tolist(), abs=1e-3
    )
    assert dust["period"] == "hour" and dust["period_mean"] == dust["converted"]
    assert set(dust["status"]) == {"compliant"}  # 达标: not an exceedance
    # (held at 92–98 % of the limit all day, the converted series is a suspect pattern)
    assert {n for n, f in dust["checks"].items() if "suspect" in f} <= {"limit_hugging", "ceiling"}


def test_nox_at_500_is_an_exceedance_not_a_suspect_value(client):
    nox = _flags(client)["a21002"]
    assert nox["limit"]["limit"] == 200.0
    assert nox["converted"][0] == pytest.approx(490 * 12 / 13.2, abs=1e-3)  # 445.5 at O2 7.8
    assert set(nox["status"]) == {"exceeding"}
    assert "suspect" not in nox["flag"]
    # the events table holds the converted value the chart plots, not the measured 513
    events = client.get("/api/v1/qc/sites/PAPERBOILER1/events").json()
    [ev] = [e for e in events if e["parameter_code"] == "a21002"]
    assert ev["periods"] == 24 and ev["limit"] == 200.0
    assert ev["max_value"] == pytest.approx(max(nox["converted"]), abs=1e-3)
    assert ev["max_value"] == pytest.approx(max(NOX * FACTOR), abs=1e-3)  # 471.7, not 513
    assert ev["max_value"] < 480 < max(NOX)
    assert ev["value_basis"] == "converted"
    assert not [e for e in events if e["parameter_code"] == "a34013"]
