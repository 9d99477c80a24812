"""HTML for the report notebooks: building blocks, the heading, and the method section.

Each ``show_*`` returns an :class:`IPython.display.HTML` object to end a notebook cell with.
A table is rendered through pandas' Styler with a fixed uuid (``Styler.set_uuid``) and fixed
number formats, so an executed notebook's outputs are the same on every run (nbval compares
them). Verdict displays are in :mod:`.html_verdicts`, the data displays in :mod:`.html_data`.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd
from IPython.display import HTML

from ipanalysis.assess.method import METHOD
from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import is_missing
from ipanalysis.report.html_record import CAPTIONS, track_record_frames
from ipanalysis.report.labels import status_css
from ipanalysis.report.lookups import region_names
from ipanalysis.scope import Scope

_TABLE_STYLES = [
    {"selector": "th", "props": [("text-align", "left"), ("vertical-align", "bottom")]},
    {"selector": "td", "props": [("text-align", "left"), ("vertical-align", "top")]},
    {"selector": "", "props": [("border-collapse", "collapse"), ("font-size", "0.9em")]},
]


def styled_html(
    frame: pd.DataFrame,
    uuid: str,
    *,
    caption: str | None = None,
    status_column: str | None = None,
    statuses: Sequence[str] | None = None,
    leans: Sequence[bool] | None = None,
    small_columns: Sequence[str] = (),
    cell_styles: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Render a frame of HTML-ready strings with a fixed Styler uuid (same bytes every run).

    The status column (``statuses``, one per row) is colour-coded, a lean (``leans``) in the
    lighter colour of :func:`~ipanalysis.report.labels.status_css`; ``cell_styles`` gives
    other columns one CSS declaration per row (empty for none). The table sits in its own
    scrolling container (:func:`scroll_box`).
    """
    styler = frame.style.hide(axis="index").set_uuid(uuid).set_table_styles(_TABLE_STYLES)
    if caption:
        styler = styler.set_caption(caption)
    styles = dict(cell_styles or {})
    if status_column is not None and statuses is not None:
        lean_flags = list(leans) if leans is not None else [False] * len(statuses)
        styles[status_column] = [
            status_css(s, lean=lean) for s, lean in zip(statuses, lean_flags, strict=True)
        ]
    for column, css in styles.items():
        styler = styler.apply(lambda _, css=css: list(css), subset=[column], axis=0)
    if small_columns:
        styler = styler.set_properties(
            subset=list(small_columns), **{"font-size": "0.8em", "color": "#444"}
        )
    return scroll_box(styler.to_html())


def scroll_box(table_html: str) -> str:
    """Put a table in its own horizontally scrolling box (a phone never scrolls the page).

    The report's stylesheet (:mod:`ipanalysis.runner.products`) also keeps the first column in
    place while the others scroll; the inline style makes the box scroll in JupyterLab too.
    """
    return f'<div class="table-scroll" style="overflow-x:auto;max-width:100%">{table_html}</div>'


def empty_note(message_zh: str, message_en: str) -> HTML:
    """Return a sentence in both languages, shown where a table would be empty."""
    return HTML(f"<p><em>{html.escape(message_zh)}</em> — {html.escape(message_en)}</p>")


def link(href: str, text_html: str) -> str:
    """Return an HTML link (the address escaped; the text already HTML)."""
    return f'<a href="{html.escape(href, quote=True)}">{text_html}</a>'


def region_report_href(region: str, report: str = "forecast") -> str:
    """Return the link from ``outputs/overview.html`` to a region's report (relative)."""
    return f"{quote(region)}/{quote(report)}.html"


def source_link(url: Any) -> str:
    """Return a source address as HTML: a link for http(s) addresses, escaped text otherwise.

    Only ``http://`` and ``https://`` addresses become links, so that an address such as
    ``javascript:alert(1)`` or ``data:…`` in ``sources.csv`` is shown but can never run.

    Parameters
    ----------
    url : str
        The address (missing gives an empty string).

    Returns
    -------
    str
        ``<a href="…">…</a>`` or the escaped text.
    """
    if is_missing(url) or not str(url).strip():
        return ""
    text = str(url).strip()
    safe = html.escape(text, quote=True)
    if urlsplit(text).scheme.lower() in ("http", "https"):
        return f'<a href="{safe}">{safe}</a>'
    return safe


