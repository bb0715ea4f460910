"""The subjects vehicle cases are reported about, as keys (pure): every case the vehicles domain
opens (source ``vehicle_exhaust``, 机动车排气) carries its subject as the report's ``group_key``,
which the cases service stores with the report and looks cases up by
(:func:`qingshan.cases.service.subject_cases`):

- a plate judged a repeat high emitter by remote sensing: ``vehicles:rs:<plate>``;
- a heavy diesel truck flagged by its OBD stream: ``vehicles:obd:<vin>``;
- an I/M station flagged by the fraud checks: ``vehicles:im:<station code>``;
- a non-road machine in a low-emission zone: ``vehicles:lez:<machine code>``.
"""

from __future__ import annotations

__all__ = ["CASE_SOURCE", "plate_subject", "truck_subject", "station_subject", "machine_subject"]

#: the cases' source of every vehicle case (机动车排气)
CASE_SOURCE = "vehicle_exhaust"


def plate_subject(plate: str) -> str:
    """The subject key of a plate's remote-sensing cases."""
    return f"vehicles:rs:{plate}"


def truck_subject(vin: str) -> str:
    """The subject key of a truck's OBD cases."""
    return f"vehicles:obd:{vin}"


def station_subject(station_code: str) -> str:
    """The subject key of an I/M station's fraud cases."""
    return f"vehicles:im:{station_code}"


def machine_subject(machine_code: str) -> str:
    """The subject key of a non-road machine's low-emission-zone cases."""
    return f"vehicles:lez:{machine_code}"
