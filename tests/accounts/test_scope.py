import pytest
from sqlalchemy import select

from qingshan.accounts.errors import OutOfScope
from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.monitoring.models import ControlLevel, Site, SiteKind


def _site(code, region):
    return Site(
        code=code,
        name=code,
        kind=SiteKind.AIR_STATION,
        control_level=ControlLevel.NATIONAL,
        region_code=region,
    )


def test_city_user_cannot_read_another_citys_rows(session, regions):
    session.add_all([_site("HZ1", "330106"), _site("HZ2", "330100"), _site("NB1", "330203")])
    session.flush()

    def visible(scope):
        return sorted(
            session.scalars(
                select(Site.code).where(scope.where(Site.region_code, Site.enterprise_id))
            )
        )

    assert visible(Scope("330000", Role.PROVINCE)) == ["HZ1", "HZ2", "NB1"]
    assert visible(Scope("330100", Role.CITY)) == ["HZ1", "HZ2"]
    assert visible(Scope("330200", Role.CITY)) == ["NB1"]
    assert visible(Scope("330106", Role.COUNTY)) == ["HZ1"]
    with pytest.raises(OutOfScope, match="region 330203 is outside the scope 330106 of xh"):
        Scope("330106", Role.COUNTY, username="xh").check_region("330203")
    with pytest.raises(OutOfScope, match="region 330203 is outside the scope 330100 of hz"):
        Scope("330100", Role.CITY, username="hz").check_region("330203")
