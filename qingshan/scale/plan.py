"""Which partitions a batch runs (pure: no I/O).

A batch partition is one kind of work over one stream and one day of the store's hive layout
(``stream=<s>/date=<YYYY-MM-DD>``). The work of a day is judged and rolled up by China-Standard-
Time calendar day, as the live jobs do (QC windows and daily means are CST days, GB 3095-2012
§8.2 Table 4 reads the day in local time): the partition ``(stream, day)`` does the work of the
CST day ``day``, which covers the UTC hours ``[day-1 16:00, day 16:00)`` and so reads the hive
partitions of the UTC dates ``day-1`` and ``day``. A CST day is planned when either of them
exists.

The indices are the exception: :func:`qingshan.indices.service.indices_for_partition` works on
one hive partition (stream × UTC date; the hourly indices of its hours, the daily ones of the
CST day of that date, the CWQI of the month its date begins), so an ``indices`` partition is
planned for each UTC date of the range the layout holds.

The roll-ups' day → month step depends on the month's daily values: it is one more partition
per (stream, month) with ``period="month"`` and ``day`` the first of the month, run after the
day partitions of that month.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from qingshan.scale.errors import BatchArgumentError

#: the kinds in the order ``all`` runs them: QC flags first, then roll-ups (which skip what QC
#: invalidated), then the indices (which read the roll-ups' daily values)
KINDS: tuple[str, ...] = ("qc", "rollups", "indices")

#: the streams each kind works on: QC judges outlets (:data:`qingshan.qc.jobs.OUTLET_KINDS`),
#: roll-ups every stream, the indices the ambient air (AQI) and surface water (class, CWQI)
KIND_STREAMS: dict[str, tuple[str, ...]] = {
    "qc": ("gas_outlet", "water_outlet"),
    "rollups": ("air", "gas_outlet", "water", "water_outlet"),
    "indices": ("air", "water"),
}

#: kinds whose partition is exactly one hive partition (a UTC date), not a CST day
UTC_KINDS = frozenset({"indices"})

#: the longest range one batch accepts (ten years of history)
MAX_DAYS = 3660


@dataclass(frozen=True, order=True)
class BatchPartition:
    """One unit of a batch: ``kind`` over ``stream`` for the CST day ``day`` (``period="day"``)
    or, for the roll-ups' day → month step, the month starting on ``day`` (``period="month"``)."""

    kind: str
    stream: str
    day: date
    period: str = "day"
    group: int = 0  # a QC partition's outlet group (outlets ``group::groups`` by site id)
    groups: int = 1

    @property
    def key(self) -> str:
        """A stable name, also the path of its committed marker: ``kind/stream/YYYY-MM-DD``
        (``…/YYYY-MM.month`` for a month, ``…/YYYY-MM-DD.g<group>of<groups>`` for an outlet
        group)."""
        if self.period == "month":
            return f"{self.kind}/{self.stream}/{self.day:%Y-%m}.month"
        if self.groups > 1:
            return f"{self.kind}/{self.stream}/{self.day.isoformat()}.g{self.group}of{self.groups}"
        return f"{self.kind}/{self.stream}/{self.day.isoformat()}"


def split_outlet_groups(parts: Sequence[BatchPartition], groups: int) -> list[BatchPartition]:
    """Each ``qc`` partition as ``groups`` partitions of a share of its outlets (the others
    unchanged, in order): more tasks than streams, so that the days of a stream, which a ``qc``
    batch judges in order (an event across midnight continues the previous day's), still keep
    every worker busy."""
    if groups < 1:
        raise BatchArgumentError(f"outlet groups must be at least 1, got {groups}")
    out: list[BatchPartition] = []
    for p in parts:
        if p.kind == "qc" and groups > 1:
            out.extend(
                BatchPartition(p.kind, p.stream, p.day, p.period, g, groups) for g in range(groups)
            )
        else:
            out.append(p)
    return out


def expand_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The kinds to run, in :data:`KINDS` order (``all`` = the three)."""
    wanted: set[str] = set()
    for k in kinds:
        if k == "all":
            wanted.update(KINDS)
        elif k in KINDS:
            wanted.add(k)
        else:
            raise BatchArgumentError(
                f"unknown batch kind {k!r}: use one of {', '.join(KINDS)} or all", kind=k
            )
    if not wanted:
        raise BatchArgumentError("no batch kind given: use one of qc, rollups, indices or all")
    return tuple(k for k in KINDS if k in wanted)


def check_range(start: date, end: date) -> None:
    """``start`` ≤ ``end`` (both included) and at most :data:`MAX_DAYS` days."""
    if end < start:
        raise BatchArgumentError(
            f"bad range: --to {end.isoformat()} is before --from {start.isoformat()}",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise BatchArgumentError(
            f"bad range: {days} days from {start.isoformat()} to {end.isoformat()}, "
            f"at most {MAX_DAYS} in one batch",
            start=start.isoformat(),
            end=end.isoformat(),
        )


def plan_partitions(
    kinds: Sequence[str],
    layout_partitions: Collection[tuple[str, str]],
    start: date,
    end: date,
    sites: Mapping[str, str] | None = None,
) -> list[BatchPartition]:
    """The partitions of a batch over the CST days ``start`` … ``end`` (both included).

    Parameters
    ----------
    kinds : sequence of str
        Among :data:`KINDS` (or ``all``); the result is in :data:`KINDS` order.
    layout_partitions : collection of (stream, UTC date ``YYYY-MM-DD``)
        The store's hive partitions (:class:`qingshan.timeseries.layout.Partition` is such a
        pair).
    start, end : date
        CST calendar days, both included.
    sites : mapping of site code to stream, optional
        When given, only the streams of these sites are planned.
    """
    check_range(start, end)
    present = {(str(s), str(d)) for s, d in layout_partitions}
    wanted = None if sites is None else set(sites.values())
    out: list[BatchPartition] = []
    for kind in expand_kinds(kinds):
        months: list[BatchPartition] = []
        for stream in KIND_STREAMS[kind]:
            if wanted is not None and stream not in wanted:
                continue
            seen_months: set[date] = set()
            day = start
            while day <= end:
                before = (day - timedelta(days=1)).isoformat()
                here = (stream, day.isoformat()) in present
                if here or (kind not in UTC_KINDS and (stream, before) in present):
                    out.append(BatchPartition(kind, stream, day))
                    first = day.replace(day=1)
                    if kind == "rollups" and first not in seen_months:
                        seen_months.add(first)
                        months.append(BatchPartition(kind, stream, first, "month"))
                day += timedelta(days=1)
        out.extend(months)
    return out
