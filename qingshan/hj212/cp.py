"""The CP data area of HJ 212-2017 (§6.3.3) and its time fields (Table 4).

``;`` separates factors, ``,`` the items of one factor, ``=`` name and value; ``CP=&&&&`` is
valid. A key ``<code>-<suffix>`` is split on its **last** ``-``. Log text (``-Info`` values
between ``//…//``) may contain the separators and is read as one value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from operator import methodcaller

from qingshan.hj212.errors import FieldError, TimestampError
from qingshan.timeutil import CST  # every HJ 212 time on the wire is CST (UTC+8)

#: numeric field suffixes (§6.3.3 Table 4 and the noise fields of Table B.3); values → float
VALUE_SUFFIXES = frozenset(
    {"Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "ZsCou",
     "Data", "DayData", "NightData"}
)  # fmt: skip

#: data flags of HJ 212-2017 Table 8 (§6.6.4); vendors add their own, which are kept as sent
DATA_FLAGS: dict[str, str] = {
    "N": "在线监控（监测）仪器仪表工作正常 normal",
    "F": "在线监控（监测）仪器仪表停运 stopped",
    "M": "在线监控（监测）仪器仪表处于维护期间 maintenance",
    "S": "手工输入的设定值 manually set",
    "D": "在线监控（监测）仪器仪表故障 fault",
    "C": "在线监控（监测）仪器仪表处于校准状态 calibration",
    "T": "在线监控（监测）仪器仪表采样数值超过测量上限 over range",
    "B": "在线监控（监测）仪器仪表与数采仪通讯异常 comms fault",
}

#: treatment-facility states of ``SBxxx-RS`` (Table 4)
FACILITY_STATES: dict[str, str] = {
    "0": "关闭 off", "1": "运行 running", "2": "校准 calibrating",
    "3": "维护 maintenance", "4": "报警 alarm", "5": "反吹 blowback",
}  # fmt: skip


_VALUE_ENDINGS = tuple("-" + s for s in VALUE_SUFFIXES)


#: "name=value" → [name, value] in C; an item without "=" makes dict() raise ValueError
_SPLIT_EQ = methodcaller("split", "=", 1)


@lru_cache(maxsize=8192)
def _time(text: str) -> datetime:
    return datetime(
        int(text[0:4]), int(text[4:6]), int(text[6:8]),
        int(text[8:10]), int(text[10:12]), int(text[12:14]),
        (int(text[14:17]) * 1000) if len(text) == 17 else 0, tzinfo=CST,
    ).astimezone(UTC)  # fmt: skip


def parse_time(text: str, name: str = "DataTime", segment: str | None = None) -> datetime:
    """Parse ``YYYYMMDDhhmmss`` (DataTime) or ``YYYYMMDDhhmmsszzz`` (QN), CST on the wire.

    Returns
    -------
    datetime
        Timezone-aware UTC.

    Raises
    ------
    TimestampError
        When the text is not 14 or 17 digits or not a valid calendar time (Table 4).
    """
    if len(text) in (14, 17) and text.isdigit() and text.isascii():
        try:
            return _time(text)
        except ValueError:
            pass
    raise TimestampError(
        f"bad {name}={text!r}: expected YYYYMMDDhhmmss{'zzz' if name == 'QN' else ''} "
        "(HJ 212-2017 Table 4)",
        packet=segment,
        clause="6.3.2 Table 4",
        field=name,
    )


def format_time(moment: datetime, millis: bool = False) -> str:
    """A UTC (or any aware) datetime as HJ 212 CST text, optionally with milliseconds (QN)."""
    local = moment.astimezone(CST)
    text = local.strftime("%Y%m%d%H%M%S")
    return text + f"{local.microsecond // 1000:03d}" if millis else text


def _items(cp: str) -> Iterator[str]:
    """Yield ``name=value`` items, keeping ``//…//`` log text whole."""
    if "//" not in cp:
        for group in cp.split(";"):
            yield from group.split(",")
        return
    i, n = 0, len(cp)
    while i < n:
        seps = [p for p in (cp.find(";", i), cp.find(",", i)) if p >= 0]
        sep = min(seps) if seps else n
        eq = cp.find("=", i, sep)
        j = i
        if eq >= 0 and cp.startswith("//", eq + 1):
            close = cp.find("//", eq + 3)
            j = n if close < 0 else close + 2
        seps = [p for p in (cp.find(";", j), cp.find(",", j)) if p >= 0]
        stop = min(seps) if seps else n
        yield cp[i:stop]
        i = stop + 1


