"""Shared helpers of the HJ 212 tests: a site with a registered device, sample frames."""

from __future__ import annotations

from qingshan.db.engine import session_scope
from qingshan.geo.models import Region, RegionLevel
from qingshan.hj212.registry import add_device
from qingshan.monitoring.models import ControlLevel, Site, SiteKind

APPENDIX_A = (
    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    "CP=&&RtdInterval=30&&"
)
APPENDIX_A_FRAME = b"##0101" + APPENDIX_A.encode() + b"1C80\r\n"


def make_site(session, code: str = "S001", kind: SiteKind = SiteKind.GAS_OUTLET) -> Site:
    if session.get(Region, "330000") is None:
        session.add(Region(code="330000", name="浙江省", name_en="Zhejiang",
                           level=RegionLevel.PROVINCE))  # fmt: skip
        session.flush()
    site = Site(code=code, name=f"测试点位 {code}", kind=kind, control_level=ControlLevel.ENTERPRISE,
                region_code="330000", attrs={})  # fmt: skip
    session.add(site)
    session.flush()
    return site


def register(engine, specs, kind: SiteKind = SiteKind.GAS_OUTLET) -> None:
    """Register logger specs as devices, each on its own site."""
    with session_scope(engine) as session:
        for spec in specs:
            site = make_site(session, f"S-{spec.mn}", kind)
            add_device(session, spec.mn, spec.password, site=site.code, crc=str(spec.crc))
