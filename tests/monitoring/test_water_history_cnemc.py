"""The classes the section page publishes equal CNEMC's: the national automatic stations'
snapshot of 2026-02-04 (``tests/data/cnemc_surface_water_realtime_20260204.csv``, a copy of
``shared/data/cnemc/``; provenance in that folder's README) with its official 水质类别.

The file is imported as the platform imports it (:func:`qingshan.ingest.cnemc_import.import_file`)
and each Zhejiang section's February 2026 is read back through
:func:`qingshan.monitoring.water_history.section_history`: the month holds the one published
record, so its monthly mean is that record and its class the published one. Lakes and
reservoirs take the lake TP row (GB 3838-2002 Table 1 item 8): which sections are lakes is the
demo catalogue's (``qingshan/sim/data/water_sections_national.csv``, 3 lake points).

All 47 agree. 湘家荡 (嘉兴), a lake by name, is tagged ``river`` in the catalogue because CNEMC
assesses it so: its TP 0.038 mg/L is class II on the river row (0.02 < 0.038 ≤ 0.1), which
CNEMC publishes, and would be class III on the lake row (0.025 < 0.038 ≤ 0.05).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.ingest.cnemc_import import import_file
from qingshan.monitoring.models import Site, SiteKind
from qingshan.monitoring.water_history import section_history
from qingshan.standards.water_quality import parse_class
from qingshan.timeseries.store import ObservationStore

ROOT = Path(__file__).parents[2]
WATER = ROOT / "tests" / "data" / "cnemc_surface_water_realtime_20260204.csv"
CATALOG = ROOT / "qingshan" / "sim" / "data" / "water_sections_national.csv"


def test_february_2026_classes_equal_cnemcs_published_classes(engine, tmp_path):
    published = pd.read_csv(WATER, dtype=str)
    published = published[published["省份"] == "浙江省"].set_index("断面名称")["水质类别"]
    bodies = pd.read_csv(CATALOG).set_index("name")["water_body"].to_dict()
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        seed_regions(s)
        import_file(s, store, WATER, year=2026)
        sites = list(s.scalars(select(Site).where(Site.kind == SiteKind.WATER_SECTION)))
        for site in sites:
            site.attrs = {**site.attrs, "water_body": bodies[site.name]}
    ours = {}
    with session_scope(engine) as s:
        for site in s.scalars(select(Site).where(Site.kind == SiteKind.WATER_SECTION)):
            h = section_history(s, Scope("330000", Role.PROVINCE), store, site.code, months=1)
            assert [m.label for m in h.monthly] == ["2026-02"], site.name
            ours[site.name] = h.monthly[0].section_class
    assert len(ours) == len(published) == 47
    differ = {
        n: (ours[n], parse_class(published[n]))
        for n in ours
        if ours[n] != parse_class(published[n])
    }
    assert differ == {}
    assert sum(1 for n in ours if bodies[n] == "lake") == 3
    # the lake row would have said III for 湘家荡: the tag decides, and it is CNEMC's
    with session_scope(engine) as s:
        site = s.scalar(select(Site).where(Site.name == "湘家荡"))
        site.attrs = {**site.attrs, "water_body": "lake"}
    with session_scope(engine) as s:
        h = section_history(s, Scope("330000", Role.PROVINCE), store, site.code, months=1)
    assert h.monthly[0].section_class == "III"
