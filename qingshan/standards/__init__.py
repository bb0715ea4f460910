"""Pure, vectorised implementations of the national environmental-quality standards.

One module per standard: :mod:`.aqi` (HJ 633-2012 / HJ 633-2026), :mod:`.air_assessment`
(HJ 663, GB 3095), :mod:`.water_quality` (GB 3838-2002 and the 2011 evaluation method),
:mod:`.cwqi`, :mod:`.emission_limits` and :mod:`.pollutant_codes` (HJ 212-2017 Appendix B).
Nothing here performs I/O.
"""
