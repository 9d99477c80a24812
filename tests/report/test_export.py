"""The export: one workbook and tidy CSVs, every column explained, no tracked file touched."""

import subprocess

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from ipanalysis import paths
from ipanalysis.cli import app
from ipanalysis.report.export import WORKBOOK_NAME

runner = CliRunner()


def test_export_writes_workbook_and_csvs_with_every_column_explained(tmp_path):
    result = runner.invoke(app, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    figures = pd.read_csv(tmp_path / "figures.csv", keep_default_na=False)
    assessment = pd.read_csv(tmp_path / "assessment.csv")
    columns = pd.read_csv(tmp_path / "columns.csv")
    assert figures["derived"].any() and (~figures["derived"]).any()  # stated and derived
    assert figures["conflict"].any() and {"selected", "reliability"} <= set(figures.columns)
    assert assessment["target_id"].is_unique
    described = set(zip(columns["sheet"], columns["column"], strict=True))
    for sheet, table in (("figures", figures), ("assessment", assessment)):
        assert {(sheet, c) for c in table.columns} <= described
    assert not (columns["description_en"] == "(no description)").any()
    book = load_workbook(tmp_path / WORKBOOK_NAME, read_only=True)
    assert book.sheetnames == ["figures", "assessment", "columns"]
    assert book["figures"].max_row == len(figures) + 1


def test_default_export_folder_is_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "outputs/export/figures.csv"], cwd=paths.REPO_ROOT
    )
    assert ignored.returncode == 0
