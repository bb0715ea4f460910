"""API shapes of the archive's import: the result (what changed, per sheet and per row) and
the refusal (every problem with its sheet, row, column and reason)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from qingshan.archive.import_archive import ArchiveImportResult
from qingshan.tablefile import RowProblem

__all__ = [
    "ImportProblemPublic",
    "ImportChangePublic",
    "ImportResultPublic",
    "result_public",
    "problems_public",
]


class ImportProblemPublic(BaseModel):
    sheet: str = Field(
        description="the sheet (企业, 排口, 排污许可证, 许可限值) or the file's name"
    )
    row: int = Field(
        description="the row as the sheet numbers it (the header row counted); 0: the file or sheet"
    )
    column: str = Field(
        description="the column letter (A, B, …); empty: the row or file as a whole"
    )
    header: str
    message: str


class ImportChangePublic(BaseModel):
    sheet: str
    row: int
    key: str = Field(description="credit code, outlet code, or permit number and version (… v2)")
    name: str
    action: str = Field(
        description="new | changed | version (a new version of a permit) | unchanged"
    )
    fields: dict[str, list[Any]] = Field(description="what changes: field → [old, new]")


class ImportResultPublic(BaseModel):
    files: list[str]
    dry_run: bool = Field(
        description="true: nothing was stored; the changes are what an import would do"
    )
    rows: int
    seconds: float
    counts: dict[str, dict[str, int]] = Field(description="sheet → action → rows")
    changes: list[ImportChangePublic] = Field(description="every row that is not unchanged")


def _plain(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def result_public(result: ArchiveImportResult) -> ImportResultPublic:
    return ImportResultPublic(
        files=result.files, dry_run=result.dry_run, rows=result.rows, seconds=round(result.seconds, 3),
        counts=result.counts(),
        changes=[ImportChangePublic(sheet=c.sheet, row=c.row, key=c.key, name=c.name, action=c.action,
                                    fields={k: [_plain(x) for x in v] for k, v in c.fields.items()})
                 for c in result.changes if c.action != "unchanged"],
    )  # fmt: skip


def problems_public(problems: list[RowProblem]) -> list[dict]:
    return [ImportProblemPublic(**vars(p)).model_dump() for p in problems]
