"""Province-scale batch work on Dask over the Parquet observation store.

:mod:`.batch` runs QC, roll-ups and indices over a range of history
(``qingshan batch``, :func:`.batch.run_batch`), one task per partition planned by :mod:`.plan`,
each calling the functions the live jobs call; :mod:`.rollups` maps the roll-up kernels of
:mod:`qingshan.timeseries.rollups` over the dataset's hive partitions. The kernels are those
of the single-machine code; this package only maps them over partitions.
"""
