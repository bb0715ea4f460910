"""Exporting the archive in its exchange layout (:mod:`.import_layout`): the enterprises of a
scope (and region) with their outlets, every permit version with its outlets, limits and
annual caps — a workbook of the four sheets, or one CSV file per sheet (in a .zip, UTF-8 with
a byte-order mark or GBK). Importing an export changes nothing (:mod:`.import_archive`).
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.errors import BadArchiveInput
from qingshan.archive.import_layout import (
    AVERAGING_NAMES,
    CATEGORY_NAMES,
    ENTERPRISES,
    KIND_NAMES,
    LEVEL_NAMES,
    LIMITS,
    OUTLETS,
    PERMITS,
    SHEETS,
)
from qingshan.archive.models import (
    INDUSTRY_NAMES,
    Enterprise,
    Permit,
    PermitCap,
    PermitLimit,
    PermitOutlet,
)
from qingshan.archive.records import KEY_CATEGORIES, STATUSES
from qingshan.archive.service import OUTLET_KINDS
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import REGIONS, get_region, in_scope, scope_prefix
from qingshan.monitoring.models import Site
from qingshan.standards.pollutant_codes import POLLUTANT_CODES
from qingshan.tablefile import write_csv, write_workbook

__all__ = ["ArchiveTables", "archive_tables", "export_xlsx", "export_csv_zip", "export_csv"]


@dataclass
class ArchiveTables:
    """Sheet name → rows (in the order of the sheet's headers)."""

    rows: dict[str, list[list[Any]]]

    def count(self, sheet: str) -> int:
        return len(self.rows[sheet])


def _region_name(code: str) -> str:
    r = REGIONS.get(code)
    if r is None:
        return ""
    city = REGIONS.get(r.parent_code or "")
    return (city.name if city is not None and city.code != "330000" else "") + r.name


def _contacts(contacts: list) -> str:
    out = []
    for c in contacts or []:
        role = f"（{c['role']}）" if c.get("role") else ""
        phone = f" {c['phone']}" if c.get("phone") else ""
        out.append(f"{c.get('name', '')}{role}{phone}")
    return "；".join(out)


def _num(v: float | None) -> float | int | None:
    return None if v is None else int(v) if float(v).is_integer() else v


def archive_tables(session: Session, scope: Scope, region: str | None = None) -> ArchiveTables:
    """The rows of the four sheets for the enterprises of ``scope`` (within ``region``, a city
    or county code inside the scope, when given)."""
    where = scope.where(Enterprise.region_code, Enterprise.id)
    if region is not None:
        try:
            get_region(region)
        except GeoError as exc:
            raise BadArchiveInput(str(exc), field="region", value=region) from exc
        if not in_scope(region, scope.region_code):
            raise BadArchiveInput(f"region {region} is outside your region {scope.region_code}",
                                  field="region", value=region)  # fmt: skip
        prefix = scope_prefix(region)
        where = where & (
            Enterprise.region_code.startswith(prefix)
            if len(prefix) < 6
            else Enterprise.region_code == region
        )
    ents = list(
        session.scalars(
            select(Enterprise).where(where).order_by(Enterprise.region_code, Enterprise.credit_code)
        )
    )
    by_id = {e.id: e for e in ents}
    ids = list(by_id)
    sites: list[Site] = []
    permits: list[Permit] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        sites += session.scalars(
            select(Site).where(Site.enterprise_id.in_(chunk), Site.kind.in_(OUTLET_KINDS))
        )
        permits += session.scalars(select(Permit).where(Permit.enterprise_id.in_(chunk)))
    sites.sort(key=lambda s: s.code)
    permits.sort(key=lambda p: (p.number, p.version))
    codes = {s.id: s.code for s in sites}
    pids = [p.id for p in permits]
    outlets_of: dict[int, list[str]] = defaultdict(list)
    limits_of: dict[int, list[PermitLimit]] = defaultdict(list)
    caps_of: dict[int, list[PermitCap]] = defaultdict(list)
    for i in range(0, len(pids), 500):
        chunk = pids[i : i + 500]
        for po in session.scalars(select(PermitOutlet).where(PermitOutlet.permit_id.in_(chunk))):
            outlets_of[po.permit_id].append(codes.get(po.site_id, str(po.site_id)))
        for lim in session.scalars(
            select(PermitLimit).where(PermitLimit.permit_id.in_(chunk)).order_by(PermitLimit.id)
        ):
            limits_of[lim.permit_id].append(lim)
        for cap in session.scalars(
            select(PermitCap)
            .where(PermitCap.permit_id.in_(chunk))
            .order_by(PermitCap.parameter_code)
        ):
            caps_of[cap.permit_id].append(cap)
    number_of = {p.id: p.number for p in permits}
    replaced: dict[int, list[str]] = defaultdict(list)
    for p in permits:
        if (
            p.superseded_by_id is not None
            and number_of.get(p.superseded_by_id, p.number) != p.number
        ):
            replaced[p.superseded_by_id].append(p.number)

    rows: dict[str, list[list[Any]]] = {s.name: [] for s in SHEETS}
    for e in ents:
        rows[ENTERPRISES.name].append([
            e.credit_code, e.name, INDUSTRY_NAMES[e.industry], e.industry_code or "", e.region_code,
            _region_name(e.region_code), e.address or "", e.longitude, e.latitude,
            "、".join(KEY_CATEGORIES[c][0] for c in e.key_categories or [] if c in KEY_CATEGORIES),
            _contacts(e.contacts), STATUSES.get(e.status, (e.status,))[0], "",
        ])  # fmt: skip
    for s in sites:
        attrs = s.attrs or {}
        rows[OUTLETS.name].append([
            s.code, by_id[s.enterprise_id or 0].credit_code, s.name, KIND_NAMES[s.kind.value],
            LEVEL_NAMES[s.control_level.value], s.longitude, s.latitude, attrs.get("source_type") or "",
            attrs.get("source_name") or "", _num(attrs.get("reference_o2")),
        ])  # fmt: skip
    for p in permits:
        rows[PERMITS.name].append([
            p.number, p.version, by_id[p.enterprise_id].credit_code, CATEGORY_NAMES[p.category.value],
            p.valid_from, p.valid_to, "、".join(sorted(outlets_of[p.id])), "、".join(sorted(set(replaced[p.id]))),
            p.reason or "",
        ])  # fmt: skip
        for lim in limits_of[p.id]:
            name = (
                POLLUTANT_CODES[lim.parameter_code].name
                if lim.parameter_code in POLLUTANT_CODES
                else ""
            )
            rows[LIMITS.name].append([
                p.number, p.version, codes.get(lim.site_id, ""), lim.parameter_code, name, _num(lim.limit),
                lim.unit, AVERAGING_NAMES.get(lim.averaging, lim.averaging), lim.standard, None,
            ])  # fmt: skip
        for cap in caps_of[p.id]:
            name = (
                POLLUTANT_CODES[cap.parameter_code].name
                if cap.parameter_code in POLLUTANT_CODES
                else ""
            )
            rows[LIMITS.name].append([p.number, p.version, "", cap.parameter_code, name, None, "", "", "",
                                      _num(cap.tonnes_per_year)])  # fmt: skip
    return ArchiveTables(rows)


def export_xlsx(tables: ArchiveTables) -> bytes:
    """The workbook of the four sheets."""
    return write_workbook(
        {s.name: (s.headers, tables.rows[s.name]) for s in SHEETS},
        widths={c.header: c.width for s in SHEETS for c in s.columns},
        notes={c.header: f"{c.zh}\n{c.en}" for s in SHEETS for c in s.columns},
    )


def _csv_cell(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def export_csv(tables: ArchiveTables, sheet: str, encoding: str = "utf-8") -> bytes:
    """One sheet as CSV (``utf-8`` with BOM, or ``gbk``)."""
    s = next(x for x in SHEETS if x.name == sheet)
    return write_csv(
        s.headers, ([_csv_cell(v) for v in r] for r in tables.rows[sheet]), encoding=encoding
    )


def export_csv_zip(tables: ArchiveTables, encoding: str = "utf-8") -> bytes:
    """A .zip of the four CSV files, named by their sheets (企业.csv …)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for s in SHEETS:
            z.writestr(f"{s.name}.csv", export_csv(tables, s.name, encoding))
    return buf.getvalue()
