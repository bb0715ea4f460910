"""The FastAPI application factory and its registries. Nothing is built at import time: call
:func:`create_app`.

Each domain contributes a router in ``qingshan/<domain>/api.py`` (an ``APIRouter`` named
``router``), listed in :data:`ROUTERS` and mounted under ``/api/v1``; its dashboard pages in
``qingshan/<domain>/web.py``, listed in :data:`PAGES`, with their place in the top navigation
in :data:`NAV`. Protocols a domain publishes get their implementation in :func:`providers`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy.orm import Session

from qingshan import __version__
from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.api import accounts as accounts_api
from qingshan.api import export as export_api
from qingshan.api import geo as geo_api
from qingshan.api import health as health_api
from qingshan.api.compression import install_compression
from qingshan.api.docs import install_docs
from qingshan.api.errors import install_error_handlers
from qingshan.api.limits import BodySizeLimit
from qingshan.api.methods import AllowHeaderMiddleware
from qingshan.api.responses import ERROR_RESPONSES
from qingshan.archive import api as archive_api
from qingshan.archive import web as archive_web
from qingshan.archive.findings import (
    CarbonSummary,
    CreditSummary,
    EnterpriseRecordSources,
    WasteSummary,
)
from qingshan.archive.service import OutletCounts
from qingshan.carbon import api as carbon_api
from qingshan.carbon import import_web as carbon_import_web
from qingshan.carbon import web as carbon_web
from qingshan.carbon.account_view import carbon_brief
from qingshan.cases import api as cases_api
from qingshan.cases import open311 as open311_api
from qingshan.cases import public_web as complaints_web
from qingshan.cases import reports_api as case_reports_api
from qingshan.cases import reports_web as case_reports_web
from qingshan.cases import sources_api as case_sources_api
from qingshan.cases import sources_web as case_sources_web
from qingshan.cases import web as cases_web
from qingshan.cases.service import (
    CASES_SINK,
    open_case_counts,
    site_cases_public,
)
from qingshan.config import Settings, get_settings
from qingshan.ecology.biodiversity import api as ecology_biodiversity_api
from qingshan.ecology.biodiversity import web as ecology_biodiversity_web
from qingshan.ecology.status import api as ecology_status_api
from qingshan.ecology.status import web as ecology_status_web
from qingshan.emergency.gas import api as emergency_gas_api
from qingshan.emergency.gas import web as emergency_gas_web
from qingshan.emergency.incidents import api as emergency_incidents_api
from qingshan.emergency.incidents import web as emergency_incidents_web
from qingshan.emergency.radiation import api as emergency_radiation_api
from qingshan.emergency.radiation import web as emergency_radiation_web
from qingshan.emergency.resources import api as emergency_resources_api
from qingshan.emergency.resources import web as emergency_resources_web
from qingshan.emergency.risk import api as emergency_risk_api
from qingshan.emergency.risk import web as emergency_risk_web
from qingshan.enforcement import api as enforcement_api
from qingshan.enforcement import web as enforcement_web
from qingshan.enforcement.service import RecordSources, credit_summary
from qingshan.forecast import api as forecast_api
from qingshan.forecast import water_api as forecast_water_api
from qingshan.forecast import water_web as forecast_water_web
from qingshan.forecast import web as forecast_web
from qingshan.hj212 import api as hj212_api
from qingshan.hj212 import web as hj212_web
from qingshan.hj212.service import scoped_status
from qingshan.indices import api as indices_api
from qingshan.jobs import api as jobs_api
from qingshan.jobs import web as jobs_web
from qingshan.jobs.job import Jobs
from qingshan.marine.coastal import api as marine_coastal_api
from qingshan.marine.coastal import web as marine_coastal_web
from qingshan.marine.outfalls import api as marine_outfalls_api
from qingshan.marine.outfalls import web as marine_outfalls_web
from qingshan.monitoring import (
    air_history_api,
    air_web,
    freshness_api,
    layers_api,
    water_api,
    water_history_api,
    water_web,
)
from qingshan.monitoring import api as monitoring_api
from qingshan.monitoring import web as monitoring_web
from qingshan.monitoring.freshness import LoggerState, LoggerStates
from qingshan.opendata import api as opendata_api
from qingshan.opendata import sta_api
from qingshan.platform.jobs import JOBS
from qingshan.platform.kpis import kpi_registry
from qingshan.platform.runtime import start_runtime
from qingshan.platform.zones_fences_links import FENCE_SITES
from qingshan.platform.zones_links import DRINKING_WATER_SOURCES, ENTERPRISE_LOCATIONS
from qingshan.platform.zones_parks_links import PARK_OUTLETS
from qingshan.portal.eia import api as portal_eia_api
from qingshan.portal.eia import web as portal_eia_web
from qingshan.portal.enterprise import api as portal_enterprise_api
from qingshan.portal.enterprise import web as portal_enterprise_web
from qingshan.portal.notices import api as portal_notices_api
from qingshan.portal.notices import web as portal_notices_web
from qingshan.portal.onboarding import api as portal_onboarding_api
from qingshan.portal.onboarding import web as portal_onboarding_web
from qingshan.portal.public import web as portal_public_web
from qingshan.portal.rights import api as portal_rights_api
from qingshan.portal.rights import web as portal_rights_web
from qingshan.qc import api as qc_api
from qingshan.qc import web as qc_web
from qingshan.qc.service import outlet_event_counts
from qingshan.qc.supervision import CaseSink, SiteCases
from qingshan.screen import api as screen_api
from qingshan.screen import web as screen_web
from qingshan.soil.farmland import api as soil_farmland_api
from qingshan.soil.farmland import web as soil_farmland_web
from qingshan.soil.groundwater import api as soil_groundwater_api
from qingshan.soil.groundwater import web as soil_groundwater_web
from qingshan.soil.sites import api as soil_sites_api
from qingshan.soil.sites import web as soil_sites_web
from qingshan.soil.units import api as soil_units_api
from qingshan.soil.units import web as soil_units_web
from qingshan.standards import api as standards_api
from qingshan.targets import api as targets_api
from qingshan.targets import ranking_api, ranking_web
from qingshan.targets import web as targets_web
from qingshan.targets.kpi import KpiRegistry
from qingshan.timeseries.store import ObservationStore
from qingshan.vehicles import api as vehicles_api
from qingshan.vehicles import import_web as vehicles_import_web
from qingshan.vehicles import io_api as vehicles_io_api
from qingshan.vehicles import nonroad_web as vehicles_nonroad_web
from qingshan.vehicles import obd_web as vehicles_obd_web
from qingshan.vehicles import rs_web as vehicles_rs_web
from qingshan.vehicles import web as vehicles_web
from qingshan.waste import api as waste_api
from qingshan.waste import ledger_api as waste_ledger_api
from qingshan.waste import manifest_web as waste_manifest_web
from qingshan.waste import web as waste_web
from qingshan.waste.card import waste_brief
from qingshan.web import oidc as oidc_web
from qingshan.web.render import API as API_PREFIX
from qingshan.web.render import NavGroup, NavItem
from qingshan.web.shared_routes import add_shared_routes, shared_openapi
from qingshan.web.site import mount_web
from qingshan.zones import api as zones_api
from qingshan.zones import fences_api as zones_fences_api
from qingshan.zones import fences_web as zones_fences_web
from qingshan.zones import parks_web as zones_parks_web
from qingshan.zones import sweep_web as zones_sweep_web
from qingshan.zones import web as zones_web
from qingshan.zones.fences import FenceSites
from qingshan.zones.links import DrinkingWaterSources, EnterpriseLocations
from qingshan.zones.parks_service import ParkOutlets

#: API routers, mounted under /api/v1 in this order
ROUTERS: tuple[APIRouter, ...] = (
    health_api.router,
    accounts_api.router,
    geo_api.router,
    monitoring_api.router,
    air_history_api.router,
    indices_api.router,
    water_api.router,
    layers_api.router,
    water_history_api.router,
    forecast_water_api.router,
    freshness_api.router,
    hj212_api.router,
    standards_api.router,
    qc_api.router,
    archive_api.router,
    case_reports_api.router,  # before cases_api: its /cases/{case_id} would take /cases/stats
    cases_api.router,
    case_sources_api.router,
    enforcement_api.router,
    jobs_api.router,
    opendata_api.router,
    sta_api.router,
    export_api.router,
    screen_api.router,
    ranking_api.router,
    targets_api.router,
    forecast_api.router,
    carbon_api.router,
    waste_api.router,
    waste_ledger_api.router,
    zones_api.router,
    zones_fences_api.router,
    vehicles_api.router,
    vehicles_io_api.router,
    emergency_resources_api.router,
    emergency_radiation_api.router,
    emergency_gas_api.router,
    emergency_incidents_api.router,
    emergency_risk_api.router,
    portal_eia_api.router,
    portal_enterprise_api.router,
    portal_notices_api.router,
    portal_onboarding_api.router,
    portal_rights_api.router,
    marine_coastal_api.router,
    marine_outfalls_api.router,
    soil_units_api.router,
    soil_sites_api.router,
    soil_groundwater_api.router,
    soil_farmland_api.router,
    ecology_status_api.router,
    ecology_biodiversity_api.router,
)

#: dashboard page routers
PAGES: tuple[APIRouter, ...] = (
    oidc_web.router,
    monitoring_web.router,
    air_web.router,
    water_web.router,
    forecast_water_web.router,
    forecast_web.router,
    hj212_web.router,
    archive_web.router,
    qc_web.router,
    case_reports_web.router,  # before cases_web: its /cases/{case_id} would take /cases/stats
    case_sources_web.router,  # before cases_web: its /cases/{case_id} would take /cases/handover
    cases_web.router,
    complaints_web.router,
    open311_api.router,
    enforcement_web.router,
    jobs_web.router,
    screen_web.router,
    ranking_web.router,
    targets_web.router,
    carbon_import_web.router,  # before carbon_web: /carbon/import is not a page of it
    carbon_web.router,
    waste_web.router,
    waste_manifest_web.router,
    zones_web.router,
    zones_fences_web.router,
    zones_parks_web.router,
    vehicles_nonroad_web.router,
    zones_sweep_web.router,
    vehicles_web.router,
    vehicles_rs_web.router,
    vehicles_obd_web.router,
    vehicles_import_web.router,
    emergency_resources_web.router,
    emergency_radiation_web.router,
    emergency_incidents_web.router,
    emergency_risk_web.router,
    emergency_gas_web.router,
    portal_eia_web.router,
    portal_enterprise_web.router,
    portal_public_web.router,
    portal_notices_web.router,
    portal_onboarding_web.router,
    portal_rights_web.router,
    soil_units_web.router,
    soil_sites_web.router,
    soil_groundwater_web.router,
    soil_farmland_web.router,
    marine_outfalls_web.router,
    marine_coastal_web.router,
    ecology_status_web.router,
    ecology_biodiversity_web.router,
)

#: the top navigation: four menus, so the bar keeps to one line as modules are added
NAV: tuple[NavGroup, ...] = (
    NavGroup("nav.g.quality", (  # 环境质量
        NavItem("/public", "pp.nav", ("/public",), prefixes=("/public/",)),  # 公众服务, no login
        NavItem("/map", "nav.map", ("/", "/map")),
        NavItem("/water", "nav.water", ("/water",), prefixes=("/water/",)),
        NavItem("/forecast", "nav.forecast", ("/forecast",), prefixes=("/forecast/",)),
        NavItem("/ranking", "nav.ranking", ("/ranking",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)),
        # a public page; in the menu for signed-in users
        NavItem("/soil/units", "nav.soil", ("/soil",), login=True, prefixes=("/soil/",),
                roles=(Role.ENTERPRISE,)),
        NavItem("/soil", "nav.soil", ("/soil",), login=True, prefixes=("/soil/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),
        NavItem("/marine", "nav.marine", ("/marine",), login=True, prefixes=("/marine/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),  # 近岸海域
        NavItem("/ecology", "nav.ecology", ("/ecology",), login=True, prefixes=("/ecology/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),  # 生态状况
    )),
    NavGroup("nav.g.sources", (  # 污染源监管
        NavItem("/enterprises", "nav.enterprises", ("/enterprises",), login=True,
                prefixes=("/qc/",)),
        NavItem("/spot-checks", "nav.enforcement", ("/spot-checks", "/credit"),
                prefixes=("/spot-checks/", "/credit/")),
        NavItem("/carbon", "nav.carbon", ("/carbon",), login=True, prefixes=("/carbon/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)),
        NavItem("/waste", "nav.waste", ("/waste",), login=True, prefixes=("/waste/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)),
        NavItem("/zones/layers", "nav.zones", ("/zones",), login=True, prefixes=("/zones/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),
        NavItem("/vehicles", "nav.vehicles", ("/vehicles",), login=True, prefixes=("/vehicles/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),
        NavItem("/emergency/incidents", "nav.emergency", ("/emergency",), login=True,
                prefixes=("/emergency/",), roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),
        # an enterprise lands on its declarations, grade and plans (风险企业)
        NavItem("/emergency/risk", "nav.emergency", ("/emergency",), login=True,
                prefixes=("/emergency/",), roles=(Role.ENTERPRISE,)),
        NavItem("/eia", "eia.nav", ("/eia",), login=True, prefixes=("/eia/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),  # 环评与许可
        NavItem("/rights", "rights.nav", ("/rights",), login=True, prefixes=("/rights/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),  # 排污权
    )),
    NavGroup("nav.g.governance", (  # 闭环督办
        NavItem("/portal", "nav.portal", ("/portal",), login=True, prefixes=("/portal/",),
                roles=(Role.ENTERPRISE,)),  # 企业服务
        NavItem("/notices", "nav.notices", ("/notices",), login=True, prefixes=("/notices/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)),  # 通知公告
        NavItem("/accounts/enterprise", "nav.ent_accounts", ("/accounts/enterprise",),
                login=True, roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),  # 企业账号
        NavItem("/cases", "nav.cases", ("/cases",), login=True, prefixes=("/cases/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)),
        NavItem("/targets", "nav.targets", ("/targets",), login=True, prefixes=("/targets/",),
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),
        NavItem("/complaints/new", "nav.complaint", ("/complaints/new",),
                prefixes=("/complaints/",)),
    )),
    NavGroup("nav.g.operations", (  # 运行维护
        NavItem("/freshness", "nav.freshness", ("/freshness",), login=True),
        NavItem("/devices", "nav.devices", ("/devices",), login=True),
        NavItem("/screen", "nav.screen", ("/screen",), login=True,
                roles=(Role.PROVINCE, Role.CITY, Role.COUNTY)),
        NavItem("/admin/jobs", "nav.admin_jobs", ("/admin/jobs",), login=True,
                roles=(Role.PROVINCE,)),
        NavItem(f"{API_PREFIX}/docs", "nav.api"),
    )),
)  # fmt: skip


def outlet_counts(session: Session, site_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """The archive's :class:`OutletCounts`: open cases per outlet from the cases service, QC
    events of the current verdicts from QC's."""
    return open_case_counts(session, site_ids), outlet_event_counts(session, site_ids)


