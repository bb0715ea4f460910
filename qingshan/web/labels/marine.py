"""Labels of the coastal-waters pages (近岸海域, issue #25): nav.marine and keys starting mar."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.marine": ("近岸海域", "Coastal waters"),
}
