"""The command lifecycle and request frames (HJ 212-2017 §6.1–6.2, Appendix C), pure."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from qingshan.hj212.backfill import (
    BackfillWindow,
    backfill_of,
    floor_period,
    gap_ranges,
    period_starts,
    split_range,
)
from qingshan.hj212.codec import encode, encode_segment, parse, parse_segment
from qingshan.hj212.commands import (
    FINAL,
    TRANSITIONS,
    Command,
    CommandBook,
    CommandKind,
    CommandState,
    Event,
    next_state,
    request_frame,
    request_segment,
)
from qingshan.hj212.errors import CommandError, CommandStateError
from qingshan.hj212.logger_sim import CommandBehaviour, LoggerSpec, answer_request
from qingshan.hj212.sm4 import TEST_KEY, decrypt_frame

MN = "010000A8900016F000169DC0"
QN = "20160801085857223"  # App. C: 2016-08-01 08:58:57.223 CST
AT = datetime(2016, 8, 1, 0, 58, 57, 223000, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _cmd(kind: CommandKind, cn: str, **params) -> Command:
    return Command(id=1, mn=MN, kind=kind, cn=cn, params=params, overtime=10, recount=3)


@pytest.mark.parametrize(
    ("command", "expected"),
    [  # the requests of Appendix C, tables C.1, C.2, C.3, C.10, C.11, C.21
        (_cmd(CommandKind.TIMEOUTS, "1000", overtime=5, recount=3),
         f"QN={QN};ST=32;CN=1000;PW=123456;MN={MN};Flag=5;CP=&&OverTime=5;ReCount=3&&"),
        (_cmd(CommandKind.TIME_GET, "1011", pol_id="w01018"),
         f"QN={QN};ST=32;CN=1011;PW=123456;MN={MN};Flag=5;CP=&&PolId=w01018&&"),
        (_cmd(CommandKind.TIME_SET, "1012", pol_id="w01018"),
         f"QN={QN};ST=32;CN=1012;PW=123456;MN={MN};Flag=5;CP=&&PolId=w01018;"
         "SystemTime=20160801085857&&"),
        (_cmd(CommandKind.RTD_START, "2011"),
         f"QN={QN};ST=32;CN=2011;PW=123456;MN={MN};Flag=5;CP=&&&&"),
        (_cmd(CommandKind.RTD_STOP, "2012"),
         f"QN={QN};ST=32;CN=2012;PW=123456;MN={MN};Flag=5;CP=&&&&"),
        (_cmd(CommandKind.BACKFILL, "2061", begin="2016-08-01T00:00:00+00:00",
              end="2016-08-01T00:00:00+00:00"),
         f"QN={QN};ST=32;CN=2061;PW=123456;MN={MN};Flag=5;"
         "CP=&&BeginTime=20160801080000;EndTime=20160801080000&&"),
    ],
)  # fmt: skip
def test_request_segments_are_appendix_c(command, expected):
    assert request_segment(command, qn=QN, st="32", pw="123456", now=AT) == expected


def test_request_flag_by_edition_and_encryption():
    cmd = _cmd(CommandKind.BACKFILL, "2061", begin=AT.isoformat(), end=AT.isoformat())
    seg = request_segment(cmd, qn=QN, st="31", pw="1", version=2, now=AT)
    assert ";Flag=9;" in seg
    old = request_segment(cmd, qn=QN, st="31", pw="1", version=0, now=AT)
    assert ";Flag=1;" in old and "CP=&&BeginTime=20160801085857,EndTime=20160801085857&&" in old
    sealed = request_frame(cmd, qn=QN, st="31", pw="1", version=2, now=AT, key=TEST_KEY)
    assert b"BeginTime" not in sealed and decrypt_frame(sealed, TEST_KEY) == encode(seg)
    plain = request_frame(_cmd(CommandKind.TIME_GET, "1011"), qn=QN, st="31", pw="1",
                          version=2, now=AT, key=TEST_KEY)  # fmt: skip
    assert b"CN=1011" in plain and parse(plain).cn == "1011"  # 1011 is not encrypted (§6.4.4)


def test_transitions_are_declared():
    assert next_state("queued", "send") is CommandState.SENT
    assert next_state(CommandState.ANSWERED, Event.PROGRESS) is CommandState.ANSWERED
    for state in FINAL:
        assert not any(s is state for s, _ in TRANSITIONS)  # nothing leaves a final state
    with pytest.raises(
        CommandStateError, match="a command in state succeeded cannot take event send"
    ):
        next_state(CommandState.SUCCEEDED, Event.SEND)
    with pytest.raises(CommandStateError, match="state sent cannot take event cancel") as info:
        next_state("sent", "cancel")
    assert (info.value.event, info.value.state) == ("cancel", "sent")


def _answer(cn: str, cp: dict, qn: str = QN, st: str = "91"):
    return parse_segment(encode_segment(qn=qn, st=st, cn=cn, pw="1", mn=MN, flag=4, cp=cp),
                         cp=False)  # fmt: skip


def test_book_follows_a_backfill():
    book = CommandBook()
    cmd = _cmd(CommandKind.BACKFILL, "2061", begin=AT.isoformat(), end=(AT + HOUR).isoformat())
    cmd.qn = QN
    book.start(cmd, b"frame", AT)
    assert book.waiting == {MN} and cmd.state is CommandState.SENT and cmd.attempts == 1
    with pytest.raises(CommandError, match="already has a command in flight"):
        book.start(_cmd(CommandKind.TIME_GET, "1011"), b"", AT)
    book.observe(_answer("9011", {"QnRtn": 1}), AT + timedelta(seconds=1))
    assert cmd.state is CommandState.ANSWERED and cmd.qn_rtn == 1
    upload = encode_segment(qn="20160801085858000", st="31", cn="2061", pw="1", mn=MN, flag=4,
                            cp={"DataTime": "20160801080000", "a21026-Avg": 1.0})  # fmt: skip
    book.observe(parse_segment(upload, cp=False), AT + timedelta(seconds=2))
    assert cmd.result == {"packets": 1, "first": "2016-08-01T00:00:00+00:00",
                          "last": "2016-08-01T00:00:00+00:00"}  # fmt: skip
    assert cmd.deadline == AT + timedelta(seconds=12)  # the timeout runs from the last frame
    book.observe(_answer("9012", {"ExeRtn": 1}, qn="20160801085857999"), AT)  # not its QN
    assert cmd.state is CommandState.ANSWERED
    book.observe(_answer("9012", {"ExeRtn": 1}), AT + timedelta(seconds=3))
    assert cmd.state is CommandState.SUCCEEDED and cmd.exe_rtn == 1 and not book.waiting
    [update] = book.drain()
    assert update["state"] == "succeeded" and update["finished_at"] == cmd.finished_at.isoformat()
    assert book.drain() == []


def test_book_timeouts_resend_then_give_up():
    book = CommandBook()
    cmd = _cmd(CommandKind.TIME_GET, "1011")
    cmd.recount = 1
    book.start(cmd, b"req", AT)
    assert book.tick(AT + timedelta(seconds=9)) == []
    assert book.tick(AT + timedelta(seconds=10)) == [(MN, b"req")]
    assert cmd.attempts == 2 and cmd.state is CommandState.SENT
    assert book.tick(AT + timedelta(seconds=20)) == []
    assert cmd.state is CommandState.TIMED_OUT and not book.busy(MN)
    assert cmd.error == "no request answer 9011 after 2 sends, 10 s each (§6.2.1)"


def test_book_time_answer_and_2005_qn_in_cp():
    book = CommandBook()
    cmd = _cmd(CommandKind.TIME_GET, "1011")
    cmd.qn = QN
    book.start(cmd, b"", AT)
    book.observe(_answer("9011", {"QN": QN, "QnRtn": 1}, qn=None), AT)  # 2005 style
    assert cmd.state is CommandState.ANSWERED
    book.observe(_answer("1011", {"SystemTime": "20160801085957"}, st="32"), AT)
    assert cmd.result == {"system_time": "2016-08-01T00:59:57+00:00", "offset_seconds": 59.8}
    book.observe(_answer("9012", {"ExeRtn": 2}), AT)
    assert cmd.state is CommandState.FAILED and cmd.error == "ExeRtn=2: 执行失败，但不知道原因"


def test_book_notification_and_abandon():
    book = CommandBook()
    stop = _cmd(CommandKind.RTD_STOP, "2012")
    stop.qn = QN
    book.start(stop, b"", AT)
    book.observe(_answer("9013", {}), AT)
    assert stop.state is CommandState.SUCCEEDED
    other = Command(id=2, mn="B", kind=CommandKind.TIME_SET, cn="1012")
    book.start(other, b"", AT)
    book.abandon(AT, "the listener stopped")
    assert (other.state, other.error) == (CommandState.TIMED_OUT, "the listener stopped")


def test_new_qn_is_unique_per_logger():
    book = CommandBook()
    assert [book.new_qn(MN, AT) for _ in range(3)] == [
        "20160801085857223", "20160801085857224", "20160801085857225"]  # fmt: skip
    assert book.new_qn("other", AT) == QN


def test_simulated_logger_answers_as_appendix_c():
    spec = LoggerSpec(MN, "123456", st="32")
    request = parse(request_frame(
        _cmd(CommandKind.BACKFILL, "2061", begin=AT.replace(minute=0, second=0, microsecond=0)
             .isoformat(), end=(AT.replace(minute=0, second=0, microsecond=0) + HOUR).isoformat()),
        qn=QN, st="32", pw="123456", now=AT))  # fmt: skip
    first, then = answer_request(spec, request, AT + 3 * HOUR, random.Random(1))
    assert [parse(f).cn for f in first] == ["9011"]
    assert [parse(f).cn for f in then] == ["2061", "2061", "9012"]
    assert parse(then[-1]).qn == QN and parse(then[0]).qn != QN  # history uploads: new QNs
    first, then = answer_request(spec, request, AT, random.Random(1),
                                 CommandBehaviour(qn_rtn=3))  # fmt: skip
    assert parse(first[0]).fields == {"QnRtn": "3"} and then == []


def test_backfill_arithmetic():
    t0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    starts = period_starts(t0 + timedelta(minutes=30), t0 + 5 * HOUR, "hour")
    assert starts == [t0 + k * HOUR for k in range(1, 5)]
    assert floor_period(t0 + 5 * HOUR, "day") == datetime(2026, 2, 28, 16, tzinfo=UTC)  # CST
    present = [t0 + 2 * HOUR]
    assert gap_ranges(starts, present, HOUR) == [(t0 + HOUR, t0 + HOUR),
                                                 (t0 + 3 * HOUR, t0 + 4 * HOUR)]  # fmt: skip
    assert split_range(t0, t0 + 4 * HOUR, HOUR, 2 * HOUR) == [
        (t0, t0 + HOUR),
        (t0 + 2 * HOUR, t0 + 3 * HOUR),
        (t0 + 4 * HOUR, t0 + 4 * HOUR),
    ]
    windows = [BackfillWindow(7, MN, "2061", t0, t0 + HOUR, t0, t0 + 2 * HOUR)]
    assert backfill_of(windows, MN, "2061", t0 + HOUR, t0 + HOUR) == 7
    assert backfill_of(windows, MN, "2061", t0 + 2 * HOUR, t0 + HOUR) is None  # outside its period
    assert backfill_of(windows, MN, "2051", t0, t0 + HOUR) is None
    assert backfill_of(windows, MN, "2061", t0, t0 + 3 * HOUR) is None  # came after it ended
