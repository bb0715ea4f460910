"""The whole API fuzzed from its own OpenAPI schema (schemathesis), anonymous and signed in as
the province, on a copy of the small demo province: no 5xx, every answer's status and body
documented, schema-valid requests accepted and schema-violating ones refused.

Bounded (design.md, Budgets): a fixed seed and at most 25 examples per operation and caller.
The app is made when the module is collected (schemathesis reads its schema then) on an empty
data directory, which a fixture fills with the demo before the first request.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from qingshan.config import Settings
from qingshan.db.engine import dispose_engines
from qingshan.platform.app import create_app

MAX_EXAMPLES = 25

DATA_DIR = Path(tempfile.mkdtemp(prefix="qingshan-fuzz-"))
APP = create_app(Settings(data_dir=DATA_DIR, demo=True, scheduler=False, hj212_listener=False))
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
#: no NUL byte in generated data: the API refuses one everywhere (PostgreSQL's text cannot hold it;
#: qingshan.api.limits.NoNul, tests/api/test_bad_input.py checks the refusals), which a JSON
#: schema cannot say, so a schema-valid string with a NUL is not a valid request here
schema.config.generation.update(allow_x00=False)

FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module", autouse=True)
def demo_data(small_demo_dir):
    shutil.copytree(small_demo_dir, DATA_DIR, dirs_exist_ok=True)
    yield
    dispose_engines()
    APP.state.store.close()
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="module")
def province_headers(demo_data) -> dict[str, str]:
    r = TestClient(APP).post(
        "/api/v1/auth/login", data={"username": "province", "password": "qingshan-demo"}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


#: uploads whose files are checked by their content
CONTENT_CHECKED = ("/evidence", "/cases/handover", "/archive/import", "/carbon/import",
                   "/waste/declarations/import", "/zones/layers", "/vehicles/import/{kind}",
                   "/emergency/resources/import/{kind}", "/emergency/radiation/positions/import",
                   "/emergency/radiation/sources/import", "/ecology/status/import",
                   "/ecology/records/import", "/marine/outfalls/import",
                   "/marine/stations/import", "/marine/rivers/import")  # fmt: skip

#: bodies checked against the platform's records and rules, which a schema cannot say: a
#: month inside the accounting range (carbon), a waste code in the list in force on its date,
#: a facility's licence term and codes, whose turn it is to sign a manifest, a lot already
#: taken out, a cross-province approval's parties in different provinces and its number new, a siting-check site inside the province with a valid geometry. Schema-valid values are rightly refused there (422 or 409 naming the field);
#: schema-violating ones are still checked.
RULE_CHECKED = (
    "/carbon/activity", "/carbon/peak-path/{region_code}", "/waste/manifests/{manifest_id}/signatures",
    "/waste/manifests/{manifest_id}/corrections", "/waste/facilities",
    "/waste/plans/{enterprise_id}/{year}", "/waste/declarations", "/waste/storage",
    "/waste/storage/{lot_id}/out", "/waste/approvals",
    "/zones/siting-check",  # a site inside Zhejiang, a closed valid ring, a GB/T 4754 code
    "/vehicles/v/{vin}",  # a VIN's check digit and letters; the 422 names the position
    "/vehicles/obd/trucks/{vin}",  # the same VIN rule
    "/vehicles/rs/readings",  # a plate (GA 36-2018) or a site; the 422 names the character
    # a command's fields by its kind (a back-fill needs its period, begin and end; HJ 212-2017 CN
    # codes), refused 422 naming the field
    "/hj212/devices/{mn}/commands",
    # a position inside Zhejiang, a known depot of the caller's region, a county code
    "/emergency/resources/depots", "/emergency/resources/materials", "/emergency/resources/teams",
    "/emergency/resources/experts",
    # a county of the caller's region, known facts with valid values, the next stage only, an
    # order given by the leading tier on an open incident
    "/emergency/incidents", "/emergency/incidents/{incident_id}/stage",
    "/emergency/incidents/{incident_id}/facts", "/emergency/incidents/{incident_id}/orders",
    "/emergency/incidents/{incident_id}/orders/{order_id}/done",
    # a known nuclide, a county of the caller's region, a reference date not after today, an
    # archive enterprise; a registered mobile source of the caller's region
    "/emergency/radiation/sources", "/emergency/radiation/positions",
    # a park boundary: a closed valid ring inside Zhejiang in its county; a station within 1 km
    # of a park of the caller's region, an MN not yet registered, substances with thresholds
    "/emergency/gas/parks", "/emergency/gas/stations",
    # a point inside Zhejiang, a GB/T 4754 code, an approval number of its year, an
    # enterprise of the caller's region; a warning standing now
    "/portal/eia/approvals", "/portal/eia/applications", "/portal/eia/warnings/{key}/case",
    # a region inside the caller's, listed enterprises of it, the next state only (notices); a
    # credit code with its check character naming an archive enterprise, a free username, a
    # password that is not the username, an application of the caller's region still pending
    "/portal/notices", "/portal/notices/{notice_id}/publish", "/portal/notices/{notice_id}/withdraw",
    "/portal/notices/{notice_id}", "/portal/notices/{notice_id}/attachments",  # a draft; a file by its content
    "/portal/onboarding/registrations", "/portal/onboarding/accounts",
    "/portal/onboarding/registrations/{registration_id}/reject",
    # emission rights: accounts of the caller's region, a balance that stays ≥ 0 and within the
    # permit cap on every later day, a lease ending after it starts, a movement not yet
    # reversed; a cap change decided by an officer of a higher level than the asker
    "/portal/rights/movements", "/portal/rights/movements/{movement_id}/reverse",
    "/portal/rights/cap-changes", "/portal/rights/cap-changes/{change_id}/decision",
    # contaminated sites: a valid boundary inside Zhejiang in a county of the caller's region, a
    # new register code, a known planned use and GB 36600 item; one stage forward or back with a
    # reason; samples with depth, unit mg/kg and known items; a site of the caller's region
    "/soil/sites", "/soil/sites/{site_id}", "/soil/sites/{site_id}/stage",
    "/soil/sites/{site_id}/samples", "/soil/sites/{site_id}/samples/file",
    "/soil/sites/{site_id}/plan", "/soil/sites/{site_id}/plan/{item_id}",
    # key soil units: an enterprise of the caller's region not yet listed; a year the unit is
    # listed in, a done date within it; samples with depth, the medium's unit and known items
    # (GB 36600 / GB/T 14848); one report per listed, ended year
    "/soil/units", "/soil/units/{unit_id}/checks", "/soil/units/{unit_id}/samples",
    "/soil/units/{unit_id}/reports",
    # groundwater and farmland: a county of the caller's region, a new well/plot/zone code, a
    # valid polygon inside Zhejiang; samples of a known well or plot of the region with known
    # GB/T 14848 / GB 15618 keys, pH 0–14, depth and unit, not already stored; a measure that
    # fits the plot's category (files: checked by their content)
    "/soil/groundwater/wells", "/soil/groundwater/samples", "/soil/groundwater/samples/file",
    "/soil/groundwater/zones", "/soil/groundwater/zones/file",
    "/soil/farmland/plots", "/soil/farmland/samples", "/soil/farmland/samples/file",
    "/soil/farmland/plots/{plot_id}/measures",
    # sea outfalls and stations: a point in a county of the caller's region, an archive
    # enterprise, a new code; the next stage only, not in the future; a station of the region
    "/marine/outfalls", "/marine/outfalls/{outfall_id}/stage", "/marine/outfalls/{outfall_id}/samples",
    "/marine/stations/{code}/samples",
    # ecology: a county of the caller's region, restriction events the standard names (EI
    # inputs); a record's point inside Zhejiang in the caller's region, its date not after today,
    # a known survey area; survey dates in order and not after today
    "/ecology/status/inputs", "/ecology/records", "/ecology/surveys/{area_id}/dates",
)  # fmt: skip


#: an exported table: past its row bound it is refused by its body's size (413) before its
#: schema (422); a row longer than the columns (422) is a rule the schema cannot say
BODY_BOUNDED = ("/export/table",)


def _excluded(case) -> list:
    """A file checked by its content (an evidence photo: magic bytes, qingshan.cases.evidence;
    a hand-over list or an archive workbook: sheets, columns and rows) cannot be described by
    the schema: random bytes are schema-valid and rightly refused (415, 422)."""
    if case.operation.path.endswith(CONTENT_CHECKED + RULE_CHECKED):
        return [positive_data_acceptance]
    if case.operation.path.endswith(BODY_BOUNDED):
        return [negative_data_rejection, positive_data_acceptance]
    return []


@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_anonymous(case):
    case.call_and_validate(excluded_checks=_excluded(case))


@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_signed_in(case, province_headers):
    case.call_and_validate(headers=province_headers, excluded_checks=_excluded(case))
