"""The $filter parser (OGC 18-088 §9.3.3.5: built-in operators and functions): what parses,
how it evaluates, and malformed filters refused naming the token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qingshan.opendata.sta_filter import (
    Call,
    Compare,
    FilterError,
    Literal,
    Logical,
    Not,
    Path,
    evaluate,
    parse_filter,
    time_bounds,
)

OBS = {"@iot.id": "7-1", "result": 12.5, "phenomenonTime": "2026-11-28T02:00:00Z"}
THING = {
    "@iot.id": 3,
    "name": "西溪",
    "properties": {"kind": "air_station", "region_code": "330106"},
}


def test_comparison_tree():
    assert parse_filter("result lt 10.00") == Compare("lt", Path(("result",)), Literal(10.0))
    assert parse_filter("name eq 'O''Brien'") == Compare("eq", Path(("name",)), Literal("O'Brien"))
    node = parse_filter("phenomenonTime ge 2026-11-28T00:00:00Z")
    assert node == Compare(
        "ge", Path(("phenomenonTime",)), Literal(datetime(2026, 11, 28, tzinfo=UTC))
    )


def test_precedence_and_parentheses():
    # and binds tighter than or (OData 4.0 URL conventions §5.1.1.9)
    node = parse_filter("result gt 1 or result lt 0 and id eq 2")
    assert isinstance(node, Logical) and node.op == "or"
    assert isinstance(node.right, Logical) and node.right.op == "and"
    node = parse_filter("(result gt 1 or result lt 0) and not (id eq 2)")
    assert isinstance(node, Logical) and node.op == "and" and isinstance(node.right, Not)
    assert parse_filter("startswith(name,'西')") == Call(
        "startswith", (Path(("name",)), Literal("西"))
    )


@pytest.mark.parametrize(
    ("expr", "entity", "expected"),
    [
        ("result lt 10.00", OBS, False),
        ("result gt 12 and result le 12.5", OBS, True),
        ("result eq 12.5 or result eq 1", OBS, True),
        ("not (result ge 12.5)", OBS, False),
        ("result ne null", OBS, True),
        ("phenomenonTime gt 2026-11-28T01:59:59Z", OBS, True),
        ("phenomenonTime lt 2026-11-28T10:00:00+08:00", OBS, False),  # 02:00Z equals it
        ("phenomenonTime le 2026-11-28T10:00:00+08:00", OBS, True),
        ("name eq '西溪'", THING, True),
        ("properties/kind eq 'air_station'", THING, True),
        ("properties/kind eq 'gas_outlet'", THING, False),
        ("id eq 3", THING, True),
        ("substringof('溪', name)", THING, True),
        ("startswith(properties/region_code, '3301')", THING, True),
        ("endswith(name, '西')", THING, False),
        ("properties/missing eq null", THING, True),
        ("result gt 'abc'", OBS, False),  # incomparable types never match
    ],
)
def test_evaluate(expr, entity, expected):
    assert evaluate(parse_filter(expr), entity) is expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("name eq '西溪", r"unterminated string \"'西溪\" at position 8"),
        ("result lt", r"expected a value or a property but found the end at position 9"),
        ("result lt 10 and", r"found the end"),
        ("result like 10", r"unknown operator 'like' at position 7"),
        ("result lt 10)", r"expected 'and', 'or' or the end but found '\)' at position 12"),
        ("(result lt 10", r"expected '\)' but found the end"),
        (
            "geo.intersects(location, 'x')",
            r"function 'geo.intersects' at position 0 is not supported",
        ),
        ("startswith(name)", r"startswith takes 2 arguments, got 1"),
        ("result lt 10 ; drop", r"unexpected character ';' at position 13"),
        ("", r"empty expression"),
        ("eq 3", r"expected a value or a property but found 'eq' at position 0"),
    ],
)
def test_malformed_filters_name_the_token(expr, message):
    with pytest.raises(FilterError, match=message):
        parse_filter(expr)


def test_time_bounds_narrow_the_read():
    node = parse_filter(
        "phenomenonTime ge 2026-11-01T00:00:00Z and result gt 3 and "
        "phenomenonTime lt 2026-12-01T00:00:00Z"
    )
    assert time_bounds(node) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
    )
    # under an 'or' nothing can be narrowed
    assert time_bounds(parse_filter("phenomenonTime ge 2026-11-01T00:00:00Z or result gt 3")) == (
        None,
        None,
    )
    # literal on the left: 2026-11-01 lt phenomenonTime is phenomenonTime gt 2026-11-01
    assert time_bounds(parse_filter("2026-11-01T00:00:00Z lt phenomenonTime"))[0] == datetime(
        2026, 11, 1, tzinfo=UTC
    )
