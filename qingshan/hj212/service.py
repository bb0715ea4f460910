"""Rules of the HJ 212 intake that take the settings or a session beyond the device registry:
where the journal lives, the simulated loggers' specs and the demo's simulated devices.

Running the listener with its ingest is :mod:`qingshan.ingest.runtime`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from qingshan.audit import acting_as
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.logger_sim import PROFILES, LoggerSpec
from qingshan.hj212.models import Device
from qingshan.hj212.registry import add_device
from qingshan.monitoring.models import Site


def journal_dir(settings: Settings) -> Path:
    """The HJ 212 journal's directory (``<journal_dir>/hj212``)."""
    return settings.journal_dir / "hj212"


_ST_OF_KIND = {"gas_outlet": "31", "water_outlet": "32", "air_station": "22",
               "water_section": "21", "drinking_water_source": "21"}  # fmt: skip


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
            specs.append(
                LoggerSpec(mn=device.mn, password=device.password, st=st, codes=PROFILES[st],
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
