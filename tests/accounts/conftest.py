import pytest

from qingshan.geo.models import Region, RegionLevel


@pytest.fixture
def regions(session):
    """Zhejiang, two of its cities and one county each (GB/T 2260 codes)."""
    rows = [
        Region(code="330000", name="浙江省", name_en="Zhejiang", level=RegionLevel.PROVINCE),
        Region(
            code="330100",
            name="杭州市",
            name_en="Hangzhou",
            level=RegionLevel.CITY,
            parent_code="330000",
        ),
        Region(
            code="330200",
            name="宁波市",
            name_en="Ningbo",
            level=RegionLevel.CITY,
            parent_code="330000",
        ),
        Region(
            code="330106",
            name="西湖区",
            name_en="Xihu",
            level=RegionLevel.COUNTY,
            parent_code="330100",
        ),
        Region(
            code="330203",
            name="海曙区",
            name_en="Haishu",
            level=RegionLevel.COUNTY,
            parent_code="330200",
        ),
    ]
    session.add_all(rows)
    session.flush()
    return rows
