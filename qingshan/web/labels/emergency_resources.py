"""Labels of the emergency-command resources pages (issue #22); keys under their own prefix."""

LABELS: dict[str, tuple[str, str]] = {}
