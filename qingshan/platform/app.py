"""The FastAPI application factory and its registries. Nothing is built at import time: call
:func:`create_app`.

Each domain contributes a router in ``qingshan/<domain>/api.py`` (an ``APIRouter`` named
``router``), listed in :data:`ROUTERS` and mounted under ``/api/v1``; its dashboard pages in
``qingshan/<domain>/web.py``, listed in :data:`PAGES`, with their place in the top navigation
in :data:`NAV`. Protocols a domain publishes get their implementation in :func:`providers`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy.orm import Session

from qingshan import __version__
from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.api import accounts as accounts_api
from qingshan.api import geo as geo_api
from qingshan.api import health as health_api
from qingshan.api.docs import install_docs
from qingshan.api.errors import install_error_handlers
from qingshan.api.limits import BodySizeLimit
from qingshan.api.methods import AllowHeaderMiddleware
from qingshan.api.responses import ERROR_RESPONSES
from qingshan.archive import api as archive_api
from qingshan.archive import web as archive_web
from qingshan.archive.findings import (
    CaseRef,
    CreditSummary,
    EnterpriseRecordSources,
    Finding,
    FindingKind,
)
from qingshan.archive.service import OutletCounts
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
    CaseFilter,
    list_cases,
    open_case_counts,
    site_cases_public,
)
from qingshan.cases.workflow import OPEN_STATES
from qingshan.config import Settings, get_settings
from qingshan.enforcement import api as enforcement_api
from qingshan.enforcement import web as enforcement_web
from qingshan.enforcement.service import credit_summary
from qingshan.errors import NotFound
from qingshan.hj212 import api as hj212_api
from qingshan.hj212 import web as hj212_web
from qingshan.jobs import api as jobs_api
from qingshan.jobs import web as jobs_web
from qingshan.jobs.job import Jobs
from qingshan.monitoring import api as monitoring_api
from qingshan.monitoring import water_api
from qingshan.monitoring import web as monitoring_web
from qingshan.platform.jobs import JOBS
from qingshan.platform.runtime import start_runtime
from qingshan.qc import api as qc_api
from qingshan.qc import web as qc_web
from qingshan.qc.outlet import outlet_transmission
from qingshan.qc.records import outlet_events
from qingshan.qc.service import outlet_event_counts
from qingshan.qc.supervision import CaseSink, SiteCases, transmission_rates
from qingshan.standards import api as standards_api
from qingshan.timeseries.store import ObservationStore
from qingshan.web import oidc as oidc_web
from qingshan.web.render import API as API_PREFIX
from qingshan.web.render import NavItem
from qingshan.web.site import mount_web

#: API routers, mounted under /api/v1 in this order
ROUTERS: tuple[APIRouter, ...] = (
    health_api.router,
    accounts_api.router,
    geo_api.router,
    monitoring_api.router,
    water_api.router,
    hj212_api.router,
    standards_api.router,
    qc_api.router,
    archive_api.router,
    case_reports_api.router,  # before cases_api: its /cases/{case_id} would take /cases/stats
    cases_api.router,
    case_sources_api.router,
    enforcement_api.router,
    jobs_api.router,
)

#: dashboard page routers
PAGES: tuple[APIRouter, ...] = (
    oidc_web.router,
    monitoring_web.router,
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
)

#: the top navigation
NAV: tuple[NavItem, ...] = (
    NavItem("/map", "nav.map", ("/", "/map")),
    NavItem("/water", "nav.water", ("/water",)),
    NavItem("/complaints/new", "nav.complaint", ("/complaints/new",), prefixes=("/complaints/",)),
    NavItem("/enterprises", "nav.enterprises", ("/enterprises",), login=True, prefixes=("/qc/",)),
    NavItem(
        "/spot-checks",
        "nav.enforcement",
        ("/spot-checks", "/credit"),
        prefixes=("/spot-checks/", "/credit/"),
    ),  # fmt: skip
    NavItem(
        "/cases",
        "nav.cases",
        ("/cases",),
        login=True,
        prefixes=("/cases/",),
        roles=(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE),
    ),
    NavItem("/devices", "nav.devices", ("/devices",), login=True),
    NavItem("/admin/jobs", "nav.admin_jobs", ("/admin/jobs",), login=True, roles=(Role.PROVINCE,)),
    NavItem(f"{API_PREFIX}/docs", "nav.api"),
)


def outlet_counts(session: Session, site_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """The archive's :class:`OutletCounts`: open cases per outlet from the cases service, QC
    events of the current verdicts from QC's."""
    return open_case_counts(session, site_ids), outlet_event_counts(session, site_ids)


class RecordSources:
    """The archive's :class:`EnterpriseRecordSources`: an enterprise's cases from the cases
    service, its outlets' exceedance events and transmission rate from QC's."""

    def cases(self, session: Session, scope: Scope, enterprise_id: int) -> list[CaseRef]:
        out: list[CaseRef] = []
        page = 1
        while True:
            found = list_cases(session, scope, CaseFilter(enterprise_id=enterprise_id),
                               page=page, per_page=200)  # fmt: skip
            out += [
                CaseRef(c.id, c.number, c.title, c.state.value, c.source, c.category, c.site_id,
                        c.occurred_at, c.registered_at, c.due_at, c.closed_at, c.relapse_count,
                        c.state in OPEN_STATES)
                for c in found.items
            ]  # fmt: skip
            if page * found.per_page >= found.total:
                return out
            page += 1

    def exceedances(self, session: Session, scope: Scope, site_codes: Sequence[str]) -> list:
        out: list[Finding] = []
        for code in site_codes:
            try:
                events = outlet_events(session, scope, code)
            except NotFound:
                continue
            out += [
                Finding(FindingKind.EXCEEDANCE, f"qc_event:{e.id}", e.start,
                        f"{code} {e.parameter_code} 超标 {e.max_multiple:.2f} 倍（{e.periods} 时段）",
                        f"/qc/outlets/{code}", site_id=e.site_id,
                        parameter_code=e.parameter_code)
                for e in events
            ]  # fmt: skip
        return out

    def transmission(
        self,
        session: Session,
        store: ObservationStore,
        site_ids: Sequence[int],
        start: datetime,
        end: datetime,
    ) -> dict[str, Any]:
        expected = reported = valid = exempt = 0
        for site_id in site_ids:
            r = outlet_transmission(session, store, site_id, start, end)
            expected += r["expected"]
            reported += r["reported"]
            valid += r["valid"]
            exempt += r["exempt"]
        return transmission_rates(expected, reported, valid, exempt=exempt)


def providers() -> dict[type, Any]:
    """Protocol a domain publishes → the implementation another domain gives it (read by the
    routes through :func:`qingshan.api.deps.provided`)."""
    return {
        OutletCounts: outlet_counts,
        EnterpriseRecordSources: RecordSources(),
        CreditSummary: credit_summary,
        Jobs: JOBS,
        CaseSink: CASES_SINK,
        SiteCases: site_cases_public,
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
            (r"/complaints/new", photos, "complaint_max_photos"),
            (r"/open311/v2/requests\.(json|xml)", photos, "complaint_max_photos"),
            (r"/cases/handover", files, "max_file_bytes"),
            (rf"{API_PREFIX}/cases/handover", files, "max_file_bytes"),
            (rf"{API_PREFIX}/archive/import", files, "max_file_bytes"),
            (r"/cases/inspections/new", 10 * evidence, "case_evidence_max_bytes"),
        ],
    )
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX, responses=ERROR_RESPONSES)
    mount_web(app, PAGES, NAV)
    install_docs(app, API_PREFIX)
    return app