_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: a numeric field whose value is neither empty nor a plain number (float() may still take it)
_ODD_NUMBER = re.compile(rf"-(?:{'|'.join(sorted(VALUE_SUFFIXES))})=(?!(?:{_NUMBER})?(?:[;,]|$))")
_HAS_EQ = methodcaller("__contains__", "=")


def check_cp(cp: str, segment: str = "", offset: int = 0) -> datetime | None:
    """Check the CP content as :func:`parse_cp` would, without building its mappings.

    Raises exactly what :func:`parse_cp` raises for ``cp`` and returns the same ``DataTime``
    (UTC) or None. Usual content (every item with ``=``, numeric fields holding plain
    numbers, no ``//`` log text) is checked with C-level string operations and one regular
    expression search, about half the cost of a parse; anything else goes through
    :func:`parse_cp` itself.
    """
    if "/" not in cp and _ODD_NUMBER.search(cp) is None:
        items = cp.replace(",", ";").split(";")
        if all(map(_HAS_EQ, filter(None, items))):
            at = cp.find("DataTime=")
            if at < 0:
                return None
            data_time = None
            try:  # parse_cp keeps the last DataTime item
                while at >= 0:
                    if at == 0 or cp[at - 1] in ";,":
                        end = min(
                            cp.find(";", at) % (len(cp) + 1), cp.find(",", at) % (len(cp) + 1)
                        )
                        data_time = parse_time(cp[at + 9 : end], "DataTime", segment)
                    at = cp.find("DataTime=", at + 9)
            except TimestampError:
                pass
            else:
                return data_time
    return parse_cp(cp, {}, {}, {}, segment, offset)


def parse_cp(
    cp: str,
    values: dict[str, float],
    data_flags: dict[str, str],
    fields: dict[str, str],
    segment: str = "",
    offset: int = 0,
) -> datetime | None:
    """Parse the CP content (between ``CP=&&`` and ``&&``) into the three mappings.

    Returns the ``DataTime`` (UTC) or None. Raises :class:`FieldError` for an item without
    ``=`` or a non-numeric value in a numeric field, :class:`TimestampError` for a bad DataTime.
    """
    if "//" not in cp:
        try:  # fast path: split and pair in C; any malformed item falls to the slow path
            pairs = dict(map(_SPLIT_EQ, filter(None, cp.replace(",", ";").split(";"))))
        except ValueError:
            pairs = None
        if pairs is not None:
            data_time = None
            for name, value in pairs.items():
                if name.endswith(_VALUE_ENDINGS) and value:
                    try:
                        values[name] = float(value)
                        continue
                    except ValueError:
                        break  # report it from the slow path
                elif name.endswith("-Flag"):
                    data_flags[name] = value
                    continue
                elif name == "DataTime":
                    data_time = parse_time(value, "DataTime", segment)
                fields[name] = value
            else:
                return data_time
            values.clear()
            data_flags.clear()
            fields.clear()
    data_time = None
    for item in _items(cp):
        if not item:
            continue
        name, eq, value = item.partition("=")
        if not eq:
            raise FieldError(
                f"CP item {item!r} has no '=' (HJ 212-2017 §6.3.3)",
                packet=segment,
                position=offset + cp.find(item),
                clause="6.3.3",
                field=item,
            )
        code, dash, suffix = name.rpartition("-")
        if dash:
            if suffix in VALUE_SUFFIXES:
                if value:
                    try:
                        values[name] = float(value)
                    except ValueError:
                        raise FieldError(
                            f"{name}={value!r} is not a number (HJ 212-2017 §6.3.3)",
                            packet=segment,
                            position=offset + cp.find(item),
                            clause="6.3.3",
                            field=name,
                        ) from None
                    continue
            elif suffix == "Flag":
                data_flags[name] = value
                continue
        elif name == "DataTime":
            data_time = parse_time(value, "DataTime", segment)
        fields[name] = value
    return data_time
