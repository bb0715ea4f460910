"""Rules of the HJ 212 intake that take the settings or a session beyond the device registry:
who sees which devices (the scope rules of the API and the pages), where the journal lives,
the simulated loggers' specs and the demo's simulated devices.

Running the listener with its ingest is :mod:`qingshan.ingest.runtime`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.audit import acting_as
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212 import registry
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import DeviceNotFound
from qingshan.hj212.logger_sim import PROFILES, LoggerSpec
from qingshan.hj212.models import Device, Reject
from qingshan.hj212.registry import add_device
from qingshan.hj212.schemas import DeviceStatusScoped
from qingshan.monitoring.models import Site
from qingshan.monitoring.service import get_site


def journal_dir(settings: Settings, index: int = 0) -> Path:
    """The journal directory of listener process ``index``: ``<journal_dir>/hj212`` for the
    first (the only one by default), ``<journal_dir>/hj212-<index>`` for the others
    (``QINGSHAN_HJ212_PROCESSES``: one journal per process)."""
    return settings.journal_dir / ("hj212" if index == 0 else f"hj212-{index}")


_ST_OF_KIND = {"gas_outlet": "31", "water_outlet": "32", "air_station": "22",
               "water_section": "21", "drinking_water_source": "21",
               "park_boundary": "22", "groundwater_well": "24", "sea_station": "26",
               "sea_outfall": "34"}  # fmt: skip


def sim_specs(engine: Engine, count: int | None = None) -> list[LoggerSpec]:
    """Logger specs for the registry's enabled devices bound to a site (ST from the site
    kind), at most ``count``."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(Device, Site).join(Site, Site.id == Device.site_id)
            .where(Device.enabled.is_(True)).order_by(Device.mn)
        ).all()  # fmt: skip
        specs = []
        for device, site in rows[:count]:
            st = _ST_OF_KIND.get(getattr(site.kind, "value", site.kind), "31")
            # a site may carry its own simulated factors (the chemical parks' boundary
            # stations, issue #22): {code: [mean, relative spread]}
            sim_codes = (site.attrs or {}).get("sim_codes")
            codes = ({c: (float(m), float(r)) for c, (m, r) in sim_codes.items()}
                     if sim_codes else PROFILES[st])  # fmt: skip
            specs.append(
                LoggerSpec(mn=device.mn, password=device.password, st=st, codes=codes,
                           crc=CrcVariant(device.crc.value), version=device.protocol_version)
            )  # fmt: skip
    return specs


def register_sim_devices(
    engine: Engine,
    count: int,
    password: str = "123456",
    kinds: tuple[str, ...] = ("gas_outlet", "water_outlet"),
) -> int:
    """Register a device ``SIM<site code>`` for up to ``count`` sites of ``kinds`` (default: the
    enterprises' outlets) that have none (demo). Returns how many were added."""
    with acting_as("system"), session_scope(engine) as session:
        bound = set(session.scalars(select(Device.site_id).where(Device.site_id.is_not(None))))
        have = len(bound)
        added = 0
        for site in session.scalars(select(Site).where(Site.kind.in_(kinds)).order_by(Site.id)):
            if have + added >= count:
                break
            if site.id in bound:
                continue
            add_device(session, f"SIM{site.code}"[:32], password, site=site.id,
                       name=f"模拟数采仪 {site.name}")  # fmt: skip
            added += 1
    return added


# ---------------------------------------------------------------- who sees which devices
# A device belongs to the region of the site it is bound to; devices bound to no site and
# rejected frames of no known device (未知设备) are seen by province-wide accounts only. A
# device out of scope is reported exactly as a missing one.


def sees_unbound(scope: Scope) -> bool:
    """Province-wide accounts see devices bound to no site and frames of unknown MNs."""
    return scope.role is not Role.ENTERPRISE and len(scope.prefix) <= 2


def visible_devices(
    session: Session, scope: Scope
) -> dict[str, tuple[str | None, str | None, str | None]]:
    """MN → (site code, site name, region code) of every device within ``scope``."""
    stmt = select(Device.mn, Site.code, Site.name, Site.region_code).outerjoin(
        Site, Site.id == Device.site_id
    )
    in_scope = scope.where(Site.region_code, Site.enterprise_id)
    stmt = stmt.where(or_(in_scope, Device.site_id.is_(None)) if sees_unbound(scope) else in_scope)
    return {mn: (code, name, region) for mn, code, name, region in session.execute(stmt)}


def get_visible_device(session: Session, scope: Scope, mn: str) -> Device:
    """The device ``mn`` if ``scope`` sees it; :class:`DeviceNotFound` otherwise."""
    device = registry.get_device(session, mn)
    if mn not in visible_devices(session, scope):
        raise DeviceNotFound(f"no device with MN={mn}", mn=mn)
    return device


def list_visible_devices(session: Session, scope: Scope) -> list[Device]:
    """The registered devices ``scope`` sees."""
    visible = visible_devices(session, scope)
    return [d for d in registry.list_devices(session) if d.mn in visible]


def check_site_in_scope(session: Session, scope: Scope, site: str | int | None) -> None:
    """A device may only be bound to a site within the caller's scope (by code or id)."""
    if site is None or site == "":
        return
    row = session.scalar(select(Site).where(Site.code == str(site)))
    if row is None and str(site).isdigit():
        row = session.get(Site, int(site))
    if row is not None:
        get_site(session, scope, row.code)  # NotFound when out of scope


def scoped_status(session: Session, scope: Scope) -> list[DeviceStatusScoped]:
    """Status of every device ``scope`` sees, with its bound site."""
    visible = visible_devices(session, scope)
    out = []
    for r in registry.status_rows(session, datetime.now(UTC)):
        if r["mn"] in visible:
            code, name, region = visible[r["mn"]]
            out.append(DeviceStatusScoped(**r, site_code=code, site_name=name, region_code=region))
    return out


def device_status(session: Session, scope: Scope, mn: str) -> DeviceStatusScoped:
    """Status of the device ``mn`` if ``scope`` sees it."""
    get_visible_device(session, scope, mn)
    return next(r for r in scoped_status(session, scope) if r.mn == mn)


def scoped_rejects(
    session: Session, scope: Scope, mn: str | None = None, limit: int = 100
) -> list[Reject]:
    """Rejected frames (newest first) of the devices ``scope`` sees, or of ``mn``."""
    query = select(Reject).order_by(Reject.id.desc()).limit(limit)
    if mn is not None:
        query = query.where(Reject.mn == mn)
    if not sees_unbound(scope):
        query = query.where(Reject.mn.in_(list(visible_devices(session, scope))))
    return list(session.scalars(query))
