"""Importing enterprises, outlets, permits (with versions), their limits and annual caps from
the archive's exchange file (:mod:`.import_layout`): all or nothing, or a dry run.

1. The file is read and every cell parsed (:mod:`.import_file`): an unreadable cell, an empty
   required one, a repeated key, an unknown word or region is a problem of its row and column.
2. Every row is then written through the archive's own rules, in a savepoint: enterprises by
   :func:`~.records.create_enterprise` / :func:`~.records.update_enterprise` (the credit code's
   check character, the GB/T 4754 code, the county…), outlets by
   :func:`~.import_outlets.save_outlet`, permits by :func:`~.records.issue_permit` (units of
   the limits, caps, overlapping validity…). A refused call is a problem of its row, with the
   column its field names; a rule about one limit or cap among a permit's is traced to that
   row by trying each alone. Rows that depend on a refused row (the outlets and permits of a
   refused enterprise) are skipped. Scope: an account changes only enterprises of its region.
3. Any problem, or a dry run, rolls the savepoint back: nothing is stored, and
   :class:`ArchiveImportRejected` names every problem (sheet, row, column, reason). Otherwise
   the caller's transaction commits all of it.

Idempotent: a row equal to what is on file changes nothing (a permit version equal to the
current one stays; an enterprise's unchanged fields write no history), so importing an
export changes nothing. A permit row that differs from its number's current version is a new
version (``version + 1``, superseding it); a version on file is history and is never edited.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.errors import ArchiveError, InvalidCreditCode, UnknownIndustryCode
from qingshan.archive.import_file import ArchiveRows, Row, parse_archive, read_archive_files
from qingshan.archive.import_layout import ENTERPRISES, LIMITS, OUTLETS, PERMITS
from qingshan.archive.import_outlets import save_outlet
from qingshan.archive.models import Enterprise, Permit, PermitCap, PermitLimit, PermitOutlet
from qingshan.archive.records import (
    CapInput,
    EnterpriseInput,
    LimitInput,
    PermitInput,
    create_enterprise,
    issue_permit,
    normalise_unit,
    update_enterprise,
)
from qingshan.errors import QingshanError
from qingshan.geo.regions import in_scope
from qingshan.monitoring.models import Site
from qingshan.monitoring.registry import ensure_parameter
from qingshan.standards.pollutant_codes import POLLUTANT_CODES
from qingshan.tablefile import RowProblem, describe_problems
from qingshan.timeutil import utcnow

__all__ = ["MAX_ROWS", "Change", "ArchiveImportResult", "ArchiveImportRejected", "import_archive"]

#: rows of one import (all sheets); the file-size cap bounds it first
MAX_ROWS = 100_000
_LIMIT_FIELDS = frozenset({"parameter_code", "unit", "limit", "averaging"})
_CAP_FIELDS = frozenset({"cap parameter_code", "tonnes_per_year"})


@dataclass(frozen=True)
class Change:
    """What one row does: ``action`` new | changed | version (a new version of a permit on
    file) | unchanged; ``fields`` what changes (field → [old, new])."""

    sheet: str
    row: int
    key: str
    name: str
    action: str
    fields: dict[str, list] = field(default_factory=dict)


@dataclass
class ArchiveImportResult:
    files: list[str]
    dry_run: bool
    rows: int = 0
    seconds: float = 0.0
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """Sheet → action → rows."""
        out: dict[str, dict[str, int]] = {
            s.name: {} for s in (ENTERPRISES, OUTLETS, PERMITS, LIMITS)
        }
        for sheet, n in Counter((c.sheet, c.action) for c in self.changes).items():
            out[sheet[0]][sheet[1]] = n
        return out

    def summary(self) -> str:
        parts = []
        for sheet, counts in self.counts().items():
            if counts:
                parts.append(f"{sheet} " + ", ".join(f"{n} {a}" for a, n in sorted(counts.items())))
        verb = "would change" if self.dry_run else "imported"
        return (
            f"{', '.join(self.files)}: {self.rows} rows ({verb}): {'; '.join(parts) or 'nothing'}"
        )


class ArchiveImportRejected(ArchiveError):
    """The file is refused whole: every problem found, none of its rows stored."""

    status_code = 422

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            f"the archive file is refused, nothing was imported: {describe_problems(problems)}",
            problems=len(problems),
        )
        self.problems = problems


def _field(exc: QingshanError) -> str | None:
    if isinstance(exc, InvalidCreditCode):
        return "credit_code"
    if isinstance(exc, UnknownIndustryCode):
        return "industry_code"
    f = exc.context.get("field")
    return {"contacts.phone": "contacts", "outlet": "outlets"}.get(
        str(f), None if f is None else str(f)
    )


class _Run:
    def __init__(self, session: Session, rows: ArchiveRows, scope: Scope | None, actor: str,
                 reason: str, now: datetime, problems: list[RowProblem]) -> None:  # fmt: skip
        self.s, self.rows, self.scope, self.actor, self.reason, self.now = (
            session,
            rows,
            scope,
            actor,
            reason,
            now,
        )
        self.problems = problems
        self.changes: list[Change] = []
        self.bad = {(p.sheet, p.row) for p in problems}
        self.ent_ids: dict[str, int | None] = {}  # credit code → id (None: refused)

    def skip(self, r: Row) -> bool:
        return (r.table.label, r.row) in self.bad

    def fail(self, r: Row, key: str | None, message: str) -> None:
        self.problems.append(r.problem(key or "", message))
        self.bad.add((r.table.label, r.row))

    def _out_of_scope(self, region: str) -> bool:
        return self.scope is not None and not in_scope(region, self.scope.region_code)

    # -- enterprises --------------------------------------------------------------------
    def enterprises(self) -> None:
        codes = [
            r.values["credit_code"] for r in self.rows.enterprises if "credit_code" in r.values
        ]
        on_file = _by_credit_code(self.s, codes)
        for r in self.rows.enterprises:
            if self.skip(r):
                self.ent_ids[r.values.get("credit_code", "")] = None
                continue
            v = dict(r.values)
            code, why = v.pop("credit_code"), v.pop("reason", "") or self.reason
            ent = on_file.get(code)
            self.ent_ids[code] = None
            if ent is not None and self._out_of_scope(ent.region_code):
                self.fail(r, "credit_code", f"{code} is on file in {ent.region_code}, outside your region "
                          f"{self.scope.region_code if self.scope else ''}")  # fmt: skip
                continue
            try:
                if ent is None:
                    ent = create_enterprise(self.s, EnterpriseInput(credit_code=code, **v), actor=self.actor,
                                            now=self.now, reason=why)  # fmt: skip
                    change = Change(ENTERPRISES.name, r.row, code, ent.name, "new",
                                    {k: [None, _plain(getattr(ent, k))] for k in v})  # fmt: skip
                else:
                    row = update_enterprise(
                        self.s, ent.id, v, actor=self.actor, reason=why, now=self.now
                    )
                    change = Change(ENTERPRISES.name, r.row, code, ent.name,
                                    "unchanged" if row is None else "changed", {} if row is None else row.changes)  # fmt: skip
            except ArchiveError as exc:
                self.fail(r, _field(exc), exc.message)
                continue
            if self._out_of_scope(ent.region_code):
                self.fail(
                    r,
                    "region_code",
                    f"{ent.region_code} is outside your region {self.scope.region_code if self.scope else ''}",
                )
                continue
            self.ent_ids[code] = ent.id
            self.changes.append(change)

    def enterprise_of(self, r: Row) -> int | None:
        """The id of the row's enterprise (its credit code), or None with a problem (or
        silently when that enterprise's own row was refused)."""
        code = str(r.values.get("credit_code"))
        if code in self.ent_ids:
            return self.ent_ids[code]
        ent = _by_credit_code(self.s, [code]).get(code)
        if ent is None:
            if None in self.ent_ids.values():  # perhaps the refused row of 企业 (a mistyped code)
                self.bad.add((r.table.label, r.row))
            else:
                self.fail(r, "credit_code", f"{code} is neither in the 企业 sheet nor on file")
            return None
        if self._out_of_scope(ent.region_code):
            self.fail(r, "credit_code", f"{code} is on file in {ent.region_code}, outside your region "
                      f"{self.scope.region_code if self.scope else ''}")  # fmt: skip
            self.ent_ids[code] = None
            return None
        self.ent_ids[code] = ent.id
        return ent.id

    # -- outlets ------------------------------------------------------------------------
    def outlets(self) -> None:
        for r in self.rows.outlets:
            if self.skip(r):
                continue
            ent_id = self.enterprise_of(r)
            if ent_id is None:
                continue
            v = {k: x for k, x in r.values.items() if k not in ("code", "credit_code")}
            try:
                site, diff = save_outlet(self.s, ent_id, r.values["code"], v)
            except ArchiveError as exc:
                self.fail(r, _field(exc), exc.message)
                continue
            action = (
                "new" if diff.get("kind", [1])[0] is None else "changed" if diff else "unchanged"
            )
            self.changes.append(Change(OUTLETS.name, r.row, site.code, site.name, action, diff))

    # -- permits ------------------------------------------------------------------------
    def permits(self) -> None:
        limits_of: dict[int, list[Row]] = defaultdict(list)
        by_number: dict[str, list[Row]] = defaultdict(list)
        for p in self.rows.permits:
            by_number[p.values.get("number", "")].append(p)
        for lim in self.rows.limits:
            if self.skip(lim):
                continue
            number, version = lim.values.get("number"), lim.values.get("version")
            cands = [
                p
                for p in by_number.get(number or "", [])
                if version is None or p.values.get("version") == version
            ]
            if len(cands) != 1:
                self.fail(lim, "number" if not cands else "version",
                          f"no row of 排污许可证 is permit {number}{f' version {version}' if version else ''}"
                          if not cands else f"{number} has {len(cands)} rows in 排污许可证: say which version")  # fmt: skip
                continue
            limits_of[id(cands[0])].append(lim)
        first: dict[str, Any] = {n: min((p.values["valid_from"] for p in ps if p.values.get("valid_from")), default=None)
                                 for n, ps in by_number.items()}  # fmt: skip
        order = sorted(self.rows.permits, key=lambda p: (str(first.get(p.values.get("number", ""))),
                                                         p.values.get("number", ""), p.values.get("version") or 10**6))  # fmt: skip
        refused: set[str] = set()  # numbers with a refused row: their later versions wait
        for p in order:
            lims = limits_of.get(id(p), [])
            if p.values.get("number") in refused:
                self.bad.add((p.table.label, p.row))
            if self.skip(p) or any(self.skip(lim) for lim in lims):
                self.bad.update((x.table.label, x.row) for x in (p, *lims))
                refused.add(p.values.get("number", ""))
                continue
            ent_id = self.enterprise_of(p)
            if ent_id is not None:
                self.permit(p, ent_id, lims)
            if self.skip(p):
                refused.add(p.values.get("number", ""))

    def permit(self, p: Row, ent_id: int, lims: list[Row]) -> None:
        v = p.values
        number, version = v["number"], v.get("version")
        same = list(
            self.s.scalars(select(Permit).where(Permit.number == number).order_by(Permit.version))
        )
        if same and same[0].enterprise_id != ent_id:
            self.fail(
                p, "number", f"permit number {number} belongs to enterprise {same[0].enterprise_id}"
            )
            return
        current = next((x for x in same if x.superseded_by_id is None), same[-1] if same else None)
        compare = (
            next((x for x in same if x.version == version), None)
            if version is not None
            else current
        )
        wanted = _content(v, lims)
        if compare is not None:
            on_file = _content_on_file(self.s, compare, standards=wanted.pop("_std"))
            diff = {
                k: [on_file[k], wanted[k]]
                for k in wanted
                if wanted[k] is not None and wanted[k] != on_file[k]
            }
            if not diff:
                self._permit_change(p, lims, compare, "unchanged", {})
                return
            if version is not None:
                self.fail(p, "version", f"version {version} of {number} is on file with other values "
                          f"({', '.join(diff)}): a version is history — a change is a new version "
                          f"(版本 {same[-1].version + 1}, or leave 版本 empty)")  # fmt: skip
                return
        else:
            diff = {}
            nxt = same[-1].version + 1 if same else 1
            if version is not None and version != nxt:
                self.fail(p, "version", f"version {version}: the next version of {number} is {nxt}")
                return
        currents = {x.number: x.id for x in self.s.scalars(select(Permit).where(
            Permit.enterprise_id == ent_id, Permit.superseded_by_id.is_(None)))}  # fmt: skip
        unknown = [n for n in v.get("supersedes", []) if n not in currents]
        if unknown:
            self.fail(p, "supersedes", f"{', '.join(unknown)}: not a current permit of the enterprise "
                      f"({', '.join(sorted(currents)) or 'none'})")  # fmt: skip
            return
        category = v.get("category") or (current.category.value if current is not None else "key")
        for code in {lim.values["parameter_code"] for lim in lims} & set(POLLUTANT_CODES):
            ensure_parameter(self.s, code)  # the parameter row the limit refers to
        data = _permit_input(v, lims, category)
        supersedes = [currents[n] for n in v.get("supersedes", [])]
        try:
            permit = issue_permit(
                self.s, ent_id, data, actor=self.actor, now=self.now, supersedes=supersedes
            )
        except ArchiveError as exc:
            self._trace(p, ent_id, lims, category, exc)
            return
        self._permit_change(p, lims, permit, "version" if same else "new", diff)

    def _permit_change(
        self, p: Row, lims: list[Row], permit: Permit, action: str, diff: dict
    ) -> None:
        key = f"{permit.number} v{permit.version}"
        span = f"{permit.valid_from} ~ {permit.valid_to}"
        self.changes.append(Change(PERMITS.name, p.row, key, span, action, diff))
        lim_action = "unchanged" if action == "unchanged" else "new"
        for lim in lims:
            v = lim.values
            what = f"{v.get('site_code') or '年许可排放量'} {v.get('parameter_code')}"
            self.changes.append(Change(LIMITS.name, lim.row, key, what, lim_action))

    def _trace(
        self, p: Row, ent_id: int, lims: list[Row], category: str, exc: ArchiveError
    ) -> None:
        """Put ``exc`` on the rows it is about: a limit or cap rule on the limit rows that fail
        it alone, an outlet on the rows naming it, anything else on the permit's row."""
        f = _field(exc)
        v = p.values
        if f in _LIMIT_FIELDS or f in _CAP_FIELDS:
            cap = f in _CAP_FIELDS
            found = False
            for lim in lims:
                if (lim.values.get("site_code") is None) != cap:
                    continue
                data = _permit_input(v, [lim], category, outlets=False)
                sp = self.s.begin_nested()
                try:
                    issue_permit(self.s, ent_id, data, actor=self.actor, now=self.now)
                except ArchiveError as one:
                    g = _field(one)
                    if g in _LIMIT_FIELDS or g in _CAP_FIELDS:
                        self.fail(
                            lim,
                            {"cap parameter_code": "parameter_code"}.get(g or "", g),
                            one.message,
                        )
                        found = True
                finally:
                    sp.rollback()
            if not found:  # e.g. two caps of one pollutant: on the rows of that pollutant
                rows = [x for x in lims if (x.values.get("site_code") is None) == cap
                        and x.values.get("parameter_code") == exc.context.get("value")]  # fmt: skip
                for lim in rows or [p]:
                    self.fail(lim, "parameter_code" if rows else None, exc.message)
                self.bad.add((p.table.label, p.row))
                return
            # the permit's own rules (validity, overlap …) with the limit rows that pass
            good = [x for x in lims if not self.skip(x)]
            sp = self.s.begin_nested()
            try:
                issue_permit(
                    self.s, ent_id, _permit_input(v, good, category), actor=self.actor, now=self.now
                )
            except ArchiveError as other:
                if _field(other) not in _LIMIT_FIELDS | _CAP_FIELDS:
                    self._trace(p, ent_id, good, category, other)
            finally:
                sp.rollback()
            self.bad.add((p.table.label, p.row))
            return
        if f == "outlets":
            code = exc.context.get("value")
            rows = [x for x in lims if x.values.get("site_code") == code]
            for lim in rows:
                self.fail(lim, "site_code", exc.message)
            if code in v.get("outlets", []) or not rows:
                self.fail(p, "outlets", exc.message)
            self.bad.add((p.table.label, p.row))
            return
        self.fail(p, f, exc.message)


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def _by_credit_code(session: Session, codes: list[str]) -> dict[str, Enterprise]:
    out: dict[str, Enterprise] = {}
    codes = sorted({c for c in codes if c})
    for i in range(0, len(codes), 500):
        for e in session.scalars(
            select(Enterprise).where(Enterprise.credit_code.in_(codes[i : i + 500]))
        ):
            out[e.credit_code] = e
    return out


