"""Dask jobs over the Parquet observation store for province-scale batch work.

The kernels are those of the single-machine code (:mod:`qingshan.timeseries.rollups`); this
package only maps them over partitions of the dataset.
"""
