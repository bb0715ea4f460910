"""Reading the pollution-source archive (一企一档), scoped: enterprises with their permit and
outlets, each outlet's newest hourly values against the permit limits, and the counts of QC
events and open 电子督办 cases.

Scope: every query goes through :meth:`qingshan.accounts.scope.Scope.where` on the region and
the enterprise column, so a city sees its city's enterprises and an enterprise user only its
own. An outlet out of scope is reported exactly as a missing one.

Latest values against limits: gas pollutants
(:data:`qingshan.standards.pollutant_codes.GAS_POLLUTANTS`) are compared after 折算 to the
reference O2 (GB 13223-2011 §5.2, GB 4915-2013 §5.2;
:func:`qingshan.archive.limits.convert_to_reference_o2`) when the outlet reported O2 in the same
hour; otherwise the measured value is compared. A water outlet's hourly value is compared with
its permit's daily-mean limit as an early warning only (``averaging`` says which).

What other domains know of an outlet (QC's events, the cases) comes in through the
:class:`OutletCounts` protocol this module publishes; the registry wires its implementation.
Other domains read the archive through :func:`get_outlet_profiles` (site, industry, permit
limits), never through its models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.limits import convert_to_reference_o2, reference_o2
from qingshan.archive.models import (
    INDUSTRY_NAMES,
    Enterprise,
    Industry,
    Permit,
    PermitCap,
    PermitLimit,
)
from qingshan.archive.schemas import (
    EnterprisePage,
    EnterprisePublic,
    EnterpriseRef,
    EnterpriseSummary,
    LatestValuePublic,
    OutletDetail,
    OutletPublic,
    PermitPublic,
)
from qingshan.errors import NotFound, QingshanError
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region, in_scope, scope_prefix
from qingshan.monitoring.models import LatestValue, Period, Series, Site, SiteKind
from qingshan.standards.pollutant_codes import GAS_POLLUTANTS, O2_CODE, POLLUTANT_CODES

__all__ = [
    "INDUSTRY_NAMES",
    "enterprise_names",
    "EnterpriseEntry",
    "enterprise_directory",
    "cached_directory",
    "directory_entry",
    "entry_in_scope",
    "forget_directory",
    "find_enterprise",
    "OUTLET_KINDS",
    "OutletCounts",
    "OutletProfile",
    "get_outlet_profiles",
    "PARAMETER_SYMBOLS",
    "BadFilter",
    "list_enterprises",
    "SORTS",
    "get_outlet",
    "outlets_with_values",
    "permit_status",
    "parameter_label",
    "PermitBrief",
    "current_permits",
]

OUTLET_KINDS = (SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET)
#: a permit this close to its end is 即将到期
EXPIRING_WITHIN = timedelta(days=90)

#: the usual symbol of a parameter, shown after its Chinese name (二氧化硫 SO2); HJ 212-2017
#: Appendix B gives names only
PARAMETER_SYMBOLS: Mapping[str, str] = MappingProxyType(
    {
        "a21026": "SO2",
        "a21002": "NOx",
        "a21005": "CO",
        "a21001": "NH3",
        "a21024": "HCl",
        "a19001": "O2",
        "w01018": "COD",
        "w01019": "CODMn",
        "w01017": "BOD5",
        "w21003": "NH3-N",
        "w21011": "TP",
        "w21001": "TN",
        "w01012": "SS",
        "w01001": "pH",
    }
)


class BadFilter(QingshanError):
    """A filter of the enterprise list names no known value (carries the valid ones)."""

    status_code = 422


class OutletCounts(Protocol):
    """What the archive shows of other domains on each outlet: (open cases, current QC
    exceedance events) per site id. Implemented by :func:`qingshan.qc.service.outlet_counts`
    and handed over by the registry; a site without any is absent from both mappings."""

    def __call__(
        self, session: Session, site_ids: list[int]
    ) -> tuple[Mapping[int, int], Mapping[int, int]]: ...


@dataclass
class OutletProfile:
    """What other domains read of an outlet: its site, the enterprise's industry, the source
    type and archive reference O2, and the permit limits (as mappings with ``parameter_code``,
    ``limit``, ``unit``, ``averaging``, ``standard``)."""

    site_id: int
    code: str
    kind: SiteKind
    enterprise_id: int | None
    industry: str | None
    source_type: str | None
    reference_o2: float | None
    permit_limits: list[dict] = field(default_factory=list)


def get_outlet_profiles(
    session: Session,
    site_ids: Collection[int] | None = None,
    *,
    kinds: Collection[SiteKind] = OUTLET_KINDS,
) -> list[OutletProfile]:
    """The profiles of the sites ``site_ids`` (any kind), or of every site of ``kinds``, by id."""
    q = select(Site, Enterprise.industry).outerjoin(Enterprise, Site.enterprise_id == Enterprise.id)
    if site_ids is not None:
        q = q.where(Site.id.in_(list(site_ids)))
    else:
        q = q.where(Site.kind.in_(list(kinds)))
    profiles: dict[int, OutletProfile] = {}
    for site, industry in session.execute(q.order_by(Site.id)):
        attrs = site.attrs or {}
        profiles[site.id] = OutletProfile(
            site_id=site.id,
            code=site.code,
            kind=site.kind,
            enterprise_id=site.enterprise_id,
            industry=None if industry is None else Industry(industry).value,
            source_type=attrs.get("source_type"),
            reference_o2=attrs.get("reference_o2"),
        )
    if profiles:
        for p in session.scalars(
            select(PermitLimit)
            .join(Permit, Permit.id == PermitLimit.permit_id)
            .where(PermitLimit.site_id.in_(list(profiles)), Permit.superseded_by_id.is_(None))
            .order_by(PermitLimit.id)
        ):
            profiles[p.site_id].permit_limits.append(
                {
                    "parameter_code": p.parameter_code,
                    "limit": p.limit,
                    "unit": p.unit,
                    "averaging": p.averaging,
                    "standard": p.standard,
                }
            )
    return list(profiles.values())


@dataclass(frozen=True)
class _Param:
    name: str
    name_en: str
    unit: str
    symbol: str | None


def parameter_label(code: str) -> _Param:
    """Name, English name, unit and symbol of an HJ 212-2017 code (Appendix B)."""
    p = POLLUTANT_CODES.get(code)
    if p is None:
        return _Param(code, code, "", PARAMETER_SYMBOLS.get(code))
    return _Param(p.name, p.name_en, p.unit, PARAMETER_SYMBOLS.get(code))


def permit_status(permit: Permit, today: date) -> str:
    """valid, expiring (within :data:`EXPIRING_WITHIN` of ``valid_to``), expired or pending."""
    if today < permit.valid_from:
        return "pending"
    if today > permit.valid_to:
        return "expired"
    return "expiring" if permit.valid_to - today <= EXPIRING_WITHIN else "valid"


def _permit_public(permit: Permit | None, today: date) -> PermitPublic | None:
    if permit is None:
        return None
    return PermitPublic(
        number=permit.number,
        valid_from=permit.valid_from,
        valid_to=permit.valid_to,
        status=permit_status(permit, today),
    )


def _current_permits(session: Session, enterprise_ids: Iterable[int]) -> dict[int, Permit]:
    """Each enterprise's permit that ends last (the one in force, or the newest expired)."""
    ids = list(enterprise_ids)
    out: dict[int, Permit] = {}
    if not ids:
        return out
    for p in session.scalars(
        select(Permit)
        .where(Permit.enterprise_id.in_(ids), Permit.superseded_by_id.is_(None))
        .order_by(Permit.valid_to, Permit.id)
    ):
        out[p.enterprise_id] = p
    return out


