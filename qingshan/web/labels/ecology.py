"""Labels of the ecology pages (生态与生物多样性, issue #25): nav.ecology and keys starting eco."""

LABELS: dict[str, tuple[str, str]] = {
    "nav.ecology": ("生态状况", "Ecology"),
}
