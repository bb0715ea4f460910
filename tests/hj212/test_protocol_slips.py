"""Protocol slips seen on the wire, through the real listener: no 9014 data answer to a request
frame (HJ 212-2017 §6.1, Appendix C.2), and a CP not closed by ``&&`` rejected as the CP error
with the logger's MN (not as a framing error without one)."""

import asyncio
import logging
import random
from datetime import UTC, datetime

import pytest

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212.codec import encode, parse
from qingshan.hj212.crc import CrcVariant, crc_for
from qingshan.hj212.framing import FrameReader
from qingshan.hj212.listener import answers_with_data
from qingshan.hj212.logger_sim import LoggerSpec, build_packet
from qingshan.hj212.registry import list_rejects
from qingshan.ingest.runtime import run_listener
from qingshan.timeseries.store import ObservationStore

from .helpers import register

MN = "010000A8900016F000169DC0"
#: HJ 212-2025 Appendix A.1: 提取现场机时间 (CN=1011) with Flag=9 (2025, A = 1), CRC 2200
GET_TIME_2025 = (
    b"##0087QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;"
    b"CP=&&&&2200\r\n"
)
#: HJ 212-2017 Table C.2: the logger's 1011 response inside the platform's request (Flag=4)
TIME_RESPONSE = encode(
    "QN=20160801085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&PolId=w01018;SystemTime=20160801085857&&"
)
#: HJ 212-2017 Table C.40: 上传现场机信息 (日志), an upload answered with 9014
INFO_UPLOAD = encode(
    "QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801085857;PolId=w01018;i11001-Info=//仪器运行正常//&&"
)
#: a real-time upload whose CP area lacks its closing && (length and CRC are right)
UNCLOSED = (
    "QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&DataTime=20160801085857;w01018-Rtd=40.1,w01018-Flag=N"
)


def _frame(segment: str) -> bytes:
    body = segment.encode()
    return b"##%04d%s%04X\r\n" % (len(body), body, crc_for(CrcVariant.HJ212, body))


def test_only_uploads_get_data_answers():
    for cn in ("2011", "2051", "2061", "2031", "2041", "2021", "2081", "3019", "3020", "2013"):
        assert answers_with_data(cn), cn
    for cn in ("1011", "1061", "1063", "3015", "3017", "3018", "1000", None):
        assert not answers_with_data(cn), cn


def test_frame_reader_cuts_a_frame_whose_cp_is_not_closed():
    good = build_packet(LoggerSpec(MN, "123456", st="32"), "2011", datetime.now(UTC),
                        random.Random(1))  # fmt: skip
    reader = FrameReader().feed(_frame(UNCLOSED) + good)
    frames = list(reader)
    assert [f[6:20] for f in frames] == [b"QN=20160801085", good[6:20]]
    assert reader.errors == [] and reader.discarded == 0


async def _session(port: int, frames: list[bytes], wait: float = 0.6) -> list[bytes]:
    """Send ``frames`` on one connection; every answer line received within ``wait`` s."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for f in frames:
            writer.write(f)
        await writer.drain()
        out = []
        while True:
            try:
                out.append(await asyncio.wait_for(reader.readuntil(b"\r\n"), wait))
            except TimeoutError:
                return out
    finally:
        writer.close()
        await writer.wait_closed()


def _run(engine, tmp_path, body):
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)

    async def main():
        stop = asyncio.Event()
        ready = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            run_listener(settings, engine, store, stop, port=0, ready=ready.set_result,
                         ingest="thread", ingest_interval=0.2, flush_interval=0.2)
        )  # fmt: skip
        listener = await ready
        try:
            return await body(listener)
        finally:
            stop.set()
            await task

    return asyncio.run(main())


def test_request_frames_from_a_logger_get_no_data_answer(engine, tmp_path):
    spec = LoggerSpec(MN, "123456", st="32")
    register(engine, [spec])
    upload = build_packet(spec, "2011", datetime(2026, 3, 1, 8, tzinfo=UTC), random.Random(2))

    async def body(listener):
        answers = await _session(listener.port, [GET_TIME_2025, TIME_RESPONSE, INFO_UPLOAD, upload])
        return [parse(a) for a in answers], listener.stats

    answers, stats = _run(engine, tmp_path, body)
    # only the two uploads (3020, 2011) are answered, each with its own QN
    assert [(a.cn, a.qn) for a in answers] == [
        ("9014", "20160801085857223"), ("9014", parse(upload).qn)
    ]  # fmt: skip
    assert stats.acked == 2 and stats.rejected == 0


def test_unclosed_cp_is_rejected_as_the_cp_error_with_its_mn(engine, tmp_path, caplog):
    spec = LoggerSpec(MN, "123456", st="32")
    register(engine, [spec])
    upload = build_packet(spec, "2011", datetime(2026, 3, 1, 8, tzinfo=UTC), random.Random(3))

    async def body(listener):
        return await _session(listener.port, [_frame(UNCLOSED), upload])

    with caplog.at_level(logging.INFO, logger="qingshan.hj212.listener"):
        answers = _run(engine, tmp_path, body)
    # the connection stays usable: the next frame is acknowledged
    assert [parse(a).qn for a in answers] == [parse(upload).qn]
    with session_scope(engine) as s:
        [reject] = list_rejects(s)
    assert (reject.mn, reject.reason) == (MN, "bad_field")
    assert "CP data area not closed by &&" in reject.message
    lines = [r.getMessage() for r in caplog.records if "rejected frame" in r.getMessage()]
    assert len(lines) == 1
    assert f"MN={MN}" in lines[0] and "CP data area not closed by &&" in lines[0]


@pytest.mark.parametrize("crc", [CrcVariant.MODBUS, CrcVariant.MODBUS_SWAPPED])
def test_unclosed_cp_with_a_vendor_crc_is_framed_too(crc):
    body = UNCLOSED.encode()
    frame = b"##%04d%s%04X" % (len(body), body, crc_for(crc, body))
    reader = FrameReader().feed(frame)
    assert list(reader) == [frame] and reader.errors == []
