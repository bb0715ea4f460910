"""The sample-file reader the farmland and groundwater imports share (qingshan.soil.sample_table):
each refusal keeps its words and raises the area's own ImportRejected."""

from __future__ import annotations

import pytest

from qingshan.soil.farmland import sample_import as farmland
from qingshan.soil.farmland.errors import FarmlandError
from qingshan.soil.groundwater import sample_import as groundwater
from qingshan.soil.groundwater.errors import GroundwaterError

MAX = 1 << 20


def test_refusals_name_the_file_and_raise_the_areas_class() -> None:
    with pytest.raises(FarmlandError, match=r"file: no header row with plot_code \(地块编号\) "
                       r"in the first ten rows"):  # fmt: skip
        farmland.parse_samples(b"a,b\n1,2\n", max_bytes=MAX)
    with pytest.raises(GroundwaterError, match=r"file: no header row with well_code "
                       r"\(监测井编号\) in the first ten rows"):  # fmt: skip
        groundwater.parse_samples(b"a,b\n1,2\n", max_bytes=MAX)
    with pytest.raises(GroundwaterError, match="file: no sample rows under the header"):
        groundwater.parse_samples("监测井编号,采样日期,氨氮\n,,\n".encode(), max_bytes=MAX)
    with pytest.raises(GroundwaterError, match=r"row 1: no sampled_on \(采样日期\) column; "
                       r"row 2, column A \(well_code\): no well code"):  # fmt: skip
        groundwater.parse_samples("监测井编号,NH3_N\n,0.2\n".encode(), max_bytes=MAX)


def test_blank_rows_are_skipped_and_rows_numbered_as_the_sheet_does() -> None:
    data = "说明\nwell_code,sampled_on,NH3_N\n,,\nGW-1,2026-05-04,0.31\n".encode()
    (s,) = groundwater.parse_samples(data, max_bytes=MAX)
    assert (s.where, s.well_code, s.values) == ("row 4", "GW-1", {"NH3_N": 0.31})
