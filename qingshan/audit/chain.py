"""The hash chain over the audit log: pure functions, no I/O.

Every audit row carries ``prev_hash``, the hash of the row before it in id order (:data:`GENESIS`,
64 zeros, for the first row), and ``hash``, its own hash (:func:`row_hash`)::

    hash = SHA-256( UTF-8( JSON({"action": …, "actor": …, "after": …, "at": …, "before": …,
                                 "entity": …, "entity_id": …, "id": …, "prev_hash": …}) ) )

written as lowercase hex (64 characters). The JSON is canonical: keys sorted at every level,
no whitespace (separators ``,`` and ``:``), non-ASCII characters as themselves (not ``\\uXXXX``
escapes), exactly what Python's ``json.dumps(payload, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` writes; ``id`` is an integer, ``at`` the time in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six decimals), ``before`` and ``after`` the JSON values
stored (``null`` when absent), the other fields strings.

Changing a row's content, deleting or inserting a row breaks the chain at that row
(:func:`verify_rows`); rewriting every row from some point on does not, which is why an operator
publishes the head (the last id and hash) — see docs/architecture.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, NamedTuple

#: ``prev_hash`` of the first row
GENESIS = "0" * 64


class ChainRow(NamedTuple):
    """One audit row as stored (the fields the hash covers, and the hash)."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


