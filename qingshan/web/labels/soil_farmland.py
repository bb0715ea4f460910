"""Labels of the soil farmland pages (issue #24); keys start with soilf.."""

LABELS: dict[str, tuple[str, str]] = {}
