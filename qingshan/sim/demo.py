"""The demo: migrate, build the demo province if absent (:mod:`.loader`), create the demo
accounts and the simulated loggers' devices."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from qingshan.accounts.models import Role, User
from qingshan.accounts.service import create_user
from qingshan.audit import acting_as
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK, evidence_limits
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.emergency.incidents.service import open_incident
from qingshan.hj212.service import register_sim_devices
from qingshan.monitoring.models import LatestValue, Period, Series
from qingshan.sim.demo_air_forecast import seed_demo_air_forecasts
from qingshan.sim.demo_archive import seed_demo_archive
from qingshan.sim.demo_carbon import seed_demo_carbon
from qingshan.sim.demo_carbon_path import seed_demo_peak_paths
from qingshan.sim.demo_cases import seed_demo_cases
from qingshan.sim.demo_complaints import seed_demo_complaints
from qingshan.sim.demo_ecology import seed_demo_ecology
from qingshan.sim.demo_emergency_gas import seed_demo_emergency_gas
from qingshan.sim.demo_emergency_incidents import seed_demo_emergency_incidents
from qingshan.sim.demo_emergency_radiation import seed_demo_emergency_radiation
from qingshan.sim.demo_emergency_resources import seed_demo_emergency_resources
from qingshan.sim.demo_emergency_risk import seed_demo_emergency_risk
from qingshan.sim.demo_enforcement import seed_demo_enforcement
from qingshan.sim.demo_fences import seed_demo_fences
from qingshan.sim.demo_indices import seed_demo_indices
from qingshan.sim.demo_marine import seed_demo_marine
from qingshan.sim.demo_nonroad import seed_demo_nonroad
from qingshan.sim.demo_parks import seed_demo_parks
from qingshan.sim.demo_portal_eia import seed_demo_portal_eia
from qingshan.sim.demo_portal_enterprise import seed_demo_portal_enterprise
from qingshan.sim.demo_portal_notices import seed_demo_portal_notices
from qingshan.sim.demo_portal_rights import seed_demo_portal_rights
from qingshan.sim.demo_soil_farmland import seed_demo_soil_farmland
from qingshan.sim.demo_soil_groundwater import seed_demo_soil_groundwater
from qingshan.sim.demo_soil_sites import seed_demo_soil_sites
from qingshan.sim.demo_soil_units import seed_demo_soil_units
from qingshan.sim.demo_targets import seed_demo_targets
from qingshan.sim.demo_vehicles import seed_demo_rs_obd, seed_demo_vehicles
from qingshan.sim.demo_waste import WASTE_ACCOUNTS, seed_demo_waste
from qingshan.sim.demo_water_forecast import seed_demo_water_forecasts
from qingshan.sim.demo_zones import seed_demo_zones
from qingshan.sim.loader import DemoSummary, build_demo
from qingshan.sim.previous_year import seed_demo_ranking
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import as_utc, utcnow
from qingshan.vehicles.jobs import run_screening
from qingshan.vehicles.store import VehicleStore
from qingshan.zones.fences import FenceEvents, FenceSites
from qingshan.zones.links import EnterpriseLocations

#: demo accounts: username → (role, region, password). Demo mode only; printed at start.
DEMO_ACCOUNTS = {
    "province": (Role.PROVINCE, "330000", "qingshan-demo"),
    "hangzhou": (Role.CITY, "330100", "qingshan-demo"),
    "ningbo": (Role.CITY, "330200", "qingshan-demo"),
    "xihu": (Role.COUNTY, "330106", "qingshan-demo"),
}
DEMO_PASSWORD = "qingshan-demo"
#: the demo's enterprise account: acts for a Hangzhou enterprise with cases (敬请 answer them)
ENTERPRISE_ACCOUNT = "enterprise"


def build_with_progress(
    settings: Settings,
    *,
    scale: str,
    now: datetime | None = None,
    seed: int = 2021,
    console: Console | None = None,
    quiet: bool = False,
    actor: str = "demo",
) -> DemoSummary:
    """Migrate ``settings``' database and build the demo province into its stores (if absent)
    under a Rich progress bar; returns the :class:`~.loader.DemoSummary`."""
    engine = get_engine(settings.db_url)
    upgrade(engine)
    store = ObservationStore(settings.observations_dir)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console or Console(),
        disable=quiet,
    ) as progress:
        task = progress.add_task("构建演示省份 building the demo province", total=1.0)

        def report(fraction: float, what: str = "") -> None:
            progress.update(task, completed=fraction, description=f"构建演示省份 {what}".strip())

        with acting_as(actor):
            summary = build_demo(
                engine, store, scale=scale, now=now or utcnow(), seed=seed, progress=report
            )
        progress.update(task, completed=1.0)
    return summary


@dataclass(frozen=True)
class DemoLinks:
    """The platform's implementations of the Protocols the demo's spatial steps use (the
    simulator sits below the platform and cannot import them): the archive's enterprise
    locations (layers, sweep, parks) and the electronic fences' sites and events."""

    enterprises: EnterpriseLocations
    fence_sites: FenceSites
    fence_events: FenceEvents


