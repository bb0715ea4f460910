"""任务调度: the job overview API (province only), the admin page and its navigation item, and the
scheduler wired into the app."""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.jobs.models import JobRun
from qingshan.platform.app import create_app
from qingshan.platform.jobs import JOBS
from qingshan.timeutil import CST, utcnow

PASSWORD = "admin-jobs-password"


@pytest.fixture
def users(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "zj", PASSWORD, Role.PROVINCE, "330000", display_name="省厅管理员")
        create_user(s, "hz", PASSWORD, Role.CITY, "330100", display_name="杭州市局")


@pytest.fixture
def runs(engine):
    """Two runs of rollups (the latest ok) and a failed qc run."""
    t0 = utcnow() - timedelta(minutes=5)
    with session_scope(engine) as s:
        s.add_all(
            [
                JobRun(name="rollups", started_at=t0 - timedelta(minutes=10), status="failed",
                       finished_at=t0 - timedelta(minutes=10) + timedelta(seconds=1),
                       message="OperationalError: database is locked"),
                JobRun(name="rollups", started_at=t0, finished_at=t0 + timedelta(seconds=2.5),
                       status="ok", message="12 rollup rows written"),
                JobRun(name="qc", started_at=t0, finished_at=t0 + timedelta(seconds=3),
                       status="failed", message="ValueError: no pack"),
            ]
        )  # fmt: skip
    return t0


@pytest.fixture
def client(users, runs, app_settings):
    with TestClient(create_app(app_settings)) as c:
        yield c


def _login(client, username: str) -> dict:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_api_is_for_province_accounts(client):
    assert client.get("/api/v1/admin/jobs").status_code == 401
    city = _login(client, "hz")
    client.cookies.clear()
    r = client.get("/api/v1/admin/jobs", headers=city)
    assert r.status_code == 403
    assert r.json()["detail"] == (
        "the job schedule (任务调度) is for province accounts only; 'hz' is a city account"
    )
    assert r.json()["error"] == "PermissionDenied"


def test_api_lists_jobs_schedules_and_runs_for_province(client, runs):
    province = _login(client, "zj")
    client.cookies.clear()
    r = client.get("/api/v1/admin/jobs", headers=province)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scheduler"]["running"] is False  # the test app runs no scheduler
    assert [j["name"] for j in body["jobs"]] == [
        "rollups",
        "compact",
        "qc",
        "case-deadlines",
        "case-notice",
        "credit",
        "forecast-air",
        "forecast-water",
        "target-reminders",
        "ranking-rollups",
        "waste-balance",
        "indices",
        "zones-fences",
        "zones-sweep",
        "emergency-gas",
        "vehicles-screening",
        "emergency-plans",
        "emergency-radiation",
        "soil-units",
    ]
    rollups, compact, qc, deadlines, notice, credit, *_ = body["jobs"]
    assert credit["schedule"]["cron"] == "0 2 * * *" and credit["last_run"] is None
    assert rollups["schedule"] == {
        "kind": "interval",
        "text": "every 10 min",
        "seconds": 600.0,
        "cron": None,
        "timezone": "UTC+08:00",
    }
    assert rollups["next_run"] is None
    assert rollups["last_run"]["status"] == "ok"
    assert rollups["last_run"]["duration_seconds"] == 2.5
    assert rollups["last_run"]["message"] == "12 rollup rows written"
    assert [x["status"] for x in rollups["recent_runs"]] == ["ok", "failed"]
    assert compact["last_run"] is None and compact["recent_runs"] == []
    assert qc["last_run"]["status"] == "failed" and qc["schedule"]["text"] == "every 15 min"
    limited = client.get("/api/v1/admin/jobs?history=1", headers=province).json()
    assert len(limited["jobs"][0]["recent_runs"]) == 1


def _nav_paths(html: str) -> list[str]:
    nav = re.search(r'<nav class="qs-nav">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'href="([^"]+)"', nav)


