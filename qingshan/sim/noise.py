"""Random processes shared by the generators (NumPy, vectorised over series)."""

from __future__ import annotations

import numpy as np


def ar1(
    rng: np.random.Generator,
    shape: tuple[int, int],
    phi: float | np.ndarray,
    sigma: float | np.ndarray,
) -> np.ndarray:
    """Stationary AR(1) noise, one process per row.

    Parameters
    ----------
    shape : (n, t)
        Number of series and of time steps.
    phi : float or array (n,)
        Lag-1 autocorrelation per step [-].
    sigma : float or array (n,)
        Marginal standard deviation [-].

    Returns
    -------
    ndarray, shape (n, t)
    """
    n, t = shape
    phi = np.broadcast_to(np.asarray(phi, float), (n,))
    sigma = np.broadcast_to(np.asarray(sigma, float), (n,))
    eps = rng.standard_normal((t, n)) * (sigma * np.sqrt(1.0 - phi**2))
    out = np.empty((t, n))
    out[0] = rng.standard_normal(n) * sigma
    for k in range(1, t):
        out[k] = phi * out[k - 1] + eps[k]
    return out.T.copy()


def seasonal(day_of_year: np.ndarray, peak_day: float) -> np.ndarray:
    """A unit cosine over the year peaking on ``peak_day`` [day of year]: values in [-1, 1]."""
    return np.cos(2.0 * np.pi * (day_of_year - peak_day) / 365.25)


def diurnal(hour: np.ndarray, peak_hour: float) -> np.ndarray:
    """A unit cosine over the day peaking at ``peak_hour`` [h, local time]: values in [-1, 1]."""
    return np.cos(2.0 * np.pi * (hour - peak_hour) / 24.0)
