"""/water/sections/latest: national and provincial sections by their latest GB 3838-2002 class."""

from __future__ import annotations

from fastapi import APIRouter

from qingshan.api.deps import ScopeDep, SessionDep
from qingshan.monitoring.schemas import WaterSectionsLatest
from qingshan.monitoring.water import sections_latest_public

router = APIRouter(tags=["monitoring"])


@router.get("/water/sections/latest", response_model=WaterSectionsLatest)
def water_sections_latest(session: SessionDep, scope: ScopeDep) -> WaterSectionsLatest:
    """National and provincial surface-water sections (国控/省控断面) in the caller's scope, each
    at its newest hour with its GB 3838-2002 class (single-factor, Table 1; lakes with the lake
    TP limits), target compliance and main pollutants with their over-standard multiples
    (环办〔2011〕22号), and the counts over them (达标率, Ⅰ～Ⅲ类比例)."""
    return sections_latest_public(session, scope)
