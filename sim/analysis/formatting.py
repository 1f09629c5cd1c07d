"""Numbers as a reader sees them, from the outcome's declared ``kind``, in English or
Indonesian style (Babel): ``72.3%`` / ``72,3%``, ``Rp 6.3M`` / ``Rp 6,3 jt``, ``Rp 2bn`` /
``Rp 2 M``, ``1,234`` / ``1.234``, ``41.2 years`` / ``41,2 tahun``.

:func:`rupiah` is the one Rupiah formatter: tables, sentences and figure axes
(:func:`rupiah_formatter`) all use it.
"""

from __future__ import annotations

import math

import numpy as np
from babel.numbers import format_decimal

from sim.outcomes import Outcome

from .lang import LOCALES, t

BILLION = 1e9


def _finite(x) -> bool:
    return x is not None and bool(np.isfinite(x))


def decimal(x: float, decimals: int = 0, lang: str = "en", *, trim: bool = False) -> str:
    """``x`` with thousands separators and ``decimals`` decimals in ``lang``'s style (``trim``:
    drop trailing zeros). Never ``-0``."""
    if not _finite(x):
        return t("na", lang)
    x = round(float(x), decimals) + 0.0
    if x == 0:
        x = 0.0
    pattern = "#,##0" + ("." + ("#" if trim else "0") * decimals if decimals else "")
    return format_decimal(x, format=pattern, locale=LOCALES[lang])


def significant(x: float, digits: int = 3, lang: str = "en") -> str:
    """``x`` to ``digits`` significant digits, without scientific notation (``1.03``,
    ``0.00412``, ``12,346``)."""
    if not _finite(x):
        return t("na", lang)
    if x == 0:
        return decimal(0, digits - 1, lang)
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return decimal(x, decimals, lang)


def rupiah(x: float, lang: str = "en", *, digits: int = 3, compact_from: float = 1e6) -> str:
    """Rupiah, compact from ``compact_from`` up: ``Rp 12,345``, ``Rp 6.3M``, ``Rp 2bn`` in
    English; ``Rp 12.345``, ``Rp 6,3 jt``, ``Rp 2 M`` in Indonesian. Compact values keep
    ``digits`` significant digits (trailing zeros dropped)."""
    if not _finite(x):
        return t("na", lang)
    sign, a = ("-" if x < 0 else ""), abs(float(x))
    scales = t("rp_scales", lang).split("|")
    for power, suffix in reversed(list(zip((1e3, 1e6, 1e9, 1e12), scales))):
        if a >= power and a >= compact_from:
            v = a / power
            decimals = max(0, digits - 1 - math.floor(math.log10(v)))
            number = decimal(v, decimals, lang, trim=True)
            return f"{sign}Rp {number}{t('rp_space', lang)}{suffix}"
    if decimal(a, 0, lang) == "0":
        sign = ""
    return f"{sign}Rp {decimal(a, 0, lang)}"


def rupiah_formatter(lang: str = "en"):
    """A matplotlib tick formatter for Rupiah axes (compact from Rp 1,000 up: ``Rp 150k``)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos=None: rupiah(x, lang, digits=3, compact_from=1e3))


def percent(x: float, lang: str = "en", decimals: int = 1) -> str:
    """A 0-1 share as a percentage: ``72.3%`` / ``72,3%``."""
    return decimal(100 * x, decimals, lang) + "%" if _finite(x) else t("na", lang)


def fmt_value(o: Outcome, x: float, lang: str = "en") -> str:
    """A level of outcome ``o`` for a table."""
    if not _finite(x):
        return t("na", lang)
    if o.kind == "share":
        return percent(x, lang)
    if o.kind == "idr":
        return rupiah(x, lang)
    if o.kind == "count":
        return decimal(x, 0 if abs(x) >= 100 else 1, lang)
    if o.kind == "years":
        return f"{decimal(x, 1, lang)} {t('years', lang)}"
    if o.kind == "ratio":
        return significant(x, lang=lang)
    return decimal(x, 3, lang)


def fmt_diff(o: Outcome, d: float, short: bool = False, lang: str = "en") -> str:
    """A difference in outcome ``o``: ``2.1 percentage points`` (``2.1 pp`` when short)."""
    if not _finite(d):
        return t("na", lang)
    if o.kind == "share":
        return f"{decimal(100 * d, 1, lang)} {t('pp' if short else 'pp_long', lang)}"
    if o.kind == "idr":
        return rupiah(d, lang)
    if o.kind == "count":
        return decimal(d, 1, lang)
    if o.kind == "years":
        return f"{decimal(d, 1, lang)} {t('years', lang)}"
    if o.kind == "ratio":
        return significant(d, lang=lang)
    return decimal(d, 3, lang)


def fmt_number(o: Outcome, d: float, lang: str = "en") -> str:
    """A difference without its unit word (shares in percentage points, years as a number):
    for the two ends of an interval."""
    if o.kind == "share" and _finite(d):
        return decimal(100 * d, 1, lang)
    if o.kind == "years" and _finite(d):
        return decimal(d, 1, lang)
    return fmt_diff(o, d, lang=lang)
