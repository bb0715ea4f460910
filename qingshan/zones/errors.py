"""Errors of :mod:`qingshan.zones` (HTTP 422 for bad input, naming the feature and field)."""

from __future__ import annotations

from qingshan.errors import QingshanError


class ZoneError(QingshanError):
    """Base class of every error raised by the zones package. ``field`` names the input at fault."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class LayerRejected(ZoneError):
    """An import with at least one bad feature: nothing is stored; ``problems`` lists every
    problem as ``feature <n> (<code>): <field>: <what>``."""

    def __init__(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:20]) + (
            f"; … {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        super().__init__(f"layer rejected, nothing imported: {shown}", field="features",
                         problems=problems)  # fmt: skip
        self.problems = problems


class LayerNotFound(ZoneError):
    """A layer id that is unknown or outside the caller's scope (the same answer)."""

    status_code = 404
