"""The platform's wiring handed to the demo build (:class:`qingshan.sim.demo.DemoLinks`): the
simulator sits below the platform and reaches the archive's enterprises and the fences' sites
and events only through the Protocols the platform implements."""

from __future__ import annotations

from qingshan.platform.zones_fences_links import FENCE_EVENTS, FENCE_SITES
from qingshan.platform.zones_links import ENTERPRISE_LOCATIONS
from qingshan.sim.demo import DemoLinks

__all__ = ["DEMO_LINKS"]

DEMO_LINKS = DemoLinks(ENTERPRISE_LOCATIONS, FENCE_SITES, FENCE_EVENTS)
