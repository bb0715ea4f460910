"""The spatial control API (``/api/v1/zones``): import a layer (GeoJSON or zipped Shapefile,
all or nothing), list layers, export one as GeoJSON, and the siting check (项目选址研判).

Officers only (province, city, county); a layer is read by the users of its region, of the
regions below and above it. Errors: 422 naming the feature and field, 404 for a layer unknown or
outside the scope, 403 for other roles."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, provided, require_roles
from qingshan.api.limits import Id
from qingshan.timeutil import as_cst, utcnow
from qingshan.zones import service
from qingshan.zones.errors import ZoneError
from qingshan.zones.layers import LayerKind
from qingshan.zones.links import DrinkingWaterSources
from qingshan.zones.schemas import LayerPublic, SitingRequest, SitingResultPublic, siting_public

router = APIRouter(prefix="/zones", tags=["zones 空间管控"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
SourcesDep = Annotated[DrinkingWaterSources, provided(DrinkingWaterSources)]


def _layer(layer: Any) -> LayerPublic:
    return LayerPublic.model_validate(layer, from_attributes=True)


@router.post("/siting-check", response_model=SitingResultPublic)
def siting_check(
    body: SitingRequest, user: Officer, session: SessionDep, scope: ScopeDep
) -> SitingResultPublic:
    """项目选址研判: the layers a site (GeoJSON Point or Polygon, lon/lat) touches — the
    boundary counts — the structured rules that apply, and the verdict with the deciding rule."""
    result = service.check_site(session, scope, body.site.model_dump(), body.industry,
                                discharges=body.discharges, on=body.on or as_cst(utcnow()).date())  # fmt: skip
    return siting_public(result)


@router.get("/layers", response_model=list[LayerPublic])
def list_layers(user: Officer, session: SessionDep, scope: ScopeDep) -> list[LayerPublic]:
    """The layers in the caller's reach, with their versions and validity."""
    return [_layer(x) for x in service.layers(session, scope)]


@router.get("/layers/{layer_id}/geojson")
def export_layer(
    layer_id: Id, user: Officer, session: SessionDep, scope: ScopeDep
) -> dict[str, Any]:
    """One layer as a GeoJSON FeatureCollection (lon/lat)."""
    return service.export_geojson(session, scope, layer_id)


@router.post("/layers", response_model=LayerPublic, status_code=201)
def import_layer(user: Officer, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                 sources: SourcesDep,
                 file: Annotated[UploadFile, File(description="GeoJSON, or a zipped Shapefile (.zip)")],
                 kind: Annotated[LayerKind, Form()], name: Annotated[str, Form(min_length=1, max_length=200)],
                 version: Annotated[str, Form(min_length=1, max_length=64)],
                 region_code: Annotated[str, Form(pattern=r"^\d{6}$")], valid_from: Annotated[date, Form()],
                 valid_to: Annotated[date | None, Form()] = None) -> LayerPublic:  # fmt: skip
    """Import a layer: every feature validated, every problem listed, nothing stored unless all pass."""
    data = file.file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise ZoneError(f"file: larger than {settings.max_file_bytes} bytes "
                        "(setting QINGSHAN_MAX_FILE_BYTES)", field="file")  # fmt: skip
    meta = service.LayerMeta(kind, name, version, region_code, valid_from, valid_to)
    layer = service.import_layer(session, scope, meta, data, file.filename or "upload.geojson",
                                 actor=user.username, now=utcnow(), sources=sources)  # fmt: skip
    return _layer(layer)
