"""Indices stored as derived series: AQI (HJ 633), water class (GB 3838-2002), CWQI."""
