"""Truncated and GBK device CSVs (issue 9 items 3 and 13): a cut row is refused with its line,
nothing is imported, never a device with a cut or empty password."""

import pytest

from qingshan.db.engine import session_scope
from qingshan.hj212.errors import DeviceImportError
from qingshan.hj212.registry import import_devices_csv, list_devices

HEADER = "mn,password,site,crc,protocol_version,name,enabled\n"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        # cut inside the password: "A2,secret" would have imported the password "se"
        (HEADER + "A1,111,,hj212,1,排口一,1\nA2,se", 3, "the file ends inside this row"),
        # cut right after the separator: the device with an empty password of the report
        ("mn,password\nA1,111\nA2,", 3, "the file ends inside this row"),
        # a row with fewer fields, line break and all
        (HEADER + "A1,111,,hj212,1,排口一,1\nA2,222,,hj212\n", 3, "4 fields, the header 7"),
        # an empty password in a sound row
        ("mn,password\nA1,111\nA2,\n", 3, "empty password"),
    ],
)
def test_a_cut_or_empty_row_is_refused_and_nothing_imported(engine, text, line, reason):
    with session_scope(engine) as s:
        with pytest.raises(DeviceImportError, match="nothing imported") as info:
            import_devices_csv(s, text)
    rows = info.value.context["rows"]
    assert [ln for ln, _ in rows] == [line] and reason in rows[0][1]
    with session_scope(engine) as s:
        assert list_devices(s) == []


def test_gbk_bytes_are_read(engine):
    data = (HEADER + "A1,111,,hj212,1,一号排口,1\n").encode("gbk")
    with session_scope(engine) as s:
        [device] = import_devices_csv(s, data)
        assert device.name == "一号排口"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04\x00\x00", "a binary file, not CSV text"),
        (b"mn,password\n\xff\xfe,1\n", "neither UTF-8 nor GBK text"),
    ],
)
def test_unreadable_bytes_are_one_line(engine, data, reason):
    with session_scope(engine) as s:
        with pytest.raises(DeviceImportError, match=f"^cannot read as CSV: {reason}"):
            import_devices_csv(s, data)