@dataclass(frozen=True)
class PermitBrief:
    """An enterprise's current permit version as other domains read it (the EIA records, the
    rights ledger): number, version, validity, the reason of the version (首次申领 / 变更 / 延续)
    and its annual caps (许可排放量, HJ 212-2017 code → t/a)."""

    id: int
    enterprise_id: int
    number: str
    version: int
    valid_from: date
    valid_to: date
    reason: str
    caps: Mapping[str, float]


def current_permits(session: Session, enterprise_ids: Iterable[int]) -> dict[int, PermitBrief]:
    """enterprise id → its current permit (the version not superseded that ends last) with its
    annual caps; enterprises without a permit are absent."""
    permits = _current_permits(session, enterprise_ids)
    caps: dict[int, dict[str, float]] = defaultdict(dict)
    if permits:
        for c in session.scalars(
            select(PermitCap).where(PermitCap.permit_id.in_([p.id for p in permits.values()]))
        ):
            caps[c.permit_id][c.parameter_code] = float(c.tonnes_per_year)
    return {
        e: PermitBrief(p.id, e, p.number, p.version, p.valid_from, p.valid_to, p.reason or "",
                       MappingProxyType(caps[p.id]))
        for e, p in permits.items()
    }  # fmt: skip


def _latest_values(session: Session, sites: list[Site]) -> dict[int, tuple[datetime | None, list]]:
    """site id → (newest hour, [LatestValuePublic …]) against the site's permit limits."""
    ids = [s.id for s in sites]
    rows = session.execute(
        select(
            Series.site_id, Series.parameter_code, Series.unit, LatestValue.time, LatestValue.value
        )
        .outerjoin(LatestValue, LatestValue.series_id == Series.id)
        .where(Series.site_id.in_(ids), Series.period == Period.HOUR)
    ).all()
    by_site: dict[int, list] = defaultdict(list)
    for r in rows:
        by_site[r.site_id].append(r)
    limits: dict[int, dict[str, PermitLimit]] = defaultdict(dict)
    for pl in session.scalars(
        select(PermitLimit)
        .join(Permit, Permit.id == PermitLimit.permit_id)
        .where(PermitLimit.site_id.in_(ids), Permit.superseded_by_id.is_(None))
        .order_by(PermitLimit.id)
    ):
        have = limits[pl.site_id].get(pl.parameter_code)
        if have is None or (have.averaging != "hour" and pl.averaging == "hour"):
            limits[pl.site_id][pl.parameter_code] = pl  # an hourly limit first
    out: dict[int, tuple[datetime | None, list]] = {}
    for site in sites:
        vals = by_site.get(site.id, [])
        site_limits = limits.get(site.id, {})
        newest = max((r.time for r in vals if r.time is not None), default=None)
        now_vals = {r.parameter_code: r for r in vals if newest is not None and r.time == newest}
        units = {r.parameter_code: r.unit for r in vals}
        attrs = site.attrs or {}
        gas = site.kind == SiteKind.GAS_OUTLET
        ref = reference_o2(attrs.get("source_type"), attrs.get("reference_o2")) if gas else None
        o2_row = now_vals.get(O2_CODE)
        o2 = None if o2_row is None else o2_row.value
        codes = list(site_limits) + sorted(c for c in units if c not in site_limits)
        items = []
        for code in codes:
            row = now_vals.get(code)
            value = None if row is None else row.value
            converted = None
            if gas and code in GAS_POLLUTANTS and None not in (value, o2) and ref is not None:
                c = convert_to_reference_o2(value, o2, ref)
                converted = None if c != c else round(float(c), 3)  # NaN: O2 out of range
            lim = site_limits.get(code)
            judged = converted if converted is not None else value
            info = parameter_label(code)
            items.append(
                LatestValuePublic(
                    parameter_code=code,
                    name=info.name,
                    name_en=info.name_en,
                    symbol=info.symbol,
                    unit=units.get(code, info.unit),
                    value=value,
                    converted=converted,
                    reference_o2=ref if converted is not None else None,
                    limit=None if lim is None else lim.limit,
                    limit_unit=None if lim is None else lim.unit,
                    averaging=None if lim is None else lim.averaging,
                    standard=None if lim is None else lim.standard,
                    exceeds=None if lim is None or judged is None else judged > lim.limit,
                )
            )
        out[site.id] = (newest, items)
    return out


