"""Labels of the soil groundwater pages (issue #24); keys start with soilg.."""

LABELS: dict[str, tuple[str, str]] = {}
