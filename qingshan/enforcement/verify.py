"""Verifying a published draw: hash the inputs file, re-run the draw, compare. Pure.

A published draw carries the SHA-256 of its canonical inputs file and its result. Verifying
a file (the published one, or a copy someone kept) recomputes the hash, re-runs the draw
(:func:`qingshan.enforcement.draw.run_draw`) and compares the tasks; when the stored inputs
are at hand, a changed file is explained field by field (:func:`json_differences`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qingshan.enforcement.draw import canonical, inputs_from_json, run_draw, sha256_hex
from qingshan.enforcement.errors import BadEnforcementInput, EnforcementError

__all__ = ["Verification", "verify_inputs", "json_differences", "parse_inputs_file"]

#: at most this many differences are listed
MAX_DIFFERENCES = 20


@dataclass(frozen=True)
class Verification:
    """What verifying a draw found. ``ok``: the hash is the published one and the re-run gives
    the published tasks."""

    draw_id: int | None
    inputs_sha256: str
    published_sha256: str
    hash_matches: bool
    result_matches: bool
    rerun_error: str | None = None
    differences: tuple[str, ...] = ()
    tasks: int = 0

    @property
    def ok(self) -> bool:
        return self.hash_matches and self.result_matches

    def lines(self) -> list[str]:
        """The report in plain lines (the CLI prints them)."""
        out = [
            f"draw {self.draw_id}: inputs SHA-256 {self.inputs_sha256}",
            "  hash: " + ("matches the published hash" if self.hash_matches
                          else f"DIFFERS from the published {self.published_sha256}"),
        ]  # fmt: skip
        if self.rerun_error:
            out.append(f"  re-run: failed: {self.rerun_error}")
        else:
            out.append(
                f"  re-run: the same {self.tasks} tasks as published"
                if self.result_matches
                else "  re-run: the tasks DIFFER from the published result"
            )
        out += [f"  changed: {d}" for d in self.differences]
        out.append(
            "OK: the draw is reproduced" if self.ok else "FAILED: the draw is not reproduced"
        )
        return out


def parse_inputs_file(data: bytes) -> dict:
    """The parsed inputs file; :class:`BadEnforcementInput` when it is not UTF-8 JSON."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadEnforcementInput("file", f"not a UTF-8 JSON draw inputs file ({exc})") from exc
    if not isinstance(obj, dict):
        raise BadEnforcementInput("file", "not a draw inputs file (a JSON object is expected)")
    return obj


def _keyed(items: list) -> dict | None:
    """A list of objects with ``id`` (or ``enterprise_id``) as a mapping by it, else None."""
    out = {}
    for x in items:
        if not isinstance(x, dict):
            return None
        key = x.get("id", x.get("enterprise_id"))
        if key is None or key in out:
            return None
        out[key] = x
    return out


def json_differences(old: Any, new: Any, path: str = "") -> list[str]:
    """Where ``new`` differs from ``old``: ``"candidates[id=12].weight: 1.0 → 3.0"``; lists of
    objects with ids are compared by id (an added or removed one is named)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new), key=str):
            p = f"{path}.{k}" if path else str(k)
            if k not in old:
                out.append(f"{p}: added")
            elif k not in new:
                out.append(f"{p}: removed")
            else:
                out += json_differences(old[k], new[k], p)
        return out
    if isinstance(old, list) and isinstance(new, list):
        a, b = _keyed(old), _keyed(new)
        if a is not None and b is not None:
            out = []
            for k in sorted(set(a) | set(b), key=str):
                p = f"{path}[id={k}]"
                if k not in a:
                    out.append(f"{p}: added")
                elif k not in b:
                    out.append(f"{p}: removed")
                else:
                    out += json_differences(a[k], b[k], p)
            return out
        if len(old) != len(new):
            return [f"{path}: {len(old)} → {len(new)} items"]
        out = []
        for i, (x, y) in enumerate(zip(old, new, strict=True)):
            out += json_differences(x, y, f"{path}[{i}]")
        return out
    return [] if old == new and type(old) is type(new) else [f"{path}: {old!r} → {new!r}"]


def verify_inputs(
    data: bytes,
    *,
    published_sha256: str,
    published_result: Mapping[str, Any],
    stored_inputs: Mapping[str, Any] | None = None,
    draw_id: int | None = None,
) -> Verification:
    """Verify the inputs file ``data`` against a published draw (its hash and result); with
    ``stored_inputs`` (the inputs as stored when drawn) a changed file says what changed."""
    digest = sha256_hex(data)
    obj = parse_inputs_file(data)
    diffs: list[str] = []
    if stored_inputs is not None and digest != published_sha256:
        diffs = json_differences(dict(stored_inputs), obj)
        if not diffs and canonical(obj) != data:
            diffs = ["the same values, not written canonically (spaces, key order or escapes)"]
        if len(diffs) > MAX_DIFFERENCES:
            diffs = diffs[:MAX_DIFFERENCES] + [f"… and {len(diffs) - MAX_DIFFERENCES} more"]
    error = None
    matches = False
    tasks = 0
    try:
        result = run_draw(inputs_from_json(obj)).as_json()
        tasks = len(result["tasks"])
        matches = result == dict(published_result)
    except EnforcementError as exc:
        error = str(exc)
    return Verification(
        draw_id=draw_id,
        inputs_sha256=digest,
        published_sha256=published_sha256,
        hash_matches=digest == published_sha256,
        result_matches=matches,
        rerun_error=error,
        differences=tuple(diffs),
        tasks=tasks,
    )
