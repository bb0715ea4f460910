"""Labels of the soil units pages (issue #24); keys start with soilu.."""

LABELS: dict[str, tuple[str, str]] = {}
