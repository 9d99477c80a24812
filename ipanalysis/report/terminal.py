"""Tables for the terminal: the assessment, colour-coded, and small tidy frames.

Headers come from the one column specification (:mod:`ipanalysis.columns`); a target is
described by the reports' own text (:func:`ipanalysis.report.text.target_text`), with numbers
in 万/亿 to fit 100 columns. Everything printed goes through :class:`TerminalConsole`, which
drops control characters (a name holding ``ESC[2J`` would clear the screen), piped or not.
"""

import os
import re
from typing import Any

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ipanalysis.data.dataset import Dataset
from ipanalysis.formats import fmt_compact, fmt_number, fmt_year
from ipanalysis.report.labels import STATUS_LABELS, STATUS_STYLES, column_label, likelihood_text
from ipanalysis.report.lookups import indicator_row, region_names
from ipanalysis.report.text import target_text

#: The assessment's columns shown in the terminal (region titles each table), and their widths.
SHOWN_WIDTHS = {
    "indicator": 28,
    "target_year": 4,
    "target_value": 13,
    "latest_value": 13,
    "forecast": 13,
    "p_meet": 12,
    "status": 8,
}
SHOWN_COLUMNS = ["region", *(column_label(name) for name in SHOWN_WIDTHS)]


#: Characters never sent to the terminal: C0 and C1 control characters but the line break
#: (ESC starts the sequences that clear or recolour the screen, CR overwrites the line), DEL,
#: and the bidirectional overrides and isolates that reorder what is shown.
UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Width of the output when it is piped or redirected (and ``COLUMNS`` is not set).
PIPED_WIDTH = 100


def terminal_text(value: object) -> str:
    """Return ``str(value)`` without :data:`UNPRINTABLE` characters (a tab becomes a space)."""
    return UNPRINTABLE.sub("", str(value).replace("\t", " "))


class TerminalConsole(Console):
    """A rich console that drops :data:`UNPRINTABLE` characters from every string it prints.

    Every string becomes text through :meth:`render_str` (printed strings, table cells and
    titles); :func:`literal` cleans the text objects made directly.
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:
        """Clean ``text`` (:func:`terminal_text`), then render it as rich does."""
        return super().render_str(terminal_text(text), **kwargs)


def make_console(**kwargs: Any) -> Console:
    """Return the console the commands print to: clean text, 100 columns when piped.

    Parameters
    ----------
    **kwargs
        Passed to :class:`rich.console.Console` (``stderr=True`` …).

    Returns
    -------
    TerminalConsole
    """
    console = TerminalConsole(**kwargs)
    if not console.is_terminal and not os.environ.get("COLUMNS"):  # piped or in CI
        console = TerminalConsole(width=PIPED_WIDTH, **kwargs)
    return console


def literal(value: object, style: str = "") -> Text:
    """Return a table cell that prints ``value`` exactly as written.

    Data strings may contain square brackets (``有效注册商标[/i]``): given to rich as a plain
    ``str`` they would be read as markup, restyle the cell or raise ``MarkupError``. Control
    characters are dropped (:func:`terminal_text`).

    Parameters
    ----------
    value
        Any value; shown as ``str(value)``.
    style
        A rich style for the whole cell, e.g. ``"bold green"``.

    Returns
    -------
    rich.text.Text
    """
    return Text(terminal_text(value), style=style)


def format_assessment(table: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Return the assessment as short display strings for a terminal of 100 columns.

    Numbers with thousands separators or in 万/亿 (never scientific notation), units beside
    the figures, both ends of ranges, ``–`` for anything missing, and the likelihood phrase
    beside p_meet (the assessment's ``likelihood_zh`` when present).

    Parameters
    ----------
    table : pandas.DataFrame
        An assessment (:func:`ipanalysis.assess.assess` columns).
    ds : ipanalysis.data.dataset.Dataset
        For Chinese indicator names, units and stated growth rates.

    Returns
    -------
    pandas.DataFrame
        One row per target, columns :data:`SHOWN_COLUMNS`.
    """
    rates = ds.targets.set_index("target_id")["value"]  # avg_growth: the rate in percent
    rows = []
    for rec in table.to_dict("records"):
        ind = indicator_row(ds, rec["indicator"])
        unit = ind["unit"]
        latest = "–"
        if not pd.isna(rec["latest_value"]):
            figure = f"{fmt_compact(rec['latest_value'])} {unit}".strip()
            latest = f"{figure} ({fmt_year(rec['latest_year'])})"
        forecast = "–"
        if not pd.isna(rec["forecast"]):
            forecast = fmt_compact(rec["forecast"])
            if not pd.isna(rec["forecast_lower"]):
                low, high = fmt_compact(rec["forecast_lower"]), fmt_compact(rec["forecast_upper"])
                forecast += f" [{low}–{high}]"
        rate = rates.get(rec["target_id"], float("nan"))
        cells = [
            ind["name_zh"],
            fmt_year(rec["target_year"]),
            target_text(rec, unit, number=fmt_compact, rate_pct=rate),
            latest,
            forecast,
            likelihood_text(rec["p_meet"], rec.get("likelihood_zh")),
            str(rec["status"]),
        ]
        rows.append([rec["region"], *cells])
    return pd.DataFrame(rows, columns=SHOWN_COLUMNS)


