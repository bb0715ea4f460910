"""Parsing and encoding of HJ 212 packets (HJ 212-2017 §6.3, Appendix A, App. C)."""

from datetime import UTC, datetime

import pytest

from qingshan.hj212.codec import (
    COMMANDS,
    CrcVariant,
    Flag,
    HJ212Error,
    _answer_flag,
    data_answer,
    encode,
    encode_segment,
    execution_result,
    notify_answer,
    parse,
    parse_segment,
    request_answer,
)
from qingshan.hj212.errors import (
    CRCMismatchError,
    EncodeError,
    FieldError,
    FrameHeaderError,
    FrameLengthError,
    TimestampError,
    UnknownCommandError,
)

from .helpers import APPENDIX_A, APPENDIX_A_FRAME

MINUTE = (
    "QN=20240520210700000;ST=31;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=9;"
    "CP=&&DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,"
    "a01011-Flag=N;a01014-Min=3.20,a01014-Avg=3.20,a01014-Max=3.20,a01014-Flag=N&&"
)


def test_appendix_a_example():
    assert encode(APPENDIX_A) == APPENDIX_A_FRAME
    p = parse(APPENDIX_A_FRAME)
    assert (p.qn, p.st, p.cn, p.pw, p.mn) == (
        "20160801085857223", "32", "1062", "100000", "010000A8900016F000169DC0"
    )  # fmt: skip
    assert p.flag == 5 and p.flag.version == 1 and p.flag.ack_needed and not p.flag.packetized
    assert p.fields == {"RtdInterval": "30"}
    assert p.values == {} and p.data_time is None
    assert p.crc_variant is CrcVariant.HJ212
    assert p.command == "设置实时数据间隔"


def test_2025_minute_data_vector():
    frame = b"##0234" + MINUTE.encode() + b"B541\r\n"
    p = parse(frame)
    assert p.flag == 9 and p.flag.version == 2 and p.flag.ack_needed
    assert p.values == {
        "a01011-Min": 1.35, "a01011-Avg": 1.35, "a01011-Max": 1.35,
        "a01014-Min": 3.2, "a01014-Avg": 3.2, "a01014-Max": 3.2,
    }  # fmt: skip
    assert p.data_flags == {"a01011-Flag": "N", "a01014-Flag": "N"}
    # DataTime is CST: 21:06 CST = 13:06 UTC, the start of the minute
    assert p.data_time == datetime(2024, 5, 20, 13, 6, tzinfo=UTC)


def test_2025_answer_uses_flag_8():
    p = parse(b"##0234" + MINUTE.encode() + b"B541\r\n")
    answer = parse(data_answer(p))
    assert (answer.st, answer.cn, answer.qn, answer.flag) == ("91", "9014", p.qn, 8)


def test_2005_style_packet_without_qn_and_flag_with_2005_codes():
    seg = "ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&DataTime=20040516020111;B01-Rtd=100;011-Rtd=50.5,011-Flag=N&&"
    p = parse(encode(seg))
    assert p.qn is None and p.has_flag is False and p.flag.version == 0
    assert p.values == {"B01-Rtd": 100.0, "011-Rtd": 50.5}


def test_header_fields_in_any_order_and_unknown_ones_kept():
    seg = "ST=32;CN=2051;QN=20240101000000000;MN=X1;PW=1;Flag=4;XX=7;CP=&&&&"
    p = parse(encode(seg))
    assert (p.cn, p.qn, p.mn, p.fields) == ("2051", "20240101000000000", "X1", {"XX": "7"})


def test_cp_pitfalls_tolerated():
    seg = ("QN=20240101000000000;ST=31;CN=2011;PW=1;MN=X;Flag=4;CP=&&DataTime=20240101000000;"
           "a21026-Rtd=,W01001-Avg=7.1,a21026-SampleTime=,FANSTATUS=1,SB1-RS=1,a21026-ZsCou=2;&&")  # fmt: skip
    p = parse(encode(seg))
    assert p.values == {"W01001-Avg": 7.1, "a21026-ZsCou": 2.0}
    assert p.fields["a21026-Rtd"] == "" and p.fields["FANSTATUS"] == "1"
    assert p.fields["SB1-RS"] == "1"


def test_chinese_log_text_with_separators():
    seg = "QN=20240101000000000;ST=32;CN=3020;PW=1;MN=X;Flag=4;CP=&&DataTime=20240101000000;PolId=w01018;i11001-Info=//仪器故障;代码=3,请检修//&&"
    frame = encode(seg)
    assert frame[2:6] == b"%04d" % len(seg.encode("utf-8"))
    p = parse(frame)
    assert p.fields["i11001-Info"] == "//仪器故障;代码=3,请检修//"
    assert p.fields["PolId"] == "w01018"


