"""GET /health: liveness and the state of the stores."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from qingshan import __version__
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.db.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep, settings: SettingsDep) -> dict:
    session.execute(text("SELECT 1"))
    revision = current_revision(session.get_bind())
    return {
        "status": "ok",
        "version": __version__,
        "database": {"revision": revision, "up_to_date": revision == head_revision()},
        "observations_dir": str(settings.observations_dir),
    }
