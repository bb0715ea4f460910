"""HJ 212 packets → observation rows (pure), and the journal ingestor against the store."""

import random
import threading
from datetime import UTC, datetime

import pyarrow as pa
from hj212.helpers import register

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212.codec import encode, parse
from qingshan.hj212.journal import Journal
from qingshan.hj212.logger_sim import LoggerSpec, build_packet
from qingshan.ingest.hj212 import JournalIngestor, observation_tables, readings_from_packet
from qingshan.monitoring.models import LatestValue, SiteKind
from qingshan.timeseries.schema import OBSERVATION_SCHEMA
from qingshan.timeseries.store import ObservationStore

RECEIVED = datetime(2026, 1, 1, 1, tzinfo=UTC)


def _packet(seg: str):
    return parse(encode(seg))


def test_minute_packet_to_readings_with_2005_codes_mapped():
    p = _packet(
        "QN=20260101090100000;ST=32;CN=2051;PW=1;MN=M1;Flag=5;CP=&&DataTime=20260101090000;"
        "011-Avg=50.5,011-Flag=N;w21003-Min=1,w21003-Avg=2.5,w21003-Flag=M;B01-Avg=12;ZZZ-Avg=1&&"
    )
    readings, skipped = readings_from_packet(p, RECEIVED)
    got = {(r.code, r.raw_value, r.source_flag) for r in readings}
    assert got == {("w01018", 50.5, "N"), ("w21003-Min", 1.0, "M"), ("w21003", 2.5, "M"),
                   ("w00000", 12.0, None)}  # fmt: skip
    assert skipped == [("unknown_code", "ZZZ")]
    r = readings[0]
    assert r.period == "min" and r.time == datetime(2026, 1, 1, 1, tzinfo=UTC)
    assert r.source == "M1:20260101090100000" and r.revision == 0


def test_air_2005_code_uses_st_context():
    p = _packet(
        "QN=20260101090100000;ST=31;CN=2061;PW=1;MN=M1;Flag=4;CP=&&DataTime=20260101090000;01-Avg=8;02-Avg=30&&"
    )
    codes = {r.code for r in readings_from_packet(p, RECEIVED)[0]}
    assert codes == {"a34013", "a21026"}


def test_non_data_and_misaligned_packets():
    assert readings_from_packet(
        _packet("QN=20260101090100000;ST=32;CN=3020;PW=1;MN=M;Flag=4;CP=&&&&"), RECEIVED
    ) == ([], [])
    bad = _packet(
        "QN=20260101090100000;ST=32;CN=2051;PW=1;MN=M;Flag=4;CP=&&DataTime=20260101090030;w01018-Avg=1&&"
    )
    assert readings_from_packet(bad, RECEIVED)[1][0][0] == "misaligned_time"
    none = _packet("QN=20260101090100000;ST=32;CN=2051;PW=1;MN=M;Flag=4;CP=&&w01018-Avg=1&&")
    assert readings_from_packet(none, RECEIVED)[1][0][0] == "no_datatime"


def test_observation_tables_shape():
    p = _packet(
        "QN=20260101090100000;ST=32;CN=2011;PW=1;MN=M1;Flag=5;RF=1;CP=&&DataTime=20260101090012;w01018-Rtd=5,w01018-Flag=N;w21003-Rtd=1&&"
    )
    readings, _ = readings_from_packet(p, RECEIVED)
    tables = observation_tables(readings, {("M1", "w01018", "rtd"): (7, "water_outlet")})
    assert list(tables) == ["water_outlet"]
    t = tables["water_outlet"]
    assert t.schema == OBSERVATION_SCHEMA and t.num_rows == 1
    row = t.to_pylist()[0]
    assert row["series_id"] == 7 and row["value"] == row["raw_value"] == 5.0
    assert row["source_flag"] == "N" and row["revision"] == 1 and row["qc_flag"] == 0
    assert isinstance(t, pa.Table)


