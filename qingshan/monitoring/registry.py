"""Registering what is monitored, and keeping each series' latest value.

The one way code gets a series id (:func:`get_or_create_series`) and the one way the relational
``latest_value`` table follows the observation store (:func:`update_latest`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from qingshan.monitoring.models import (
    SAMPLED_STREAMS,
    STREAM_OF_KIND,
    ControlLevel,
    LatestValue,
    Parameter,
    Period,
    Series,
    Site,
    SiteKind,
)
from qingshan.standards.pollutant_codes import normalise_code, parameter_of

if TYPE_CHECKING:
    from qingshan.timeseries.store import ObservationStore

#: parameter codes of the series the platform derives (indices), never rolled up as means
DERIVED_PREFIX = "idx-"


def ensure_parameter(session: Session, code: str) -> Parameter:
    """The ``parameter`` row of HJ 212-2017 ``code``, created from the code table if absent
    (``<code>-<statistic>``, e.g. ``a21026-Cou``, is a parameter of its own:
    :func:`~qingshan.standards.pollutant_codes.parameter_of`)."""

    code = normalise_code(code)
    param = session.get(Parameter, code)
    if param is None:
        p = parameter_of(code)
        param = Parameter(code=code, name=p.name, name_en=p.name_en, unit=p.unit)
        session.add(param)
        session.flush()
    return param


def ensure_derived_parameter(
    session: Session, code: str, name: str, name_en: str, unit: str
) -> Parameter:
    """The ``parameter`` row of a quantity the platform derives (not an HJ 212-2017 code: an
    index such as ``idx-aqi``), created if absent; series of it are then made by
    :func:`ensure_series` like any other. A code of HJ 212-2017 is refused (its row comes from
    the code table, :func:`ensure_parameter`)."""

    if not code.startswith(DERIVED_PREFIX):
        raise ValueError(f"derived parameter code {code!r} must start with {DERIVED_PREFIX!r}")
    param = session.get(Parameter, code)
    if param is None:
        param = Parameter(code=code, name=name, name_en=name_en, unit=unit)
        session.add(param)
        session.flush()
    return param


def ensure_city_site(
    session: Session, code: str, name: str, kind: SiteKind, city_code: str, attrs: dict[str, str]
) -> Site:
    """The site ``code`` standing for a whole city (a national-control aggregate of ``kind``:
    its air mean, its surface water's CWQI), created with ``name`` and ``attrs`` if absent."""
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        site = Site(
            code=code,
            name=name,
            kind=kind,
            control_level=ControlLevel.NATIONAL,
            region_code=city_code,
            attrs=attrs,
        )
        session.add(site)
        session.flush()
    return site


def ensure_city_water_site(session: Session, city_code: str, city_name: str) -> Site:
    """The site ``CWQI<city code>`` standing for a city's surface water as a whole (kind
    ``city_water``: the series of its CWQI, 环办监测〔2017〕51号), created if absent."""
    return ensure_city_site(session, f"CWQI{city_code}", f"{city_name}（地表水）",
                            SiteKind.CITY_WATER, city_code, {"derived": "cwqi"})  # fmt: skip


def ensure_series(
    session: Session, wanted: Iterable[tuple[int, str, Period, str | None]]
) -> dict[tuple[int, str, Period], Series]:
    """The series of each (site id, HJ 212-2017 code, period, unit) in ``wanted``, created in one
    flush where absent (``unit`` None: the parameter's unit). Codes are normalised; unknown
    codes raise. A few queries whatever the number of series, so that writers keep their
    transactions short."""

    params = {p.code: p for p in session.scalars(select(Parameter))}
    wanted = [  # a registered code as it is (the platform's derived indices, ensure_derived_parameter)
        (site_id, code if code in params else normalise_code(code), Period(period), unit)
        for site_id, code, period, unit in wanted
    ]
    site_ids = sorted({w[0] for w in wanted})
    existing: dict[tuple[int, str, Period], Series] = {}
    for i in range(0, len(site_ids), 500):
        for row in session.scalars(select(Series).where(Series.site_id.in_(site_ids[i : i + 500]))):
            existing[(row.site_id, row.parameter_code, row.period)] = row
    out = {}
    for site_id, code, period, unit in wanted:
        if code not in params:
            params[code] = ensure_parameter(session, code)
        key = (site_id, code, period)
        if key not in existing:
            existing[key] = Series(
                site_id=site_id, parameter_code=code, period=period, unit=unit or params[code].unit
            )
            session.add(existing[key])
        out[key] = existing[key]
    session.flush()  # new series get their ids in one flush
    return out


def get_or_create_series(
    session: Session, site: Site, parameter_code: str, period: Period, unit: str
) -> Series:
    """The series of ``site`` × ``parameter_code`` × ``period``, created when absent."""
    [series] = ensure_series(session, [(site.id, parameter_code, period, unit)]).values()
    return series


def latest_times(session: Session, series_ids: Iterable[int]) -> dict[int, datetime]:
    """The time of the latest value of each series of ``series_ids`` that has one [UTC]."""
    ids = sorted(set(series_ids))
    out: dict[int, datetime] = {}
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        query = select(LatestValue.series_id, LatestValue.time).where(
            LatestValue.series_id.in_(chunk)
        )
        out.update((sid, time) for sid, time in session.execute(query))
    return out


def update_latest(session: Session, observations: pd.DataFrame) -> int:
    """Advance ``latest_value`` to the newest row per series of ``observations``.

    ``observations`` has the observation columns (series_id, time, value, source_flag,
    qc_flag). A stored latest value is replaced only by a newer or equal time, so late or
    replayed data never move a series back in time. One bulk upsert (``INSERT … ON CONFLICT DO
    UPDATE … WHERE stored.time <= new.time``) on SQLite and PostgreSQL alike. Returns the number
    of series offered.
    """
    if observations.empty:
        return 0
    newest = (
        observations.sort_values("time", kind="stable").groupby("series_id", sort=False).tail(1)
    )
    flags = (
        newest["source_flag"] if "source_flag" in newest else pd.Series(None, index=newest.index)
    )
    qc = newest["qc_flag"] if "qc_flag" in newest else pd.Series(0, index=newest.index)
    rows = [
        {
            "series_id": int(sid),
            "time": pd.Timestamp(t).to_pydatetime(),
            "value": None if pd.isna(v) else float(v),
            "source_flag": None if f is None or pd.isna(f) else str(f),
            "qc_flag": 0 if q is None or pd.isna(q) else int(q),
            "attrs": {},
        }
        for sid, t, v, f, q in zip(
            newest["series_id"], newest["time"], newest["value"], flags, qc, strict=True
        )
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(LatestValue)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LatestValue.series_id],
        set_={c: stmt.excluded[c] for c in ("time", "value", "source_flag", "qc_flag")},
        where=LatestValue.time <= stmt.excluded.time,
    )
    session.execute(stmt, rows)
    return len(rows)


