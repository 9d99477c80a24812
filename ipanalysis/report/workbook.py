"""Excel workbooks from tables: one sheet per table, set up as a researcher would set it up.

Each sheet has a header row with the Chinese and the English label of every column (from the
one column specification, :mod:`ipanalysis.columns`), frozen and with a filter; numbers in the
format the specification gives (percent for probabilities and growth, thousands separators for
figures, plain years); missing and infinite values as empty cells; columns wide enough to read.

Text is written as text: a cell is never a formula, whatever it starts with (the cells that a
spreadsheet would read as formulas, :func:`ipanalysis.report.files.reads_as_formula`, are
also marked "quote prefix", so Excel keeps them as text when they are edited). A text longer
than Excel's cell limit is cut visibly: the cell says so, and :func:`workbook_bytes` returns
the cut cells so that the command can say so too.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ipanalysis.columns import SPEC
from ipanalysis.report.files import reads_as_formula

#: Excel's limit on the characters in one cell.
EXCEL_CELL_LIMIT = 32_767
#: Excel number formats by the specification's display format (``number``: see
#: :func:`number_format`; ``flag`` cells are booleans).
NUMBER_FORMATS = {
    "text": "@",
    "year": "0",
    "count": "#,##0",
    "probability": "0%",
    "growth": "0.0%",
    "fraction": "0.0%",
    "ratio": "0.00",
}
#: Decimals shown at most for a ``number`` (the cell keeps every digit).
MAX_DECIMALS = 3
#: Column widths, in characters (a Chinese character counts two).
MIN_WIDTH, MAX_WIDTH = 6, 50
#: Rows looked at to size a column.
WIDTH_SAMPLE_ROWS = 500
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class CutCell:
    """A text cell cut to Excel's limit: where, and how long the text was."""

    sheet: str
    row: int
    column: str
    length: int

    def __str__(self) -> str:
        return (
            f"{self.sheet} sheet, row {self.row}, column {self.column}: {self.length:,} "
            f"characters, cut to {EXCEL_CELL_LIMIT:,} (Excel's limit for one cell); the full "
            f"text is in {self.sheet}.csv."
        )


def cut_marker(sheet: str, length: int) -> str:
    """Return what ends a cut cell: it was cut, how long the text is, where the rest is."""
    return (
        f"…〔已截断：原文 {length:,} 字，全文见 {sheet}.csv〕"
        f"[cut: {length:,} characters; full text in {sheet}.csv]"
    )


def header_text(name: str) -> str:
    """Return a column's header cell: its Chinese label, a line break, its English label."""
    column = SPEC.get(name)
    if column is None:
        return name
    return f"{column.label_zh}\n{column.label_en}"


def number_format(display: str, value: Any) -> str:
    """Return the Excel number format for a value shown in the specification's ``display`` format.

    Parameters
    ----------
    display : str
        The column's ``format`` in ``columns.csv``.
    value : object
        The cell's value: a ``number`` gets thousands separators and as many decimals as it
        has, at most :data:`MAX_DECIMALS` (``72,900``, ``61.6``, ``3.19``).

    Returns
    -------
    str
        An Excel number format (``General`` for anything else).
    """
    if display in NUMBER_FORMATS:
        return NUMBER_FORMATS[display]
    if display == "number" and isinstance(value, float):
        decimals = len(f"{value:.{MAX_DECIMALS}f}".rstrip("0").partition(".")[2])
        return "#,##0" + ("." + "0" * decimals if decimals else "")
    if display == "number":
        return "#,##0"
    return "General"


def cell_value(value: Any) -> Any:
    """Return a value as openpyxl should store it: None for missing and infinite values.

    NumPy scalars become Python numbers; ``pd.NA``, NaN, ±inf and ``""`` become None (an
    empty cell); other text stays text.
    """
    if value is None or value is pd.NA or value is pd.NaT or value == "":
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def display_width(text: str) -> int:
    """Return how many character widths ``text`` takes (wide East Asian characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> tuple[bytes, list[CutCell]]:
    """Return an .xlsx with one formatted sheet per table, and the cells cut to Excel's limit.

    Parameters
    ----------
    sheets : mapping of str to pandas.DataFrame
        Sheet name → table (the same table is written as ``<sheet>.csv`` beside it, which the
        note in a cut cell points to).

    Returns
    -------
    bytes
        The workbook file.
    list of CutCell
        Text cells longer than :data:`EXCEL_CELL_LIMIT`, cut with :func:`cut_marker`.
    """
    book = Workbook()
    book.remove(book.active)
    cut: list[CutCell] = []
    for name, table in sheets.items():
        cut += _write_sheet(book.create_sheet(name), name, table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), cut


def _write_sheet(sheet: Any, name: str, table: pd.DataFrame) -> list[CutCell]:
    """Fill a worksheet: header, typed and formatted cells, widths, frozen header, filter."""
    cut = []
    for col, column in enumerate(table.columns, start=1):
        header = sheet.cell(row=1, column=col, value=header_text(column))
        header.font = Font(bold=True)
        header.fill = _HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="top")
        display = SPEC[column].format if column in SPEC else ""
        for row, raw in enumerate(table[column].tolist(), start=2):
            value = cell_value(raw)
            cell = sheet.cell(row=row, column=col)
            if isinstance(value, str):
                if len(value) > EXCEL_CELL_LIMIT:
                    cut.append(CutCell(name, row, column, len(value)))
                    marker = cut_marker(name, len(value))
                    value = value[: EXCEL_CELL_LIMIT - len(marker)] + marker
                cell.value = value
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
                cell.quotePrefix = reads_as_formula(value)
            else:
                cell.value = value
            if value is not None:
                cell.number_format = number_format(display, value)
        sheet.column_dimensions[get_column_letter(col)].width = _width(column, table[column])
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "A2"
    if len(table.columns):
        last = f"{get_column_letter(len(table.columns))}{len(table) + 1}"
        sheet.auto_filter.ref = f"A1:{last}"
    return cut


def _width(name: str, values: pd.Series) -> int:
    """Return a column's width: its longest header line or sampled value, within bounds."""
    lines = header_text(name).split("\n")
    shown = [_shown(v) for v in values.head(WIDTH_SAMPLE_ROWS).tolist()]
    widest = max([display_width(s) for s in [*lines, *shown]], default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))


def _shown(value: Any) -> str:
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{MAX_DECIMALS}f}".rstrip("0").rstrip(".")
    return str(value)
