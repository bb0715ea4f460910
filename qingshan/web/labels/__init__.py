"""Label catalogs of domains with many pages, one module per area, merged into
:data:`qingshan.web.i18n.LABELS` (each module: ``LABELS: dict[str, tuple[str, str]]``, key →
(Chinese, English)). A key defined twice is an error at import, naming the key and both modules."""

from __future__ import annotations

from importlib import import_module

__all__ = ["CATALOGS", "merged"]

#: the catalog modules, under qingshan.web.labels
CATALOGS: tuple[str, ...] = (
    "emergency",
    "emergency_risk",
    "emergency_resources",
    "emergency_incidents",
    "emergency_gas",
    "emergency_radiation",
    "portal_enterprise",
    "portal_public",
    "portal_rights",
    "portal_eia",
    "portal_notices",
    "soil",
    "soil_sites",
    "soil_units",
    "soil_farmland",
    "soil_groundwater",
    "marine",
    "ecology",
)


def merged(base: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """``base`` with every catalog's labels added; a key already defined raises ``KeyError``."""
    out = dict(base)
    owner = dict.fromkeys(base, "qingshan/web/i18n.py")
    for name in CATALOGS:
        labels: dict[str, tuple[str, str]] = import_module(f"{__name__}.{name}").LABELS
        for key, pair in labels.items():
            if key in out:
                raise KeyError(
                    f"label {key!r} defined twice: in {owner[key]} and qingshan/web/labels/{name}.py"
                )
            out[key], owner[key] = pair, f"qingshan/web/labels/{name}.py"
    return out