def test_length_counted_in_characters_is_accepted():
    seg = "QN=20240101000000000;ST=32;CN=3020;PW=1;MN=X;Flag=4;CP=&&i11001-Info=//中文//&&"
    frame = encode(seg)
    by_chars = b"##%04d" % len(seg) + frame[6:]
    assert parse(by_chars).fields["i11001-Info"] == "//中文//"


def test_vendor_crc_variants_only_when_enabled():
    modbus = encode(APPENDIX_A, CrcVariant.MODBUS)
    assert modbus.endswith(b"0759\r\n")
    with pytest.raises(CRCMismatchError, match=r"CRC 0759 does not match .*Appendix A gives 1C80"):
        parse(modbus)
    assert parse(modbus, {CrcVariant.MODBUS}).crc_variant is CrcVariant.MODBUS
    swapped = encode(APPENDIX_A, CrcVariant.MODBUS_SWAPPED)
    assert parse(swapped, set(CrcVariant)).crc_variant is CrcVariant.MODBUS_SWAPPED


def test_crc_compared_case_insensitively_and_crlf_optional():
    assert parse(APPENDIX_A_FRAME.replace(b"1C80", b"1c80")).qn == "20160801085857223"
    assert parse(APPENDIX_A_FRAME[:-2]).cn == "1062"
    assert parse(APPENDIX_A_FRAME[:-1]).cn == "1062"
    assert parse(APPENDIX_A_FRAME.decode()).cn == "1062"


def test_long_frames_up_to_9999():
    cp = ";".join(f"a{i:05d}-Rtd={i}.5" for i in range(500))
    seg = encode_segment(qn="20240101000000000", cn="2011", mn="X", pw="1", cp=cp)
    assert 1024 < len(seg) < 9999
    assert len(parse(encode(seg)).values) == 500
    with pytest.raises(EncodeError, match="exceeds 9999"):
        encode("x" * 10000)


# ------------------------------------------------------------------ one error class per failure


@pytest.mark.parametrize(
    ("frame", "error", "match"),
    [
        (b"", FrameHeaderError, "must start with '##'"),
        (b"$$0101" + APPENDIX_A.encode() + b"1C80", FrameHeaderError, "must start with '##'"),
        (b"##01a1" + APPENDIX_A.encode() + b"1C80", FrameHeaderError, "not 4 decimal digits"),
        (b"##0100" + APPENDIX_A.encode() + b"1C80", FrameLengthError, "says 100 but the data segment has 101 bytes"),
        (APPENDIX_A_FRAME.replace(b"1C80", b"1C81"), CRCMismatchError, "CRC 1C81 does not match"),
        (APPENDIX_A_FRAME.replace(b"1C80", b"ZZZZ"), CRCMismatchError, "CRC ZZZZ does not match"),
    ],
)  # fmt: skip
def test_frame_errors(frame, error, match):
    with pytest.raises(error, match=match) as info:
        parse(frame)
    assert isinstance(info.value, HJ212Error)
    assert info.value.position is not None and info.value.clause


@pytest.mark.parametrize(
    ("segment", "error", "match"),
    [
        ("QN=1;ST=32;CN=2011", FieldError, "missing CP=&&…&& data area"),
        ("ST=32;CN=2011;CP=&&a=1", FieldError, "CP data area not closed by &&"),
        ("ST=32;CN=2011;Flag=x;CP=&&&&", FieldError, r"bad Flag='x': expected an integer 0\.\.255"),
        ("ST=32;CN=2011;Flag=256;CP=&&&&", FieldError, r"bad Flag='256'"),
        ("ST=32;CN=20111;CP=&&&&", FieldError, "bad CN='20111': expected 4 digits"),
        ("ST=32;CN=2011;PNUM=2;CP=&&&&", FieldError, "PNUM and PNO must come together"),
        ("ST=32;CN=2011;PNUM=2;PNO=3;CP=&&&&", FieldError, "PNO=3 exceeds PNUM=2"),
        ("ST=32;CN=2011;garbage;CP=&&&&", FieldError, "header item 'garbage' has no '='"),
        ("ST=32;CN=2011;CP=&&a21026-Rtd=1;oops&&", FieldError, "CP item 'oops' has no '='"),
        ("ST=32;CN=2011;CP=&&a21026-Rtd=abc&&", FieldError, "a21026-Rtd='abc' is not a number"),
        ("ST=32;CN=2011;CP=&&DataTime=20241301000000&&", TimestampError, "bad DataTime='20241301000000'"),
        ("ST=32;CN=2011;CP=&&DataTime=2024&&", TimestampError, "expected YYYYMMDDhhmmss"),
        ("QN=2024010100000;ST=32;CN=2011;CP=&&&&", TimestampError, "bad QN='2024010100000': expected YYYYMMDDhhmmsszzz"),
    ],
)  # fmt: skip
def test_segment_errors(segment, error, match):
    with pytest.raises(error, match=match):
        parse(encode(segment))
    with pytest.raises(error, match=match):  # the listener's check-only parse: same errors
        parse(encode(segment), cp=False)


