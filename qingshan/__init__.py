"""Qingshan (青山): an eco-environmental governance platform.

Monitoring intake (HJ 212-2017), the official indices (HJ 633, GB 3838, CWQI), data QC,
forecasts, the pollution-source archive and the closed-loop case workflow.
"""

__version__ = "0.1.0"