def outlets_with_values(
    session: Session, sites: list[Site], counts: OutletCounts
) -> dict[int, OutletPublic]:
    """Site id → the outlet with its newest values against the current permit limits, open
    cases and QC events (``counts``)."""
    return _outlets(session, sites, counts)


def _outlets(session: Session, sites: list[Site], counts: OutletCounts) -> dict[int, OutletPublic]:
    latest = _latest_values(session, sites)
    cases, events = counts(session, [s.id for s in sites])
    out = {}
    for s in sites:
        newest, values = latest[s.id]
        attrs = s.attrs or {}
        out[s.id] = OutletPublic(
            code=s.code,
            name=s.name,
            kind=s.kind.value,
            region_code=s.region_code,
            source_type=attrs.get("source_type"),
            source_name=attrs.get("source_name"),
            latest_time=newest,
            values=values,
            exceeding=any(v.exceeds for v in values),
            open_cases=int(cases.get(s.id, 0)),
            events=int(events.get(s.id, 0)),
        )
    return out


def _filters(scope: Scope, industry: Industry | None, region: str | None, q: str | None) -> list:
    clauses = [scope.where(Enterprise.region_code, Enterprise.id)]
    if industry is not None:
        clauses.append(Enterprise.industry == industry)
    if region is not None:
        try:
            prefix = scope_prefix(region)
        except GeoError as exc:  # the message lists the valid codes
            raise BadFilter(f"filter region: {exc}", region=region) from exc
        clauses.append(Enterprise.region_code.startswith(prefix, autoescape=True))
    q = (q or "").strip()
    if q:
        up = q.upper()
        clauses.append(
            or_(
                Enterprise.name.contains(q, autoescape=True),
                func.upper(Enterprise.credit_code).contains(up, autoescape=True),
                Enterprise.id.in_(
                    select(Site.enterprise_id).where(
                        Site.kind.in_(OUTLET_KINDS),
                        or_(
                            func.upper(Site.code).contains(up, autoescape=True),
                            Site.name.contains(q, autoescape=True),
                        ),
                    )
                ),
                Enterprise.id.in_(
                    select(Permit.enterprise_id).where(
                        func.upper(Permit.number).contains(up, autoescape=True)
                    )
                ),
            )
        )
    return clauses


