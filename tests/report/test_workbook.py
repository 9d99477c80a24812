"""The Excel workbook: bilingual headers, formats, frozen header, filters, never a formula."""

import io

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from ipanalysis.report.workbook import (
    EXCEL_CELL_LIMIT,
    cell_value,
    display_width,
    number_format,
    workbook_bytes,
)


def _sheet(frame: pd.DataFrame, name: str = "assessment"):
    data, cut = workbook_bytes({name: frame})
    return load_workbook(io.BytesIO(data))[name], cut


def test_headers_formats_freeze_and_filter():
    frame = pd.DataFrame(
        {
            "region": ["tianjin", "binhai"],
            "target_year": [2025, 2026],
            "latest_value": [72900.0, 61.6],
            "p_meet": [0.6877, np.nan],
            "observed_growth": [0.153, np.inf],
            "status": ["on_track", "insufficient_data"],
        }
    )
    sheet, cut = _sheet(frame)
    assert cut == []
    assert [c.value for c in sheet[1]][:2] == ["地区\nRegion", "年份\nYear"]
    assert sheet["D1"].value == "达标概率\nP(meet)"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F3"
    assert (sheet["B2"].value, sheet["B2"].number_format) == (2025, "0")
    assert (sheet["C2"].value, sheet["C2"].number_format) == (72900, "#,##0")
    assert sheet["C3"].number_format == "#,##0.0"
    assert (sheet["D2"].value, sheet["D2"].number_format) == (0.6877, "0%")
    assert sheet["E2"].number_format == "0.0%"
    assert sheet["D3"].value is None and sheet["E3"].value is None  # NaN, inf: empty cells
    assert sheet.column_dimensions["A"].width >= 6


def test_text_is_never_a_formula():
    payloads = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-cmd", "@SUM(1)", "普通"]
    sheet, _ = _sheet(pd.DataFrame({"note": payloads}))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == payloads
    assert {c.data_type for c in cells} == {"s"}
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False]


def test_long_text_is_cut_visibly():
    quote = "原文" * 30_000
    sheet, cut = _sheet(pd.DataFrame({"quote": [quote, "短"]}), name="figures")
    text = sheet["A2"].value
    assert len(text) == EXCEL_CELL_LIMIT
    assert text.startswith("原文原文") and "已截断" in text and "figures.csv" in text
    assert [(c.sheet, c.row, c.column, c.length) for c in cut] == [("figures", 2, "quote", 60_000)]
    assert "cut to 32,767" in str(cut[0]) and "figures.csv" in str(cut[0])


def test_cell_values_and_formats():
    assert cell_value(np.int64(3)) == 3 and type(cell_value(np.int64(3))) is int
    assert cell_value(pd.NA) is None and cell_value(float("-inf")) is None
    assert cell_value("") is None
    assert number_format("number", 3.19) == "#,##0.00"
    assert number_format("number", 0.12345) == "#,##0.000"
    assert number_format("probability", 0.5) == "0%"
    assert number_format("flag", True) == "General"
    assert display_width("指标 ab") == 7
