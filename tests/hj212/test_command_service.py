"""Commands in the relational store: making, scoping, claiming, expiring; back-fill of a
site's gaps; the device's SM4 key (write-only, redacted in the audit trail)."""

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.audit import acting_as
from qingshan.audit.models import AuditLog
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound
from qingshan.hj212 import command_service as cs
from qingshan.hj212.errors import (
    CommandError,
    CommandNotFound,
    CommandStateError,
    DeviceNotFound,
    FieldError,
)
from qingshan.hj212.models import Command
from qingshan.hj212.registry import add_device, get_device, load_device_table, update_device
from qingshan.monitoring.models import Period
from qingshan.monitoring.registry import ensure_series

from .helpers import make_site

T0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
PROVINCE = Scope(region_code="330000", role=Role.PROVINCE)


@pytest.fixture
def device(engine):
    with acting_as("test"), session_scope(engine) as s:
        make_site(s, "S1")
        add_device(s, "MN1", "123456", site="S1")
        add_device(s, "MN2", "123456", protocol_version=2)
    return engine


def test_create_and_validate(device):
    with acting_as("test"), session_scope(device) as s:
        c = cs.create_command(s, "MN1", "backfill", actor="zj", cn="2061", now=T0,
                              begin=T0 + timedelta(minutes=20), end=T0 + 3 * HOUR)  # fmt: skip
        assert (c.state, c.cn, c.overtime, c.recount, c.origin) == ("queued", "2061", 10, 3, "api")
        assert c.params == {"begin": T0.isoformat(), "end": (T0 + 3 * HOUR).isoformat()}
        assert c.expires_at == T0 + cs.DELIVER_WITHIN
        t = cs.create_command(s, "MN1", "timeouts", actor="zj")
        assert (t.cn, t.params) == ("1000", {"overtime": 10, "recount": 3})
        with pytest.raises(CommandError, match=r"unknown command 'reset': one of \['time-get'"):
            cs.create_command(s, "MN1", "reset", actor="zj")
        with pytest.raises(CommandError, match=r"data CN \['2011', '2031', '2051', '2061'\]"):
            cs.create_command(s, "MN1", "backfill", actor="zj", cn="2081", begin=T0, end=T0)
        with pytest.raises(CommandError, match="exists in HJ 212-2025 only"):
            cs.create_command(s, "MN1", "backfill", actor="zj", cn="2011", begin=T0, end=T0)
        assert cs.create_command(s, "MN2", "backfill", actor="zj", cn="2011", begin=T0,
                                 end=T0).cn == "2011"  # fmt: skip
        with pytest.raises(CommandError, match="ends .* before it begins"):
            cs.create_command(s, "MN1", "backfill", actor="zj", cn="2061", begin=T0, end=T0 - HOUR)
        with pytest.raises(CommandError, match="spans at most 1 day"):
            cs.create_command(s, "MN1", "backfill", actor="zj", cn="2051", begin=T0,
                              end=T0 + 24 * HOUR)  # fmt: skip
        with pytest.raises(CommandError, match="needs its period"):
            cs.create_command(s, "MN1", "backfill", actor="zj", cn="2061")
        with pytest.raises(DeviceNotFound, match="no device with MN=NOPE"):
            cs.create_command(s, "NOPE", "time-get", actor="zj")
        update_device(s, "MN1", enabled=False)
        with pytest.raises(CommandError, match="MN=MN1 is disabled"):
            cs.create_command(s, "MN1", "time-get", actor="zj")
    with session_scope(device) as s:  # making a command is audited, by whom
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "hj212_command")).all()
        assert {r.action for r in rows} == {"create"} and {r.actor for r in rows} == {"test"}


def test_scope_list_and_cancel(device):
    city = Scope(region_code="330200", role=Role.CITY)  # Ningbo: sees neither device
    with acting_as("test"), session_scope(device) as s:
        cid = cs.create_command(s, "MN1", "time-get", actor="zj").id
        assert [c.id for c in cs.list_commands(s, PROVINCE)] == [cid]
        assert cs.list_commands(s, city) == []
        with pytest.raises(DeviceNotFound):
            cs.list_commands(s, city, mn="MN1")
        with pytest.raises(CommandNotFound, match=f"no command {cid}"):
            cs.get_command(s, city, cid)
        assert cs.cancel_command(s, PROVINCE, cid).state == "cancelled"
        with pytest.raises(CommandStateError, match="state cancelled cannot take event cancel"):
            cs.cancel_command(s, PROVINCE, cid)