#: sort keys of the enterprise list → (what, descending)
SORTS: Mapping[str, str] = MappingProxyType(
    {
        "region": "city, county, then name",
        "name": "name",
        "industry": "industry, then name",
        "exceeding": "outlets above their limits now, most first",
        "cases": "open cases, most first",
    }
)


def list_enterprises(
    session: Session,
    scope: Scope,
    *,
    today: date,
    industry: Industry | None = None,
    region: str | None = None,
    q: str | None = None,
    exceeding: bool = False,
    sort: str = "region",
    limit: int = 100,
    offset: int = 0,
    counts: OutletCounts,
) -> EnterprisePage:
    """Enterprises in ``scope`` matching the filters, with their permit and outlets, one page
    (``limit``, ``offset``) in the order ``sort`` (:data:`SORTS`); ``region`` is a region code
    (a city covers its counties); ``q`` matches the name, 统一社会信用代码, permit number or an
    outlet's code or name; ``exceeding`` keeps the enterprises with an outlet above its limit
    now. ``today`` [CST date] decides the permit's status; ``counts`` gives each outlet's open
    cases and QC events. The summary counts every matching enterprise, not only the page."""
    if sort not in SORTS:
        raise BadFilter(f"sort {sort!r}: one of {', '.join(SORTS)}", sort=sort)
    clauses = _filters(scope, industry, region, q)
    heads = session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.region_code, Enterprise.industry).where(
            *clauses
        )
    ).all()
    sites = list(
        session.scalars(
            select(Site)
            .where(
                Site.enterprise_id.in_(select(Enterprise.id).where(*clauses)),
                Site.kind.in_(OUTLET_KINDS),
                scope.where(Site.region_code, Site.enterprise_id),
            )
            .order_by(Site.code)
        )
    )
    outlets = _outlets(session, sites, counts) if sites else {}
    by_ent: dict[int, list[OutletPublic]] = defaultdict(list)
    for s in sites:
        if s.enterprise_id is not None:
            by_ent[s.enterprise_id].append(outlets[s.id])
    if exceeding:
        heads = [h for h in heads if any(o.exceeding for o in by_ent.get(h.id, []))]
    keep = {h.id for h in heads}
    keys = {
        "region": lambda h: (h.region_code, h.name, h.id),
        "name": lambda h: (h.name, h.id),
        "industry": lambda h: (str(h.industry), h.name, h.id),
        "exceeding": lambda h: (-sum(o.exceeding for o in by_ent.get(h.id, [])), h.name, h.id),
        "cases": lambda h: (-sum(o.open_cases for o in by_ent.get(h.id, [])), h.name, h.id),
    }
    heads = sorted(heads, key=keys[sort])
    page_ids = [h.id for h in heads[offset : offset + limit]]
    ents = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(page_ids)))}
    permits = _current_permits(session, page_ids)
    items = []
    for eid in page_ids:
        e = ents[eid]
        outs = by_ent.get(e.id, [])
        county, city = get_region(e.region_code), get_region(e.region_code[:4] + "00")
        items.append(
            EnterprisePublic(
                id=e.id,
                name=e.name,
                credit_code=e.credit_code,
                industry=e.industry,
                industry_name=INDUSTRY_NAMES[e.industry],
                industry_code=e.industry_code,
                region_code=e.region_code,
                region_name=county.name,
                region_name_en=county.name_en,
                city_code=city.code,
                city_name=city.name,
                city_name_en=city.name_en,
                key_unit=e.key_unit,
                permit=_permit_public(permits.get(e.id), today),
                outlets=outs,
                exceeding_outlets=sum(o.exceeding for o in outs),
                open_cases=sum(o.open_cases for o in outs),
                events=sum(o.events for o in outs),
            )
        )
    kept = [o for eid, outs in by_ent.items() if eid in keep for o in outs]
    by_industry: dict[str, int] = defaultdict(int)
    for h in heads:
        by_industry[str(Industry(h.industry).value)] += 1
    return EnterprisePage(
        total=len(heads),
        limit=limit,
        offset=offset,
        summary=EnterpriseSummary(
            enterprises=len(heads),
            outlets=len(kept),
            exceeding_outlets=sum(o.exceeding for o in kept),
            open_cases=sum(o.open_cases for o in kept),
            by_industry=dict(by_industry),
        ),
        items=items,
    )