def test_check_only_parse_keeps_header_and_data_time():
    frame = encode("QN=20240520210700000;ST=31;CN=2051;PW=1;MN=M1;Flag=5;"
                   "CP=&&DataTime=20240520210600;a01011-Avg=1.35,a01011-Flag=N&&")  # fmt: skip
    full, light = parse(frame), parse(frame, cp=False)
    assert (light.qn, light.mn, light.pw, light.cn, light.flag, light.crc_variant) == (
        full.qn, full.mn, full.pw, full.cn, full.flag, full.crc_variant)  # fmt: skip
    assert light.data_time == full.data_time is not None
    assert light.values == light.data_flags == light.fields == {}


def test_quick_answers_equal_the_encoded_ones():
    for version in (0, 1, 2):
        for variant in CrcVariant:
            req = parse_segment(
                f"QN=20240101000000123;ST=31;CN=2011;PW=p1;MN=M中文;Flag={version << 2 | 1};CP=&&&&"
            )
            for cn, make in (("9014", data_answer), ("9013", notify_answer)):
                slow = encode(encode_segment(qn=req.qn, st="91", cn=cn, pw=req.pw, mn=req.mn,
                                             flag=_answer_flag(req)), variant)  # fmt: skip
                assert make(req, variant) == slow


def test_invalid_utf8_is_a_field_error():
    body = b"ST=32;CN=2011;CP=&&i1-Info=\xff\xfe&&"
    frame = b"##%04d%s%04X" % (len(body), body, 0)
    with pytest.raises(FieldError, match="not valid UTF-8 at byte"):
        parse(frame, check_crc=False)


def test_unknown_command_kept_unless_strict():
    p = parse(encode("QN=20240101000000000;ST=32;CN=9021;PW=1;MN=X;Flag=4;CP=&&&&"))
    assert p.cn == "9021" and p.command is None
    with pytest.raises(
        UnknownCommandError, match=r"unknown command CN='9021' \(HJ 212-2017 Table 9\)"
    ):
        p.require_known_command()
    assert parse(APPENDIX_A_FRAME).require_known_command().cn == "1062"
    assert "9014" in COMMANDS


def test_error_context_carries_packet_and_position():
    with pytest.raises(CRCMismatchError) as info:
        parse(APPENDIX_A_FRAME.replace(b"1C80", b"0000"))
    err = info.value
    assert err.packet.startswith("##0101QN=") and err.position == 107
    assert err.context["expected"] == "1C80" and err.clause == "Appendix A"
    assert err.reason == "bad_crc"


# ------------------------------------------------------------------ encoding and answers


def test_flag_bits():
    assert Flag.make(1, ack_needed=True) == 5
    assert Flag.make(2, ack_needed=True, packetized=True) == 11
    assert Flag(3).packetized and Flag(3).version == 0
    assert Flag(8).version == 2 and not Flag(8).ack_needed


def test_encode_roundtrip_with_groups():
    seg = encode_segment(
        qn="20240101120000000", st="31", cn="2061", pw="123456", mn="MN01", flag=5,
        cp=[{"DataTime": datetime(2024, 1, 1, 3, tzinfo=UTC)}, {"a21026-Avg": 12.3, "a21026-Flag": "N"}],
    )  # fmt: skip
    assert "DataTime=20240101110000" in seg  # CST on the wire
    p = parse(encode(seg))
    assert p.values == {"a21026-Avg": 12.3} and p.data_time == datetime(2024, 1, 1, 3, tzinfo=UTC)


def test_encode_rejects_separators():
    with pytest.raises(EncodeError, match=r"MN='a;b' contains a separator"):
        encode_segment(cn="2011", mn="a;b")
    with pytest.raises(EncodeError, match="CP content contains '&&'"):
        encode_segment(cn="2011", cp="a=1&&")


def test_answers():
    req = parse(APPENDIX_A_FRAME)
    for build, cn, cp in (
        (data_answer, "9014", {}),
        (notify_answer, "9013", {}),
        (lambda r: request_answer(r, 1), "9011", {"QnRtn": "1"}),
        (lambda r: execution_result(r, 100), "9012", {"ExeRtn": "100"}),
    ):
        a = parse(build(req))
        assert (a.qn, a.st, a.cn, a.pw, a.mn, a.flag, a.fields) == (
            req.qn, "91", cn, req.pw, req.mn, 4, cp
        )  # fmt: skip
    assert data_answer(req) == encode(
        "QN=20160801085857223;ST=91;CN=9014;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&"
    )


def test_parse_segment_directly():
    assert parse_segment(APPENDIX_A).fields == {"RtdInterval": "30"}
