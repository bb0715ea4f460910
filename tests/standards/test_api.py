import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from qingshan.api.errors import install_error_handlers
from qingshan.platform.app import ROUTERS
from qingshan.standards.api import router


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router, prefix="/api/v1")
    return TestClient(app)


def test_registered():
    assert router in ROUTERS


def test_aqi_one_and_list(client):
    body = {"concentrations": {"CO_24h": 2.2, "PM2.5_24h": 80}, "edition": "HJ 633-2012"}
    r = client.post("/api/v1/standards/aqi", json=body)
    assert r.status_code == 200
    got = r.json()
    assert got["aqi"] == 107 and got["iaqi"]["CO_24h"] == 55 and got["color"] == "#FF7E00"
    assert got["primary_pollutants"] == ["PM2.5"] and got["category"] == "轻度污染"
    r = client.post(
        "/api/v1/standards/aqi", json=[body, {**body, "edition": None, "date": "2026-03-01"}]
    )
    assert [x["aqi"] for x in r.json()] == [107, 119] and r.json()[1]["edition"] == "HJ 633-2026"


def test_aqi_names_the_deciding_indicator(client):
    """HJ 633-2012 hourly report, SO2 1 h 900 µg/m³ > 800: Table 1 note (2) — the SO2 sub-index
    is the 24-h one (523 → 158), reported as SO2_24h; SO2_1h carries no IAQI."""
    body = {"concentrations": {"SO2_1h": 900, "SO2_24h": 523, "NO2_1h": 50},
            "report": "hourly", "edition": "HJ 633-2012"}  # fmt: skip
    got = client.post("/api/v1/standards/aqi", json=body).json()
    assert got["aqi"] == 158 and got["iaqi"]["SO2_24h"] == 158 and got["iaqi"]["SO2_1h"] is None
    assert got["primary_pollutants"] == ["SO2"] and got["primary_indicators"] == ["SO2_24h"]


def test_aqi_errors_are_422(client):
    r = client.post(
        "/api/v1/standards/aqi", json={"concentrations": {"PM25": 1}, "edition": "HJ 633-2012"}
    )
    assert r.status_code == 422 and r.json()["error"] == "UnknownIndicator"
    assert "did you mean" in r.json()["detail"]
    r = client.post("/api/v1/standards/aqi", json={"concentrations": {"PM2.5_24h": 1}})
    assert r.status_code == 422 and r.json()["error"] == "EditionNotDetermined"


def test_levels(client):
    levels = client.get("/api/v1/standards/aqi/levels").json()
    assert [x["color"] for x in levels][:2] == ["#00E400", "#FFFF00"] and levels[5][
        "name"
    ] == "严重污染"


def test_water_class(client):
    body = {"concentrations": {"pH": 7.6, "DO": 4.2, "CODMn": 6.8, "NH3_N": 1.2, "TP": 0.21},
            "target_class": "III"}  # fmt: skip
    got = client.post("/api/v1/standards/water-class", json=body).json()
    assert got["section_class"] == "IV" and got["meets_target"] is False
    assert got["main_pollutants"] == ["NH3_N", "CODMn", "TP"]  # by multiple; DO has none
    lst = client.post(
        "/api/v1/standards/water-class", json=[body, {"concentrations": {"COD": 10}}]
    ).json()
    assert [x["section_class"] for x in lst] == ["IV", "I"]


def test_cwqi(client):
    got = client.post(
        "/api/v1/standards/cwqi", json={"concentrations": {"COD": 20, "DO": 10}}
    ).json()
    assert got["total"] == pytest.approx(1.5)
    r = client.post("/api/v1/standards/cwqi", json={"concentrations": {"TN": 1}})
    assert r.status_code == 422


# issue 9: what the fuzzer found (a date given as a number was read as 1970; the indicator
# keys each route accepts were not in its schema)


@pytest.mark.parametrize("date", [0, 1.5, True])
def test_a_date_must_be_text(client, date):
    body = {"concentrations": {"PM2.5_24h": 80}, "date": date}
    r = client.post("/api/v1/standards/aqi", json=body)
    assert r.status_code == 422 and "a date as text" in r.text


@pytest.mark.parametrize(
    "path, model, keys",
    [
        ("/api/v1/standards/aqi", "AQIIn", ("PM2.5_24h", "O3_8h")),
        ("/api/v1/standards/water-class", "WaterIn", ("TP", "FecalColiform")),
        ("/api/v1/standards/cwqi", "CWQIIn", ("TP", "NH3_N")),
    ],
)
def test_the_schema_names_the_indicator_keys(client, path, model, keys):
    schema = client.get("/openapi.json").json()["components"]["schemas"][model]
    names = schema["properties"]["concentrations"]["propertyNames"]["enum"]
    assert set(keys) <= set(names)
    r = client.post(path, json={"concentrations": {"x-unknown": 1.0}, "date": "2025-12-01"})
    assert r.status_code == 422 and "x-unknown" in r.text


@pytest.mark.parametrize("value, words", [(False, "number"), (-1.0, "greater than or equal"),
                                          (1e10, "less than or equal")])  # fmt: skip
def test_a_concentration_is_a_number_in_range(client, value, words):
    r = client.post("/api/v1/standards/water-class", json={"concentrations": {"TP": value}})
    assert r.status_code == 422 and words in r.text
