"""CSV files for people: a BOM for Excel, and no cell a spreadsheet would run as a formula.

The formula rule is OWASP's "CSV injection": a cell starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return is a formula to Excel (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``)
unless it is a plain number.
"""

import os

import pandas as pd
import pytest

from ipanalysis.report.files import (
    reads_as_formula,
    spreadsheet_text,
    unprefixed_text,
    write_csv,
)
from ipanalysis.report.tables import read_assessment_csv
from ipanalysis.writes import WriteError
from tests.test_writes import lock

PAYLOADS = [
    '=HYPERLINK("http://evil.example","点击")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "-",
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_formula_like_text_gets_a_quote_prefix_and_reads_back(text):
    assert reads_as_formula(text)
    assert spreadsheet_text(text) == "'" + text
    assert unprefixed_text(spreadsheet_text(text)) == text


@pytest.mark.parametrize("text", ["-5", "+1.5", "-0.25e3", "7.29万件", "≥ 24 件/万人", "–", ""])
def test_numbers_and_ordinary_text_are_left_alone(text):
    assert not reads_as_formula(text) and spreadsheet_text(text) == text
    assert unprefixed_text(text) == text


def test_non_text_cells_are_left_alone():
    for value in (-5, -0.5, float("nan"), None, True):
        assert spreadsheet_text(value) is value or spreadsheet_text(value) == value


def test_write_csv_starts_with_a_bom_and_writes_no_formula(tmp_path):
    frame = pd.DataFrame({"note": PAYLOADS, "value": [-1.5] * len(PAYLOADS)})
    path = write_csv(frame, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    cells = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert not cells["note"].str.startswith(starts).any()
    assert len(cells) == len(PAYLOADS)  # a carriage return in a cell does not end the row
    assert (cells["value"] == "-1.5").all()  # a number stays a number


def test_assessment_csv_round_trips_prefixed_text(tmp_path):
    frame = pd.DataFrame({"region": ["tianjin"], "note": ["=1+1 as written"], "p_meet": [0.5]})
    table = read_assessment_csv(write_csv(frame, tmp_path / "assessment.csv"))
    assert table.loc[0, "note"] == "=1+1 as written" and list(table.columns)[0] == "region"


def test_a_locked_csv_is_named_and_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "assessment.csv"
    path.write_bytes(b"old")
    lock(monkeypatch, path)
    with pytest.raises(WriteError, match="assessment.csv is open in another program"):
        write_csv(pd.DataFrame({"a": [1]}), path)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["assessment.csv"]
