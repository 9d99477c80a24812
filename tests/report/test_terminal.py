"""Terminal output: fits 100 columns, plain numbers with units, full ranges, no nan."""

import io
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console

from ipanalysis import paths
from ipanalysis.formats import fmt_compact
from ipanalysis.report.labels import likelihood_text
from ipanalysis.report.terminal import format_cell, print_frame
from ipanalysis.report.text import target_text


@pytest.mark.parametrize(
    "value, text",
    [
        (72904.0, "72,904"),  # below 10⁵ the exact figure is as short
        (729040.0, "72.9万"),
        (3.19e9, "31.9亿"),
        (5e8, "5亿"),
        (384.0, "384"),
        (float("nan"), "–"),
    ],
)
def test_fmt_compact(value, text):
    assert fmt_compact(value) == text


def test_likelihood_beside_p_uses_the_column_or_computes_it():
    assert likelihood_text(0.72, "可能") == "72% 可能"
    from ipanalysis.assess.rules import likelihood

    assert likelihood_text(0.05) == f"5% {likelihood(0.05)[1]}"
    assert likelihood_text(float("nan")) == "–"


def test_terminal_target_text_is_the_reports_with_compact_numbers():
    row = {"target_kind": "range", "comparator": "~", "target_value": 10.0,
           "target_value_max": 12.0}  # fmt: skip
    assert target_text(row, "亿元", number=fmt_compact) == "10–12 亿元"
    row = {"target_kind": "level", "comparator": ">=", "target_value": 400000.0}
    assert target_text(row, "件", number=fmt_compact) == "≥ 40万 件"
    assert target_text(row, "件") == "≥ 400,000 件"
    growth = {"target_kind": "avg_growth", "comparator": ">=", "target_value": 32000.0}
    assert (
        target_text(growth, "件", number=fmt_compact, rate_pct=15) == "年均增长 ≥ 15% → 32,000 件"
    )
    assert target_text(growth, "件") == "年均增长，≥ 32,000 件"


def test_format_cell_never_prints_nan_or_exponents():
    for missing in (float("nan"), None, pd.NA, np.nan):
        assert format_cell(missing) == "–"
    assert format_cell(1.234e-7) == "0"
    assert format_cell(np.float64(72904.2)) == "72,904"
    assert format_cell(np.int64(2024)) == "2024" and format_cell(72904) == "72,904"
    assert format_cell(True) == "True" and format_cell(np.True_) == "True"


def test_print_frame_has_no_nan_or_na():
    out = io.StringIO()
    frame = pd.DataFrame({"mase": [1.5, np.nan], "n": pd.array([3, None], dtype="Int64")})
    print_frame(frame, "t", Console(file=out, width=100))
    assert not re.search(r"\bnan\b|<NA>", out.getvalue())


def test_assess_fits_100_columns_without_scientific_notation(tmp_path):
    env = {**os.environ, "COLUMNS": "100", "IPANALYSIS_OUTPUTS_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ipanalysis.cli", "assess"],
        capture_output=True, text=True, env=env, cwd=paths.REPO_ROOT, check=True,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert len(lines) > 20
    assert max(cell_len(line) for line in lines) <= 100
    assert not re.search(r"\d[eE][+-]?\d", result.stdout)
    assert not re.search(r"\bnan\b|<NA>", result.stdout)
    assert "亿元" in result.stdout  # units beside the figures


def test_print_frame_folds_headers_rather_than_dropping_columns():
    out = io.StringIO()
    frame = pd.DataFrame({f"a_long_column_name_{i}": [f"v{i}"] for i in range(10)})
    print_frame(frame, "wide", Console(file=out, width=100))
    text = out.getvalue()
    assert all(f"v{i}" in text for i in range(10))
    assert max(cell_len(line) for line in text.splitlines()) <= 100


def test_a_terminal_console_drops_control_characters_from_every_string():
    """Not piped (a real terminal, colours on): data must still not carry escape sequences."""
    from rich.table import Table

    from ipanalysis.report.terminal import TerminalConsole, literal, terminal_text

    payload = "名\x1b[2J\x1b]0;t\x07\r\x9b\u202e\t称"
    out = io.StringIO()
    console = TerminalConsole(file=out, force_terminal=True, width=100)
    table = Table(title=payload)
    table.add_column(payload)
    table.add_row(payload)
    table.add_row(literal(payload, style="bold"))
    console.print(payload)
    console.print(payload, markup=False, highlight=False)
    console.print(table)
    text = out.getvalue()
    assert "\x1b[2J" not in text and "\x1b]0;" not in text  # rich's own colour codes may stay
    assert not re.search("[\x07\r\x9b\u202e\t]", text)
    assert terminal_text(payload) == "名[2J]0;t 称"
