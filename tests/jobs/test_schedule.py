"""Schedules: cron expressions read in China Standard Time, their errors, intervals, and the
first run a starting scheduler picks."""

from datetime import UTC, datetime, timedelta

import pytest

from qingshan.jobs.errors import BadSchedule
from qingshan.jobs.job import Job, Jobs
from qingshan.jobs.schedule import Cron, Every, cron, every
from qingshan.platform.jobs import JOBS
from qingshan.timeutil import CST


def noop(ctx) -> str:
    return "done"


def test_monthly_cron_crosses_the_month_end_in_cst():
    # "the 1st of each month 08:00": from 2026-01-31 20:00 CST the next is 2026-02-01 08:00 CST
    nxt = cron("0 8 1 * *").next_fire(datetime(2026, 1, 31, 20, 0, tzinfo=CST))
    assert nxt == datetime(2026, 2, 1, 8, 0, tzinfo=CST)
    assert nxt.utcoffset() == timedelta(hours=8)
    assert nxt.astimezone(UTC) == datetime(2026, 2, 1, 0, 0, tzinfo=UTC)


def test_daily_cron_is_read_in_cst_not_utc():
    # 2026-03-10 09:30 UTC is 17:30 CST: today's 16:00 CST has passed → tomorrow 16:00 CST
    daily = cron("0 16 * * *")
    assert daily.next_fire(datetime(2026, 3, 10, 9, 30, tzinfo=UTC)) == datetime(
        2026, 3, 11, 16, 0, tzinfo=CST
    )
    # 2026-03-10 07:59 UTC is 15:59 CST: today's 16:00 CST (08:00 UTC) is still ahead
    assert daily.next_fire(datetime(2026, 3, 10, 7, 59, tzinfo=UTC)) == datetime(
        2026, 3, 10, 8, 0, tzinfo=UTC
    )
    # at the fire time itself, that fire time
    assert daily.next_fire(datetime(2026, 3, 10, 16, 0, tzinfo=CST)) == datetime(
        2026, 3, 10, 16, 0, tzinfo=CST
    )


def test_cron_crosses_the_year_and_the_cst_day_boundary():
    # 2026-12-31 23:30 UTC is already 2027-01-01 07:30 CST: the 08:00 CST run of the 1st is next
    assert cron("0 8 1 * *").next_fire(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == datetime(
        2027, 1, 1, 8, 0, tzinfo=CST
    )
    assert cron("30 0 * * *").next_fire(datetime(2026, 12, 31, 16, 31, tzinfo=UTC)) == datetime(
        2027, 1, 2, 0, 30, tzinfo=CST
    )


@pytest.mark.parametrize(
    ("expr", "first"),
    [
        ("0 9 * * 1", datetime(2026, 2, 2, 9, tzinfo=CST)),  # Monday, as in crontab
        ("0 9 * * 0", datetime(2026, 2, 1, 9, tzinfo=CST)),  # Sunday
        ("0 9 * * 7", datetime(2026, 2, 1, 9, tzinfo=CST)),  # Sunday too
        ("0 9 * * mon-fri", datetime(2026, 2, 2, 9, tzinfo=CST)),
        ("0 9 * * 6", datetime(2026, 2, 7, 9, tzinfo=CST)),  # Saturday
        ("*/15 * * * *", datetime(2026, 1, 31, 20, 15, tzinfo=CST)),
        ("0 8 last * *", datetime(2026, 2, 28, 8, tzinfo=CST)),
        ("0 8 29 2 *", datetime(2028, 2, 29, 8, tzinfo=CST)),
    ],
)
def test_cron_weekdays_follow_crontab(expr, first):
    # from Saturday 2026-01-31 20:00:01 CST
    assert Cron(expr).next_fire(datetime(2026, 1, 31, 20, 0, 1, tzinfo=CST)) == first


@pytest.mark.parametrize(
    ("expr", "field", "message"),
    [
        ("0 16 * *", None, "cron '0 16 \\* \\*' has 4 fields; expected 5: minute hour"),
        ("61 * * * *", "minute", "bad minute field '61': .*higher than the maximum value \\(59\\)"),
        ("0 24 * * *", "hour", "bad hour field '24': .*maximum value \\(23\\)"),
        ("0 x * * *", "hour", "bad hour field 'x'"),
        ("0 8 32 * *", "day of month", "bad day of month field '32'"),
        ("0 8 * 13 *", "month", "bad month field '13'"),
        ("0 8 * * 8", "day of week", "bad day of week field '8': '8' is not a weekday"),
        ("0 8 * * 6-1", "day of week", "the range '6-1' runs backwards"),
        ("0 8 31 2 *", "day of month", "never fires"),
        ("0 8 1 * 1", "day of week", "restricts both day of month and day of week"),
    ],
)
def test_a_bad_cron_names_the_job_and_the_field(expr, field, message):
    with pytest.raises(BadSchedule, match=f"^job 'forecast': .*{message}") as err:
        Job("forecast", noop, cron(expr), "daily forecast")
    assert err.value.context == {"job": "forecast", "field": field}


def test_bad_intervals_names_and_duplicates():
    with pytest.raises(BadSchedule, match="job 'tick': the interval must be positive, got 0:00:00"):
        Job("tick", noop, every(seconds=0), "")
    with pytest.raises(BadSchedule, match="job name 'Daily Forecast': use lower-case letters"):
        Job("Daily Forecast", noop, every(minutes=1), "")
    with pytest.raises(BadSchedule, match="job 'a' is listed twice"):
        Jobs(Job("a", noop, every(minutes=1), ""), Job("a", noop, cron("0 8 * * *"), ""))


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (every(minutes=10), "every 10 min"),
        (every(minutes=90), "every 90 min"),
        (every(hours=2), "every 2 h"),
        (every(days=1), "every 1 day"),
        (every(days=7), "every 7 days"),
        (every(seconds=45), "every 45 s"),
        (every(seconds=0.5), "every 0.5 s"),
        (cron("0  16 * * *"), "cron 0 16 * * * (CST)"),
    ],
)
def test_describe(schedule, text):
    assert schedule.describe() == text


