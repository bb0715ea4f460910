"""QC wiring: the periodic ``qc`` job and late-mark re-judgement, on the observation store.

Reads are bulk: one :meth:`~qingshan.timeseries.store.ObservationStore.scan` per stream for
all outlets (never one site at a time); the relational metadata (sites, series, permit limits,
enterprises) in three queries. Windows are China-Standard-Time calendar days (daily validity
is per CST day), so a window's judgement has a stable key (site, window start, window end):

- :func:`run_qc` judges the recent days of every outlet, storing a new judgement only when the
  observations, the marks or the rule version differ from the current one (re-running stores
  nothing new and opens no case twice: cases are keyed by event);
- hours an outlet also sent minute data for are valid only with ≥ 45 valid minutes
  (HJ 75-2017): the minute data of the window are read in one more scan per stream and
  judged beside the hourly values (:func:`.judge.minute_validity`);
- :func:`judge_windows` is the bulk form the job and ``qingshan batch qc`` use: it reads what
  the windows need (one query for the current judgements), judges a few outlets with no write
  transaction open, then stores their verdicts in one short transaction — SQLite holds its
  write lock only while verdicts are inserted, not while pandas judges;
- :func:`rejudge_for_mark` judges again the windows a mark (new or revoked) overlaps, with
  ``trigger="late_mark"``, keeping the old judgement (``superseded_by``).

Judging a window is :func:`window_inputs` (the pack of the window's CST date chosen by
:func:`.rules.rulepack_for`, the active marks, the limits in force that day, the minute data)
then :func:`judge_inputs`; the job stores the verdict (:func:`.service.store_judgement`), the
outlet page (:mod:`.outlet`) draws it without storing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from qingshan.archive.limits import resolve_limit
from qingshan.archive.service import get_outlet_profiles
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.monitoring.models import STREAM_OF_KIND, Series, SiteKind
from qingshan.qc import service
from qingshan.qc.judge import OutletVerdict, judge_outlet
from qingshan.qc.marks import MarkInterval
from qingshan.qc.models import QCJudgement, QCMark
from qingshan.qc.rules import RulePack, rulepack_for
from qingshan.qc.supervision import CaseSink
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

__all__ = [
    "OutletMeta",
    "WindowInputs",
    "load_outlets",
    "read_frames",
    "day_windows",
    "window_inputs",
    "judge_inputs",
    "judge_window",
    "judge_windows",
    "run_qc",
    "rejudge_for_mark",
]


class JobSettings(Protocol):
    """What the ``qc`` job reads of its context (:class:`qingshan.jobs.job.JobContext`)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def engine(self) -> Engine: ...


OUTLET_KINDS = ("gas_outlet", "water_outlet")


@dataclass
class OutletMeta:
    """What judging one outlet needs from the relational store."""

    site_id: int
    code: str
    kind: str
    stream: str
    industry: str | None  # the enterprise's industry
    source_type: str | None
    reference_o2: float | None  # as recorded in the archive (Site.attrs)
    series: dict[int, str] = field(default_factory=dict)  # series id → HJ 212 code
    permit_limits: list[dict] = field(default_factory=list)

    def pack(self, on: date | None = None) -> RulePack:
        """The rule pack this outlet is judged with on ``on`` (:func:`.rules.rulepack_for`)."""
        return rulepack_for(self.kind, self.industry, on)

    def limits(self, codes: Iterable[str], on: date | None = None) -> dict[str, dict[str, Any]]:
        out = {}
        for c in codes:
            lim = resolve_limit(
                c,
                self.permit_limits,
                source_type=self.source_type,
                on=on,
                archive_reference_o2=self.reference_o2,
            )
            if lim is not None:
                out[c] = lim
        return out


def load_outlets(
    session: Session,
    site_ids: Collection[int] | None = None,
    *,
    period: str = "hour",
    kinds: Collection[str] = OUTLET_KINDS,
) -> list[OutletMeta]:
    """Outlets (or the given sites) with their series of ``period`` and permit limits, read
    from the archive (:func:`qingshan.archive.service.get_outlet_profiles`)."""
    profiles = get_outlet_profiles(session, site_ids, kinds=[SiteKind(k) for k in kinds])
    metas = {
        p.site_id: OutletMeta(
            site_id=p.site_id,
            code=p.code,
            kind=p.kind.value,
            stream=STREAM_OF_KIND[p.kind],
            industry=p.industry,
            source_type=p.source_type,
            reference_o2=p.reference_o2,
            permit_limits=p.permit_limits,
        )
        for p in profiles
    }
    if not metas:
        return []
    for sid, site_id, code in session.execute(
        select(Series.id, Series.site_id, Series.parameter_code).where(
            Series.site_id.in_(list(metas)), Series.period == period
        )
    ):
        metas[site_id].series[sid] = code
    return [m for m in metas.values() if m.series]


