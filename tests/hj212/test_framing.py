"""Stream framing (length-driven, resynchronising) and multi-packet reassembly."""

import pytest

from qingshan.hj212.codec import encode, encode_segment, parse
from qingshan.hj212.errors import FrameHeaderError, FrameLengthError, ReassemblyError
from qingshan.hj212.framing import FrameReader, Reassembler

from .helpers import APPENDIX_A_FRAME


def frames_of(*chunks: bytes) -> tuple[list[bytes], FrameReader]:
    reader = FrameReader()
    out = []
    for chunk in chunks:
        out.extend(reader.feed(chunk))
    return out, reader


def test_back_to_back_without_crlf_and_bare_lf():
    body = APPENDIX_A_FRAME[:-2]
    got, reader = frames_of(body + body + body + b"\n" + APPENDIX_A_FRAME)
    assert got == [body] * 4 and reader.errors == [] and reader.pending == 0


def test_split_across_reads_byte_by_byte():
    reader = FrameReader()
    got = []
    for b in APPENDIX_A_FRAME * 2:
        got.extend(reader.feed(bytes([b])))
    assert got == [APPENDIX_A_FRAME[:-2]] * 2


def test_garbage_is_skipped_and_reported():
    got, reader = frames_of(b"\x00\xffnoise" + APPENDIX_A_FRAME + b"##zz" + APPENDIX_A_FRAME)
    assert len(got) == 2
    assert any(isinstance(e, FrameHeaderError) for e in reader.errors)
    assert reader.discarded > 0
    assert "skipped 7 bytes before '##'" in str(reader.errors[0])


def test_bad_length_resyncs_to_the_next_frame():
    bad = b"##0050" + APPENDIX_A_FRAME[6:]
    got, reader = frames_of(bad + APPENDIX_A_FRAME)
    assert got == [APPENDIX_A_FRAME[:-2]]
    assert any(isinstance(e, FrameLengthError) for e in reader.errors)


def test_overlong_length_does_not_stall_when_the_next_frame_follows():
    bad = b"##9000" + APPENDIX_A_FRAME[6:]
    got, reader = frames_of(bad + APPENDIX_A_FRAME)
    assert got == [APPENDIX_A_FRAME[:-2]]
    assert isinstance(reader.errors[0], FrameLengthError)
    assert "length field 9000 does not delimit a frame" in str(reader.errors[0])


def test_character_counted_length_with_chinese():
    seg = "QN=20240101000000000;ST=32;CN=3020;PW=1;MN=X;Flag=4;CP=&&i11001-Info=//中文日志//&&"
    frame = encode(seg)
    by_chars = b"##%04d" % len(seg) + frame[6:]
    got, reader = frames_of(by_chars + APPENDIX_A_FRAME)
    assert got == [by_chars[:-2], APPENDIX_A_FRAME[:-2]]
    assert parse(got[0]).fields["i11001-Info"] == "//中文日志//"


def test_memory_stays_bounded_on_endless_garbage():
    reader = FrameReader()
    for _ in range(200):
        list(reader.feed(b"x" * 10_000))
    assert reader.pending <= 1
    for _ in range(20):
        list(reader.feed(b"##9999" + b"y" * 5000))
    assert reader.pending < 10_100 + 5000
    assert len(reader.errors) <= 100


def _part(pno, pnum=3, values=None, qn="20240101000000000"):
    cp = [{"DataTime": "20240101000000"}, values or {f"a2100{pno}-Rtd": float(pno)}]
    seg = encode_segment(qn=qn, cn="2011", mn="M", pw="1", flag=7, pnum=pnum, pno=pno, cp=cp)
    return parse(encode(seg))


def test_reassembly_of_packetized_message():
    r = Reassembler(timeout=10)
    assert r.add(_part(2), now=0) is None
    assert r.add(_part(1), now=1) is None
    whole = r.add(_part(3), now=2)
    assert whole is not None and whole.flag.packetized
    assert whole.values == {"a21001-Rtd": 1.0, "a21002-Rtd": 2.0, "a21003-Rtd": 3.0}
    assert whole.pnum == 3 and len(r) == 0
    single = parse(APPENDIX_A_FRAME)
    assert r.add(single, now=3) is single


def test_reassembly_timeout_returns_partial():
    r = Reassembler(timeout=5)
    r.add(_part(1), now=0)
    assert r.expire(now=4) == []
    partial = r.expire(now=5)
    assert len(partial) == 1 and partial[0].values == {"a21001-Rtd": 1.0}


def test_reassembly_conflicting_duplicate_part():
    r = Reassembler()
    r.add(_part(1), now=0)
    with pytest.raises(ReassemblyError, match=r"part 1/3 of MN=M CN=2011 arrived twice"):
        r.add(_part(1, values={"a21001-Rtd": 9.0}, qn="20240101000001000"), now=1)