def test_page_for_province_in_chinese_and_english(client):
    _login(client, "zj")  # the login cookie
    r = client.get("/admin/jobs")
    assert r.status_code == 200
    assert "<h1>任务调度</h1>" in r.text
    assert "/admin/jobs" in _nav_paths(r.text)
    config = re.search(
        r'<script type="application/json" id="qs-config">(.*?)</script>', r.text, re.S
    )
    assert '"jobsUrl": "/api/v1/admin/jobs?history=20"' in config.group(1)
    assert '"jobs.status.failed": "失败"' in config.group(1)
    assert "/static/js/admin_jobs.js" in r.text
    en = client.get("/admin/jobs?lang=en")
    assert "<h1>Job schedule</h1>" in en.text and '"jobs.status.failed": "Failed"' in en.text
    # the other pages show the item to province accounts only
    assert "/admin/jobs" in _nav_paths(client.get("/water").text)


def test_page_refuses_other_accounts_and_sends_visitors_to_login(client):
    r = client.get("/admin/jobs", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?reason=required&next=%2Fadmin%2Fjobs"
    assert "/admin/jobs" not in _nav_paths(client.get("/water").text)
    _login(client, "hz")
    r = client.get("/admin/jobs")
    assert r.status_code == 403
    assert "任务调度页面仅对省级账号开放。当前账号：杭州市局（市级）。" in r.text
    assert 'id="qs-config"' not in r.text and "admin_jobs.js" not in r.text
    assert "/admin/jobs" not in _nav_paths(r.text)
    assert "/admin/jobs" not in _nav_paths(client.get("/water").text)
    en = client.get("/admin/jobs?lang=en")
    assert en.status_code == 403 and "for province accounts only" in en.text


def test_the_app_runs_the_scheduler_and_the_api_shows_its_next_runs(engine, users, app_settings):
    """With the scheduler on, ``serve``'s app runs the registry's jobs at start-up (on this empty
    database) and reports their live next runs."""
    settings = app_settings.model_copy(update={"scheduler": True})
    started_at = utcnow()
    with TestClient(create_app(settings)) as c:
        headers = _login(c, "zj")
        c.cookies.clear()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            body = c.get("/api/v1/admin/jobs", headers=headers).json()
            interval_jobs = [j for j in body["jobs"] if j["schedule"]["kind"] == "interval"]
            if all(j["last_run"] and j["last_run"]["status"] != "running" for j in interval_jobs):
                break
            time.sleep(0.2)
        assert body["scheduler"] == {
            "running": True,
            "pid": os.getpid(),
            "lock": str(settings.data_dir / "scheduler.lock"),
        }
        for job in body["jobs"]:
            assert job["next_run"] is not None
            if job["schedule"]["kind"] == "interval":  # run at start-up
                assert job["last_run"]["status"] == "ok", job
        # a time-of-day job waits for its time (the notice on the 1st at 01:00 CST, credit daily
        # at 02:00 CST) unless that time passed within its grace before start-up, as it does in
        # CI between 02:00 and 03:00 CST: then it runs at once (a server down at its time)
        for name, (day, hour) in {"case-notice": (1, 1), "credit": (None, 2)}.items():
            job = next(j for j in body["jobs"] if j["name"] == name)
            spec = JOBS[name]
            if spec.schedule.first_run(started_at, None, spec.grace) <= utcnow():
                assert job["last_run"] is None or job["last_run"]["status"] in ("ok", "running")
            else:
                assert job["last_run"] is None, job
            fire = datetime.fromisoformat(job["next_run"]).astimezone(CST)
            assert (fire.hour, fire.minute) == (hour, 0) and day in (None, fire.day), job
        rollups = body["jobs"][0]
        assert rollups["last_run"]["message"] == "0 rollup rows written"
        started = datetime.fromisoformat(rollups["last_run"]["started_at"])
        interval = datetime.fromisoformat(rollups["next_run"]) - started
        assert abs(interval.total_seconds() - 600) < 5  # the live scheduler's next fire time
    due = {n for n in ("case-notice", "credit", "forecast-air", "forecast-water", "target-reminders",
                           "ranking-rollups", "waste-balance", "zones-sweep", "vehicles-screening", "emergency-plans", "soil-units")
           if JOBS[n].schedule.first_run(started_at, None, JOBS[n].grace) <= utcnow()}  # fmt: skip
    with session_scope(engine) as s:
        ran = set(s.scalars(select(JobRun.name)))
        assert ran - due == {
            "case-deadlines",
            "compact",
            "qc",
            "rollups",
            "indices",
            "zones-fences",
            "emergency-gas",
            "emergency-radiation",
        }