def logger_states(session: Session, scope: Scope) -> list[LoggerState]:
    """Monitoring's :class:`LoggerStates` (数据时效): the HJ 212 intake's device status."""
    return [
        LoggerState(
            mn=r.mn,
            name=r.name,
            site_code=r.site_code,
            site_name=r.site_name,
            region_code=r.region_code,
            last_data_time=r.last_data_time,
            packets_by_cn=r.packets_by_cn,
        )
        for r in scoped_status(session, scope)
    ]


def providers() -> dict[type, Any]:
    """Protocol a domain publishes → the implementation another domain gives it (read by the
    routes through :func:`qingshan.api.deps.provided`)."""
    return {
        OutletCounts: outlet_counts,
        EnterpriseRecordSources: RecordSources(),
        CreditSummary: credit_summary,
        CarbonSummary: carbon_brief,
        WasteSummary: waste_brief,
        Jobs: JOBS,
        CaseSink: CASES_SINK,
        SiteCases: site_cases_public,
        LoggerStates: logger_states,
        KpiRegistry: kpi_registry(),
        DrinkingWaterSources: DRINKING_WATER_SOURCES,
        EnterpriseLocations: ENTERPRISE_LOCATIONS,
        FenceSites: FENCE_SITES,
        ParkOutlets: PARK_OUTLETS,
    }


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the platform's web application (API + dashboard) for ``settings``."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with start_runtime(app, settings):
            yield
        app.state.store.close()

    app = FastAPI(
        title="青山 Qingshan API",
        version=__version__,
        description="生态环境保护综合协同管理平台 API",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by install_docs with the package's own assets
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = ObservationStore(settings.observations_dir)
    app.state.providers = providers()
    install_error_handlers(app)
    app.add_middleware(AllowHeaderMiddleware)
    # an evidence upload may be as large as its own setting allows (multipart overhead added)
    evidence = settings.case_evidence_max_bytes + 64 * 1024
    files = settings.max_file_bytes + 64 * 1024  # an uploaded table file and its form fields
    photos = settings.complaint_max_photos * settings.case_evidence_max_bytes + 64 * 1024
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        larger=[
            (rf"{API_PREFIX}/cases/\d+/evidence", evidence, "case_evidence_max_bytes"),
            (r"/cases/\d+/upload", evidence, "case_evidence_max_bytes"),
            (r"/targets/\d+/reports", evidence, "case_evidence_max_bytes"),
            (r"/zones/parks/\d+/progress", evidence, "case_evidence_max_bytes"),
            (r"/complaints/new", photos, "complaint_max_photos"),
            (r"/open311/v2/requests\.(json|xml)", photos, "complaint_max_photos"),
            (r"/cases/handover", files, "max_file_bytes"),
            (rf"{API_PREFIX}/cases/handover", files, "max_file_bytes"),
            (rf"{API_PREFIX}/archive/import", files, "max_file_bytes"),
            (rf"{API_PREFIX}/zones/layers", files, "max_file_bytes"),
            (r"/cases/inspections/new", 10 * evidence, "case_evidence_max_bytes"),
            (rf"{API_PREFIX}/export/table", settings.export_max_bytes, "export_max_bytes"),
        ],
    )
    add_shared_routes(app, ROUTERS, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    mount_web(app, PAGES, NAV)
    install_docs(app, API_PREFIX)
    install_compression(app)  # last: the outermost, after the security headers' middleware
    app.openapi = partial(shared_openapi, app)  # type: ignore[method-assign]
    return app
