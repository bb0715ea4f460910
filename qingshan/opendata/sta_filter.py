"""A small hand-written parser and evaluator of the SensorThings ``$filter`` expressions we
serve (OGC 18-088 SensorThings API Part 1: Sensing v1.1, §9.3.3.4 "$filter", Table 24 built-in
operators and Table 25 built-in functions — the OData 4.0 URL-conventions subset).

Supported: ``eq ne gt ge lt le``, ``and or not``, parentheses, string literals in single
quotes (``''`` escapes a quote), numbers, ``true false null``, ISO 8601 date-times (unquoted, as
the examples of §9.3.3.4 write ``phenomenonTime gt 2015-03-01T00:00:00Z``), property paths
(``properties/kind``, ``Thing/name``) and the functions ``substringof(needle, haystack)``,
``startswith(s, prefix)``, ``endswith(s, suffix)`` and ``contains(s, needle)``. Anything else is
refused with a :class:`FilterError` naming the token and its position; nothing is ``eval``-ed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qingshan.errors import QingshanError


class StaError(QingshanError):
    """A SensorThings request we cannot answer as asked (400 unless a subclass says)."""

    status_code = 400


class FilterError(StaError):
    """A ``$filter`` expression that does not parse; the message names the token."""


COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = {"substringof": 2, "startswith": 2, "endswith": 2, "contains": 2}

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_@][A-Za-z0-9_.@]*(?:/[A-Za-z_@][A-Za-z0-9_.@]*)*)
  | (?P<punct>[(),])
  | (?P<bad>\S+?)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string, datetime, number, name, punct, end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``; an unterminated string or a stray character raises."""
    out: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup is None:  # pragma: no cover - the bad group takes anything
            raise FilterError(f"$filter: cannot read {text[pos:]!r} at position {pos}")
        kind = m.lastgroup
        start = m.start(kind)
        if kind == "bad":
            string = text[start] == "'"
            what = text[start : start + 20] if string else text[start]
            reason = "unterminated string" if string else "unexpected character"
            raise FilterError(f"$filter: {reason} {what!r} at position {start}", token=what)
        out.append(Token(kind, m.group(kind), start))
        pos = m.end()
    out.append(Token("end", "", len(text)))
    return out


# --- the syntax tree --------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Path:
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Logical:
    op: str  # and, or
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Literal | Path | Compare | Logical | Not | Call