def test_the_registry_keeps_the_intervals():
    assert {name: job.schedule for name, job in JOBS.items()} == {
        "rollups": Every(timedelta(minutes=10)),
        "compact": Every(timedelta(minutes=30)),
        "qc": Every(timedelta(minutes=15)),
        "case-deadlines": Every(timedelta(hours=1)),
        "case-notice": Cron("0 1 1 * *"),
        "credit": Cron("0 2 * * *"),
        "forecast-air": Cron("0 16 * * *"),
        "forecast-water": Cron("0 8 * * *"),
        "target-reminders": Cron("30 8 * * *"),
        "ranking-rollups": Cron("30 1 * * *"),
        "waste-balance": Cron("0 3 2 * *"),
        "indices": Every(timedelta(minutes=10)),
        "zones-fences": Every(timedelta(minutes=10)),
        "zones-sweep": Cron("30 2 * * *"),
        "emergency-gas": Every(timedelta(seconds=30)),
        "vehicles-screening": Cron("30 3 * * *"),
        "emergency-plans": Cron("0 7 * * *"),
        "emergency-radiation": Every(timedelta(minutes=5)),
        "soil-units": Cron("30 7 * * *"),
    }


def test_first_run_of_an_interval_job():
    now = datetime(2026, 2, 1, 8, 0, tzinfo=CST)
    job = every(minutes=10)
    grace = timedelta(hours=1)
    assert job.first_run(now, None, grace) == now  # never ran: at once
    assert job.first_run(now, now - timedelta(minutes=3), grace) == now + timedelta(minutes=7)
    assert job.first_run(now, now - timedelta(hours=5), grace) == now  # overdue: at once


def test_first_run_of_a_cron_job_catches_up_a_run_missed_within_the_grace_time():
    monthly = cron("0 8 1 * *")
    grace = timedelta(hours=1)
    now = datetime(2026, 2, 1, 8, 20, tzinfo=CST)  # the server was down at 08:00
    assert monthly.first_run(now, datetime(2026, 1, 1, 8, 0, tzinfo=CST), grace) == now
    assert monthly.first_run(now, None, grace) == now
    # it did run at 08:00: next month
    ran = datetime(2026, 2, 1, 8, 0, 0, 5000, tzinfo=CST)
    assert monthly.first_run(now, ran, grace) == datetime(2026, 3, 1, 8, 0, tzinfo=CST)
    # beyond the grace time: the missed run is skipped
    later = datetime(2026, 2, 1, 9, 30, tzinfo=CST)
    assert monthly.first_run(later, None, grace) == datetime(2026, 3, 1, 8, 0, tzinfo=CST)