def get_outlet(
    session: Session, scope: Scope, code: str, *, today: date, counts: OutletCounts
) -> OutletDetail:
    """The outlet ``code`` in ``scope`` with its enterprise, permit and latest values;
    :class:`NotFound` when it is missing, out of scope or not an outlet."""
    site = session.scalar(
        select(Site).where(
            Site.code == code,
            Site.kind.in_(OUTLET_KINDS),
            scope.where(Site.region_code, Site.enterprise_id),
        )
    )
    if site is None:
        raise NotFound(f"no outlet {code!r} in your scope", code=code)
    outlet = _outlets(session, [site], counts)[site.id]
    ent = session.get(Enterprise, site.enterprise_id) if site.enterprise_id else None
    ref = None
    permit = None
    if ent is not None:
        region = get_region(ent.region_code)
        ref = EnterpriseRef(
            id=ent.id,
            name=ent.name,
            credit_code=ent.credit_code,
            industry=ent.industry,
            industry_name=INDUSTRY_NAMES[ent.industry],
            region_code=ent.region_code,
            region_name=region.name,
            region_name_en=region.name_en,
        )
        permit = _permit_public(_current_permits(session, [ent.id]).get(ent.id), today)
    return OutletDetail(**outlet.model_dump(), enterprise=ref, permit=permit)