def ensure_demo(settings: Settings, *, links: DemoLinks, scale: str = "full",
                console: Console | None = None) -> None:  # fmt: skip
    """Make ``settings``' stores hold the demo province (built once), the demo accounts and, when
    ``settings.sim_loggers`` is set, the simulated loggers' devices. ``links``: the platform's
    wiring (:data:`qingshan.platform.demo_links.DEMO_LINKS`)."""
    console = console or Console()
    summary = build_with_progress(settings, scale=scale, console=console)
    engine = get_engine(settings.db_url)
    console.print(f"demo province: {summary}")
    with acting_as("demo"), session_scope(engine) as session:
        for username, (role, region, password) in DEMO_ACCOUNTS.items():
            if session.scalar(select(User.id).where(User.username == username)) is None:
                create_user(session, username, password, role, region)
    with acting_as("demo"):
        seeded = seed_demo_cases(
            engine,
            ObservationStore(settings.observations_dir),
            now=_demo_now(engine),
            password=DEMO_PASSWORD,
        )
        if seeded is not None:
            console.print(f"demo cases: {seeded}")
        complaints = seed_demo_complaints(engine, now=_demo_now(engine), scale=scale)
        console.print(f"demo complaints and inspection hand-overs: {complaints}")
        files = seed_demo_archive(engine, now=_demo_now(engine))
        if files is not None:
            console.print(f"demo pollution-source files: {files}")
        started = time.monotonic()
        enforcement = seed_demo_enforcement(
            engine, ObservationStore(settings.observations_dir), now=_demo_now(engine)
        )
        if enforcement is not None:
            took = time.monotonic() - started
            console.print(f"demo credit and spot checks ({took:.1f} s): {enforcement}")
        with session_scope(engine) as session:
            _enterprise_account(session)
        started = time.monotonic()
        targets = seed_demo_targets(engine, now=_demo_now(engine), limits=evidence_limits(settings))
        if targets is not None:
            console.print(f"demo targets ({time.monotonic() - started:.1f} s): {targets}")
        started = time.monotonic()
        # the full demo only: the small one is the tests' fixture, whose indices tests compute
        indices = scale == "full" and seed_demo_indices(
            engine, ObservationStore(settings.observations_dir), now=_demo_now(engine)
        )
        if indices:
            console.print(f"demo indices ({time.monotonic() - started:.1f} s): {indices}")
        started = time.monotonic()
        ranking = seed_demo_ranking(
            engine, ObservationStore(settings.observations_dir), now=_demo_now(engine)
        )
        if ranking is not None:
            console.print(f"demo ranking ({time.monotonic() - started:.1f} s): {ranking}")
        water = seed_demo_water_forecasts(
            engine, ObservationStore(settings.observations_dir), settings.data_dir,
            now=_demo_now(engine), threshold=settings.forecast_water_warning_threshold,
        )  # fmt: skip
        if water is not None:
            console.print(f"demo water forecasts: {water}")
        air = seed_demo_air_forecasts(
            engine, ObservationStore(settings.observations_dir), settings.data_dir,
            now=_demo_now(engine),
        )  # fmt: skip
        if air is not None:
            console.print(f"demo air forecasts: {air}")
        started = time.monotonic()
        carbon = seed_demo_carbon(engine, now=_demo_now(engine))
        if carbon is not None:
            console.print(f"demo carbon accounts ({time.monotonic() - started:.1f} s): {carbon}")
        paths = seed_demo_peak_paths(engine)
        if paths is not None:
            console.print(f"demo carbon peak paths: {paths}")
        waste = seed_demo_waste(
            engine, now=_demo_now(engine), sink=CASES_SINK, password=DEMO_PASSWORD
        )
        if waste is not None:
            console.print(f"demo hazardous waste: {waste}")
        started = time.monotonic()
        zones = seed_demo_zones(engine, links.enterprises, now=_demo_now(engine))
        if zones is not None:
            console.print(f"demo spatial layers ({time.monotonic() - started:.1f} s): {zones}")
        started = time.monotonic()
        parks = seed_demo_parks(engine, links.enterprises, now=_demo_now(engine),
                                limits=evidence_limits(settings))  # fmt: skip
        if parks is not None:
            console.print(
                f"demo zero-discharge parks ({time.monotonic() - started:.1f} s): {parks}"
            )
        started = time.monotonic()
        vehicles = seed_demo_vehicles(engine, VehicleStore.in_data_dir(settings.data_dir), now=_demo_now(engine),
                                      n_vehicles=300_000 if scale == "full" else 5_000)  # fmt: skip
        if vehicles is not None:
            console.print(f"demo vehicles ({time.monotonic() - started:.1f} s): {vehicles}")
        started = time.monotonic()
        nonroad = seed_demo_nonroad(engine, now=_demo_now(engine))
        if nonroad is not None:
            console.print(
                f"demo non-road machinery zones ({time.monotonic() - started:.1f} s): {nonroad}"
            )
        started = time.monotonic()
        rs_obd = seed_demo_rs_obd(
            VehicleStore.in_data_dir(settings.data_dir), now=_demo_now(engine), scale=scale
        )
        if rs_obd is not None:
            console.print(
                f"demo vehicle remote sensing and OBD ({time.monotonic() - started:.1f} s): {rs_obd}"
            )
            started = time.monotonic()
            with acting_as("demo"), session_scope(engine) as session:
                run = run_screening(session, CASES_SINK, VehicleStore.in_data_dir(settings.data_dir),
                                    now=min(as_utc(_demo_now(engine), naive_is=UTC), utcnow()))  # fmt: skip
            console.print(
                f"demo vehicles-screening ({time.monotonic() - started:.1f} s): {run.summary()}"
            )
        # the emergency areas: risk first (its graded enterprises), incidents last
        started = time.monotonic()
        risk = seed_demo_emergency_risk(engine, now=_demo_now(engine), sink=CASES_SINK)
        if risk is not None:
            console.print(f"demo risk enterprises ({time.monotonic() - started:.1f} s): {risk}")
        started = time.monotonic()
        stock = seed_demo_emergency_resources(engine, now=_demo_now(engine))
        if stock is not None:
            console.print(f"demo emergency resources ({time.monotonic() - started:.1f} s): {stock}")
        started = time.monotonic()
        toxic = seed_demo_emergency_gas(engine, ObservationStore(settings.observations_dir),
                                        now=_demo_now(engine), open_incident=open_incident,
                                        sink=CASES_SINK)  # fmt: skip
        if toxic is not None:
            console.print(f"demo toxic-gas warning ({time.monotonic() - started:.1f} s): {toxic}")
        started = time.monotonic()
        radiation = seed_demo_emergency_radiation(engine, ObservationStore(settings.observations_dir),
                                                  now=_demo_now(engine), sink=CASES_SINK,
                                                  days=365 if scale == "full" else 60)  # fmt: skip
        if radiation is not None:
            took = time.monotonic() - started
            console.print(f"demo radiation safety ({took:.1f} s): {radiation}")
        # incidents last of the emergency areas (their past incident may use the others)
        started = time.monotonic()
        incidents = seed_demo_emergency_incidents(
            engine, ObservationStore(settings.observations_dir), now=_demo_now(engine)
        )
        if incidents is not None:
            took = time.monotonic() - started
            console.print(f"demo emergency incidents ({took:.1f} s): {incidents}")
        portal = seed_demo_portal_enterprise(engine, now=_demo_now(engine))
        if portal is not None:
            console.print(f"demo enterprise portal: {portal}")
        started = time.monotonic()
        eia = seed_demo_portal_eia(engine, now=_demo_now(engine))
        if eia is not None:
            console.print(f"demo EIA and permits ({time.monotonic() - started:.1f} s): {eia}")
        notices = seed_demo_portal_notices(engine, now=_demo_now(engine))
        if notices is not None:
            console.print(f"demo notices and applications: {notices}")
        rights = seed_demo_portal_rights(engine, now=_demo_now(engine))
        if rights is not None:
            console.print(f"demo emission rights: {rights}")
        started = time.monotonic()
        soil_sites = seed_demo_soil_sites(engine, now=_demo_now(engine))
        if soil_sites is not None:
            took = time.monotonic() - started
            console.print(f"demo contaminated sites ({took:.1f} s): {soil_sites}")
        started = time.monotonic()
        farmland = seed_demo_soil_farmland(engine, now=_demo_now(engine),
                                           n_plots=200 if scale == "full" else 80)  # fmt: skip
        if farmland is not None:
            console.print(f"demo farmland ({time.monotonic() - started:.1f} s): {farmland}")
        started = time.monotonic()
        wells = seed_demo_soil_groundwater(engine, ObservationStore(settings.observations_dir),
                                           now=_demo_now(engine))  # fmt: skip
        if wells is not None:
            console.print(f"demo groundwater ({time.monotonic() - started:.1f} s): {wells}")
        started = time.monotonic()
        units = seed_demo_soil_units(engine, now=_demo_now(engine), sink=CASES_SINK)
        if units is not None:
            console.print(f"demo key soil units ({time.monotonic() - started:.1f} s): {units}")
        started = time.monotonic()
        marine = seed_demo_marine(engine, ObservationStore(settings.observations_dir),
                                  now=_demo_now(engine), sink=CASES_SINK)  # fmt: skip
        if marine is not None:
            console.print(f"demo coastal waters ({time.monotonic() - started:.1f} s): {marine}")
        started = time.monotonic()
        ecology = seed_demo_ecology(engine, now=_demo_now(engine))
        if ecology is not None:
            console.print(f"demo ecology ({time.monotonic() - started:.1f} s): {ecology}")
        # the fences last: their alerts cover every located case the steps above opened
        started = time.monotonic()
        fences = seed_demo_fences(engine, links.fence_sites, links.fence_events, now=_demo_now(engine),
                                  limits=evidence_limits(settings))  # fmt: skip
        if fences is not None:
            console.print(f"demo electronic fences ({time.monotonic() - started:.1f} s): {fences}")
    if settings.sim_loggers:
        added = register_sim_devices(engine, settings.sim_loggers)
        console.print(
            f"HJ 212: {settings.sim_loggers} simulated data loggers on the outlets "
            f"({added} devices newly registered, password 123456) → port {settings.hj212_port}"
        )
    console.print(
        "demo accounts (password qingshan-demo): "
        + ", ".join(f"{u} ({r.value} {c})" for u, (r, c, _) in DEMO_ACCOUNTS.items())
        + f", {ENTERPRISE_ACCOUNT} (enterprise), "
        + ", ".join(f"{u} (enterprise: waste {w})" for u, w in WASTE_ACCOUNTS.items())
        + "; acceptance signers: "
        + "hangzhou (department) and hangzhou-gov (government) for 杭州市, "
        + "<city>-dept and <city>-gov for the other cities"
    )