def read_frames(
    store,
    metas: Iterable[OutletMeta],
    start: datetime | None,
    end: datetime | None,
    *,
    period: str = "hour",
) -> dict[int, pd.DataFrame]:
    """Long-form frames (``time``, ``parameter``, ``value``, ``flag``, ``series_id``) per site,
    read with one store scan per stream."""
    by_stream: dict[str, dict[int, tuple[int, str]]] = defaultdict(dict)
    for m in metas:
        for sid, code in m.series.items():
            by_stream[m.stream][sid] = (m.site_id, code)
    out: dict[int, pd.DataFrame] = {}
    for stream, smap in by_stream.items():
        obs = store.scan(
            sorted(smap),
            start,
            end,
            period=period,
            columns=["value", "source_flag"],
            streams=[stream],
        )
        if obs.empty:
            continue
        ids = np.array(sorted(smap), dtype=np.int64)
        site_of = np.array([smap[i][0] for i in ids], dtype=np.int64)
        code_of = np.array([smap[i][1] for i in ids], dtype=object)
        sid = obs["series_id"].to_numpy(dtype=np.int64)
        pos = np.searchsorted(ids, sid)
        site = site_of[pos]
        order = np.argsort(site, kind="stable")  # rows stay in (series, time) order per site
        frame = pd.DataFrame(
            {
                "time": pd.to_datetime(
                    pd.DatetimeIndex(obs["time"]).tz_convert("UTC").as_unit("ns").asi8[order],
                    utc=True,
                ),
                "parameter": code_of[pos[order]],
                "value": obs["value"].to_numpy(dtype="float64")[order],
                "flag": obs["source_flag"].to_numpy(dtype=object)[order],
                "series_id": sid[order],
            }
        )
        site = site[order]
        cuts = np.flatnonzero(np.diff(site)) + 1
        for a, b in zip(np.r_[0, cuts], np.r_[cuts, site.size], strict=True):
            out[int(site[a])] = frame.iloc[a:b].reset_index(drop=True)
    return out


def day_windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The CST calendar days overlapping [start, end), as UTC (start, end) pairs."""
    s = pd.Timestamp(start).tz_convert(CST).floor("D")
    e = pd.Timestamp(end).tz_convert(CST)
    days = pd.date_range(s, e, freq="D", inclusive="left" if e == e.floor("D") else "both")
    return [
        (
            d.tz_convert("UTC").to_pydatetime(),
            (d + pd.Timedelta(days=1)).tz_convert("UTC").to_pydatetime(),
        )
        for d in days
    ]


def _in_window(frame: pd.DataFrame | None, window) -> pd.DataFrame | None:
    if frame is None:
        return None
    t = frame["time"]
    sel = (t >= pd.Timestamp(window[0])) & (t < pd.Timestamp(window[1]))
    return frame.loc[sel, ["time", "parameter", "value", "flag"]].reset_index(drop=True)


@dataclass(frozen=True)
class WindowInputs:
    """What judging one outlet over one window takes: its observations in the window, the
    minute data (outlets that send them), the pack of the window's date, the marks and limits."""

    meta: OutletMeta
    window: tuple[datetime, datetime]
    frame: pd.DataFrame
    minutes: pd.DataFrame | None
    pack: RulePack
    marks: list[MarkInterval]
    limits: dict[str, dict[str, Any]]


def window_inputs(
    session: Session,
    meta: OutletMeta,
    frame: pd.DataFrame | None,
    window: tuple[datetime, datetime],
    *,
    minutes: pd.DataFrame | None = None,
) -> WindowInputs | None:
    """Gather what judging ``meta``'s outlet over ``window`` takes (None without observations
    in the window): the pack and the limits in force on the window's CST date
    (:func:`.service.window_date`), the active marks overlapping it, the minute data in it."""
    part = _in_window(frame, window)
    if part is None or part.empty:
        return None
    mins = _in_window(minutes, window)
    if mins is not None and mins.empty:
        mins = None
    on = service.window_date(window[0])
    marks = [
        service.mark_interval(m)
        for m in service.site_marks(session, meta.site_id, window[0], window[1])
    ]
    return WindowInputs(
        meta=meta,
        window=window,
        frame=part,
        minutes=mins,
        pack=meta.pack(on),
        marks=marks,
        limits=meta.limits(part["parameter"].unique(), on=on),
    )