class _Parser:
    """Recursive descent: or → and → not → comparison → primary (OData precedence)."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, tok: Token, expected: str) -> FilterError:
        what = "the end" if tok.kind == "end" else repr(tok.text)
        return FilterError(
            f"$filter: expected {expected} but found {what} at position {tok.pos}",
            token=tok.text,
        )

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise self.fail(tok, repr(text))

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise FilterError("$filter: empty expression", token="")
        node = self.or_()
        if self.peek().kind != "end":
            raise self.fail(self.peek(), "'and', 'or' or the end")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek().kind == "name" and self.peek().text == "or":
            self.take()
            node = Logical("or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.peek().kind == "name" and self.peek().text == "and":
            self.take()
            node = Logical("and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.peek().kind == "name" and self.peek().text == "not":
            self.take()
            return Not(self.not_())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.primary()
        tok = self.peek()
        if tok.kind == "name" and tok.text in COMPARISONS:
            self.take()
            return Compare(tok.text, left, self.primary())
        if tok.kind == "name" and tok.text not in ("and", "or"):
            raise FilterError(
                f"$filter: unknown operator {tok.text!r} at position {tok.pos}; "
                f"supported: {', '.join(COMPARISONS)}, and, or, not",
                token=tok.text,
            )
        return left

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "punct" and tok.text == "(":
            node = self.or_()
            self.expect(")")
            return node
        if tok.kind == "string":
            return Literal(tok.text[1:-1].replace("''", "'"))
        if tok.kind == "number":
            return Literal(float(tok.text) if any(c in tok.text for c in ".eE") else int(tok.text))
        if tok.kind == "datetime":
            try:
                return Literal(datetime.fromisoformat(tok.text.replace("Z", "+00:00")))
            except ValueError:
                raise FilterError(
                    f"$filter: {tok.text!r} at position {tok.pos} is no valid date-time",
                    token=tok.text,
                ) from None
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                return Literal(tok.text == "true")
            if tok.text == "null":
                return Literal(None)
            if tok.text in COMPARISONS or tok.text in ("and", "or", "not"):
                raise self.fail(tok, "a value or a property")
            if self.peek().text == "(":
                return self.call(tok)
            return Path(tuple(tok.text.split("/")))
        raise self.fail(tok, "a value or a property")

    def call(self, tok: Token) -> Node:
        if tok.text not in FUNCTIONS:
            raise FilterError(
                f"$filter: function {tok.text!r} at position {tok.pos} is not supported; "
                f"supported: {', '.join(FUNCTIONS)}",
                token=tok.text,
            )
        self.expect("(")
        args = [self.or_()]
        while self.peek().text == ",":
            self.take()
            args.append(self.or_())
        self.expect(")")
        if len(args) != FUNCTIONS[tok.text]:
            raise FilterError(
                f"$filter: {tok.text} takes {FUNCTIONS[tok.text]} arguments, got {len(args)}",
                token=tok.text,
            )
        return Call(tok.text, tuple(args))


def parse_filter(text: str) -> Node:
    """The syntax tree of a ``$filter`` expression (OGC 18-088 §9.3.3.4)."""
    return _Parser(text).parse()


# --- evaluation -------------------------------------------------------------------------------


def _as_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.split("/")[0].replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _resolve(entity: Mapping[str, Any], parts: tuple[str, ...]) -> Any:
    node: Any = entity
    for i, part in enumerate(parts):
        key = "@iot.id" if part == "id" and i == len(parts) - 1 else part
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


def _compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, datetime) or isinstance(b, datetime):
        a, b = _as_time(a), _as_time(b)
    if op in ("eq", "ne"):
        return _OPS[op](a, b)
    if a is None or b is None:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    num = (int, float)
    if isinstance(a, num) != isinstance(b, num):
        return False  # OData: incomparable types never match
    try:
        return _OPS[op](a, b)
    except TypeError:  # objects, lists: not ordered
        return False


def evaluate(node: Node, entity: Mapping[str, Any]) -> Any:
    """The value of ``node`` for ``entity`` (a JSON object of the entity as served; a path
    walks nested objects, ``id`` reads ``@iot.id``)."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Path):
        return _resolve(entity, node.parts)
    if isinstance(node, Compare):
        return _compare(node.op, evaluate(node.left, entity), evaluate(node.right, entity))
    if isinstance(node, Logical):
        left = bool(evaluate(node.left, entity))
        if node.op == "and":
            return left and bool(evaluate(node.right, entity))
        return left or bool(evaluate(node.right, entity))
    if isinstance(node, Not):
        return not evaluate(node.operand, entity)
    a, b = (evaluate(arg, entity) for arg in node.args)
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    if node.name == "substringof":  # OData v2 / STA v1.x: substringof(needle, haystack)
        return a in b
    if node.name == "contains":
        return b in a
    if node.name == "startswith":
        return a.startswith(b)
    return a.endswith(b)


def time_bounds(
    node: Node, prop: str = "phenomenonTime"
) -> tuple[datetime | None, datetime | None]:
    """The [start, end) of ``prop`` that a filter's top-level ``and`` of comparisons with
    date-times implies (to narrow the store's read; the filter still runs on every row).
    ``None`` where unbounded."""
    lo: datetime | None = None
    hi: datetime | None = None
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Logical) and n.op == "and":
            stack += [n.left, n.right]
            continue
        if not isinstance(n, Compare):
            continue
        op, left, right = n.op, n.left, n.right
        if isinstance(right, Path) and isinstance(left, Literal):  # 2026-01-01T00:00Z lt time
            op = {"gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}.get(op, op)
            left, right = right, left
        if not (isinstance(left, Path) and left.parts == (prop,)):
            continue
        if not (isinstance(right, Literal) and isinstance(right.value, datetime)):
            continue
        t = right.value
        if op in ("gt", "ge", "eq") and (lo is None or t > lo):
            lo = t
        if op in ("lt", "le", "eq") and (hi is None or t < hi):
            hi = t
    return lo, hi