def _demo_now(engine) -> datetime:
    """The demo's present: the hour after its newest hourly value (the data end at the last
    whole hour before the "now" the demo was built at). Only hourly series count: the minute
    series seeded up to the present (chemical-park boundary stations) would move it an hour on
    at each step of the build, ahead of the clock."""
    with session_scope(engine) as session:
        last = session.scalar(
            select(func.max(LatestValue.time))
            .join(Series, Series.id == LatestValue.series_id)
            .where(Series.period == Period.HOUR)
        )
    return (last or utcnow()) + timedelta(hours=1)


def _enterprise_account(session) -> None:
    """The enterprise demo account, acting for the Hangzhou enterprise with the most cases."""
    if session.scalar(select(User.id).where(User.username == ENTERPRISE_ACCOUNT)) is not None:
        return
    row = session.execute(
        select(CaseRecord.enterprise_id, CaseRecord.region_code, func.count())
        .where(CaseRecord.enterprise_id.is_not(None), CaseRecord.region_code.startswith("3301"))
        .group_by(CaseRecord.enterprise_id, CaseRecord.region_code)
        .order_by(func.count().desc(), CaseRecord.enterprise_id)
        .limit(1)
    ).first()
    if row is None:
        return
    create_user(session, ENTERPRISE_ACCOUNT, DEMO_PASSWORD, Role.ENTERPRISE, row[1],
                enterprise_id=row[0], display_name="企业用户")  # fmt: skip
