"""The demo's pollution-source files (一企一档): every demo enterprise gets its GB/T 4754-2017
code, address, contacts, 重点排污单位 categories, a permit category and annual caps, a second
permit version for some (变更), and three years of inspections, violations and penalties.

Rates (invented for the demo, in the range the reference reports, not asserted anywhere): about
1.5 inspections per enterprise and year (a quarter remote), a violation found at 8 % of them
(MEE 2019: 4.79 % of spot checks found violations, reference §3.1 [MC]), a penalty for 70 % of
the violations. The legal bases are the articles that set fines for these acts (大气污染防治法
2018 第九十九条、第一百条; 水污染防治法 2017 第八十三条、第八十二条; 排污许可管理条例 2021 第三十四条);
the amounts are drawn inside the ranges those articles give. Rows are written with bulk inserts
(no audit rows: the demo's build is not a user's change), once per database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, insert, select, update

from qingshan.archive.credit_code import validate_credit_code
from qingshan.archive.industry_codes import CODES_OF_INDUSTRY
from qingshan.archive.models import (
    Enterprise,
    EnterpriseChange,
    Industry,
    Inspection,
    Penalty,
    Permit,
    PermitCap,
    PermitCategory,
    PermitLimit,
    PermitOutlet,
    Violation,
)
from qingshan.db.engine import session_scope
from qingshan.geo.regions import get_region
from qingshan.monitoring.models import Site, SiteKind
from qingshan.sim.names import place_name
from qingshan.sim.outlets import GAS_PROFILE, WATER_FLOW
from qingshan.timeutil import CST

__all__ = ["DemoArchive", "seed_demo_archive"]

_AREA = {"330100": "0571", "330200": "0574", "330300": "0577", "330400": "0573",
         "330500": "0572", "330600": "0575", "330700": "0579", "330800": "0570",
         "330900": "0580", "331000": "0576", "331100": "0578"}  # fmt: skip
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌辉鹏宇浩"
_ROLES = ("环保负责人", "法定代表人", "在线监测运维")
#: violation category → (weight, legal basis, penalty kind, amount range [CNY])
_VIOLATIONS = {
    "exceedance": (0.35, "《中华人民共和国大气污染防治法》第九十九条", "fine", (100_000, 1_000_000)),
    "facility_idle": (0.20, "《中华人民共和国大气污染防治法》第九十九条", "fine", (100_000, 1_000_000)),
    "records": (0.20, "《排污许可管理条例》第三十七条", "fine", (5_000, 50_000)),
    "permit_breach": (0.12, "《排污许可管理条例》第三十四条", "fine", (200_000, 1_000_000)),
    "monitoring_fraud": (0.08, "《中华人民共和国大气污染防治法》第一百条", "fine", (20_000, 200_000)),
    "hazardous_waste": (0.05, "《中华人民共和国固体废物污染环境防治法》第一百一十二条", "fine",
                        (100_000, 1_000_000)),
}  # fmt: skip
_WATER_BASIS = {
    "exceedance": "《中华人民共和国水污染防治法》第八十三条",
    "facility_idle": "《中华人民共和国水污染防治法》第八十三条",
    "monitoring_fraud": "《中华人民共和国水污染防治法》第八十二条",
}
_CAP_CODES = ("a21026", "a21002", "a34013", "w01018", "w21003")


@dataclass(frozen=True)
class DemoArchive:
    enterprises: int
    permit_versions: int
    inspections: int
    violations: int
    penalties: int

    def __str__(self) -> str:
        return (f"{self.enterprises} enterprise files, {self.permit_versions} new permit "
                f"versions, {self.inspections} inspections, {self.violations} violations, "
                f"{self.penalties} penalties")  # fmt: skip


def _person(rng: np.random.Generator) -> str:
    return _SURNAMES[rng.integers(len(_SURNAMES))] + "".join(
        _GIVEN[i] for i in rng.integers(len(_GIVEN), size=int(rng.integers(1, 3)))
    )


def _phone(rng: np.random.Generator, city: str) -> str:
    return f"{_AREA.get(city, '0571')}-8{rng.integers(0, 10**7):07d}"


def _cap(site: Site, code: str, limit: float, rng: np.random.Generator) -> float:
    """An annual cap [t/a]: the limit at the outlet's capacity flow over 8,760 h, times a
    share (0.45–0.9) — how far below the limit the permit's 许可排放量 sits is invented."""
    st = (site.attrs or {}).get("source_type", "")
    if site.kind == SiteKind.GAS_OUTLET:
        lo, hi = GAS_PROFILE.get(st, (0, (10.0, 30.0)))[1]
        kg_per_h = limit * (lo + hi) / 2 * 3600 * 1e-6  # mg/m³ × m³/h
    else:
        lo, hi = WATER_FLOW.get(st, (10.0, 50.0))
        kg_per_h = limit * (lo + hi) / 2 * 3.6 * 1e-3  # mg/L × m³/h
    return round(kg_per_h * 8760 / 1000 * rng.uniform(0.45, 0.9), 1)


