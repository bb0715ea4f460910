"""Fixtures of the targets tests: a migrated database with the regions and the shipped plan."""

from __future__ import annotations

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.targets import service
from qingshan.targets.plan_file import DEFAULT_PLAN, read_plan_file

PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
ENTERPRISE = Scope("330106", Role.ENTERPRISE, enterprise_id=1, username="ent")


@pytest.fixture
def loaded(engine):
    """The engine with the regions seeded and the 2021 plan loaded (returns the result)."""
    with session_scope(engine) as s:
        seed_regions(s)
        result = service.load_plan(s, read_plan_file(DEFAULT_PLAN))
    return result
