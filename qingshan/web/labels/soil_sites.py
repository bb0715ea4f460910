"""Labels of the soil sites pages (issue #24); keys start with soils.."""

LABELS: dict[str, tuple[str, str]] = {}
