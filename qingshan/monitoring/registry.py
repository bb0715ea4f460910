"""Registering what is monitored, and keeping each series' latest value.

The one way code gets a series id (:func:`get_or_create_series`) and the one way the relational
``latest_value`` table follows the observation store (:func:`update_latest`).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.monitoring.models import LatestValue, Parameter, Period, Series, Site


def ensure_parameter(session: Session, code: str) -> Parameter:
    """The ``parameter`` row of HJ 212-2017 ``code``, created from the code table if absent."""
    from qingshan.standards.pollutant_codes import POLLUTANT_CODES, normalise_code

    code = normalise_code(code)
    param = session.get(Parameter, code)
    if param is None:
        p = POLLUTANT_CODES[code]
        param = Parameter(code=code, name=p.name, name_en=p.name_en, unit=p.unit)
        session.add(param)
        session.flush()
    return param


def get_or_create_series(
    session: Session, site: Site, parameter_code: str, period: Period, unit: str
) -> Series:
    """The series of ``site`` × ``parameter_code`` × ``period``, created when absent."""
    param = ensure_parameter(session, parameter_code)
    series = session.scalar(
        select(Series).where(
            Series.site_id == site.id,
            Series.parameter_code == param.code,
            Series.period == period,
        )
    )
    if series is None:
        series = Series(site_id=site.id, parameter_code=param.code, period=period, unit=unit)
        session.add(series)
        session.flush()
    return series


def update_latest(session: Session, observations: pd.DataFrame) -> int:
    """Advance ``latest_value`` to the newest row per series of ``observations``.

    ``observations`` has the observation columns (series_id, time, value, source_flag,
    qc_flag). A stored latest value is replaced only by a newer or equal time, so late or
    replayed data never move a series back in time. Returns the number of series changed.
    """
    if observations.empty:
        return 0
    newest = observations.sort_values("time").groupby("series_id", sort=False).tail(1)
    ids = [int(i) for i in newest["series_id"]]
    current = {
        lv.series_id: lv
        for lv in session.scalars(select(LatestValue).where(LatestValue.series_id.in_(ids)))
    }
    changed = 0
    for row in newest.itertuples(index=False):
        time = pd.Timestamp(row.time).to_pydatetime()
        value = None if pd.isna(row.value) else float(row.value)
        flag = getattr(row, "source_flag", None)
        flag = None if flag is None or pd.isna(flag) else str(flag)
        qc = getattr(row, "qc_flag", 0)
        qc = 0 if qc is None or pd.isna(qc) else int(qc)
        lv = current.get(int(row.series_id))
        if lv is None:
            session.add(
                LatestValue(
                    series_id=int(row.series_id),
                    time=time,
                    value=value,
                    source_flag=flag,
                    qc_flag=qc,
                )
            )
        elif lv.time <= time:
            lv.time, lv.value, lv.source_flag, lv.qc_flag = time, value, flag, qc
        else:
            continue
        changed += 1
    session.flush()
    return changed
