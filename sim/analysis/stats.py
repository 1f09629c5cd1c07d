"""Intervals: Student-t, Welch, BCa bootstrap and the delta-method ratio interval."""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats


def t_interval(x, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``x`` and its Student-t confidence interval (NaN bounds with fewer than 2 values)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def welch_interval(a, b, confidence: float = 0.95) -> tuple[float, float]:
    """Welch (unequal-variance, unpaired) interval for ``mean(a) - mean(b)``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or len(b) < 2:
        return math.nan, math.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    d = float(a.mean() - b.mean())
    if va + vb == 0:
        return d, d
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(0.5 + confidence / 2, df) * math.sqrt(va + vb)
    return d - half, d + half


def bootstrap_interval(samples, statistic, confidence=0.95, n_resamples=2000, seed=0):
    """BCa bootstrap interval of ``statistic(*samples)`` (a point interval if data are constant)."""
    samples = tuple(np.asarray(s, dtype=float) for s in samples)
    if any(len(s) < 2 for s in samples):
        return math.nan, math.nan
    if all(np.ptp(s) == 0 for s in samples):
        value = float(statistic(*samples))
        return value, value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.bootstrap(
            samples,
            statistic,
            n_resamples=n_resamples,
            confidence_level=confidence,
            vectorized=True,
            rng=np.random.default_rng(seed),
        )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _mean_diff(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def _mean(x, axis=-1):
    return np.mean(x, axis=axis)


def ratio_interval(gain, spend, confidence=0.95) -> tuple[float, float, float]:
    """``mean(gain) / mean(spend)`` over paired replications with a delta-method t-interval.

    Returns NaNs when the mean extra spend is not positive (an arm that costs nothing or
    saves money has no cost-effectiveness ratio); never divides by zero.
    """
    gain, spend = np.asarray(gain, dtype=float), np.asarray(spend, dtype=float)
    n = len(gain)
    mean_spend = float(spend.mean()) if n else 0.0
    if n == 0 or not mean_spend > 0:
        return math.nan, math.nan, math.nan
    ratio = float(gain.mean()) / mean_spend
    if n < 2:
        return ratio, math.nan, math.nan
    z = (gain - ratio * spend) / mean_spend
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * z.std(ddof=1) / math.sqrt(n)
    return ratio, ratio - half, ratio + half