def _permit_input(v: dict, lims: list[Row], category: str, *, outlets: bool = True) -> PermitInput:
    return PermitInput(
        number=v["number"], valid_from=v["valid_from"], valid_to=v["valid_to"], category=category,
        outlets=list(v.get("outlets", [])) if outlets else [], reason=v.get("reason", ""),
        limits=[LimitInput(x["site_code"], x["parameter_code"], x["limit"], x["unit"],
                           x.get("averaging") or "hour", x.get("standard", ""))
                for x in (lim.values for lim in lims) if x.get("site_code")],
        caps=[CapInput(x["parameter_code"], x["tonnes_per_year"])
              for x in (lim.values for lim in lims) if not x.get("site_code")],
    )  # fmt: skip


def _content(v: dict, lims: list[Row]) -> dict[str, Any]:
    """What a permit row and its limit rows say, in the shape of :func:`_content_on_file`
    (None: not said — a blank category or standard is what is on file)."""
    limits = [lim.values for lim in lims if lim.values.get("site_code")]
    std = all(x.get("standard") for x in limits)
    return {
        "category": v.get("category"),
        "valid_from": v["valid_from"],
        "valid_to": v["valid_to"],
        "outlets": sorted(set(v.get("outlets", [])) | {x["site_code"] for x in limits}),
        "limits": sorted((x["site_code"], x["parameter_code"], float(x["limit"]), normalise_unit(x["unit"]),
                          x.get("averaging") or "hour", x.get("standard", "") if std else "") for x in limits),
        "caps": sorted((x["parameter_code"], float(x["tonnes_per_year"])) for lim in lims
                       if not (x := lim.values).get("site_code")),
        "_std": std,
    }  # fmt: skip


