"""Zero-direct-discharge parks on a migrated database (SQLite and PostgreSQL): a park walked
through self-check → city review → provincial acceptance by the three roles, a failed review
returned to rectification, a relapse downgrading an accepted park, the append-only history,
progress with evidence, the enterprises inside (the archive through the platform's wiring),
the status by city and the accepted-parks KPI with its scope."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.evidence import EvidenceLimits
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.platform.kpis import kpi_registry
from qingshan.platform.zones_links import ENTERPRISE_LOCATIONS
from qingshan.targets.kpi import Period
from qingshan.zones import parks_service as svc
from qingshan.zones.parks import BadPark, IllegalParkStep
from qingshan.zones.parks_models import ZoneParkStep
from qingshan.zones.parks_service import ParkDraft, ParkNotFound, TaskDraft

NOW = datetime(2021, 11, 30, 2, tzinfo=UTC)
TODAY = date(2021, 11, 30)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SQUARE = {"type": "Polygon", "coordinates": [[[120.10, 30.20], [120.14, 30.20], [120.14, 30.23],
                                              [120.10, 30.23], [120.10, 30.20]]]}  # fmt: skip


def _seed(s) -> int:
    seed_regions(s)
    for i, (lon, lat) in enumerate(
        [(120.12, 30.21), (120.14, 30.22), (120.30, 30.21), (None, None)]
    ):
        s.add(Enterprise(credit_code=f"91330106MA2{i:07d}", name=f"园区企业{i}",
                         industry=Industry.DYEING, region_code="330106", longitude=lon, latitude=lat))  # fmt: skip
    park = svc.create_park(s, XIHU, ParkDraft(
        code="ZJ-P-001", name="西湖印染集聚区", region_code="330106", park_type="cluster",
        level="county", batch_year=2021, boundary=SQUARE,
        tasks=[TaskDraft("rain_sewage_separation"), TaskDraft("online_monitoring", "雨排口在线监控")]),
        actor="xihu", now=NOW)  # fmt: skip
    return park.id


def _finish_tasks(s, park_id: int, limits: EvidenceLimits, day: date) -> None:
    for tv in svc.park_detail(s, XIHU, park_id).tasks:
        svc.report_progress(s, XIHU, tv.task.id, 100, day, "完工", actor="xihu", now=NOW,
                            today=TODAY, files=[(PNG, "完工照片.png")], limits=limits)  # fmt: skip


def test_a_park_through_acceptance_with_a_failed_review_and_a_relapse(engine, tmp_path):
    limits = EvidenceLimits(tmp_path / "evidence", 1 << 20, frozenset({"png", "pdf"}))
    with session_scope(engine) as s:
        pid = _seed(s)
        task = svc.park_detail(s, XIHU, pid).tasks[0].task
        svc.report_progress(s, XIHU, task.id, 60, date(2021, 5, 1), "主管网完成", actor="xihu",
                            now=NOW, today=TODAY)  # fmt: skip
        with pytest.raises(IllegalParkStep, match=r"'self_check' is not allowed in state "
                                                  r"'building'.*2 construction task\(s\) below 100 %"):  # fmt: skip
            svc.take_step(s, XIHU, pid, "self_check", "pass", date(2021, 5, 2), "西湖区治水办",
                          actor="xihu", now=NOW, today=TODAY)  # fmt: skip
        with pytest.raises(
            BadPark, match=r"day: 2021-04-01 is before the task's last report \(2021-05-01\)"
        ):
            svc.report_progress(
                s, XIHU, task.id, 70, date(2021, 4, 1), actor="xihu", now=NOW, today=TODAY
            )
        _finish_tasks(s, pid, limits, date(2021, 6, 1))
        # wrong roles: the city does not self-check, the county does not review
        with pytest.raises(
            PermissionDenied, match="self_check is taken by county officers, not city"
        ):
            svc.take_step(s, HANGZHOU, pid, "self_check", "pass", date(2021, 6, 2), "杭州市",
                          actor="hangzhou", now=NOW, today=TODAY)  # fmt: skip
        svc.take_step(s, XIHU, pid, "self_check", "pass", date(2021, 6, 2), "西湖区治水办",
                      "自查合格", actor="xihu", now=NOW, today=TODAY)  # fmt: skip
        with pytest.raises(IllegalParkStep, match=r"'provincial_acceptance' is not allowed in "
                                                  r"state 'self_checked' \(allowed: city_review\)"):  # fmt: skip
            svc.take_step(s, PROVINCE, pid, "provincial_acceptance", "pass", date(2021, 6, 3),
                          "省治水办", actor="province", now=NOW, today=TODAY)  # fmt: skip
        with pytest.raises(BadPark, match="opinion: a failed step or a relapse says why"):
            svc.take_step(s, HANGZHOU, pid, "city_review", "fail", date(2021, 6, 10), "杭州市生态环境局",
                          actor="hangzhou", now=NOW, today=TODAY)  # fmt: skip
        with pytest.raises(ParkNotFound, match=f"no park {pid}"):  # another city's: not seen
            svc.take_step(s, NINGBO, pid, "city_review", "pass", date(2021, 6, 10), "宁波",
                          actor="ningbo", now=NOW, today=TODAY)  # fmt: skip
        svc.take_step(s, HANGZHOU, pid, "city_review", "fail", date(2021, 6, 10), "杭州市生态环境局",
                      "初期雨水池容量不足", actor="hangzhou", now=NOW, today=TODAY)  # fmt: skip
        assert svc.get_park(s, XIHU, pid).state == "rectifying"
        svc.take_step(s, XIHU, pid, "self_check", "pass", date(2021, 7, 1), "西湖区治水办",
                      actor="xihu", now=NOW, today=TODAY)  # fmt: skip
        svc.take_step(s, HANGZHOU, pid, "city_review", "pass", date(2021, 7, 15), "杭州市生态环境局",
                      actor="hangzhou", now=NOW, today=TODAY)  # fmt: skip
        with pytest.raises(
            BadPark, match=r"day: 2021-07-01 is before the park's last step \(2021-07-15\)"
        ):
            svc.take_step(s, PROVINCE, pid, "provincial_acceptance", "pass", date(2021, 7, 1),
                          "省治水办", actor="province", now=NOW, today=TODAY)  # fmt: skip
        with pytest.raises(BadPark, match="day: 2021-12-01 is in the future"):
            svc.take_step(s, PROVINCE, pid, "provincial_acceptance", "pass", date(2021, 12, 1),
                          "省治水办", actor="province", now=NOW, today=TODAY)  # fmt: skip
        svc.take_step(s, PROVINCE, pid, "provincial_acceptance", "pass", date(2021, 8, 20),
                      "省治水办验收组", "通过", actor="province", now=NOW, today=TODAY)  # fmt: skip
        detail = svc.park_detail(s, XIHU, pid, locations=ENTERPRISE_LOCATIONS)
        assert detail.park.state == "accepted" and detail.allowed == ["relapse"]
        assert [(x.seq, x.event, x.result, x.state_after) for x in detail.steps] == [
            (1, "self_check", "pass", "self_checked"),
            (2, "city_review", "fail", "rectifying"),
            (3, "self_check", "pass", "self_checked"),
            (4, "city_review", "pass", "city_passed"),
            (5, "provincial_acceptance", "pass", "accepted"),
        ]
        # inside or on the boundary (120.14 is the east edge); outside and unplaced are not
        assert [e.name for e in detail.enterprises] == ["园区企业0", "园区企业1"]
        files = [f for tv in detail.tasks for r in tv.reports for f in tv.files.get(r.id, [])]
        assert len(files) == 2 and files[0].media_type == "image/png"
        f, path = svc.progress_file(s, XIHU, files[0].id, root=limits.root)
        assert path.read_bytes() == PNG
        with pytest.raises(ParkNotFound, match=f"no park {pid}"):
            svc.get_park(s, NINGBO, pid)
        # the KPI: accepted in 2021, the province, the city and the county; not Ningbo
        reg = kpi_registry()
        kpi = reg.get("zones.parks_accepted")
        period = Period(date(2021, 1, 1), TODAY)
        v = kpi.value(s, "330000", period)
        assert (v.value, v.unit) == (1.0, "个") and "2021" in v.basis and "累计 1" in v.basis
        assert kpi.value(s, "330100", period).value == 1.0
        assert kpi.value(s, "330200", period) is None  # no park in Ningbo: no data
        assert kpi.value(s, "330000", Period(date(2021, 1, 1), date(2021, 8, 19))).value == 0.0
        status = svc.province_status(s, PROVINCE, year=2021, today=TODAY)
        assert (status.by_city, status.accepted_year, status.target["count"]) == (
            {"330100": {"accepted": 1}}, 1, 44)  # fmt: skip
        # a relapse downgrades; the accepted count drops; nothing before it changes
        with pytest.raises(PermissionDenied, match="relapse is taken by city or province officers"):
            svc.take_step(s, XIHU, pid, "relapse", None, date(2021, 11, 1), "西湖区",
                          "晴天排口有水", actor="xihu", now=NOW, today=TODAY)  # fmt: skip
        svc.take_step(s, PROVINCE, pid, "relapse", None, date(2021, 11, 1), "省治水办",
                      "晴天雨排口有污水流出", actor="province", now=NOW, today=TODAY)  # fmt: skip
        assert svc.get_park(s, XIHU, pid).state == "downgraded"
        assert kpi.value(s, "330000", period).value == 0.0
        assert kpi.value(s, "330000", Period(date(2021, 1, 1), date(2021, 10, 31))).value == 1.0
        steps = s.scalars(select(ZoneParkStep).where(ZoneParkStep.park_id == pid)
                          .order_by(ZoneParkStep.seq)).all()  # fmt: skip
        assert [x.seq for x in steps] == [1, 2, 3, 4, 5, 6] and steps[
            1
        ].opinion == "初期雨水池容量不足"


def test_bad_parks_are_refused(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        base = dict(code="P1", name="某园区", region_code="330106", park_type="park",
                    level="provincial", batch_year=2021, boundary=SQUARE)  # fmt: skip
        with pytest.raises(BadPark, match="region_code: 330100 is not a county"):
            svc.create_park(
                s, HANGZHOU, ParkDraft(**base | {"region_code": "330100"}), actor="x", now=NOW
            )
        with pytest.raises(BadPark, match="park_type: 'zone' is not one of park, cluster"):
            svc.create_park(s, XIHU, ParkDraft(**base | {"park_type": "zone"}), actor="x", now=NOW)
        with pytest.raises(
            BadPark, match="boundary: give a boundary or a park feature, one of them"
        ):
            svc.create_park(s, XIHU, ParkDraft(**base | {"boundary": None}), actor="x", now=NOW)
        with pytest.raises(BadPark, match="kind: 'paint' is not one of rain_sewage_separation"):
            svc.create_park(
                s, XIHU, ParkDraft(**base, tasks=[TaskDraft("paint")]), actor="x", now=NOW
            )
        with pytest.raises(PermissionDenied, match="region 330106 is outside the scope 330200"):
            svc.create_park(s, NINGBO, ParkDraft(**base), actor="x", now=NOW)
        svc.create_park(s, XIHU, ParkDraft(**base), actor="x", now=NOW)
        with pytest.raises(BadPark, match="code: park 'P1' exists already"):
            svc.create_park(s, XIHU, ParkDraft(**base), actor="x", now=NOW)
        assert [p.code for p in svc.list_parks(s, HANGZHOU)] == ["P1"]