def judge_inputs(inputs: WindowInputs, *, now: datetime) -> OutletVerdict:
    """Judge one outlet window (pure: nothing is read or stored)."""
    return judge_outlet(
        inputs.frame,
        pack=inputs.pack,
        marks=inputs.marks,
        limits=inputs.limits,
        source_type=inputs.meta.source_type,
        now=now,
        site=inputs.meta.site_id,
        minutes=inputs.minutes,
    )


def judge_window(
    session: Session,
    meta: OutletMeta,
    frame: pd.DataFrame,
    window: tuple[datetime, datetime],
    *,
    trigger: str = "scheduled",
    now: datetime | None = None,
    force: bool = False,
    minutes: pd.DataFrame | None = None,
    sink: CaseSink | None = None,
) -> QCJudgement | None:
    """Judge one outlet over one window and store it, unless (``force`` False) the current
    judgement already covers exactly these observations, marks and rule version; its events
    and fraud-pattern runs go to ``sink`` (the registry's; none: no case is opened).

    ``minutes``: the outlet's minute data (``period="min"``), where it has any: the hours they
    cover are valid only with ≥ 45 valid minutes (HJ 75-2017, :func:`.judge.minute_validity`).
    """
    inputs = window_inputs(session, meta, frame, window, minutes=minutes)
    if inputs is None:
        return None
    if not force:
        cur = session.scalar(
            select(QCJudgement).where(
                QCJudgement.site_id == meta.site_id,
                QCJudgement.window_start == window[0],
                QCJudgement.window_end == window[1],
                QCJudgement.superseded_by.is_(None),
            )
        )
        if _unchanged(cur, inputs):
            return None
    now = now or utcnow()
    verdict = judge_inputs(inputs, now=now)
    return _store(session, inputs, verdict, trigger=trigger, now=now, sink=sink)


def _unchanged(cur: QCJudgement | None, inputs: WindowInputs) -> bool:
    """Whether the current judgement ``cur`` already covers exactly these observations, marks
    and rule version (then judging again would store nothing new)."""
    return (
        cur is not None
        and cur.rule_version == inputs.pack.version
        and cur.inputs_digest == service.inputs_digest(inputs.frame, inputs.minutes)
        and sorted(m["id"] or 0 for m in cur.marks) == sorted(m.id or 0 for m in inputs.marks)
    )


def _store(
    session: Session,
    inputs: WindowInputs,
    verdict: OutletVerdict,
    *,
    trigger: str,
    now: datetime,
    sink: CaseSink | None,
) -> QCJudgement:
    return service.store_judgement(
        session,
        verdict,
        inputs.frame,
        site_id=inputs.meta.site_id,
        window=inputs.window,
        pack=inputs.pack,
        marks=inputs.marks,
        limits=inputs.limits,
        source_type=inputs.meta.source_type,
        trigger=trigger,
        now=now,
        minutes=inputs.minutes,
        sink=sink,
    )


@dataclass(frozen=True)
class Judged:
    """One verdict :func:`judge_windows` stored: its id, outlet, window and event count."""

    judgement_id: int
    site_id: int
    window: tuple[datetime, datetime]
    events: int


def judge_windows(
    engine: Engine,
    outlets: Iterable[tuple[OutletMeta, pd.DataFrame, pd.DataFrame | None]],
    windows: Sequence[tuple[datetime, datetime]],
    *,
    trigger: str = "scheduled",
    now: datetime | None = None,
    sink: CaseSink | None = None,
    per_transaction: int = 10,
) -> list[Judged]:
    """Judge every outlet (``(meta, frame, minute frame or None)``) over every window and
    store the verdicts, as :func:`judge_window` one by one would (same verdicts, same rows,
    same skips), but in bulk: per ``per_transaction`` outlets, the inputs and the current
    judgements are read (one query), the changed windows judged with no transaction open, and
    their verdicts stored in one short transaction, window after window of each outlet (an
    event that goes on across midnight finds the previous day's part).

    Why: SQLite holds its write lock from the first insert to the commit; judging inside the
    transaction made every other writer (the other batch workers, the HJ 212 ingest) wait
    behind the pandas work too."""
    now = now or utcnow()
    outlets = list(outlets)
    out: list[Judged] = []
    for i in range(0, len(outlets), per_transaction):
        chunk = outlets[i : i + per_transaction]
        todo: list[WindowInputs] = []
        with session_scope(engine) as session:  # reads only (WAL: never waits for a writer)
            found = [
                inp
                for meta, frame, minutes in chunk
                for w in windows
                if (inp := window_inputs(session, meta, frame, w, minutes=minutes)) is not None
            ]
            current = _current(session, found)
            todo = [
                inp
                for inp in found
                if not _unchanged(current.get((inp.meta.site_id, *inp.window)), inp)
            ]
        if not todo:
            continue
        verdicts = [judge_inputs(inp, now=now) for inp in todo]
        with session_scope(engine) as session:
            for inp, verdict in zip(todo, verdicts, strict=True):
                j = _store(session, inp, verdict, trigger=trigger, now=now, sink=sink)
                events = sum(p.get("events", 0) for p in j.summary.values())
                out.append(Judged(j.id, inp.meta.site_id, inp.window, events))
    return out


