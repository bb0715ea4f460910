"""/sta/v1.1/…: the read-only OGC SensorThings API v1.1 view (OGC 18-088); the resource path
and query options are parsed by :mod:`qingshan.opendata.sta`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.api.responses import ErrorBody
from qingshan.opendata import sta

router = APIRouter(prefix="/sta/v1.1", tags=["SensorThings 物联网传感 (OGC)"])


def _base(request: Request) -> str:
    return str(request.url_for("sta_root")).rstrip("/")


@router.get("", name="sta_root")
def sta_root(request: Request) -> JSONResponse:
    """The service root (OGC 18-088 §9.2.1): the entity sets and the conformance classes."""
    return JSONResponse(sta.service_root(_base(request)))


@router.get(
    "/{resource:path}",
    responses={
        501: {
            "model": ErrorBody,
            "description": "a SensorThings request this read view does not implement",
        }
    },
)
def sta_resource(
    resource: str, request: Request, session: SessionDep, scope: ScopeDep, store: StoreDep
) -> JSONResponse:
    """An entity set, an entity by id (``Things(1)``) or a navigation (``Things(1)/Datastreams``)
    with ``$filter``, ``$top``, ``$skip``, ``$count``, ``$orderby``, ``$select`` and
    ``$expand`` (one level). Read within the caller's scope."""
    out = sta.handle(
        session, scope, store, _base(request), resource, dict(request.query_params),
        str(request.url),
    )  # fmt: skip
    return JSONResponse(out)
