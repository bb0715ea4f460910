"""Labels of the notices and enterprise-onboarding pages (issue #23); keys under their own prefix."""

LABELS: dict[str, tuple[str, str]] = {}
