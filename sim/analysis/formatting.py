"""Numbers as a reader sees them, from the outcome's declared ``kind``: ``72.3%``,
``Rp 6.30 M``, ``1,234``, ``0.412``, ``41.2 years``, ``1.03``."""

from __future__ import annotations

import math
import re

import numpy as np

from sim.outcomes import Outcome

BILLION = 1e9


def _finite(x) -> bool:
    return x is not None and bool(np.isfinite(x))


def rupiah(x: float) -> str:
    """``Rp 12,345``, ``Rp 6.30 M`` or ``Rp 2.00 bn``."""
    if not _finite(x):
        return "n/a"
    sign = "-" if x < 0 else ""
    a = abs(x)
    if a >= BILLION:
        return f"{sign}Rp {a / BILLION:,.2f} bn"
    if a >= 1e6:
        return f"{sign}Rp {a / 1e6:,.2f} M"
    return f"{sign}Rp {a:,.0f}"


def significant(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, without scientific notation (``1.03``,
    ``0.00412``, ``12,346``)."""
    if x == 0:
        return f"{0:.{digits - 1}f}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


def _no_negative_zero(text: str) -> str:
    return re.sub(r"^-(?=(Rp )?0(\.0+)?(?![\d.]))", "", text)


def fmt_value(o: Outcome, x: float) -> str:
    """A level of outcome ``o`` for a table."""
    if not _finite(x):
        return "n/a"
    if o.kind == "share":
        return f"{100 * x:.1f}%"
    if o.kind == "idr":
        return rupiah(x)
    if o.kind == "count":
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"
    if o.kind == "years":
        return f"{x:,.1f} years"
    if o.kind == "ratio":
        return significant(x)
    return f"{x:.3f}"


def fmt_diff(o: Outcome, d: float, short: bool = False) -> str:
    """A difference in outcome ``o``: ``2.1 percentage points`` (``2.1 pp`` when short)."""
    if not _finite(d):
        return "n/a"
    if o.kind == "share":
        text = f"{100 * d:.1f} {'pp' if short else 'percentage points'}"
    elif o.kind == "idr":
        text = rupiah(d)
    elif o.kind == "count":
        text = f"{d:,.1f}"
    elif o.kind == "years":
        text = f"{d:,.1f} years"
    elif o.kind == "ratio":
        text = significant(d)
    else:
        text = f"{d:.3f}"
    return _no_negative_zero(text)


def fmt_number(o: Outcome, d: float) -> str:
    """A difference without its unit word (shares in percentage points, years as a number):
    for the two ends of an interval."""
    if o.kind == "share" and _finite(d):
        return _no_negative_zero(f"{100 * d:.1f}")
    if o.kind == "years" and _finite(d):
        return _no_negative_zero(f"{d:,.1f}")
    return fmt_diff(o, d)
