"""Pure, vectorised implementations of the national environmental-quality standards.

One module per standard: :mod:`.aqi` (HJ 633-2012 / HJ 633-2026), :mod:`.air_assessment`
(HJ 663, GB 3095), :mod:`.water_quality` (GB 3838-2002 and the 2011 evaluation method),
:mod:`.cwqi`, :mod:`.emission_limits`, :mod:`.pollutant_codes` (HJ 212-2017 Appendix B),
:mod:`.soil_construction` (GB 36600-2018), :mod:`.soil_farmland` (GB 15618-2018),
:mod:`.groundwater` (GB/T 14848-2017), :mod:`.seawater` (GB 3097-1997 and the coastal grade) and
:mod:`.ecological_status` (HJ 192-2015). Each table cell carries its confidence (confirmed in the
standard's own text, MC, U); see ``docs/standards-*.md``. Nothing here performs I/O.
"""
