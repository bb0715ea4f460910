"""The shape of any input a standard's function accepts (scalar, ``Decimal``, ``str``, sequence,
ndarray, Series), typed. NumPy's ``np.ndim`` / ``np.size`` / ``np.ravel`` give the same answers
but their stubs accept array-likes only, while the standards also take ``Decimal`` and ``str``
values (exact decimals, class labels)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["ndim", "size", "ravel"]


def ndim(values: object) -> int:
    """``numpy.ndim(values)``: an array's or Series' ``ndim``, else that of ``numpy.asarray``."""
    nd = getattr(values, "ndim", None)
    return int(nd) if nd is not None else int(np.asarray(values, dtype=object).ndim)


def size(values: object) -> int:
    """``numpy.size(values)``: an array's or Series' ``size``, else that of ``numpy.asarray``."""
    sz = getattr(values, "size", None)
    return (
        int(sz) if isinstance(sz, int | np.integer) else int(np.asarray(values, dtype=object).size)
    )


def ravel(values: object) -> npt.NDArray[np.object_]:
    """``numpy.ravel(values)`` as an object array (labels, Decimals and numbers alike)."""
    return np.asarray(values, dtype=object).ravel()
