"""Numbers as text: the one set of formatters for notes, reports, the terminal and files.

Figures keep thousands separators and never use scientific notation; growth rates are shown
as percentages; a missing value is an en dash in displays.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """Return whether a cell is missing (None, NaN, ``pd.NA``)."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any) -> str:
    """Format a figure for display: thousands separators, at most four significant digits.

    ``72,904``; ``21.8``; ``0.1234``; ``–`` for a missing value; never scientific notation.
    """
    if is_missing(value):
        return "–"
    value = float(value)
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    if value == 0:
        return "0"
    text = f"{value:.4g}"
    if "e" in text:  # tiny values: fixed notation
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    if abs(value) >= 1000 and "." not in text:
        text = f"{value:,.0f}"
    return text


def fmt_pct(value: Any, *, signed: bool = True) -> str:
    """Format a growth fraction as a percentage (``0.153`` → ``+15.3%``).

    Parameters
    ----------
    value : float
        A fraction; NaN gives an en dash.
    signed : bool
        Show the sign of positive values.

    Returns
    -------
    str
        The percentage with one decimal.
    """
    if is_missing(value) or not math.isfinite(float(value)):
        return "–"
    return f"{float(value):+.1%}" if signed else f"{float(value):.1%}"


def fmt_year(value: Any) -> str:
    """Format a year (nullable integer) for display."""
    return "–" if is_missing(value) else str(int(value))


def fmt_compact(value: Any) -> str:
    """Format a figure as briefly as possible for a terminal: ``7.29万``, ``1.2亿``, ``384``.

    From 100,000 on, in 万 (10⁴) or 亿 (10⁸) with at most three significant digits after rounding
    (``729,040`` → ``72.9万``; ``3.19e9`` → ``31.9亿``); smaller values as :func:`fmt_number`
    (``12,345`` is as short as 1.23万 and exact). Never scientific notation.
    """
    if is_missing(value) or not math.isfinite(float(value)):
        return fmt_number(value)
    value = float(value)
    # from 10⁵ on (below it, 12,345 is as short as 1.23万 and exact)
    for scale, suffix, start in ((1e8, "亿", 1e8), (1e4, "万", 1e5)):
        if abs(value) >= start:
            scaled = value / scale
            digits = max(0, 2 - int(math.floor(math.log10(abs(scaled)))))
            return f"{scaled:,.{digits}f}".rstrip("0").rstrip(".") + suffix
    return fmt_number(value)


def fmt_figure(value: float) -> str:
    """Format a figure for an assessment note (the table keeps full precision).

    ``72,904`` from 1,000 on, else four significant digits; ``inf``/``nan`` as Python writes
    them.
    """
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def fmt_rate(growth: float) -> str:
    """Format a growth fraction for a note: ``15.3%``, ``n/a`` when missing."""
    return f"{growth * 100:.1f}%" if math.isfinite(growth) else "n/a"
