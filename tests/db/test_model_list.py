"""Every session factory maps every model and audits every change, whatever the process imports:
a script that only knows one domain gets the same database as the server (the model list is
loaded through the ``qingshan.models`` entry point, db names no domain)."""

from __future__ import annotations

import subprocess
import sys

from qingshan.db.engine import load_models

SCRIPT = """
import sys
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.monitoring.models import ControlLevel, Site, SiteKind

engine = make_engine(sys.argv[1])
upgrade(engine)
with session_scope(engine) as s:
    from qingshan.geo.regions import seed_regions
    seed_regions(s)
with session_scope(engine) as s:  # site.enterprise_id references another domain's table
    s.add(Site(code="T1", name="t", kind=SiteKind.AIR_STATION, control_level=ControlLevel.NATIONAL,
               region_code="330106"))
with engine.connect() as c:
    from sqlalchemy import text
    print(c.execute(text("select count(*) from audit_log where entity = 'site'")).scalar())
"""


def test_the_registry_is_the_installed_model_list():
    assert load_models() == ("qingshan.platform.models",)


def test_a_script_importing_one_domain_maps_every_model_and_audits(tmp_path):
    url = f"sqlite:///{tmp_path / 'one.db'}"
    r = subprocess.run(
        [sys.executable, "-c", SCRIPT, url], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "1"