def test_claim_once_expire_and_report(device):
    with acting_as("test"), session_scope(device) as s:
        a = cs.create_command(s, "MN1", "time-get", actor="zj", now=T0).id
        b = cs.create_command(s, "MN2", "time-get", actor="zj", now=T0).id
    now = T0 + timedelta(seconds=5)
    first = cs.sync_with_engine(device, [], [], "host:1", now)
    assert first == {"claimed": [], "queued": [[a, "MN1"], [b, "MN2"]]}
    one = cs.sync_with_engine(device, [], [a], "host:1", now)
    two = cs.sync_with_engine(device, [], [a], "host:2", now)  # another listener: too late
    assert [c["id"] for c in one["claimed"]] == [a] and two["claimed"] == []
    claimed = one["claimed"][0]
    assert (claimed["password"], claimed["version"], claimed["st"]) == ("123456", 1, "31")
    update = {"id": a, "state": "answered", "qn": "20260301080005000", "attempts": 1,
              "qn_rtn": 1, "exe_rtn": None, "result": {}, "error": None,
              "sent_at": now.isoformat(), "answered_at": now.isoformat(), "finished_at": None,
              "deadline_at": (now + timedelta(seconds=10)).isoformat()}  # fmt: skip
    cs.sync_with_engine(device, [update], [], "host:2", now)  # not its command: ignored
    cs.sync_with_engine(device, [update], [], "host:1", now)
    later = T0 + cs.DELIVER_WITHIN + cs.LOST_AFTER + timedelta(minutes=1)
    assert cs.sync_with_engine(device, [], [], "host:1", later)["queued"] == []
    with session_scope(device) as s:
        ra, rb = s.get(Command, a), s.get(Command, b)
        assert (ra.state, ra.error) == ("timed_out", "the listener that sent it stopped")
        assert (rb.state, rb.finished_at) == ("undelivered", later)


def test_backfill_windows(device):
    with acting_as("test"), session_scope(device) as s:
        c = cs.create_command(s, "MN1", "backfill", actor="zj", cn="2061", begin=T0, end=T0)
        assert cs.backfill_windows(s, T0) == []  # not sent yet
        c.sent_at, c.state = T0, "sent"
        s.flush()
        [w] = cs.backfill_windows(s, T0)
        assert (w.id, w.mn, w.cn, w.begin, w.end, w.finished_at) == (c.id, "MN1", "2061", T0, T0,
                                                                     None)  # fmt: skip
        c.finished_at = T0 + HOUR
        s.flush()
        assert cs.backfill_windows(s, T0 + 2 * HOUR) == []


class _Store:
    def __init__(self, frame):
        self.frame = frame

    def query(self, series_ids, start, end, period=None, columns=None):
        f = self.frame
        return f[(f["time"] >= start) & (f["time"] < end)]


def test_site_backfill_asks_for_the_gaps(device):
    with acting_as("test"), session_scope(device) as s:
        site_id = make_site(s, "S2").id
        add_device(s, "MN3", "1", site="S2")
        ensure_series(s, [(site_id, "a21026", Period.HOUR, None)])
        hours = [T0 + k * HOUR for k in range(10) if k not in (2, 3, 4, 7)]
        store = _Store(pd.DataFrame({"time": hours, "value": [1.0] * len(hours)}))
        made = cs.request_site_backfill(s, PROVINCE, store, "S2", T0, T0 + 10 * HOUR, actor="zj")
        assert [(c.mn, c.cn, c.origin, c.params["begin"], c.params["end"]) for c in made] == [
            ("MN3", "2061", "qc-gap", (T0 + 2 * HOUR).isoformat(), (T0 + 4 * HOUR).isoformat()),
            ("MN3", "2061", "qc-gap", (T0 + 7 * HOUR).isoformat(), (T0 + 7 * HOUR).isoformat()),
        ]
        assert cs.request_site_backfill(s, PROVINCE, store, "S2", T0, T0 + 2 * HOUR,
                                        actor="zj") == []  # no gap  # fmt: skip
        everything = cs.request_site_backfill(s, PROVINCE, store, "S2", T0, T0 + 2 * HOUR,
                                              actor="zj", missing_only=False)  # fmt: skip
        assert [(c.params["begin"], c.params["end"]) for c in everything] == [
            (T0.isoformat(), (T0 + HOUR).isoformat())]  # fmt: skip
        with pytest.raises(CommandError, match="no enabled data logger is bound to site S3"):
            make_site(s, "S3")
            cs.request_site_backfill(s, PROVINCE, store, "S3", T0, T0 + HOUR, actor="zj")
        with pytest.raises(NotFound, match="no site 'S2' in your scope"):
            cs.request_site_backfill(s, Scope(region_code="330200", role=Role.CITY), store, "S2", T0,
                                     T0 + HOUR, actor="zj")  # fmt: skip
        with pytest.raises(CommandError, match=r"bad period 'week'"):
            cs.request_site_backfill(s, PROVINCE, store, "S2", T0, T0 + HOUR, actor="zj",
                                     period="week")  # fmt: skip


def test_sm4_key_is_write_only_and_redacted(device):
    with acting_as("zj"), session_scope(device) as s:
        update_device(s, "MN1", sm4_key="30" * 16, overtime=5, recount=0)
        assert load_device_table(s)["MN1"].key == b"0" * 16
        with pytest.raises(FieldError, match="32 hexadecimal digits"):
            update_device(s, "MN1", sm4_key="secret")
        with pytest.raises(FieldError, match=r"bad overtime 0: an integer 1\.\.99"):
            update_device(s, "MN1", overtime=0)
    with session_scope(device) as s:
        row = s.scalars(select(AuditLog).where(AuditLog.entity == "hj212_device",
                                               AuditLog.action == "update")).one()  # fmt: skip
        assert "30303030" not in str(row.after) and "30303030" not in str(row.before)
        assert row.after["sm4_key"] == "(redacted)" and row.after["overtime"] == 5
        update_device(s, "MN1", sm4_key="")
        assert get_device(s, "MN1").sm4_key is None
