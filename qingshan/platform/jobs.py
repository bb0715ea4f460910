"""The registry of periodic jobs: every job the platform runs, with its schedule.

A job is one line: a name, the function (``(ctx: JobContext) -> str``), a schedule and what it
does. A schedule is an interval, ``every(minutes=10)``, or a crontab expression read in China
Standard Time, ``cron("0 16 * * *")`` (16:00 CST every day) or ``cron("0 8 1 * *")`` (08:00 CST
on the 1st of each month); a bad expression fails here, at import, naming the job and the
field. ``qingshan serve`` runs them (:mod:`qingshan.jobs.runner`), ``qingshan jobs list`` shows
them with their last runs, ``qingshan jobs run NAME`` runs one now.
"""

from __future__ import annotations

from qingshan.cases.jobs import run_deadlines
from qingshan.cases.reports_jobs import run_monthly_notice
from qingshan.cases.service import CASES_SINK
from qingshan.emergency.gas.service import judge_now as judge_gas
from qingshan.emergency.incidents.service import open_incident
from qingshan.emergency.radiation.service import run_check as run_radiation_check
from qingshan.emergency.risk.service import run_emergency_plans
from qingshan.enforcement.jobs import run_credit
from qingshan.forecast.jobs import run_forecast_air
from qingshan.forecast.water_jobs import run_forecast_water
from qingshan.indices.jobs import run_indices
from qingshan.jobs.builtin import compact, rollups
from qingshan.jobs.job import Job, JobContext, Jobs
from qingshan.jobs.schedule import cron, every
from qingshan.platform.zones_fences_links import FENCE_EVENTS, FENCE_SITES
from qingshan.platform.zones_links import ENTERPRISE_LOCATIONS
from qingshan.qc.jobs import run_qc
from qingshan.soil.units.service import run_soil_units
from qingshan.targets.jobs import run_reminders
from qingshan.targets.ranking_jobs import run_ranking_rollups
from qingshan.timeseries.store import ObservationStore
from qingshan.vehicles.jobs import run_vehicles_screening
from qingshan.waste.jobs import run_waste_balance
from qingshan.zones.fences_jobs import run_fences
from qingshan.zones.jobs import run_zones_sweep


def qc(ctx: JobContext) -> str:
    """The ``qc`` job with the cases' sink: events and fraud-pattern runs open cases."""
    return run_qc(ctx, sink=CASES_SINK)


def forecast_water(ctx: JobContext) -> str:
    """The ``forecast-water`` job with the cases' sink: warnings open cases."""
    return run_forecast_water(ctx, sink=CASES_SINK)


def waste_balance(ctx: JobContext) -> str:
    """The ``waste-balance`` job with the cases' sink: unclosed balances, the dumping pattern
    and storage past its limit open cases."""
    return run_waste_balance(ctx, sink=CASES_SINK)


def zones_fences(ctx: JobContext) -> str:
    """The ``zones-fences`` job with the registry's sections, outlets, cases and complaints and
    the cases' sink: an outlet inside a source's fence opens a case."""
    return run_fences(ctx, FENCE_SITES, FENCE_EVENTS, sink=CASES_SINK)


def zones_sweep(ctx: JobContext) -> str:
    """The ``zones-sweep`` job with the archive's enterprise locations and the cases' sink."""
    return run_zones_sweep(ctx, CASES_SINK, ENTERPRISE_LOCATIONS)


def vehicles_screening(ctx: JobContext) -> str:
    """The ``vehicles-screening`` job with the cases' sink: repeat high emitters, suspicious I/M
    stations and OBD trucks open cases."""
    return run_vehicles_screening(ctx, CASES_SINK)


def emergency_gas(ctx: JobContext) -> str:
    """The ``emergency-gas`` job: every new reading of the chemical parks' boundary stations
    judged against its substance's set-points (GB/T 50493-2019); a level-2 alarm opens an
    incident, a level-1 alarm not acknowledged in time a case (cases' sink)."""
    store = ObservationStore(ctx.settings.observations_dir)
    try:
        return judge_gas(ctx.engine, store, open_incident=open_incident, sink=CASES_SINK).summary()
    finally:
        store.close()


def emergency_plans(ctx: JobContext) -> str:
    """The ``emergency-plans`` job with the cases' sink: an expired plan of a 较大/重大 risk
    enterprise opens a case (once)."""
    return run_emergency_plans(ctx, CASES_SINK)


def soil_units(ctx: JobContext) -> str:
    """The ``soil-units`` job with the cases' sink: overdue hidden-danger checks, exceeding
    self-monitoring and missing discharge reports of the key soil-supervised units → cases (once)."""
    return run_soil_units(ctx, CASES_SINK)


def emergency_radiation(ctx: JobContext) -> str:
    """The ``emergency-radiation`` job with the cases' sink and the incidents' opener: the new
    position reports of mobile sources against their fences and the dose alarm."""
    return run_radiation_check(ctx, CASES_SINK, open_incident=open_incident)


