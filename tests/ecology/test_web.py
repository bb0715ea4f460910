"""The ecology pages and the demo's seeding (issue #25), through the app: the demo's EI inputs
for every county in 2015 and 2020 (a mix of grades and change classes), the 29 survey areas (some
done) with about 2,000 species records, protected and invasive ones among them; /ecology with the
map's data, /ecology/counties/{code}, /ecology/surveys, an area's page and its Darwin Core CSV;
bad imports refused with every row named and nothing stored; officers only (signed out: the login); a second seeding adds
nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.ecology.biodiversity.models import EcoOccurrence, EcoSurveyArea
from qingshan.ecology.status.models import EcoStatusInput
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.sim.demo_ecology import seed_demo_ecology

PASSWORD = "eco-password"
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


def _login(c: TestClient, name: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _config(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="qs-config">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_demo_and_pages(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("ls", Role.CITY, "331100"),
                                   ("qy", Role.COUNTY, "331126")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    summary = seed_demo_ecology(engine, now=NOW)
    assert summary == {"ei_inputs": 180, "survey_areas": 29,
                       "species_records": summary["species_records"]}  # fmt: skip
    assert 1800 <= summary["species_records"] <= 2200
    assert seed_demo_ecology(engine, now=NOW) is None  # idempotent
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(EcoStatusInput)) == 180
        assert (
            s.scalar(select(func.count()).where(EcoOccurrence.synthetic))
            == summary["species_records"]
        )
        assert s.scalar(select(func.count()).select_from(EcoSurveyArea)) == 29

    with TestClient(create_app(app_settings)) as c:
        _login(c, "zj")
        r = c.get("/ecology")
        assert r.status_code == 200 and "HJ 192-2015" in r.text
        cfg = _config(r.text)
        assert (cfg["year"], cfg["baseYear"]) == (2020, 2015) and len(cfg["counties"]) == 90
        grades = {c["grade"] for c in cfg["counties"]}
        changes = {c["change"] for c in cfg["counties"]}
        assert {"excellent", "good", "fair"} <= grades  # mountains 优, plains 良, cities 一般
        assert {"no_obvious", "slight_better", "obvious_better", "slight_worse"} <= changes
        qy = next(c for c in cfg["counties"] if c["code"] == "331126")
        assert qy["grade"] == "excellent"  # 庆元, a mountain county
        assert [g["key"] for g in cfg["grades"]] == ["excellent", "good", "fair", "poor", "bad"]
        assert 'id="qs-eco-synthetic"' in r.text and 'href="/ecology/counties/331126"' in r.text
        r = c.get("/ecology/counties/330604")  # 上虞: a restriction event lowers 2020's grade
        assert r.status_code == 200 and "较大突发环境事件" in r.text
        assert c.get("/ecology?year=2019").status_code == 200  # an unknown year: said, not 500
        r = c.get("/ecology/surveys")
        assert r.status_code == 200
        cfg = _config(r.text)
        statuses = [a["status"] for a in cfg["areas"]]
        assert len(statuses) == 29 and statuses.count("done") == 12
        assert statuses.count("surveying") == 10 and statuses.count("planned") == 7
        assert 'data-done="12" data-total="29"' in r.text
        bsz = next(a for a in cfg["areas"] if a["code"] == "ZJ-BD-01")
        r = c.get(f"/ecology/surveys/{bsz['id']}")
        assert r.status_code == 200 and "百山祖冷杉" in r.text and 'data-protected="I"' in r.text
        r = c.get(f"/ecology/surveys/{bsz['id']}/dwc.csv")
        assert r.status_code == 200
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows and {"occurrenceID", "scientificName", "eventDate", "decimalLatitude",
                         "decimalLongitude", "basisOfRecord"} <= set(rows[0])  # fmt: skip
        assert all(row["locationID"] == "ZJ-BD-01" and "synthetic" in row["occurrenceRemarks"]
                   for row in rows)  # fmt: skip
        wetland = next(a for a in cfg["areas"] if a["code"] == "ZJ-BD-10")  # 西溪, done
        r = c.get(f"/ecology/surveys/{wetland['id']}")
        assert 'data-invasive="1"' in r.text
        # bad imports: every row named, nothing stored
        before = c.get("/ecology/surveys/dwc.csv").content.count(b"\n")
        bad = ("occurrenceID,scientificName,eventDate,decimalLatitude,decimalLongitude\n"
               "X1,Sus scrofa,,27.7,119.2\nX2,Sus scrofa,2026-05-01,,\nX3,Sus scrofa,2026-05-01,27.7,119.2\n")  # fmt: skip
        r = c.post("/ecology/surveys/import", files={"file": ("r.csv", bad.encode(), "text/csv")})
        assert r.status_code == 422 and "row 2" in r.text and "row 3" in r.text
        assert "a record without a date is refused" in r.text
        assert c.get("/ecology/surveys/dwc.csv").content.count(b"\n") == before
        bad = ("区县代码,年份,生物丰度指数,植被覆盖指数,水网密度指数,土地胁迫指数,污染负荷指数\n"
               "331126,2021,90,95,50,5,2\n331127,2021,90,195,50,5,2\n")  # fmt: skip
        r = c.post("/ecology/import", files={"file": ("ei.csv", bad.encode(), "text/csv")})
        assert r.status_code == 422 and "vegetation_cover 195 is outside 0–100" in r.text
        assert '<option value="2021"' not in r.text  # nothing stored

        # one sighting from the form: without a date refused (values kept), then stored
        form = {"scientific_name": "Mergus squamatus", "vernacular_name": "中华秋沙鸭",
                "event_date": "", "lat": "27.76", "lon": "119.20", "individual_count": "4",
                "basis_of_record": "HumanObservation", "survey_area": "ZJ-BD-01"}  # fmt: skip
        r = c.post("/ecology/surveys/record", data=form)
        assert r.status_code == 422 and "a record without a date is refused" in r.text
        assert 'value="Mergus squamatus"' in r.text
        assert c.get("/ecology/surveys/dwc.csv").content.count(b"\n") == before
        r = c.post("/ecology/surveys/record", data=form | {"event_date": "2026-12-01"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303 and r.headers["location"].startswith(
            f"/ecology/surveys/{bsz['id']}"
        )
        rows = list(
            csv.DictReader(
                io.StringIO(c.get("/ecology/surveys/dwc.csv").content.decode("utf-8-sig"))
            )
        )
        mine = [
            row
            for row in rows
            if row["eventDate"] == "2026-12-01" and row["individualCount"] == "4"
        ]
        assert len(mine) == 1 and mine[0]["occurrenceID"].startswith("urn:uuid:")
        assert (
            "synthetic" not in mine[0]["occurrenceRemarks"]
            and "国家I级" in mine[0]["occurrenceRemarks"]
        )

        _login(c, "qy")
        cfg = _config(c.get("/ecology").text)
        assert [x["code"] for x in cfg["counties"]] == ["331126"]
        assert 'action="/ecology/import"' not in c.get("/ecology").text  # counties do not write
        assert c.get("/ecology/counties/331127").status_code == 404
        c.cookies.clear()  # signed out: to the login page (enterprise scopes: test_status)
        r = c.get("/ecology/surveys", follow_redirects=False)
        assert r.status_code in (302, 303) and "/login" in r.headers["location"]