def _current(
    session: Session, inputs: Sequence[WindowInputs]
) -> dict[tuple[int, datetime, datetime], QCJudgement]:
    """The current judgements of the outlets and windows of ``inputs``, in one query, keyed
    by (site id, window start, window end) as ``inputs`` spell them."""
    if not inputs:
        return {}
    sites = sorted({inp.meta.site_id for inp in inputs})
    starts = sorted({inp.window[0] for inp in inputs})
    rows = session.scalars(
        select(QCJudgement).where(
            QCJudgement.site_id.in_(sites),
            QCJudgement.window_start.in_(starts),
            QCJudgement.superseded_by.is_(None),
        )
    ).all()
    # the database may hand the times back naive (SQLite): key them as the windows are
    by_key = {(j.site_id, _utc(j.window_start), _utc(j.window_end)): j for j in rows}
    return {
        (inp.meta.site_id, *inp.window): j
        for inp in inputs
        if (j := by_key.get((inp.meta.site_id, _utc(inp.window[0]), _utc(inp.window[1]))))
        is not None
    }


def _utc(t: datetime) -> pd.Timestamp:
    ts = pd.Timestamp(t)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def run_qc(
    ctx: JobSettings,
    *,
    lookback: timedelta = timedelta(days=2),
    now: datetime | None = None,
    site_ids: Collection[int] | None = None,
    store: ObservationStore | None = None,
    sink: CaseSink | None = None,
) -> str:
    """The ``qc`` job: judge every outlet over the CST days of the last ``lookback``, store the
    verdicts and report their events and fraud-pattern runs to ``sink`` (the registry passes
    the cases' sink; idempotent: a report again extends its case)."""
    now = now or utcnow()
    store = store or ObservationStore(ctx.settings.observations_dir)
    windows = day_windows(now - lookback, now)
    t0, t1 = windows[0][0], windows[-1][1]
    with session_scope(ctx.engine) as session:
        metas = load_outlets(session, site_ids)
        minute_metas = load_outlets(session, [m.site_id for m in metas], period="min")
    frames = read_frames(store, metas, t0, t1)
    minute_frames = read_frames(store, minute_metas, t0, t1, period="min")
    # a short transaction per few outlets, holding SQLite's write lock only while their
    # verdicts are inserted: the HJ 212 ingest must not wait behind the judging
    stored = judge_windows(
        ctx.engine,
        [
            (m, frames[m.site_id], minute_frames.get(m.site_id))
            for m in metas
            if m.site_id in frames
        ],
        windows,
        now=now,
        sink=sink,
    )
    judged, events = len(stored), sum(j.events for j in stored)
    return (
        f"{judged} judgements stored ({events} events) for {len(metas)} outlets, "
        f"{len(windows)} day(s) from {pd.Timestamp(t0).tz_convert(CST):%Y-%m-%d} CST"
    )


def rejudge_for_mark(
    session: Session,
    store: ObservationStore,
    mark: QCMark,
    *,
    now: datetime | None = None,
    sink: CaseSink | None = None,
) -> list[QCJudgement]:
    """Judge again every current judgement of the mark's site whose window overlaps the mark
    (``trigger="late_mark"``, :func:`judge_window` forced), reading the observations of those
    windows in one scan; the verdicts' reports go to ``sink``."""
    current = session.scalars(
        select(QCJudgement).where(
            QCJudgement.site_id == mark.site_id,
            QCJudgement.superseded_by.is_(None),
            QCJudgement.window_start < mark.end,
            QCJudgement.window_end > mark.start,
        )
    ).all()
    if not current:
        return []
    metas = load_outlets(session, [mark.site_id])
    if not metas:
        return []
    t0 = min(j.window_start for j in current)
    t1 = max(j.window_end for j in current)
    frame = read_frames(store, metas, t0, t1).get(mark.site_id)
    if frame is None:
        return []
    minute_frame = read_frames(
        store, load_outlets(session, [mark.site_id], period="min"), t0, t1, period="min"
    ).get(mark.site_id)
    out = []
    for j in current:
        new = judge_window(
            session,
            metas[0],
            frame,
            (j.window_start, j.window_end),
            trigger="late_mark",
            now=now,
            force=True,
            minutes=minute_frame,
            sink=sink,
        )
        if new is not None:
            out.append(new)
    return out