JOBS = Jobs(
    Job("rollups", rollups, every(minutes=10), "hour → day → month means with coverage (GB 3095-2012 §8.2 Table 4)"),
    Job("compact", compact, every(minutes=30), "rewrite observation partitions of many small files into one sorted file"),
    Job("qc", qc, every(minutes=15), "QC verdicts of every outlet's recent CST days; exceedance events and fraud patterns → cases"),
    Job("case-deadlines", run_deadlines, every(minutes=60), "案件期限: reminders before due, overdue cases, escalation 通报 → 督办 → 约谈 → 问责"),
    Job("case-notice", run_monthly_notice, cron("0 1 1 * *"), "月调度通报: the province's monthly dispatch notice of the month just ended, stored for re-reading"),
    Job("credit", run_credit, cron("0 2 * * *"), "环境信用: every enterprise's credit grade recomputed from its record by the published rule; a history row when a grade changes"),
    Job("forecast-air", run_forecast_air, cron("0 16 * * *"), "每日空气质量预报: the 11 cities' AQI, level and primary pollutant of the next 3 days with intervals, from the complete days before today; stored, never rewritten (a re-run the same day does nothing)"),
    Job("forecast-water", forecast_water, cron("0 8 * * *"), "地表水水质预测预警: at 08:00 CST, each section's DO, CODMn, NH3-N and TP 7 days (daily) and 24 h (hourly) ahead with conformal intervals, the probability of missing its target class (GB 3838-2002); warnings above the threshold open cases"),
    Job("target-reminders", run_reminders, cron("30 8 * * *"), "目标任务提醒: at 08:30 CST, a reminder to each city whose target is not met 30 and 7 days before its deadline"),
    Job("ranking-rollups", run_ranking_rollups, cron("30 1 * * *"), "环境质量排名: at 01:30 CST, the cities' and counties' daily air statistics and the sections' monthly means of the previous and current month, which the public ranking reads (环办监测〔2018〕19号, 〔2017〕51号)"),
    Job("waste-balance", waste_balance, cron("0 3 2 * *"), "危险废物物料平衡: at 03:00 CST on the 2nd, the previous month's balance of every producer (generated = Δstock + transferred + self-handled) and facility (received = processed + Δstock), the dumping pattern and storage past its limit (固废法 Art. 81) → cases"),
    Job("indices", run_indices, every(minutes=10), "AQI (HJ 633) of every air station by hour and day, water class (GB 3838-2002) of every section sample, each city's monthly CWQI, stored as derived series after the roll-ups"),
    Job("zones-fences", zones_fences, every(minutes=10), "电子围栏: fences around every water section and drinking-water source (redrawn when a site moves), outlets, cases and complaints located inside → alerts on the section's page; an outlet inside a source's fence → case"),
    Job("zones-sweep", zones_sweep, cron("30 2 * * *"), "企业空间排查: at 02:30 CST, every archived enterprise's location against the red lines and 一级 drinking-water source zones in force; each enterprise inside → one case per feature (a re-run opens none twice)"),
    Job("emergency-gas", emergency_gas, every(seconds=30), "有毒有害气体预警: every 30 s (the boundary stations report each minute), every new reading of the chemical parks' boundary stations against its substance's alarm levels (GB/T 50493-2019: 100 % / 200 % of the GBZ 2.1-2019 OEL); escalation, clearing; level 2 → incident, level 1 unacknowledged for 30 min → case"),
    Job("vehicles-screening", vehicles_screening, cron("30 3 * * *"), "机动车排气筛查: at 03:30 CST, the remote-sensing repeat rule over the last 6 natural months of readings, the five I/M station-fraud checks over last month's tests, SCR failure and data gaps over the last 30 days of truck OBD → cases (机动车排气; a re-run opens none twice)"),
    Job("emergency-plans", emergency_plans, cron("0 7 * * *"), "应急预案到期提醒: at 07:00 CST, the enterprise emergency plans whose 3-yearly review falls within 60 days, the expired ones, and one case (环境应急) per expired plan of a 较大/重大 risk enterprise (HJ 941-2018 grade; a re-run opens none twice)"),
    Job("emergency-radiation", emergency_radiation, every(minutes=5), "移动放射源在线监控: every 5 min, the new position reports of mobile radioactive sources against their licensed work area (fence) and the container dose alarm; one alert and one case (环境应急) per excursion, an incident when a class II source stays out for an hour"),
    Job("soil-units", soil_units, cron("30 7 * * *"), "土壤污染重点监管单位: at 07:30 CST, hidden-danger checks past their due date, self-monitoring over the GB 36600-2018 second-category screening value or worse than GB/T 14848-2017 class IV, yearly discharge reports not filed by 31 March → one case each (土壤; a re-run opens none twice)"),
)  # fmt: skip
