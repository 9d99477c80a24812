"""Terminal tables and CSV files for the command line (the notebooks have their own display)."""

import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ipanalysis.dataset import Dataset
from ipanalysis.formatting import (
    CSV_SIGNIFICANT_DIGITS,
    KIND_LABELS,
    STATUS_LABELS,
    fmt_compact,
    fmt_number,
    fmt_year,
    likelihood_text,
)

STATUS_STYLE = {
    "achieved": "bold green",
    "on_track": "green",
    "at_risk": "yellow",
    "off_track": "red",
    "missed": "bold red",
    "insufficient_data": "dim",
}
SHOWN_COLUMNS = [
    "region",
    "指标 indicator",
    "year",
    "target",
    "latest",
    "forecast [80%]",
    "p 可能性",
    "状态 status",
]


def literal(value: object, style: str = "") -> Text:
    """Return a table cell that prints ``value`` exactly as written.

    Data strings may contain square brackets (``有效注册商标[/i]``): given to rich as a plain
    ``str`` they would be read as markup, restyle the cell or raise ``MarkupError``.

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
    return Text(str(value), style=style)


def write_csv_atomic(df: pd.DataFrame, path: Path, *, encoding: str = "utf-8") -> Path:
    r"""Write a CSV so that readers see the old file or the complete new one, never a part.

    Parameters
    ----------
    df
        The table; written without the index, UTF-8, ``\\n`` line ends, floats as repr.
    path
        Destination; its folder is created if needed.
    encoding
        ``"utf-8"``; ``"utf-8-sig"`` adds a BOM for files meant for Excel/WPS.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            df.to_csv(f, index=False, lineterminator="\n")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _round_significant(value: Any, digits: int) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        return float(f"{value:.{digits}g}")
    return value


def write_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    r"""Write a table as a deterministic CSV, atomically.

    UTF-8 without BOM, ``\n`` line ends, no index, floats rounded to
    :data:`CSV_SIGNIFICANT_DIGITS` significant digits and written in Python's shortest repr,
    missing values as empty cells. Readers see the old file or the complete new one.

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    path : path
        Destination; its folder is created.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: _round_significant(v, CSV_SIGNIFICANT_DIGITS))
    return write_csv_atomic(out, Path(path))


def write_assessment_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write an assessment from the command line (``ipanalysis assess --out``) to ``path``.

    The command line never writes into ``outputs/`` on its own: that folder is the runner's
    (``ipanalysis run``), whose assessment CSVs cover the reports' target years; ``assess``
    covers every target year.

    Parameters
    ----------
    table : pandas.DataFrame
        The assessment (:func:`ipanalysis.assess.assess`).
    path : path
        The CSV file to write (its folder is created).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    return write_csv(table, Path(path))  # the runner's writer: same rounding, same bytes


def _with_unit(text: str, unit: str) -> str:
    return text if text == "–" or not unit else f"{text} {unit}"


def describe_target(row: Mapping[str, Any], unit: str, rate_pct: float) -> str:
    """Describe a target for the terminal: comparator, level with unit, or the growth rate.

    Parameters
    ----------
    row : mapping
        An assessment row (``comparator``, ``target_value``, ``target_value_max``,
        ``target_kind``).
    unit : str
        The indicator's unit.
    rate_pct : float
        For an average-growth target, the rate in percent as stated.

    Returns
    -------
    str
        ``≥ 24 件/万人``, ``10–12 亿元`` (both ends of a range), ``年均 ≥ 15% → 3.2万 件``.
    """
    comparator = {">=": "≥", "<=": "≤", "~": "≈"}.get(str(row.get("comparator")), "")
    kind = str(row.get("target_kind"))
    level = row.get("target_value")
    if kind == "keep_improving":
        return "持续改善"
    if kind == "avg_growth":
        rate = "" if pd.isna(rate_pct) else f" {comparator} {rate_pct:g}%"
        path = "" if pd.isna(level) else f" → {_with_unit(fmt_compact(level), unit)}"
        return f"年均{rate}{path}"
    if kind == "range":
        top = row.get("target_value_max")
        return _with_unit(f"{fmt_compact(level)}–{fmt_compact(top)}", unit)
    prefix = "" if kind == "level" else f"{KIND_LABELS.get(kind, (kind,))[0]} "
    return prefix + _with_unit(f"{comparator} {fmt_compact(level)}".strip(), unit)


def format_assessment(table: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Return the assessment as short display strings for a terminal of 100 columns.

    Numbers with thousands separators or in 万/亿 (never scientific notation), units beside
    the figures, both ends of ranges, ``–`` for anything missing, and the likelihood phrase
    beside p_meet (the assessment's ``likelihood_zh`` when present).

    Parameters
    ----------
    table : pandas.DataFrame
        An assessment (:func:`ipanalysis.assess.assess` columns).
    ds : ipanalysis.dataset.Dataset
        For Chinese indicator names, units and stated growth rates.

    Returns
    -------
    pandas.DataFrame
        One row per target, columns :data:`SHOWN_COLUMNS`.
    """
    names = ds.indicators.set_index("indicator_id")
    rates = ds.targets.set_index("target_id")["value"]  # avg_growth: the rate in percent
    rows = []
    for rec in table.to_dict("records"):
        known = rec["indicator"] in names.index
        name = names.at[rec["indicator"], "name_zh"] if known else rec["indicator"]
        unit = str(names.at[rec["indicator"], "unit"]) if known else ""
        unit = "" if unit == "nan" else unit
        latest = "–"
        if not pd.isna(rec["latest_value"]):
            figure = _with_unit(fmt_compact(rec["latest_value"]), unit)
            latest = f"{figure} ({fmt_year(rec['latest_year'])})"
        forecast = "–"
        if not pd.isna(rec["forecast"]):
            forecast = fmt_compact(rec["forecast"])
            if not pd.isna(rec["forecast_lower"]):
                low, high = fmt_compact(rec["forecast_lower"]), fmt_compact(rec["forecast_upper"])
                forecast += f" [{low}–{high}]"
        rows.append(
            {
                "region": rec["region"],
                "指标 indicator": name,
                "year": fmt_year(rec["target_year"]),
                "target": describe_target(rec, unit, rates.get(rec["target_id"], float("nan"))),
                "latest": latest,
                "forecast [80%]": forecast,
                "p 可能性": likelihood_text(rec["p_meet"], rec.get("likelihood_zh")),
                "状态 status": str(rec["status"]),
            }
        )
    return pd.DataFrame(rows, columns=SHOWN_COLUMNS)