def write_values(
    session: Session,
    store: ObservationStore,
    rows: Sequence[tuple[int, datetime, float]],
    *,
    period: str,
    stream: str,
    source: str,
) -> int:
    """Write checked values (series id, time, value) of one ``period`` to ``stream`` of the
    observation store in one write, as valid (flag ``N``, QC 0; raw value = value), and advance
    each series' latest value (:func:`update_latest`). Returns the rows written (0 for none).
    The one way the record domains (sea stations, outfalls, wells) store their sampled values."""
    if not rows:
        return 0
    n = len(rows)
    values = np.array([r[2] for r in rows], dtype=float)
    frame = pd.DataFrame({
        "series_id": np.array([r[0] for r in rows], dtype="int64"),
        "time": pd.to_datetime([r[1] for r in rows], utc=True),
        "period": period, "value": values, "raw_value": values.copy(),
        "source_flag": pd.Series(["N"] * n, dtype=object), "qc_flag": np.zeros(n, dtype="int8"),
        "source": source,
    })  # fmt: skip
    written = store.append(frame, stream)
    update_latest(session, frame)
    return written


def rollup_series_maps(
    session: Session,
    source: Period,
    target: Period,
    *,
    site_ids: Collection[int] | None = None,
    streams: Collection[str] | None = None,
) -> dict[str, dict[int, int]]:
    """Per stream: each ``source``-period series id → its ``target``-period series id, the
    target series created where absent (one flush). Derived series (the indices, ``idx-*``) and
    the streams of discrete samples (:data:`SAMPLED_STREAMS`) are not averaged. The live
    ``rollups`` job and the batch both map series with this."""
    query = (
        select(Series, Site)
        .join(Site, Site.id == Series.site_id)
        .where(Series.period == source)
        .where(Series.parameter_code.not_like(f"{DERIVED_PREFIX}%"))
    )
    if site_ids:
        query = query.where(Site.id.in_(list(site_ids)))
    rows = [
        (series, site)
        for series, site in session.execute(query).all()
        if STREAM_OF_KIND[site.kind] not in SAMPLED_STREAMS
        and (streams is None or STREAM_OF_KIND[site.kind] in streams)
    ]
    targets = ensure_series(
        session, [(site.id, s.parameter_code, target, s.unit) for s, site in rows]
    )
    maps: dict[str, dict[int, int]] = {}
    for s, site in rows:
        maps.setdefault(STREAM_OF_KIND[site.kind], {})[s.id] = targets[
            (site.id, s.parameter_code, target)
        ].id
    return maps
