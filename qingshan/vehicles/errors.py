"""Errors of :mod:`qingshan.vehicles` (HTTP 422 for bad input), each naming what is wrong."""

from __future__ import annotations

from qingshan.errors import QingshanError


class VehicleError(QingshanError):
    """Base class of every error raised by the vehicles package. ``field`` names the input."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class PlateInvalid(VehicleError):
    """A number plate that breaks GA 36-2018's format; ``position`` is 1-based (0: the length)."""

    def __init__(self, plate: str, position: int, reason: str) -> None:
        where = "length" if position == 0 else f"position {position}"
        super().__init__(f"plate {plate!r}: {where}: {reason}", field="plate", plate=plate,
                         position=position)  # fmt: skip
        self.position = position
        self.reason = reason


class VinInvalid(VehicleError):
    """A VIN that breaks GB 16735 / ISO 3779; ``position`` is 1-based (0: the length)."""

    def __init__(self, vin: str, position: int, reason: str) -> None:
        where = "length" if position == 0 else f"position {position}"
        super().__init__(f"VIN {vin!r}: {where}: {reason}", field="vin", vin=vin,
                         position=position)  # fmt: skip
        self.position = position
        self.reason = reason


class StageUnknown(VehicleError):
    """No emission stage is defined for a fuel, category and registration date."""


class LimitMissing(VehicleError):
    """No limit cell for a (method, stage/limit set, item) the judge needs."""

    def __init__(self, method: str, limit_set: str, item: str, known: list[str]) -> None:
        super().__init__(
            f"no limit for method {method!r}, limit set {limit_set!r}, item {item!r} "
            f"in qingshan/vehicles/data/limits.json (cells for this method: {', '.join(known) or 'none'})",
            field="limit", method=method, limit_set=limit_set, item=item,
        )  # fmt: skip


class ImportRejected(VehicleError):
    """An import with at least one bad row: nothing is stored; ``problems`` lists every problem
    as ``row <n>: <field>: <what>`` (rows counted from 1 after the header)."""

    def __init__(self, kind: str, problems: list[str]) -> None:
        shown = "; ".join(problems[:20]) + (
            f"; … {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        super().__init__(f"{kind} import rejected, nothing imported: {shown}", field="rows",
                         problems=problems)  # fmt: skip
        self.problems = problems
