"""Readings of a temporary monitoring point as typed or uploaded (pure core): CSV text with a
time and a value per line, parsed with the line named in every error. Times without a zone are
China Standard Time (UTC+8, as officers read their watches); they are stored in UTC."""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime

from qingshan.emergency.incidents.errors import BadIncident
from qingshan.timeutil import as_utc

__all__ = ["MAX_READINGS", "parse_readings", "parse_time"]

MAX_READINGS = 5000
_HEADERS = {"time", "时间", "采样时间", "value", "值", "浓度", "监测值"}


def parse_time(text: str, *, field: str = "time") -> datetime:
    """An ISO date-time (``2026-06-03 10:30``, ``2026-06-03T10:30:00+08:00``); no zone: CST."""
    try:
        value = datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise BadIncident(
            f"{field}: {text!r} is not a date-time such as 2026-06-03 10:30", field=field
        ) from None
    return as_utc(value)


def parse_readings(text: str, *, now: datetime) -> list[tuple[datetime, float]]:
    """``(time UTC, value)`` per line of ``text`` (``time,value``; comma, tab or semicolon; an
    optional header line), sorted by time. Raises :class:`BadIncident` naming the line for a bad
    time, a value that is not a finite number ≥ 0, a time after ``now``, a time given twice, or
    nothing at all."""
    sample = text[:2000]
    delimiter = "\t" if "\t" in sample else (";" if ";" in sample and "," not in sample else ",")
    out: dict[datetime, float] = {}
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if lineno == 1 and cells[0].lower().lstrip("\ufeff") in _HEADERS:
            continue
        if len(cells) < 2:
            raise BadIncident(f"line {lineno}: expected 'time,value', got {','.join(cells)!r}",
                              field="readings")  # fmt: skip
        when = parse_time(cells[0].lstrip("\ufeff"), field=f"readings line {lineno} time")
        try:
            value = float(cells[1])
        except ValueError:
            raise BadIncident(f"line {lineno}: value {cells[1]!r} is not a number",
                              field="readings") from None  # fmt: skip
        if not math.isfinite(value) or value < 0:
            raise BadIncident(f"line {lineno}: value {cells[1]!r} must be a finite number ≥ 0",
                              field="readings")  # fmt: skip
        if when > now:
            raise BadIncident(f"line {lineno}: time {cells[0]!r} is in the future",
                              field="readings")  # fmt: skip
        if when in out:
            raise BadIncident(f"line {lineno}: time {cells[0]!r} is given twice",
                              field="readings")  # fmt: skip
        out[when] = value
        if len(out) > MAX_READINGS:
            raise BadIncident(f"more than {MAX_READINGS} readings in one go", field="readings")
    if not out:
        raise BadIncident("no reading: give one 'time,value' per line", field="readings")
    return sorted(out.items())
