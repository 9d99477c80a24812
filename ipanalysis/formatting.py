"""Labels, colours and number formats shared by the reports and the terminal (no I/O).

Statuses are colour-coded the same way everywhere (:data:`STATUS_COLOURS`); numbers are shown
with thousands separators and never in scientific notation (:func:`fmt_number`).
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

#: Status order: settled-bad first, so the eye lands on problems.
STATUS_ORDER: tuple[str, ...] = (
    "missed",
    "off_track",
    "at_risk",
    "insufficient_data",
    "on_track",
    "achieved",
)
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "achieved": ("已实现", "achieved"),
    "on_track": ("进展顺利", "on track"),
    "at_risk": ("存在风险", "at risk"),
    "off_track": ("偏离目标", "off track"),
    "missed": ("未实现", "missed"),
    "insufficient_data": ("数据不足", "insufficient data"),
}
#: Background colours (ColorBrewer RdYlGn, grey for no verdict; the two ends darkened so that
#: white text on them meets WCAG AA, 4.5:1 — see :func:`contrast_ratio` and the tests).
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#1a7a40",
    "on_track": "#a6d96a",
    "at_risk": "#fee08b",
    "off_track": "#fc8d59",
    "missed": "#b2182b",
    "insufficient_data": "#e0e0e0",
}
#: Text colour on each status colour (both languages use it: no grey on colour).
STATUS_TEXT_COLOURS: dict[str, str] = {
    "achieved": "#ffffff",
    "on_track": "#000000",
    "at_risk": "#000000",
    "off_track": "#000000",
    "missed": "#ffffff",
    "insufficient_data": "#000000",
}
CONFIDENCE_LABELS: dict[str, str] = {
    "high": "高 high",
    "medium": "中 medium",
    "low": "低 low",
    "none": "无 none",
}
KIND_LABELS: dict[str, tuple[str, str]] = {
    "level": ("达到", "level"),
    "avg_growth": ("年均增长", "average annual growth"),
    "every_year": ("每年", "every year"),
    "annual_average": ("年均", "annual average"),
    "cumulative": ("累计", "cumulative"),
    "range": ("区间", "range"),
    "keep_improving": ("持续改善", "keep improving"),
}
RELIABILITY_LABELS: dict[str, str] = {
    "A": "A 官方 official",
    "B": "B 媒体 media",
    "C": "C 转载 repost",
}
#: Statuses listed by :func:`most_at_risk`, worst first.
AT_RISK_STATUSES: tuple[str, ...] = ("missed", "off_track", "at_risk")
#: Significant digits kept in the CSV outputs (stable across platforms' last-bit noise).
CSV_SIGNIFICANT_DIGITS = 10
#: Figures needed for a growth ratio (2) and for a forecast interval (3).
MIN_POINTS_GROWTH = 2
MIN_POINTS_INTERVAL = 3


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: Any) -> str:
    """Format a figure for display: thousands separators, at most four significant digits.

    Parameters
    ----------
    value : float
        The number (NaN/None gives an en dash).

    Returns
    -------
    str
        ``72,904``; ``21.8``; ``0.1234``; ``–`` for a missing value.
    """
    if _missing(value):
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
    if _missing(value) or not math.isfinite(float(value)):
        return "–"
    return f"{float(value):+.1%}" if signed else f"{float(value):.1%}"


def fmt_year(value: Any) -> str:
    """Format a year (nullable integer) for display."""
    return "–" if _missing(value) else str(int(value))


def status_label(status: str) -> str:
    """Return the bilingual label of a status (``on_track`` → ``进展顺利 on track``)."""
    zh, en = STATUS_LABELS.get(status, (status, status))
    return f"{zh} {en}"


def _bi(zh: str, en: str, *, muted: bool = True) -> str:
    """Chinese, then the English in a smaller line (HTML, escaped); grey only if ``muted``.

    On a coloured status cell pass ``muted=False``: the English then takes the cell's text
    colour, which meets the contrast the Chinese does.
    """
    zh_html = html.escape(str(zh))
    if not en or en == zh:
        return zh_html
    colour = "color:#555;" if muted else ""
    return f'{zh_html}<br><span style="{colour}font-size:0.85em">{html.escape(str(en))}</span>'


def contrast_ratio(foreground: str, background: str) -> float:
    """Return the WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21).

    Parameters
    ----------
    foreground, background : str
        Colours as ``#rrggbb``.

    Returns
    -------
    float
        (L1 + 0.05) / (L2 + 0.05) with L the relative luminance (WCAG 2.1, §1.4.3); AA asks
        for at least 4.5 for normal text.
    """

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def fmt_compact(value: Any) -> str:
    """Format a figure as briefly as possible for a terminal: ``7.29万``, ``1.2亿``, ``384``.

    Values of 100,000 and more are written in 万 (10⁴) or 亿 (10⁸) with at most three
    significant digits after rounding; smaller values as :func:`fmt_number`. Never scientific
    notation.

    Parameters
    ----------
    value : float
        The number (NaN/None gives an en dash).

    Returns
    -------
    str
        ``729,040`` → ``72.9万``; ``12,345`` → ``12,345``; ``3.19e9`` → ``31.9亿``.
    """
    if _missing(value) or not math.isfinite(float(value)):
        return fmt_number(value)
    value = float(value)
    # from 10⁵ on (below it, 12,345 is as short as 1.23万 and exact)
    for scale, suffix, start in ((1e8, "亿", 1e8), (1e4, "万", 1e5)):
        if abs(value) >= start:
            scaled = value / scale
            digits = max(0, 2 - int(math.floor(math.log10(abs(scaled)))))
            return f"{scaled:,.{digits}f}".rstrip("0").rstrip(".") + suffix
    return fmt_number(value)


def likelihood_text(p: Any, likelihood_zh: Any = None) -> str:
    """Return ``p`` as a percentage with its likelihood phrase: ``72% 可能``.

    Parameters
    ----------
    p : float
        Probability of meeting a target (missing gives an en dash).
    likelihood_zh : str, optional
        The phrase from the assessment's ``likelihood_zh`` column; computed from ``p`` with
        :func:`ipanalysis.assess.likelihood` when absent.

    Returns
    -------
    str
        ``"72% 可能"``, ``"5% 极不可能"``, or ``"–"``.
    """
    if _missing(p):
        return "–"
    if _missing(likelihood_zh) or not str(likelihood_zh):
        from ipanalysis.assess import likelihood

        likelihood_zh = likelihood(float(p))[1]
    return f"{float(p):.0%} {likelihood_zh}".strip()