def seed_demo_archive(engine: Engine, *, now: datetime, seed: int = 2021, years: int = 3):
    """Complete every demo enterprise's file once (None when inspections exist already)."""
    rng = np.random.default_rng([seed, 12])
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(Inspection)):
            return None
        ents = list(session.scalars(select(Enterprise).order_by(Enterprise.id)))
        sites: dict[int, list[Site]] = {}
        for s in session.scalars(
            select(Site).where(Site.enterprise_id.is_not(None)).order_by(Site.code)
        ):
            sites.setdefault(int(s.enterprise_id or 0), []).append(s)
        permits = {p.enterprise_id: p for p in session.scalars(
            select(Permit).where(Permit.superseded_by_id.is_(None)))}  # fmt: skip
        limits: dict[int, list[PermitLimit]] = {}
        for pl in session.scalars(select(PermitLimit).order_by(PermitLimit.id)):
            limits.setdefault(pl.permit_id, []).append(pl)
        today = now.astimezone(CST).date()
        changes: list[dict[str, Any]] = []
        outlets: list[dict[str, Any]] = []
        caps: list[dict[str, Any]] = []
        new_versions = 0
        insp_rows: list[dict[str, Any]] = []
        viol_rows: list[int] = []
        pen_rows: list[dict[str, Any]] = []
        decision_seq: dict[tuple[str, int], int] = {}
        for e in ents:
            validate_credit_code(e.credit_code)  # the simulator's codes pass the check
            city = e.region_code[:4] + "00"
            own = sites.get(e.id, [])
            cats = (["water"] if any(s.kind == SiteKind.WATER_OUTLET for s in own) else []) + (
                ["air"] if any(s.kind == SiteKind.GAS_OUTLET for s in own) else [])  # fmt: skip
            if e.industry == Industry.CHEMICAL or rng.random() < 0.1:
                cats.append("risk")
            e.industry_code = str(rng.choice(CODES_OF_INDUSTRY[e.industry][:2]))
            e.address = (f"{get_region(e.region_code).name}{place_name(rng)}路"
                         f"{int(rng.integers(1, 999))}号")  # fmt: skip
            e.key_categories = [c for c in ("water", "air", "soil", "noise", "risk") if c in cats]
            e.key_unit = bool(cats)
            e.contacts = [{"name": _person(rng), "role": r, "phone": _phone(rng, city)}
                          for r in _ROLES[: int(rng.integers(1, 4))]]  # fmt: skip
            e.status = "suspended" if rng.random() < 0.03 else "operating"
            created = datetime.combine(permits[e.id].valid_from if e.id in permits else today,
                                       datetime.min.time(), CST)  # fmt: skip
            changes.append(dict(enterprise_id=e.id, at=created, actor="demo", reason="建档",
                                changes={"credit_code": [None, e.credit_code],
                                         "name": [None, e.name]}))  # fmt: skip
            p = permits.get(e.id)
            if p is not None:
                p.category = PermitCategory.KEY if e.key_unit else PermitCategory.SIMPLIFIED
                p.reason = "首次申领"
                p.created_by, p.created_at = "demo", created
                by_site = {s.id: s for s in own}
                lims = limits.get(p.id, [])
                caps_of: dict[str, float] = {}
                for pl in lims:
                    if pl.parameter_code in _CAP_CODES and pl.site_id in by_site:
                        caps_of[pl.parameter_code] = caps_of.get(pl.parameter_code, 0.0) + _cap(
                            by_site[pl.site_id], pl.parameter_code, pl.limit, rng
                        )
                site_ids = sorted({pl.site_id for pl in lims})
                outlets += [dict(permit_id=p.id, site_id=s) for s in site_ids]
                caps += [dict(permit_id=p.id, parameter_code=c, tonnes_per_year=round(t, 1))
                         for c, t in caps_of.items()]  # fmt: skip
                change_on = p.valid_from + timedelta(days=int(rng.integers(200, 1200)))
                if rng.random() < 0.35 and change_on < min(today, p.valid_to):
                    new_versions += 1
                    v2 = session.scalar(insert(Permit).returning(Permit.id), dict(
                        enterprise_id=e.id, number=p.number, version=2, category=p.category,
                        valid_from=change_on, valid_to=p.valid_to, reason="变更：许可排放量调整",
                        created_by="demo", created_at=datetime.combine(
                            change_on, datetime.min.time(), CST)))  # fmt: skip
                    session.execute(
                        update(Permit).where(Permit.id == p.id).values(superseded_by_id=v2)
                    )
                    session.execute(insert(PermitLimit), [dict(
                        permit_id=v2, site_id=pl.site_id, parameter_code=pl.parameter_code,
                        limit=pl.limit, unit=pl.unit, averaging=pl.averaging,
                        standard=pl.standard) for pl in lims])  # fmt: skip
                    outlets += [dict(permit_id=v2, site_id=s) for s in site_ids]
                    caps += [dict(permit_id=v2, parameter_code=c,
                                  tonnes_per_year=round(t * rng.uniform(0.8, 0.95), 1))
                             for c, t in caps_of.items()]  # fmt: skip
            # inspections over the last ``years`` years
            rate = 1.5 if e.key_unit else 0.8
            for _ in range(int(rng.poisson(rate * years))):
                at = now - timedelta(days=float(rng.uniform(3, 365 * years)))
                at = at.replace(minute=0, second=0, microsecond=0)
                kind = "remote" if rng.random() < 0.25 else "onsite"
                source = str(rng.choice(["routine", "spot_check", "complaint", "special"],
                                        p=[0.5, 0.3, 0.15, 0.05]))  # fmt: skip
                insp_rows.append(dict(
                    enterprise_id=e.id, kind=kind, source=source, source_ref=None,
                    inspected_at=at, inspectors=[_person(rng), _person(rng)],
                    summary="现场检查治污设施运行、在线监测与台账" if kind == "onsite"
                    else "远程核查自动监测数据与视频监控", created_by="demo", created_at=at,
                    _violation=rng.random() < 0.08))  # fmt: skip
        session.flush()
        if outlets:
            session.execute(insert(PermitOutlet), outlets)
        if caps:
            session.execute(insert(PermitCap), caps)
        session.execute(insert(EnterpriseChange), changes)
        cats = list(_VIOLATIONS)
        weights = np.array([_VIOLATIONS[c][0] for c in cats])
        for row in sorted(insp_rows, key=lambda r: r["inspected_at"]):
            found = row.pop("_violation")
            iid = session.scalar(insert(Inspection).returning(Inspection.id), row)
            if not found:
                continue
            eid = row["enterprise_id"]
            own = sites.get(eid, [])
            cat = str(rng.choice(cats, p=weights / weights.sum()))
            site = own[int(rng.integers(len(own)))] if own else None
            vid = session.scalar(insert(Violation).returning(Violation.id), dict(
                enterprise_id=eid, inspection_id=iid, found_at=row["inspected_at"], category=cat,
                description="检查发现" + ("，" + site.name if site is not None else ""),
                site_id=None if site is None else site.id, parameter_code=None,
                created_by="demo", created_at=row["inspected_at"]))  # fmt: skip
            viol_rows.append(int(vid or 0))
            if rng.random() >= 0.7:
                continue
            _, basis, kind, (lo, hi) = _VIOLATIONS[cat]
            if site is not None and site.kind == SiteKind.WATER_OUTLET:
                basis = _WATER_BASIS.get(cat, basis)
            decided: date = (row["inspected_at"] + timedelta(days=int(rng.integers(20, 60)))
                             ).astimezone(CST).date()  # fmt: skip
            if decided > today:
                continue
            city = next(e for e in ents if e.id == eid).region_code[:4] + "00"
            key = (city, decided.year)
            decision_seq[key] = decision_seq.get(key, 0) + 1
            short = get_region(city).name[0]
            amount = float(round(rng.uniform(lo, hi), -3))
            status = (
                "executed"
                if (today - decided).days > 90
                else str(rng.choice(["decided", "reconsideration", "executed"], p=[0.6, 0.1, 0.3]))
            )
            pen_rows.append(dict(
                enterprise_id=eid, violation_id=vid,
                decision_no=f"{short}环罚〔{decided.year}〕{decision_seq[key]}号",
                legal_basis=basis, kind=kind, amount_yuan=amount, decided_on=decided,
                status=status, status_note="", created_by="demo",
                created_at=row["inspected_at"]))  # fmt: skip
        if pen_rows:
            session.execute(insert(Penalty), pen_rows)
        return DemoArchive(len(ents), new_versions, len(insp_rows), len(viol_rows),
                           len(pen_rows))  # fmt: skip
