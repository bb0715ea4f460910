"""Geography: Zhejiang's administrative regions and city boundaries.

:mod:`.regions` (GB/T 2260 codes, the prefix scope rule, seeding the ``region`` table),
:mod:`.boundaries` (the 11 cities as GeoJSON, from Apache ECharts 4.9.0), :mod:`.api` (their
routes) and :mod:`.models` (the ``region`` table).
"""