def print_assessment(table: pd.DataFrame, ds: Dataset, console: Console) -> None:
    """Print the assessment as a colour-coded table that fits the console, then counts.

    Parameters
    ----------
    table : pandas.DataFrame
        An assessment.
    ds : ipanalysis.dataset.Dataset
        For names and units.
    console : rich.console.Console
        Where to print; the table is laid out for its width (100 columns fit).
    """
    shown = format_assessment(table, ds)
    names = ds.regions.set_index("region_id")
    # one table per region (titled with its names), columns capped so that 100 fit
    widths = {"指标 indicator": 28, "year": 4, "target": 13, "latest": 13, "forecast [80%]": 13,
              "p 可能性": 12, "状态 status": 8}  # fmt: skip
    for region, rows in shown.groupby("region", sort=False):
        zh, en = (
            names.at[region, c] if region in names.index else region
            for c in ("name_zh", "name_en")
        )
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
            style = STATUS_STYLE.get(status, "")
            label = STATUS_LABELS.get(status, (status,))[0]  # 数据不足: 8 columns, not 17
            cells = [escape(str(v)) for v in row[:-1]]
            rich_table.add_row(*cells, f"[{style}]{escape(label)}[/]")
        console.print(rich_table)
    counts = table["status"].value_counts().reindex(list(STATUS_STYLE), fill_value=0)
    console.print(
        "  ".join(f"{STATUS_LABELS[s][0]} {s}: {n}" for s, n in counts.items()), highlight=False
    )


def format_cell(value: Any) -> str:
    """Format one table cell for the terminal: numbers without ``e``-notation, ``–`` if missing.

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    str
        ``2024`` (integers below 10,000 plain), ``72,904``, ``0.8125``, ``True``, text as
        is; ``–`` for NaN, None and ``<NA>``.
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
