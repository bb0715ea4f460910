"""Labels of the public pages of the application services (issue #23); keys under their own prefix."""

LABELS: dict[str, tuple[str, str]] = {}