def test_journal_ingestor_is_idempotent_and_checkpointed(engine, tmp_path):
    spec = LoggerSpec("W1", "1", st="32")
    register(engine, [spec], SiteKind.WATER_OUTLET)
    settings = Settings(data_dir=tmp_path)
    store = ObservationStore(settings.observations_dir)
    rng = random.Random(1)
    frames = [build_packet(spec, "2051", datetime(2026, 1, 1, 0, k, tzinfo=UTC), rng, seq=k)
              for k in range(10)]  # fmt: skip
    jdir = tmp_path / "journal"
    with Journal(jdir) as journal:
        journal.append_sync(frames, 1_700_000_000_000_000)
    ingestor = JournalIngestor(jdir, engine, store)
    first = ingestor.run_all()
    assert first.records == 10 and first.rows == 120  # 4 factors, -Min/-Avg/-Max each
    assert ingestor.run_all().records == 0  # checkpointed
    # simulate a crash after the store append but before the checkpoint moved
    ingestor._save((0, 0), pending=first.position)
    again = JournalIngestor(jdir, engine, store).run_all()
    assert again.records == 10 and again.rows == 0
    assert len(store.scan(None, None, None)) == 120


def test_ingest_updates_latest_values(engine, tmp_path):
    spec = LoggerSpec("G1", "1", st="31")
    register(engine, [spec])
    rng = random.Random(2)
    jdir = tmp_path / "journal"
    with Journal(jdir) as journal:
        journal.append_sync(
            [
                build_packet(spec, "2061", datetime(2026, 1, 1, h, tzinfo=UTC), rng)
                for h in range(3)
            ],
            1_700_000_000_000_000,
        )
    JournalIngestor(jdir, engine, ObservationStore(tmp_path / "obs")).run_all()
    with session_scope(engine) as s:
        latest = s.query(LatestValue).all()
        assert len(latest) == 3 * 6 and {lv.time for lv in latest} == {
            datetime(2026, 1, 1, 2, tzinfo=UTC)
        }


def test_two_ingestors_on_one_journal_store_each_record_once(engine, tmp_path):
    """A worker left over from a killed listener and the restarted listener's replay run at
    the same time: the ingest lock makes them take turns, nothing is stored twice."""
    specs = [LoggerSpec(f"G{i}", "1", st="31") for i in range(3)]
    register(engine, specs)
    rng = random.Random(3)
    jdir = tmp_path / "journal"
    with Journal(jdir) as journal:
        journal.append_sync(
            [build_packet(s, "2051", datetime(2026, 1, 1, 0, k, tzinfo=UTC), rng, seq=k)
             for k in range(40) for s in specs],
            1_700_000_000_000_000,
        )  # fmt: skip
    store = ObservationStore(tmp_path / "obs")
    ingestors = [JournalIngestor(jdir, engine, store) for _ in range(2)]
    threads = [threading.Thread(target=i.run_all, kwargs={"batch": 7}) for i in ingestors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = store.scan(None, None, None)
    assert len(rows) == 3 * 40 * 6 * 3
    assert not rows.duplicated(["series_id", "time", "period", "source"]).any()


def test_statistics_become_readings_of_their_own_parameter():
    rtd = _packet(
        "QN=20260101090100000;ST=31;CN=2011;PW=1;MN=M1;Flag=5;CP=&&DataTime=20260101090012;"
        "a21026-Rtd=30.5,a21026-ZsRtd=33.1,a21026-Flag=N;a19001-Rtd=9.8&&"
    )
    got = {(r.code, r.raw_value, r.source_flag) for r in readings_from_packet(rtd, RECEIVED)[0]}
    assert got == {("a21026", 30.5, "N"), ("a21026-ZsRtd", 33.1, "N"), ("a19001", 9.8, None)}
    hour = _packet(
        "QN=20260101090100000;ST=32;CN=2061;PW=1;MN=M1;Flag=5;CP=&&DataTime=20260101090000;"
        "w01001-Avg=7.5,w01001-Cou=1.0;w01018-Avg=40.1,w01018-Cou=2.5,w01018-ZsAvg=41&&"
    )
    readings, skipped = readings_from_packet(hour, RECEIVED)
    assert {r.code for r in readings} == {"w01001", "w01018", "w01018-Cou", "w01018-ZsAvg"}
    assert skipped == [("unknown_code", "w01001-Cou")]  # pH has no discharge amount