def show_header(dataset: Dataset, region: str | None, *, title_zh: str, title_en: str) -> HTML:
    """Return the report's heading: region names and what the report is.

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    region : str or None
        Region id (None for the overview).
    title_zh, title_en : str
        What the report is (``趋势`` / ``Trends``).

    Returns
    -------
    IPython.display.HTML
        A heading; the run's parameters are in the footer (:func:`show_footer`).
    """
    if region is None:
        zh, en = "天津市及各区", "Tianjin and its districts"
    else:
        zh, en = region_names(dataset, region)
    return HTML(
        f"<h2>{html.escape(zh)} {html.escape(title_zh)}<br>"
        f'<span style="font-size:0.8em">{html.escape(en)} — {html.escape(title_en)}</span></h2>'
    )


def show_footer(scope: Scope, **parameters: Any) -> HTML:
    """Return the footer: the parameters the report was made with (for whoever reruns it).

    Parameters
    ----------
    scope : Scope
        The report's scope (as-of, minimum grade, interval level, target years).
    **parameters
        Other notebook parameters to list first (``region="binhai"``).

    Returns
    -------
    IPython.display.HTML
        A rule and one small line of ``name = value``.
    """
    values = {**parameters, **dataclasses.asdict(scope)}
    listed = ", ".join(f"{k} = {v!r}" for k, v in values.items())
    return HTML(
        '<hr><p style="font-size:0.8em;color:#555">本报告的参数 Parameters of this report: '
        f"<code>{html.escape(listed)}</code></p>"
    )


def method_html() -> tuple[str, str]:
    """Return the method (:data:`ipanalysis.assess.method.METHOD`) as HTML, Chinese and English."""
    zh = "".join(
        f"<p><b>{html.escape(title)}</b>：{html.escape(text)}</p>" for title, text, _ in METHOD
    )
    en = "".join(
        f"<p><b>{html.escape(title.split(' ', 1)[1])}</b>: {html.escape(text)}</p>"
        for title, _, text in METHOD
    )
    return zh, en


#: Where a region report links for the track record (the overview, which reruns whenever any
#: figure changes, as the backtest does; a region report reruns only with its own figures).
TRACK_RECORD_LINK = "../overview.html#track-record"


def show_method(
    *, outputs_dir: Any = None, uuid: str = "track_record", with_tables: bool = True
) -> HTML:
    """Return the method in plain Chinese with English alongside, and the track record.

    The track record is read from :data:`ipanalysis.report.files.BACKTEST_FILES` when a run has
    written them; otherwise the section says so.

    Parameters
    ----------
    outputs_dir : path, optional
        Where the backtest tables are; default :func:`ipanalysis.paths.outputs_dir`.
    uuid : str
        Fixed Styler uuid prefix.
    with_tables : bool, default True
        Show the backtest tables; False (region reports) links to the overview's instead.

    Returns
    -------
    IPython.display.HTML
        Two columns of text (中文 | English), then the backtest tables, a placeholder, or a
        link to the overview's track record.
    """
    zh, en = method_html()
    parts = [
        '<table style="border-collapse:collapse"><tr>'
        f'<td style="vertical-align:top;width:50%;padding-right:1em">{zh}</td>'
        f'<td style="vertical-align:top;width:50%">{en}</td></tr></table>',
        '<h4 id="track-record">过往表现 · Track record</h4>',
    ]
    if not with_tables:
        parts.append(
            f'<p>方法的回测结果（覆盖率、误差、历史目标的检验）见<a href="{TRACK_RECORD_LINK}">'
            "总览报告</a>。 How well the method did on past data (interval coverage, errors, past "
            f'targets): see <a href="{TRACK_RECORD_LINK}">the overview</a>.</p>'
        )
        return HTML("\n".join(parts))
    record = track_record_frames(outputs_dir)
    if not record:
        parts.append(
            "<p><em>尚无回测结果（运行 <code>ipanalysis run</code> 后生成 "
            "<code>outputs/backtest.csv</code>）。</em> No backtest results yet: "
            "<code>ipanalysis run</code> writes <code>outputs/backtest.csv</code>.</p>"
        )
    for name, shown in record.items():
        parts.append(styled_html(shown, f"{uuid}_{name.split('.')[0]}", caption=CAPTIONS[name]))
    return HTML("\n".join(parts))