def at_text(at: datetime) -> str:
    """``at`` as hashed: UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    Parameters
    ----------
    at : datetime [timezone-aware]
    """
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: audit times are timezone-aware UTC")
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_row(
    id: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> bytes:
    """The bytes :func:`row_hash` hashes (the module docstring gives the format)."""
    payload = {
        "id": id,
        "at": at_text(at),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def row_hash(
    id: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """SHA-256 of :func:`canonical_row`, lowercase hex [64 characters]."""
    return hashlib.sha256(
        canonical_row(id, at, actor, action, entity, entity_id, before, after, prev_hash)
    ).hexdigest()


def json_value(value: Any) -> Any:
    """``value`` as it reads back from a JSON column (tuples become lists, keys strings), so
    that a row is hashed as it will be verified."""
    if value is None or isinstance(value, str | int | float):
        return value
    return json.loads(json.dumps(value))


def chain_rows(
    rows: Sequence[dict[str, Any]], ids: Sequence[int], prev_hash: str
) -> tuple[list[dict[str, Any]], str]:
    """Give each new row (a dict of the hashed fields but ``id``) its id, ``prev_hash`` and
    ``hash``, chaining them in order onto ``prev_hash``.

    Returns the rows (new dicts) and the hash of the last one (the new head).
    """
    out = []
    for row, id_ in zip(rows, ids, strict=True):
        before, after = json_value(row["before"]), json_value(row["after"])
        digest = row_hash(
            id_,
            row["at"],
            row["actor"],
            row["action"],
            row["entity"],
            row["entity_id"],
            before,
            after,
            prev_hash,
        )
        out.append(row | {"id": id_, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    return out, prev_hash


def stored_hash_matches(row: ChainRow) -> bool:
    """Whether ``row.hash`` is the hash of the row's content."""
    return row.hash == row_hash(
        row.id,
        row.at,
        row.actor,
        row.action,
        row.entity,
        row.entity_id,
        row.before,
        row.after,
        row.prev_hash,
    )


class BreakKind(Enum):
    """How the chain is broken at a row."""

    EDITED = "edited"  # the row's content does not match its hash
    DELETED = "deleted"  # its prev_hash is not the hash of the row before it: rows are missing
    INSERTED = "inserted"  # the row is not part of the chain: the rows around it link past it
    REWRITTEN = "rewritten"  # a published head (id, hash) is no longer in the chain


@dataclass(frozen=True)
class ChainBreak:
    """The first row where the chain does not hold: ``id``, the ``kind`` of break, and a
    sentence saying what was found."""

    id: int
    kind: BreakKind
    detail: str


@dataclass(frozen=True)
class ChainReport:
    """The result of a walk: ``rows`` verified before any break, the last verified row
    (``head_id``, ``head_hash``; None when none was) and the first ``broken`` row (None: the
    chain holds)."""

    rows: int
    head_id: int | None
    head_hash: str | None
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_rows(
    rows: Iterable[ChainRow],
    *,
    prev_hash: str = GENESIS,
    prev_id: int | None = None,
    locate: Callable[[str], int | None] | None = None,
) -> ChainReport:
    """Walk ``rows`` (in id order) and report the first break of the chain.

    Streams: it holds three rows at a time, whatever the length of ``rows``.

    Parameters
    ----------
    rows : iterable of ChainRow, in id order
    prev_hash : str
        the hash the first row must link to (:data:`GENESIS` from the start of the log; the
        hash of the row before when starting from a later row, ``prev_id``)
    prev_id : int or None
        the id of that row, for the messages
    locate : callable or None
        the id of the row whose hash is a given hash, or None; asked once, at a broken link,
        to tell an inserted row from a deleted one

    A row whose content does not match its hash is *edited*. A row that does not link to the
    row before it is *inserted* when the rows around it link past it (or it links to an
    earlier row, which already has a successor), else rows before it were *deleted* (or the row
    before it was rewritten together with its hash).
    """
    it: Iterator[ChainRow] = iter(rows)
    earlier: tuple[int | None, str] | None = None  # (id, hash) of the row before ``last``
    last: tuple[int | None, str] = (prev_id, prev_hash)  # the last row verified
    count = 0
    row = next(it, None)
    while row is not None:
        following = next(it, None)
        broken = _check(row, last, earlier, following, locate)
        if broken is not None:
            if broken.id != row.id:  # the row before (already counted) is the intruder
                count -= 1
                last = earlier if earlier is not None else (None, GENESIS)
            return ChainReport(count, last[0], last[1] if last[0] is not None else None, broken)
        count += 1
        earlier, last = last, (row.id, row.hash)
        row = following
    return ChainReport(count, last[0], last[1] if last[0] is not None else None, None)


def _check(
    row: ChainRow,
    last: tuple[int | None, str],
    earlier: tuple[int | None, str] | None,
    following: ChainRow | None,
    locate: Callable[[str], int | None] | None,
) -> ChainBreak | None:
    last_id, expected = last
    linked, intact = row.prev_hash == expected, stored_hash_matches(row)
    if linked and intact:
        return None
    before = f"row {last_id}" if last_id is not None else "the start of the log"
    if following is not None and following.prev_hash == expected:
        return ChainBreak(
            row.id,
            BreakKind.INSERTED,
            f"row {following.id} links to {before}: row {row.id} is not part of the chain",
        )
    if linked:
        return ChainBreak(row.id, BreakKind.EDITED, "its content does not match its hash")
    if earlier is not None and last_id is not None and row.prev_hash == earlier[1]:
        return ChainBreak(
            last_id,
            BreakKind.INSERTED,
            f"row {row.id} links to row {earlier[0]}: row {last_id} is not part of the chain",
        )
    found = locate(row.prev_hash) if locate is not None else None
    if found is not None and found < row.id and found != last_id:
        return ChainBreak(
            row.id,
            BreakKind.INSERTED,
            f"it links to row {found}, which already has a successor: "
            f"row {row.id} is not part of the chain",
        )
    if not intact:
        return ChainBreak(
            row.id, BreakKind.EDITED, "its content (or its prev_hash) does not match its hash"
        )
    if last_id is None:
        return ChainBreak(
            row.id,
            BreakKind.DELETED,
            "it does not link to the start of the log: rows before it were deleted",
        )
    return ChainBreak(
        row.id,
        BreakKind.DELETED,
        f"it does not link to row {last_id}: rows between {last_id} and {row.id} were deleted "
        f"(or row {last_id} was rewritten with a new hash)",
    )
