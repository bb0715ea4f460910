"""CRC of HJ 212-2017 Appendix A and the vendor variants."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qingshan.hj212.crc import CrcVariant, crc16, crc16_loop, crc16_modbus, crc_for

from .helpers import APPENDIX_A


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", 0xFFFF),
        (b"\x00", 0x4040),
        (b"123456789", 0x2F80),
        (APPENDIX_A.encode(), 0x1C80),
        # HJ 212-2025 Appendix A.1 (Flag=9)
        (b"QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;"
         b"CP=&&&&", 0x2200),
    ],
)  # fmt: skip
def test_vectors(data, expected):
    assert crc16(data) == expected
    assert crc16_loop(data) == expected


def test_appendix_a_is_not_modbus():
    assert crc16_modbus(APPENDIX_A.encode()) == 0x0759
    assert crc_for(CrcVariant.MODBUS_SWAPPED, APPENDIX_A.encode()) == 0x5907


def test_chinese_text_is_crc_over_utf8_bytes():
    text = "QN=20240101000000000;ST=32;CN=3020;CP=&&i11001-Info=//设备故障：泵停止//&&"
    assert crc16(text.encode("utf-8")) == crc16_loop(text.encode("utf-8"))
    assert len(text.encode("utf-8")) != len(text)


@given(st.binary(max_size=3000))
def test_fast_crc_equals_the_appendix_loop(data):
    assert crc16(data) == crc16_loop(data)


def test_unknown_variant_raises():
    with pytest.raises(ValueError, match="'crc32' is not a valid CrcVariant"):
        crc_for("crc32", b"x")
