"""Device registry rules on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest

from qingshan.db.engine import session_scope
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import (
    DeviceExists,
    DeviceImportError,
    DeviceNotFound,
    FieldError,
    UnknownSite,
)
from qingshan.hj212.models import CrcMode, Device
from qingshan.hj212.registry import (
    add_device,
    delete_device,
    import_devices_csv,
    list_devices,
    list_rejects,
    load_device_table,
    status_rows,
    update_device,
    write_rejects,
    write_status,
)

from .helpers import make_site


def test_add_list_update_delete(engine):
    with session_scope(engine) as s:
        site = make_site(s, "GZ01")
        add_device(s, "MN0001", "123456", site="GZ01", crc="modbus", name="1号排口")
        add_device(s, "MN0002", "654321")
    with session_scope(engine) as s:
        devices = list_devices(s)
        assert [d.mn for d in devices] == ["MN0001", "MN0002"]
        assert devices[0].site_id == site.id and devices[0].crc is CrcMode.MODBUS
        table = load_device_table(s)
        assert table["MN0001"].variants == {CrcVariant.HJ212, CrcVariant.MODBUS}
        assert table["MN0002"].variants == {CrcVariant.HJ212}
        update_device(s, "MN0002", password="999", enabled=False, site="GZ01")
    with session_scope(engine) as s:
        d = s.query(Device).filter_by(mn="MN0002").one()
        assert (d.password, d.enabled, d.site_id) == ("999", False, site.id)
        delete_device(s, "MN0002")
        assert [d.mn for d in list_devices(s)] == ["MN0001"]


def test_registry_errors(engine):
    with session_scope(engine) as s:
        add_device(s, "MN1", "1")
        with pytest.raises(DeviceExists, match="device MN=MN1 is already registered"):
            add_device(s, "MN1", "2")
        with pytest.raises(UnknownSite, match="unknown site 'NOPE'"):
            add_device(s, "MN2", "1", site="NOPE")
        with pytest.raises(FieldError, match="bad MN 'a;b'"):
            add_device(s, "a;b", "1")
        with pytest.raises(FieldError, match="bad crc 'crc32'"):
            add_device(s, "MN3", "1", crc="crc32")
        with pytest.raises(FieldError, match="bad protocol version 7"):
            add_device(s, "MN3", "1", protocol_version=7)
        with pytest.raises(DeviceNotFound, match="no device with MN=ZZ"):
            update_device(s, "ZZ", password="1")


def test_csv_import_all_or_nothing(engine):
    with session_scope(engine) as s:
        make_site(s, "S1")
        add_device(s, "OLD", "1")
    bad = (
        "mn,password,site,crc\n"
        "A1,111,S1,hj212\n"
        "A2,222,NOSITE,hj212\n"
        "OLD,333,,\n"
        "A1,444,,\n"
        "A5,555,,md5\n"
    )
    with session_scope(engine) as s:
        with pytest.raises(DeviceImportError, match="4 bad row.*nothing imported") as info:
            import_devices_csv(s, bad)
    assert [ln for ln, _ in info.value.context["rows"]] == [3, 4, 5, 6]
    with session_scope(engine) as s:
        assert [d.mn for d in list_devices(s)] == ["OLD"]
    good = "\ufeffmn,password,site,crc,protocol_version,name,enabled\nA1,111,S1,hj212,1,排口一,1\nA2,222,,modbus-swapped,0,,0\n"
    with session_scope(engine) as s:
        assert len(import_devices_csv(s, good)) == 2
    with session_scope(engine) as s:
        a2 = s.query(Device).filter_by(mn="A2").one()
        assert a2.crc is CrcMode.MODBUS_SWAPPED and a2.enabled is False
        with pytest.raises(DeviceImportError, match=r"CSV header lacks \['password'\]"):
            import_devices_csv(s, "mn\nX\n")


def test_status_and_rejects(engine):
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with session_scope(engine) as s:
        add_device(s, "A", "1")
        add_device(s, "B", "1")
        delta = {"packets": 3, "rejected": 1, "by_cn": {"2011": 2, "2051": 1},
                 "errors": {"bad_crc": 1}, "last_seen": now - timedelta(minutes=1),
                 "last_data_time": now - timedelta(minutes=2), "last_peer": "1.2.3.4:5"}  # fmt: skip
        write_status(s, {"A": delta})
        write_status(
            s, {"A": {**delta, "by_cn": {"2011": 1}, "last_seen": now - timedelta(hours=1)}}
        )
        write_rejects(s, [{"received_at": now, "mn": "A", "peer": "p", "reason": "auth",
                           "message": "wrong PW for MN=A", "frame": "##..."}])  # fmt: skip
    with session_scope(engine) as s:
        rows = {r["mn"]: r for r in status_rows(s, now)}
        a = rows["A"]
        assert a["online"] and a["packets"] == 6 and a["rejected"] == 2
        assert a["packets_by_cn"] == {"2011": 3, "2051": 1} and a["errors"] == {"bad_crc": 2}
        assert a["lag_seconds"] == 120.0 and a["last_seen"] == now - timedelta(minutes=1)
        assert rows["B"]["online"] is False and rows["B"]["packets"] == 0
        assert [r.message for r in list_rejects(s, "A")] == ["wrong PW for MN=A"]


def test_a_binary_reject_is_stored_readable(engine):
    """A frame sent with the wrong SM4 key decrypts to noise, NUL bytes included: PostgreSQL's
    TEXT refuses NUL, and the whole batch of rejects was lost with it (CI, stop 27)."""
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    noise = b"##0040QN=1;CN=2011;MN=ENC02;CP=&&\x00\x1e\xff\x01\r\n&&"
    frame = noise.decode("utf-8", "backslashreplace")
    with session_scope(engine) as s:
        write_rejects(s, [{"received_at": now, "mn": "ENC02", "peer": "p", "reason": "bad_cipher",
                           "message": "bad\x00byte", "frame": frame},
                          {"received_at": now, "mn": "ENC03", "peer": "p", "reason": "auth",
                           "message": "wrong PW", "frame": "##..."}])  # fmt: skip
    with session_scope(engine) as s:
        [row] = list_rejects(s, "ENC02")
        assert row.frame == "##0040QN=1;CN=2011;MN=ENC02;CP=&&\\x00\\x1e\\xff\\x01\r\n&&"
        assert row.message == "bad\\x00byte"
        assert [r.mn for r in list_rejects(s, "ENC03")] == ["ENC03"]
