"""Labels and colours shared by the reports and the terminal (no I/O).

Statuses are colour-coded the same way everywhere (:data:`STATUS_COLOURS`); numbers are
formatted by :mod:`ipanalysis.formats`; the statuses themselves are in :mod:`ipanalysis.vocab`.
"""

from __future__ import annotations

import html
from typing import Any

from ipanalysis.assess.rules import likelihood
from ipanalysis.columns import SPEC
from ipanalysis.formats import is_missing

#: How each status looks, in one place: Chinese and English label, background colour
#: (ColorBrewer RdYlGn, grey for no verdict; the two ends darkened so that white text on them
#: meets WCAG AA, 4.5:1 — see :func:`contrast_ratio` and the tests), the text colour on it
#: (both languages use it: no grey on colour) and the terminal's style.
_STATUS_LOOKS = {  # status: (中文, English, background, text colour, terminal style)
    "achieved": ("已实现", "achieved", "#1a7a40", "#ffffff", "bold green"),
    "on_track": ("进展顺利", "on track", "#a6d96a", "#000000", "green"),
    "at_risk": ("存在风险", "at risk", "#fee08b", "#000000", "yellow"),
    "off_track": ("偏离目标", "off track", "#fc8d59", "#000000", "red"),
    "missed": ("未实现", "missed", "#b2182b", "#ffffff", "bold red"),
    "insufficient_data": ("数据不足", "insufficient data", "#e0e0e0", "#000000", "dim"),
    "depends_on_office": ("取决于主管部门", "depends on the office", "#c6dbef", "#000000", "cyan"),
}
STATUS_LABELS = {status: look[:2] for status, look in _STATUS_LOOKS.items()}
STATUS_COLOURS = {status: look[2] for status, look in _STATUS_LOOKS.items()}
STATUS_TEXT_COLOURS = {status: look[3] for status, look in _STATUS_LOOKS.items()}
STATUS_STYLES = {status: look[4] for status, look in _STATUS_LOOKS.items()}
#: A lean (倾向): a forecast verdict on evidence the backtest has not scored well, shown beside
#: the verdicts but not counted among them (``ipanalysis.report.tables.COUNT_ORDER``).
LEAN_LOOK = ("倾向", "indicative lean", "#dde4ec", "#000000", "italic")
#: Labels and colours of what the counts count: the statuses and the leans.
COUNT_LABELS = {**STATUS_LABELS, "lean": LEAN_LOOK[:2]}
COUNT_COLOURS = {**STATUS_COLOURS, "lean": LEAN_LOOK[2]}
COUNT_TEXT_COLOURS = {**STATUS_TEXT_COLOURS, "lean": LEAN_LOOK[3]}
#: How much evidence a verdict or forecast rests on (``evidence`` column,
#: :data:`ipanalysis.vocab.EVIDENCE_LEVELS`), strongest first.
EVIDENCE_LABELS: dict[str, tuple[str, str]] = {
    "observed": ("数据已定", "observed"),
    "tested": ("回测检验", "tested"),
    "indicative": ("倾向", "indicative lean"),
    "designation": ("取决于主管部门", "the office decides"),
    "none": ("数据不足", "no data"),
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


def status_label(status: str) -> str:
    """Return the bilingual label of a status or lean (``on_track`` → ``进展顺利 on track``)."""
    zh, en = COUNT_LABELS.get(status, (status, status))
    return f"{zh} {en}"


def lighter(colour: str, share: float = 0.45) -> str:
    """Return ``#rrggbb`` mixed with white, keeping ``share`` of the colour (a lean's shade)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(255 - share * (255 - c)):02x}" for c in channels)


def status_css(status: str, *, lean: bool = False) -> str:
    """Return the CSS of a status cell: its colour; a lean's lighter, in italics, black text.

    Parameters
    ----------
    status : str
        A status or ``lean`` (unknown: white).
    lean : bool
        The verdict is a lean (倾向): shown in the status's lighter shade, not counted.

    Returns
    -------
    str
        ``background-color: …; color: …; font-weight: bold`` (or ``font-style: italic``).
    """
    background = COUNT_COLOURS.get(status, "#ffffff")
    if lean:
        return f"background-color: {lighter(background)}; color: #000000; font-style: italic"
    text = COUNT_TEXT_COLOURS.get(status, "#000000")
    return f"background-color: {background}; color: {text}; font-weight: bold"


def bilingual_html(zh: str, en: str, *, muted: bool = True) -> str:
    """Chinese, then the English in a smaller line (HTML, escaped); grey only if ``muted``.

    On a coloured status cell pass ``muted=False``: the English then takes the cell's text
    colour, which meets the contrast the Chinese does.
    """
    zh_html = html.escape(str(zh))
    if not en or en == zh:
        return zh_html
    colour = "color:#555;" if muted else ""
    return f'{zh_html}<br><span style="{colour}font-size:0.85em">{html.escape(str(en))}</span>'


def bilingual_column(frame, zh: str, en: str) -> list[str]:
    """Return a frame's Chinese and English columns as one column of HTML cells."""
    return [bilingual_html(z, e) for z, e in zip(frame[zh], frame[en], strict=True)]


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


def likelihood_text(p: Any, likelihood_zh: Any = None) -> str:
    """Return ``p`` as a percentage with its likelihood phrase: ``72% 可能``.

    Parameters
    ----------
    p : float
        Probability of meeting a target (missing gives an en dash).
    likelihood_zh : str, optional
        The phrase from the assessment's ``likelihood_zh`` column; computed from ``p`` with
        :func:`ipanalysis.assess.rules.likelihood` when absent.

    Returns
    -------
    str
        ``"72% 可能"``, ``"5% 极不可能"``, or ``"–"``.
    """
    if is_missing(p):
        return "–"
    if is_missing(likelihood_zh) or not str(likelihood_zh):
        likelihood_zh = likelihood(float(p))[1]
    return f"{float(p):.0%} {likelihood_zh}".strip()


def column_label(name: str, separator: str = " ") -> str:
    """Return a column's header label, Chinese then English (:mod:`ipanalysis.columns`).

    Parameters
    ----------
    name : str
        The column's name.
    separator : str
        Between the two languages: ``" "`` (terminal) or ``"<br>"`` (HTML).

    Returns
    -------
    str
        E.g. ``"达标概率 P(meet)"``.
    """
    column = SPEC[name]
    return f"{column.label_zh}{separator}{column.label_en}"


def html_header(name: str) -> str:
    """Return a column's header in an HTML table: ``指标<br>Indicator``."""
    return column_label(name, "<br>")