def _content_on_file(session: Session, p: Permit, *, standards: bool = True) -> dict[str, Any]:
    codes: dict[int, str] = {i: c for i, c in session.execute(
        select(Site.id, Site.code).join(PermitOutlet, PermitOutlet.site_id == Site.id)
        .where(PermitOutlet.permit_id == p.id))}  # fmt: skip
    lims = list(session.scalars(select(PermitLimit).where(PermitLimit.permit_id == p.id)))
    if lims:
        codes.update(
            (i, c)
            for i, c in session.execute(
                select(Site.id, Site.code).where(Site.id.in_({x.site_id for x in lims}))
            )
        )
    caps = session.scalars(select(PermitCap).where(PermitCap.permit_id == p.id))
    return {
        "category": p.category.value, "valid_from": p.valid_from, "valid_to": p.valid_to,
        "outlets": sorted(set(codes.values())),
        "limits": sorted((codes[x.site_id], x.parameter_code, float(x.limit), x.unit, x.averaging,
                          x.standard if standards else "") for x in lims),
        "caps": sorted((c.parameter_code, float(c.tonnes_per_year)) for c in caps),
    }  # fmt: skip


def _take_writer_lock(session: Session) -> None:
    """On SQLite, hold the one writer lock from here (``BEGIN IMMEDIATE``, waiting as the
    busy timeout says): the savepoint would otherwise begin a read transaction whose first
    write fails once another writer (the ingest) has committed (SQLITE_BUSY_SNAPSHOT), as
    :mod:`qingshan.audit.log` does for its chain."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        dbapi = conn.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def import_archive(
    session: Session,
    files: list[tuple[str, bytes]],
    *,
    actor: str,
    max_bytes: int,
    scope: Scope | None = None,
    dry_run: bool = False,
    max_rows: int = MAX_ROWS,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> ArchiveImportResult:
    """Import the archive's exchange file(s) ``files`` ((name, bytes): a workbook, CSV files
    or a .zip of them). ``scope``: the importing officer's (None from the command line: the
    province). ``dry_run``: check and report what would change, storing nothing.

    Raises
    ------
    ArchiveImportRejected
        A file, sheet, header or row is bad (every problem named); nothing is stored.
    """
    started = time.perf_counter()
    now = now or utcnow()
    names = [PurePath(n).name or "file" for n, _ in files]
    tables, problems = read_archive_files(
        [(PurePath(n).name, d) for n, d in files], max_bytes=max_bytes
    )
    if problems:  # a file, sheet or header row: no row can be read by it
        raise ArchiveImportRejected(problems)
    rows = parse_archive(tables, problems, max_rows=max_rows)
    if any(p.row == 0 for p in problems):
        raise ArchiveImportRejected(problems)
    if progress:
        progress(f"read {rows.count} rows; checking them against the archive's rules")
    run = _Run(session, rows, scope, actor, f"批量导入 {', '.join(names)}"[:200], now, problems)
    _take_writer_lock(session)
    savepoint = session.begin_nested()
    try:
        run.enterprises()
        run.outlets()
        run.permits()
    except BaseException:
        savepoint.rollback()
        raise
    if problems or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if problems:
        problems.sort(key=lambda p: (_SHEET_ORDER.get(p.sheet, 9), p.sheet, p.row, p.column))
        raise ArchiveImportRejected(problems)
    run.changes.sort(key=lambda c: (_SHEET_ORDER[c.sheet], c.row))
    return ArchiveImportResult(
        names, dry_run, rows.count, time.perf_counter() - started, run.changes
    )


_SHEET_ORDER = {ENTERPRISES.name: 0, OUTLETS.name: 1, PERMITS.name: 2, LIMITS.name: 3}
