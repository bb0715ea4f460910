"""The audit hash chain's pure core (issue 9, item 14): the documented serialisation, and the
walk that names the first edited, deleted or inserted row."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from qingshan.audit.chain import (
    GENESIS,
    BreakKind,
    ChainRow,
    at_text,
    canonical_row,
    chain_rows,
    row_hash,
    verify_rows,
)
from qingshan.timeutil import CST

#: the row of the docstring's example, by hand: keys sorted, no spaces, UTF-8, UTC time with six
#: decimals
CANONICAL = (
    '{"action":"update","actor":"cli:王工","after":{"enabled":false,"name":"锅炉一号",'
    '"password":"(redacted)","ratio":0.1},"at":"2026-03-01T00:30:00.120000Z",'
    '"before":{"enabled":true,"password":"(redacted)"},"entity":"hj212_device",'
    '"entity_id":"12","id":7,"prev_hash":"' + "ab" * 32 + '"}'
)
EXPECTED = "fd8bb4a126c9fb0e212ee2868e84f18759b579fa4b20e11ac67dfb7820f30052"


def _hand_built_row() -> dict:
    return dict(
        id=7,
        at=datetime(2026, 3, 1, 8, 30, 0, 120000, tzinfo=CST),  # 00:30:00.12 UTC
        actor="cli:王工",
        action="update",
        entity="hj212_device",
        entity_id="12",
        before={"password": "(redacted)", "enabled": True},
        after={"ratio": 0.1, "password": "(redacted)", "name": "锅炉一号", "enabled": False},
        prev_hash="ab" * 32,
    )


def test_the_hash_of_a_hand_built_row_is_sha256_of_the_documented_serialisation():
    assert hashlib.sha256(CANONICAL.encode("utf-8")).hexdigest() == EXPECTED
    assert canonical_row(**_hand_built_row()) == CANONICAL.encode("utf-8")
    assert row_hash(**_hand_built_row()) == EXPECTED


def test_the_first_row_links_to_64_zeros():
    login = dict(
        id=1,
        at=datetime(2026, 1, 1, tzinfo=UTC),
        actor="alice",
        action="login",
        entity="app_user",
        entity_id="1",
        before=None,
        after={"address": "10.0.0.1"},
        prev_hash=GENESIS,
    )
    assert GENESIS == "0" * 64
    # a whole second still has six decimals; before null
    assert row_hash(**login) == "1c7e5b4baab0f10aac173c566584de86c2c3e1b629eaad7f26c5c6854529ae52"


def test_every_field_is_covered_by_the_hash():
    row = _hand_built_row()
    changed = {
        "id": 8,
        "at": row["at"] + timedelta(microseconds=1),
        "actor": "cli:root",
        "action": "delete",
        "entity": "app_user",
        "entity_id": "13",
        "before": None,
        "after": {**row["after"], "ratio": 0.2},
        "prev_hash": "cd" * 32,
    }
    for key, value in changed.items():
        assert row_hash(**(row | {key: value})) != EXPECTED, key


def test_times_are_hashed_in_utc_and_naive_ones_refused():
    assert at_text(datetime(2026, 3, 1, 8, 0, tzinfo=CST)) == "2026-03-01T00:00:00.000000Z"
    with pytest.raises(ValueError, match="naive datetime .*: audit times are timezone-aware UTC"):
        at_text(datetime(2026, 3, 1, 8, 0))


def test_rows_are_hashed_as_they_read_back_from_json():
    # a tuple reads back as a list, an integer key as a string: the hash must not change
    base = dict(at=datetime(2026, 1, 1, tzinfo=UTC), actor="a", action="x", entity="e")
    written, _ = chain_rows(
        [base | dict(entity_id="1", before=None, after={"pair": (1, 2), 10: "a", 9: "b"})],
        [1],
        GENESIS,
    )
    read_back = {"pair": [1, 2], "10": "a", "9": "b"}
    assert written[0]["hash"] == row_hash(1, **base, entity_id="1", before=None, after=read_back,
                                          prev_hash=GENESIS)  # fmt: skip


# ------------------------------------------------------------------------------- the walk


def _chain(n: int, ids=None) -> list[ChainRow]:
    rows = [
        dict(
            at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
            actor="admin",
            action="update",
            entity="site",
            entity_id=str(i),
            before={"name": f"old {i}"},
            after={"name": f"new {i}"},
        )
        for i in range(n)
    ]
    chained, _ = chain_rows(rows, ids or range(1, n + 1), GENESIS)
    return [ChainRow(**r) for r in chained]


def _rehash(row: ChainRow, **changes) -> ChainRow:
    """``row`` with ``changes`` and the hash recomputed (a forger who knows the algorithm)."""
    row = row._replace(**changes)
    fields = row._asdict()
    del fields["hash"]
    return row._replace(hash=row_hash(**fields))


def test_an_intact_chain_verifies_and_names_its_head():
    rows = _chain(5)
    report = verify_rows(iter(rows))
    assert report.ok and report.rows == 5
    assert (report.head_id, report.head_hash) == (5, rows[-1].hash)


def test_an_empty_log_verifies():
    report = verify_rows([])
    assert report.ok and report.rows == 0 and report.head_id is None and report.head_hash is None


def test_an_edited_row_is_named():
    rows = _chain(5)
    rows[2] = rows[2]._replace(after={"name": "forged"})
    report = verify_rows(rows)
    assert report.broken is not None
    assert (report.broken.id, report.broken.kind) == (3, BreakKind.EDITED)
    assert report.broken.detail == "its content does not match its hash"
    assert (report.rows, report.head_id) == (2, 2)


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link():
    rows = _chain(5)
    rows[2] = _rehash(rows[2], actor="mallory")
    broken = verify_rows(rows).broken
    assert broken is not None and (broken.id, broken.kind) == (4, BreakKind.DELETED)
    assert "or row 3 was rewritten with a new hash" in broken.detail


def test_a_deleted_row_is_named_by_the_row_after_the_gap():
    rows = _chain(5)
    del rows[2]
    broken = verify_rows(rows).broken
    assert broken is not None and (broken.id, broken.kind) == (4, BreakKind.DELETED)
    assert broken.detail.startswith("it does not link to row 2: rows between 2 and 4 were deleted")


def test_deleting_the_first_rows_shows():
    broken = verify_rows(_chain(5)[2:]).broken
    assert broken is not None and (broken.id, broken.kind) == (3, BreakKind.DELETED)
    assert "it does not link to the start of the log" in broken.detail


def test_a_row_inserted_with_a_correct_link_and_hash_is_named():
    rows = _chain(5, ids=[1, 2, 3, 5, 6])  # a free id, 4 (a rolled-back sequence value)
    forged = _rehash(rows[2], id=4, entity_id="forged", prev_hash=rows[2].hash)
    rows.insert(3, forged)
    report = verify_rows(rows)
    assert report.broken is not None
    assert (report.broken.id, report.broken.kind) == (4, BreakKind.INSERTED)
    assert report.broken.detail == "row 5 links to row 3: row 4 is not part of the chain"
    assert (report.rows, report.head_id, report.head_hash) == (3, 3, rows[2].hash)


def test_a_row_inserted_with_a_bad_link_is_named():
    rows = _chain(5, ids=[1, 2, 3, 5, 6])
    rows.insert(3, rows[2]._replace(id=4, prev_hash="ee" * 32, hash="ff" * 32))
    broken = verify_rows(rows).broken
    assert broken is not None and (broken.id, broken.kind) == (4, BreakKind.INSERTED)


def test_a_row_appended_onto_an_earlier_row_is_named_with_locate():
    rows = _chain(5)
    forged = _rehash(rows[0], id=6, prev_hash=rows[1].hash)  # chains onto row 2
    by_hash = {r.hash: r.id for r in rows}
    report = verify_rows([*rows, forged], locate=by_hash.get)
    assert report.broken is not None
    assert (report.broken.id, report.broken.kind) == (6, BreakKind.INSERTED)
    assert "it links to row 2, which already has a successor" in report.broken.detail
    assert (report.rows, report.head_id) == (5, 5)


def test_a_walk_from_a_later_row_links_to_the_row_before():
    rows = _chain(5)
    report = verify_rows(rows[2:], prev_hash=rows[1].hash, prev_id=2)
    assert report.ok and report.rows == 3 and report.head_id == 5
    broken = verify_rows(rows[3:], prev_hash=rows[1].hash, prev_id=2).broken
    assert broken is not None and (broken.id, broken.kind) == (4, BreakKind.DELETED)


def test_the_walk_streams():
    n = 5_000

    def rows():
        prev = GENESIS
        for i in range(1, n + 1):
            [row], prev = chain_rows(
                [dict(at=datetime(2026, 1, 1, tzinfo=UTC), actor="a", action="create",
                      entity="e", entity_id=str(i), before=None, after=None)],
                [i], prev,
            )  # fmt: skip
            yield ChainRow(**row)

    report = verify_rows(rows())
    assert report.ok and report.rows == n and report.head_id == n
