"""The export: a workbook and tidy CSVs for Excel, every column explained, no tracked file."""

import subprocess

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from ipanalysis import paths
from ipanalysis.cli import app
from ipanalysis.report import export
from ipanalysis.report.export import WORKBOOK_NAME
from tests.conftest import read_rows, write_table

runner = CliRunner()
BOM = b"\xef\xbb\xbf"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_export_writes_workbook_and_csvs_with_every_column_explained(tmp_path):
    result = runner.invoke(app, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("figures", "assessment", "columns"):
        assert (tmp_path / f"{name}.csv").read_bytes().startswith(BOM)  # Excel reads UTF-8
    figures = pd.read_csv(tmp_path / "figures.csv", keep_default_na=False, encoding="utf-8-sig")
    assessment = pd.read_csv(tmp_path / "assessment.csv", encoding="utf-8-sig")
    columns = pd.read_csv(tmp_path / "columns.csv", encoding="utf-8-sig")
    assert figures["derived"].any() and (~figures["derived"]).any()  # stated and derived
    assert figures["conflict"].any() and {"selected", "reliability"} <= set(figures.columns)
    assert assessment["target_id"].is_unique
    described = set(zip(columns["sheet"], columns["column"], strict=True))
    for sheet, table in (("figures", figures), ("assessment", assessment)):
        assert {(sheet, c) for c in table.columns} <= described
        assert list(table.columns[:7]) == [
            "region", "region_name_zh", "region_name_en", "indicator", "name_zh", "name_en",
            "unit",
        ]  # fmt: skip
    assert not (columns["description_en"] == "(no description)").any()
    assert columns["label_zh"].str.len().gt(0).all()
    book = load_workbook(tmp_path / WORKBOOK_NAME)
    assert book.sheetnames == ["figures", "assessment", "columns"]
    assert book["figures"].max_row == len(figures) + 1


def test_workbook_assessment_sheet_is_set_up_for_excel(tmp_path):
    assert runner.invoke(app, ["export", "--out", str(tmp_path)]).exit_code == 0
    sheet = load_workbook(tmp_path / WORKBOOK_NAME)["assessment"]
    headers = {c.value.split("\n")[1]: c for c in sheet[1]}
    assert headers["P(meet)"].value == "达标概率\nP(meet)"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    column = headers["P(meet)"].column
    probabilities = [row[column - 1] for row in sheet.iter_rows(min_row=2)]
    assert {c.number_format for c in probabilities if c.value is not None} == {"0%"}
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "天津市" in names and "滨海新区" in names  # Chinese region names beside the ids
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert not any(isinstance(v, str) and v.lower() in ("inf", "-inf", "nan") for v in values)


def test_formula_payloads_in_the_data_stay_text_everywhere(mini_data, tmp_path, monkeypatch):
    """Issue 17 case 6: names, units and notes starting with = + - @ became formulas."""
    indicators = read_rows(mini_data / "indicators.csv")
    indicators[1].update(
        name_zh='=HYPERLINK("http://evil.example","点击")',
        name_en="=cmd|' /C calc'!A0",
        unit="@SUM(1)",
        note="-2+3",
    )
    write_table(mini_data / "indicators.csv", indicators)
    regions = read_rows(mini_data / "regions.csv")
    regions[0]["name_en"] = "+Binhai"
    write_table(mini_data / "regions.csv", regions)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "outputs"))
    out = tmp_path / "export"
    for args in (["export", "--out", str(out)], ["needs", "--out", str(out)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    for csv in out.glob("*.csv"):
        cells = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for column in cells.columns:
            text = cells[column][~cells[column].str.fullmatch(r"[+-]?[0-9.eE+-]+")]
            assert not text.str.startswith(FORMULA_STARTS).any(), (csv.name, column)
    figures = pd.read_csv(out / "figures.csv", dtype=str, encoding="utf-8-sig")
    assert '\'=HYPERLINK("http://evil.example","点击")' in set(figures["name_zh"])
    book = load_workbook(out / WORKBOOK_NAME)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {"=cmd|' /C calc'!A0", "@SUM(1)", "+Binhai"} <= texts  # as written, as text


def test_a_quote_over_excels_cell_limit_is_cut_and_said(tmp_path, monkeypatch):
    """Issue 17 case 5: a 1 MB quote was cut silently (a Python warning only)."""
    real = export.figures_export

    def long_quote(dataset):
        figures = real(dataset)
        figures.loc[0, "quote"] = "很长的原文" * 200_000
        return figures

    monkeypatch.setattr(export, "figures_export", long_quote)
    result = runner.invoke(app, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "figures sheet, row 2, column quote: 1,000,000 characters, cut to 32,767" in said
    cell = load_workbook(tmp_path / WORKBOOK_NAME)["figures"]
    headers = [c.value.split("\n")[1] for c in cell[1]]
    text = cell.cell(row=2, column=headers.index("Quote") + 1).value
    assert len(text) == 32_767 and "已截断" in text and "figures.csv" in text
    figures = pd.read_csv(tmp_path / "figures.csv", encoding="utf-8-sig")
    assert len(figures.loc[0, "quote"]) == 1_000_000  # the CSV keeps the whole text


def test_concurrent_exports_do_not_collide(tmp_path):
    """Issue 17 case 14: two exports shared one temporary file name."""
    import sys

    command = [sys.executable, "-m", "ipanalysis.cli", "export", "--out", str(tmp_path)]
    runs = [subprocess.Popen(command, cwd=paths.REPO_ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT) for _ in range(2)]  # fmt: skip
    outputs = [run.communicate(timeout=600)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "assessment.csv", "columns.csv", "figures.csv", WORKBOOK_NAME,
    ]  # fmt: skip
    assert load_workbook(tmp_path / WORKBOOK_NAME).sheetnames[0] == "figures"


def test_default_export_folder_is_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "outputs/export/figures.csv"], cwd=paths.REPO_ROOT
    )
    assert ignored.returncode == 0
