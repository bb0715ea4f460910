"""The re-send rule: which row readers see when several share a natural key.

Rows are never updated in place; every append adds rows, and readers resolve rows that share the
natural key ``(series_id, time, period)`` by this rule:

1. **Highest revision wins.** ``revision`` is the writer's explicit correction counter: 0 for a
   value as received; QC, a manual correction or a re-computed roll-up writes ``revision + 1``.
   Rows of a lower revision are superseded for good and compaction drops them.
2. **Identical re-sends are no-ops.** Within one revision, rows with the same *content* —
   ``value``, ``raw_value``, ``source_flag`` and ``qc_flag`` (null equals null) — are one value,
   whatever their ``received_at`` or ``source``: readers see its **first** arrival (earliest
   ``received_at``, then smallest ``source``). A logger re-sending a packet, or ingest replaying
   its journal after a crash, changes nothing that a reader sees.
3. **Among different contents of one revision, the newest wins**: the content whose first
   arrival is latest. Ties (same first ``received_at``) are broken by content, in descending
   order of ``value``, ``raw_value``, ``source_flag``, ``qc_flag`` (nulls last), so the result
   never depends on file order.

The result is a function of the *set* of rows ever appended — not of their order, batching or
compaction: appending the same rows in any order or batches gives the same reads. Because rule 2
remembers first arrivals, compaction keeps one row per distinct content at the highest revision
(not only the winner), so a late re-send of an older content stays a no-op after compaction too.
Consequence: to bring back a content that was superseded within its revision, write it with a
higher revision.

:func:`resolve_sql` states the rule in SQL (DuckDB, used by the store) and
:func:`resolve_revisions` in pandas (used by the Dask jobs); the tests check they agree.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from qingshan.timeseries.schema import NATURAL_KEY, PAYLOAD_COLUMNS

Keep = Literal["winner", "compact"]

_KEY = ", ".join(NATURAL_KEY)
_PAYLOAD = ", ".join(PAYLOAD_COLUMNS)
_BY_CONTENT = ", ".join(f"{c} DESC NULLS LAST" for c in PAYLOAD_COLUMNS)


def resolve_sql(relation: str, keep: Keep = "winner") -> str:
    """SQL selecting, from ``relation``, the rows the re-send rule keeps.

    Parameters
    ----------
    relation : str
        A table, view or parenthesised subquery with the observation columns.
    keep : {"winner", "compact"}
        ``"winner"``: one row per natural key, the one readers see. ``"compact"``: the rows a
        compacted file must keep — the first arrival of each distinct content at the highest
        revision of its key.

    Returns
    -------
    str
        A ``SELECT`` with the observation columns (and whatever else ``relation`` has), unsorted.
    """
    first = (
        f"SELECT * EXCLUDE (_first) FROM (SELECT *, row_number() OVER ("
        f"PARTITION BY {_KEY}, revision, {_PAYLOAD} ORDER BY received_at, source NULLS LAST"
        f") AS _first FROM {relation}) WHERE _first = 1"
    )
    if keep == "winner":
        order = f"revision DESC, received_at DESC, {_BY_CONTENT}"
        return (
            f"SELECT * FROM ({first}) "
            f"QUALIFY row_number() OVER (PARTITION BY {_KEY} ORDER BY {order}) = 1"
        )
    if keep == "compact":
        return (
            f"SELECT * FROM ({first}) QUALIFY revision = max(revision) OVER (PARTITION BY {_KEY})"
        )
    raise ValueError(f"keep must be 'winner' or 'compact', got {keep!r}")


def resolve_revisions(frame: pd.DataFrame, keep: Keep = "winner") -> pd.DataFrame:
    """Apply the re-send rule to a DataFrame of observations (pure kernel).

    Parameters
    ----------
    frame : pandas.DataFrame
        Observation rows; every row of a natural key must be in this frame (a partition by date
        of ``time`` satisfies this).
    keep : {"winner", "compact"}
        As in :func:`resolve_sql`.

    Returns
    -------
    pandas.DataFrame
        The kept rows, sorted by ``series_id``, ``time``, ``period``, with a fresh index.
    """
    if keep not in ("winner", "compact"):
        raise ValueError(f"keep must be 'winner' or 'compact', got {keep!r}")
    key, payload = list(NATURAL_KEY), list(PAYLOAD_COLUMNS)
    df = frame.sort_values(["received_at", "source"], na_position="last", kind="stable")
    df = df[~df.duplicated(subset=[*key, "revision", *payload], keep="first")]
    if keep == "compact":
        top = df.groupby(key, sort=False)["revision"].transform("max")
        df = df[df["revision"] == top]
        return df.sort_values([*key, "received_at"], kind="stable").reset_index(drop=True)
    order = [*key, "revision", "received_at", *payload]
    asc = [True] * len(key) + [False] * (2 + len(payload))
    df = df.sort_values(order, ascending=asc, na_position="last", kind="stable")
    return df.drop_duplicates(subset=key, keep="first").reset_index(drop=True)
