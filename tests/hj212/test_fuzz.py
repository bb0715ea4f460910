"""Any input ends in a parsed packet or one of the codec's own errors (never another
exception, a hang or unbounded memory)."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from qingshan.hj212.codec import CrcVariant, HJ212Error, Packet, encode, encode_segment, parse
from qingshan.hj212.cp import check_cp, parse_cp
from qingshan.hj212.crc import crc16
from qingshan.hj212.framing import FrameReader

from .helpers import APPENDIX_A_FRAME

SEEDS = [
    APPENDIX_A_FRAME,
    encode("QN=20240520210700000;ST=31;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=9;"
           "CP=&&DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Flag=N&&"),
    encode("ST=32;CN=2011;PW=1;MN=8888;CP=&&DataTime=20040516020111;B01-Rtd=100;011-Rtd=5&&"),
    encode("QN=20240101000000000;ST=32;CN=3020;PW=1;MN=X;Flag=4;CP=&&i11001-Info=//中文;a=b//&&"),
    encode(encode_segment(qn="20240101000000000", cn="2011", mn="M", pw="1", flag=7, pnum=2,
                          pno=1, cp="DataTime=20240101000000;a21026-Rtd=1")),
]  # fmt: skip
ALL = frozenset(CrcVariant)


def _parse_any(data: bytes) -> None:
    try:
        result = parse(data, ALL)
    except HJ212Error:
        return
    assert isinstance(result, Packet)


@given(st.binary(max_size=400))
def test_random_bytes(data):
    _parse_any(data)
    _parse_any(b"##%04d" % len(data) + data + b"0000\r\n")


@given(st.text(max_size=300))
def test_random_text_as_segment(text):
    _parse_any(encode(text) if len(text.encode()) <= 9999 else text)


@settings(max_examples=300)
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255),
                                                  st.sampled_from("fid")), max_size=8))  # fmt: skip
def test_byte_mutations_of_real_packets(seed, edits):
    data = bytearray(seed)
    for pos, byte, op in edits:
        if not data:
            break
        pos %= len(data)
        if op == "f":
            data[pos] = byte
        elif op == "i":
            data.insert(pos, byte)
        else:
            del data[pos]
    _parse_any(bytes(data))
    # the same bytes with a correct frame around them reach the segment parser
    body = bytes(data[6:-6])
    _parse_any(b"##%04d%s%04X" % (len(body), body, crc16(body)))


def test_mutated_streams_through_the_frame_reader():
    rng = random.Random(7)
    stream = bytearray(b"".join(SEEDS * 50))
    for _ in range(60):
        stream[rng.randrange(len(stream))] = rng.randrange(256)
    reader = FrameReader()
    parsed = errors = 0
    for i in range(0, len(stream), 97):
        for frame in reader.feed(bytes(stream[i : i + 97])):
            try:
                parse(frame, ALL)
                parsed += 1
            except HJ212Error:
                errors += 1
        assert reader.pending < 20_000
    assert parsed > 150 and parsed + errors <= len(SEEDS) * 50 + 50


_CP_ATOMS = [
    "DataTime=20260101080000", "DataTime=20261301080000", "DataTime=", "xDataTime=1",
    "a21026-Rtd=12.5", "a21026-Rtd=", "a21026-Rtd=x", "a-Flag=N", "=5", "x", "", "a-Avg=1e5",
    "b-Data=.5", "c-DayData=-3.", "SB1-RS=1", "i-Info=//a;b//", "k=v=w", "k=DataTime=5",
    "a-Rtd=1_0", "a-Rtd= 1", "a-Rtd=nan", "a-Min=+4", "DataTime=2026010108000", "a-ZsRtd=1",
    "-Rtd=3", "-Rtd=a", "a/b=1",
]  # fmt: skip


@given(st.lists(st.tuples(st.sampled_from(_CP_ATOMS), st.sampled_from(";,")), max_size=6),
       st.text(alphabet="=;,-/.0123456789aeRtdFlagDataTime", max_size=30))  # fmt: skip
@settings(max_examples=600, deadline=None)
def test_check_cp_agrees_with_parse_cp(items, noise):
    """The listener's CP check raises exactly when (and what) a full parse raises."""
    for cp in ("".join(a + sep for a, sep in items)[:-1], noise):

        def run(fn, cp=cp):
            try:
                return ("ok", fn(cp))
            except HJ212Error as exc:
                return ("error", type(exc), exc.message)

        assert run(check_cp) == run(lambda c: parse_cp(c, {}, {}, {}))