def print_assessment(table: pd.DataFrame, ds: Dataset, console: Console) -> None:
    """Print the assessment as a colour-coded table that fits the console, then counts.

    Parameters
    ----------
    table : pandas.DataFrame
        An assessment.
    ds : ipanalysis.data.dataset.Dataset
        For names and units.
    console : rich.console.Console
        Where to print; the table is laid out for its width (100 columns fit).
    """
    shown = format_assessment(table, ds)
    # one table per region (titled with its names), columns capped so that 100 fit
    widths = dict(zip(SHOWN_COLUMNS[1:], SHOWN_WIDTHS.values(), strict=True))
    for region, rows in shown.groupby("region", sort=False):
        zh, en = region_names(ds, region)
        title = f"{zh} {en} ({region}) — 目标评估 target assessment"
        rich_table = Table(
            title=escape(title), title_justify="left", box=box.SIMPLE_HEAD, padding=0
        )
        for col in rows.columns[1:]:
            rich_table.add_column(
                col,
                overflow="fold",
                width=widths.get(col),
            )
        for row in rows.drop(columns="region").itertuples(index=False):
            status = row[-1]
            style = STATUS_STYLES.get(status, "")
            label = STATUS_LABELS.get(status, (status,))[0]  # 数据不足: 8 columns, not 17
            cells = [escape(str(v)) for v in row[:-1]]
            rich_table.add_row(*cells, f"[{style}]{escape(label)}[/]")
        console.print(rich_table)
    counts = table["status"].value_counts().reindex(list(STATUS_STYLES), fill_value=0)
    console.print(
        "  ".join(f"{STATUS_LABELS[s][0]} {s}: {n}" for s, n in counts.items()), highlight=False
    )


def format_cell(value: Any) -> str:
    """Format one table cell for the terminal: numbers without ``e``-notation, ``–`` if missing.

    ``2024`` (integers below 10,000 plain), ``72,904``, ``0.8125``, ``True``, text as is; ``–``
    for NaN, None and ``<NA>``.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):  # years stay 2024; counts from 10,000 separated
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, float | np.floating):
        return fmt_number(value)
    return str(value)


def print_frame(df: pd.DataFrame, title: str, console: Console) -> None:
    """Print a small tidy frame as a table (numbers as :func:`format_cell`)."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, collapse_padding=True)
    # headers whole when they fit the console; folded rather than columns dropped otherwise
    fits = sum(len(str(c)) + 1 for c in df.columns) + 2 <= console.width
    for col in df.columns:
        table.add_column(
            escape(str(col)), overflow="fold", min_width=len(str(col)) if fits else None
        )
    for row in df.itertuples(index=False):
        table.add_row(*(escape(format_cell(v)) for v in row))
    console.print(table)
