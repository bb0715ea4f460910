"""The journal: group commit, torn tails, reading from a position, segments."""

import asyncio

from qingshan.hj212.journal import (
    Journal,
    end_position,
    prune_ingested,
    read_records,
    segment_path,
)


def test_group_commit_and_read_back(tmp_path):
    async def main():
        journal = Journal(tmp_path).open()
        journal.start()
        futs = [journal.append(b"frame-%d" % i, 1_000 + i) for i in range(500)]
        positions = await asyncio.gather(*futs)
        await journal.stop()
        return journal, positions

    journal, positions = asyncio.run(main())
    assert journal.records == 500 and journal.batches < 500  # grouped
    assert max(positions) == journal.durable == end_position(tmp_path)
    recs = list(read_records(tmp_path))
    assert [r.frame for r in recs] == [b"frame-%d" % i for i in range(500)]
    assert recs[3].received_at_us == 1_003
    after = list(read_records(tmp_path, recs[100].next, limit=5))
    assert [r.frame for r in after] == [b"frame-%d" % i for i in range(101, 106)]
    assert list(read_records(tmp_path, recs[0].position, end=recs[2].position)) == recs[:2]


def test_torn_tail_is_truncated_on_open(tmp_path):
    with Journal(tmp_path) as journal:
        journal.append_sync([b"a", b"b"], 1)
    good = end_position(tmp_path)
    with open(segment_path(tmp_path, 1), "ab") as fh:
        fh.write(b"\x05\x00\x00\x00garbage")  # a record cut short by kill -9
    assert [r.frame for r in read_records(tmp_path)] == [b"a", b"b"]
    with Journal(tmp_path) as journal:
        assert journal.durable == good
        journal.append_sync([b"c"], 2)
    assert [r.frame for r in read_records(tmp_path)] == [b"a", b"b", b"c"]


def test_corrupt_record_ends_reading(tmp_path):
    with Journal(tmp_path) as journal:
        journal.append_sync([b"first", b"second"], 1)
    data = bytearray(segment_path(tmp_path, 1).read_bytes())
    data[-2] ^= 0xFF
    segment_path(tmp_path, 1).write_bytes(bytes(data))
    assert [r.frame for r in read_records(tmp_path)] == [b"first"]


def test_rotation_and_prune(tmp_path):
    async def main():
        journal = Journal(tmp_path, segment_bytes=200).open()
        journal.start()
        for i in range(10):
            await journal.append(b"x" * 50, i)
        await journal.stop()
        return journal

    journal = asyncio.run(main())
    assert len(list(tmp_path.glob("seg-*.log"))) > 2
    recs = list(read_records(tmp_path))
    assert len(recs) == 10
    assert journal.prune(recs[-1].position) >= 1
    assert list(read_records(tmp_path))[-1].frame == b"x" * 50


def test_batch_shares_one_future_and_hands_acks_to_on_commit(tmp_path):
    async def main():
        journal = Journal(tmp_path).open()
        committed: list = []
        journal.on_commit = committed.extend
        journal.start()
        futs = [journal.append(b"f%d" % i, i, ack=("conn", i)) for i in range(100)]
        quiet = journal.append(b"no answer", 100)
        await asyncio.gather(*futs, quiet)
        await journal.stop()
        return journal, futs, committed

    journal, futs, committed = asyncio.run(main())
    assert len(set(map(id, futs))) == journal.batches < 100  # one future per group commit
    assert committed == [("conn", i) for i in range(100)]  # after the fsync, in order
    assert len(list(read_records(tmp_path))) == 101


def test_ingested_segments_are_pruned_and_the_rest_kept(tmp_path):
    for seq in (1, 2, 3):
        segment_path(tmp_path, seq).write_bytes(b"")
    assert prune_ingested(tmp_path, (3, 0)) == 2
    assert not segment_path(tmp_path, 1).exists() and not segment_path(tmp_path, 2).exists()
    assert segment_path(tmp_path, 3).exists()  # the checkpoint's own segment stays
    assert prune_ingested(tmp_path, (3, 10)) == 0