def enterprise_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    """Enterprise id → name (一企一档 name) for ``ids`` (unknown ids are left out): what other
    domains show of an enterprise they reference."""
    if not ids:
        return {}
    rows = session.execute(
        select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(sorted(set(ids))))
    ).all()
    return {int(i): str(n) for i, n in rows}


def find_enterprise(session: Session, text: str) -> tuple[int, str] | None:
    """(id, region code) of the enterprise ``text`` names exactly — its 统一社会信用代码 (18
    characters, any case) or its registered name — or None: how a complaint or a hand-over
    list names an enterprise without reading the archive's tables."""
    text = " ".join(text.split())
    if not text:
        return None
    code = text.upper()
    row = session.execute(
        select(Enterprise.id, Enterprise.region_code)
        .where(or_(Enterprise.credit_code == code, Enterprise.name == text))
        .order_by(Enterprise.id)
        .limit(1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


@dataclass(frozen=True)
class EnterpriseEntry:
    """An enterprise as a directory lists it (the 市场主体名录库 of a spot-check draw): id, name,
    county, 重点排污单位 or not, status (operating | suspended | closed); its 统一社会信用代码,
    rule-pack industry and GB/T 4754-2017 code (the carbon accounts' peers); where it lies
    (longitude, latitude [degrees, WGS 84], None when the file has no coordinates: the zones'
    enterprise sweep)."""

    id: int
    name: str
    region_code: str
    key_unit: bool
    status: str
    credit_code: str = ""
    industry: str = ""
    industry_code: str | None = None
    longitude: float | None = None
    latitude: float | None = None


def enterprise_directory(session: Session, region_code: str) -> list[EnterpriseEntry]:
    """Every enterprise whose county lies in ``region_code`` (province, city or county), by
    id: what the spot-check draw and the credit job read instead of the archive's tables."""
    prefix = scope_prefix(region_code)
    rows = session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.region_code, Enterprise.key_unit,
               Enterprise.status, Enterprise.credit_code, Enterprise.industry,
               Enterprise.industry_code, Enterprise.longitude, Enterprise.latitude)
        .where(Enterprise.region_code.startswith(prefix, autoescape=True))
        .order_by(Enterprise.id)
    ).all()  # fmt: skip
    return [
        EnterpriseEntry(int(i), str(n), str(r), bool(k), str(s), str(c), str(ind), ic, lon, lat)
        for i, n, r, k, s, c, ind, ic, lon, lat in rows
    ]


#: where :func:`cached_directory` keeps the province's directory for a session
_DIRECTORY_KEY = "archive.directory"


def cached_directory(session: Session) -> dict[int, EnterpriseEntry]:
    """id → directory entry of every enterprise of the province, read once per session
    (``session.info``): a workbook of many rows, or a month of manifests, checks each row's
    enterprise in one query, not one per row. :func:`forget_directory` after adding some."""
    cached = session.info.get(_DIRECTORY_KEY)
    if cached is None:
        cached = {e.id: e for e in enterprise_directory(session, "330000")}
        session.info[_DIRECTORY_KEY] = cached
    return cached


def forget_directory(session: Session) -> None:
    """Drop the session's :func:`cached_directory` (enterprises were added in this session)."""
    session.info.pop(_DIRECTORY_KEY, None)


def directory_entry(session: Session, enterprise_id: int) -> EnterpriseEntry | None:
    """One enterprise's entry from the session's directory, read again once when it is not
    there (added since the session first read it); None when there is no such enterprise."""
    entry = cached_directory(session).get(enterprise_id)
    if entry is None:
        forget_directory(session)
        entry = cached_directory(session).get(enterprise_id)
    return entry


def entry_in_scope(entry: EnterpriseEntry, scope: Scope) -> bool:
    """Whether ``scope`` may see and act for the enterprise: never the public; its county in
    the scope's region; for an enterprise user, one it acts for."""
    return (
        scope.role is not Role.PUBLIC
        and in_scope(entry.region_code, scope.region_code)
        and (scope.role is not Role.ENTERPRISE or entry.id in scope.enterprises)
    )
