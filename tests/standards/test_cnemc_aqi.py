"""Station AQI as CNEMC publishes it: every complete record of china_sites_20190101.csv.

Fixture: tests/data/china_sites_20190101.csv (CNEMC via yukiyyu/China_health_co-benefits
@ 12f9e98f5a; see /work/shared/data/cnemc/README.md for provenance and format).
"""

from pathlib import Path

import pandas as pd
import pytest

from qingshan.standards.aqi import aqi, aqi_frame

DATA = Path(__file__).parents[1] / "data" / "china_sites_20190101.csv"
KEYS = {"SO2": "SO2_1h", "NO2": "NO2_1h", "CO": "CO_1h", "O3": "O3_1h", "PM10": "PM10_1h",
        "PM2.5": "PM2.5_1h"}  # fmt: skip


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    wide = pd.read_csv(DATA, dtype={"date": str})
    long = wide.melt(id_vars=["date", "hour", "type"], var_name="station")
    table = long.pivot_table(index=["date", "hour", "station"], columns="type", values="value")
    return table.reset_index().rename(columns=KEYS)


def test_every_complete_record_matches_published(records):
    complete = records[[*KEYS.values(), "AQI"]].notna().all(axis=1)
    assert complete.sum() > 27_000
    got = aqi_frame(records.loc[complete], report="realtime", edition="HJ 633-2012")
    mismatch = got["aqi"].astype(float) != records.loc[complete, "AQI"]
    assert not mismatch.any(), records.loc[complete][mismatch.to_numpy()].head()


def test_partial_records_from_what_is_present(records):
    partial = records["AQI"].notna() & records[list(KEYS.values())].isna().any(axis=1)
    assert partial.sum() > 1000
    got = aqi_frame(records.loc[partial], report="realtime", edition="HJ 633-2012")
    assert (got["aqi"].astype(float) == records.loc[partial, "AQI"]).all()


def test_scalar_form_on_a_sample(records):
    complete = records[[*KEYS.values(), "AQI"]].notna().all(axis=1)
    for _, row in records.loc[complete].sample(300, random_state=1).iterrows():
        conc = {k: row[k] for k in KEYS.values()}
        assert aqi(conc, report="realtime", date="2019-01-01").aqi == row["AQI"]


def test_standard_hourly_reading_differs(records):
    """The standard's 2012 real-time reading (PM 24-h moving means, O3 8 h) is not what is
    published: documented in docs/standards.md."""
    cols = {"PM10_24h": "PM10_24h", "PM2.5_24h": "PM2.5_24h", "O3_8h": "O3_8h"}
    frame = records.rename(columns=cols)
    complete = frame[[*KEYS.values(), *cols.values(), "AQI"]].notna().all(axis=1)
    got = aqi_frame(frame.loc[complete], report="hourly", edition="HJ 633-2012")
    share = (got["aqi"].astype(float) == frame.loc[complete, "AQI"]).mean()
    assert share < 0.5
