r"""Files for people and for git: deterministic CSV tables that Excel and WPS open as written.

One writer, :func:`write_csv`, for every CSV the package makes (the assessments, the track
record, the templates of figures needed, the export):

* **whole or not at all** (:func:`ipanalysis.writes.write_bytes_atomic`): readers see the old
  file or the complete new one; a file open in Excel is named in the error, never half-written;
* **UTF-8 with a BOM**: Excel on a Chinese Windows reads a CSV without one in the local code
  page (GBK) and garbles the Chinese; pandas and the package's readers skip the BOM;
* **no formulas** (:func:`spreadsheet_text`, OWASP "CSV injection"): a text cell that Excel
  would read as a formula gets a leading ``'``;
* **the same bytes on every machine**: floats rounded to :data:`CSV_SIGNIFICANT_DIGITS`
  significant digits, ``\n`` line ends.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ipanalysis import paths
from ipanalysis.writes import write_bytes_atomic

#: Significant digits kept in the CSV outputs (stable across platforms' last-bit noise).
CSV_SIGNIFICANT_DIGITS = 10
#: The track record's tables in an outputs folder: the forecast scores by situation, the past
#: targets, and their Brier scores and reliability by p band.
BACKTEST_FILES = ("backtest.csv", "backtest_targets.csv", "backtest_reliability.csv")
#: The Word brief of a region, beside its reports (:mod:`ipanalysis.report.brief`).
BRIEF_SUFFIX = "-brief.docx"
#: The encoding of every CSV written: UTF-8 with a byte-order mark (Excel needs it).
CSV_ENCODING = "utf-8-sig"
#: First characters that make Excel or WPS read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A cell that is a plain number (``-5``, ``+1.5e3``): a spreadsheet reads it as that number.
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def brief_name(region: str) -> str:
    """Return the file name of a region's Word brief: ``<region>-brief.docx``."""
    return f"{region}{BRIEF_SUFFIX}"


def reads_as_formula(text: str) -> bool:
    """Say whether a spreadsheet would take ``text`` for a formula (not a plain number).

    Parameters
    ----------
    text : str
        A cell's text.

    Returns
    -------
    bool
        True when it starts with one of :data:`FORMULA_STARTS` and is not a number.
    """
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def spreadsheet_text(value: Any) -> Any:
    """Return a CSV cell that Excel and WPS show as text, never run as a formula.

    Parameters
    ----------
    value : object
        A cell; only strings are changed.

    Returns
    -------
    object
        ``"'" + value`` for a string that :func:`reads_as_formula` (``=HYPERLINK(…)`` →
        ``'=HYPERLINK(…)``); anything else unchanged.
    """
    if isinstance(value, str) and reads_as_formula(value):
        return "'" + value
    return value


def unprefixed_text(value: Any) -> Any:
    """Undo :func:`spreadsheet_text` when reading a CSV back: ``'=x`` → ``=x``.

    Parameters
    ----------
    value : object
        A cell as read.

    Returns
    -------
    object
        A string that is ``'`` followed by formula-like text, without the ``'``; anything else
        unchanged.
    """
    if isinstance(value, str) and value.startswith("'") and reads_as_formula(value[1:]):
        return value[1:]
    return value


def _line_breaks_as_lf(value: Any) -> Any:
    r"""Write a line break inside a cell as ``\n``, as Excel does (Alt+Enter).

    Python's CSV writer (3.11) quotes a cell holding ``\n`` but not one holding only ``\r``,
    which every spreadsheet then reads as the end of the row.
    """
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _round_significant(value: Any, digits: int) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        return float(f"{value:.{digits}g}")
    return value


def write_csv(table: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    r"""Write a table as a deterministic CSV that Excel and WPS open correctly, atomically.

    UTF-8 with BOM, ``\n`` line ends, no index, floats rounded to
    :data:`CSV_SIGNIFICANT_DIGITS` significant digits and written in Python's shortest repr,
    missing values as empty cells, text that would read as a formula prefixed with ``'``
    (:func:`spreadsheet_text`), line breaks inside a cell as ``\n``.

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

    Raises
    ------
    ipanalysis.writes.WriteError
        The file is open in another program, or the folder cannot be written; the previous
        file is unchanged.
    """
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: _round_significant(v, CSV_SIGNIFICANT_DIGITS))
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: _line_breaks_as_lf(spreadsheet_text(v)))
    text = out.to_csv(index=False, lineterminator="\n")
    return write_bytes_atomic(Path(path), text.encode(CSV_ENCODING))


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


def write_backtest(*tables: pd.DataFrame, folder: Path | None = None) -> list[Path]:
    """Write the track record (:data:`BACKTEST_FILES`, in that order).

    Parameters
    ----------
    *tables : pandas.DataFrame
        From :func:`ipanalysis.assess.track_record.run_backtest`.
    folder : pathlib.Path, optional
        Default :func:`ipanalysis.paths.outputs_dir`.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = paths.outputs_dir() if folder is None else Path(folder)
    pairs = zip(tables, BACKTEST_FILES, strict=True)
    return [write_csv(table, out / name) for table, name in pairs]
