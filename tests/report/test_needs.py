"""Asking for the missing figures: the template, filled in, turns a target into a verdict."""

import csv
import hashlib
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from ipanalysis import paths, report
from ipanalysis.cli import app
from ipanalysis.data.dataset import read_dataset
from ipanalysis.errors import DataValidationError
from ipanalysis.report.needs import TEMPLATE_COLUMNS, template_name, years_to_settle

runner = CliRunner()
SOURCE_TEXT = "南开区2024年有效专利2.31万件。2025年底，全区有效专利达到2.45万件。"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "outputs"))
    monkeypatch.setenv("IPANALYSIS_NO_CACHE", "1")
    return data


def _add_source(data):
    """A new source row and its text file, as a researcher adds one (data/README.md)."""
    text = data / "sources" / "extra" / "nankai-test-bulletin.txt"
    text.write_text(SOURCE_TEXT, encoding="utf-8")
    with open(data / "sources.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                "nankai-test-bulletin", "南开区知识产权统计公报（测试）",
                "Nankai IP bulletin (test)", "南开区市场监督管理局", "2026-04-20", "page", "",
                "extra/nankai-test-bulletin.txt", "https://example.org/nankai", "A",
                hashlib.sha256(text.read_bytes()).hexdigest(), "",
            ]
        )  # fmt: skip


def _fill(template, year, value, quote):
    row = (template["indicator"] == "valid_patents") & (template["year"] == year)
    assert row.sum() == 1, template[["indicator", "year"]]
    template.loc[row, ["value", "scale", "source", "quote"]] = [
        value, "万", "nankai-test-bulletin", quote,
    ]  # fmt: skip


def test_filled_template_turns_a_nankai_target_into_a_verdict(data_copy, tmp_path):
    before = report.assessment_table(read_dataset(data_copy), regions=["nankai"])
    target = "nankai-valid-patents-2026"  # no Nankai 有效专利 figure in the sources
    assert before.set_index("target_id").at[target, "status"] == "insufficient_data"

    result = runner.invoke(app, ["needs", "--region", "nankai"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "outputs" / "export" / template_name("nankai")  # not over the run's
    assert not (tmp_path / "outputs" / "nankai").exists()
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    template = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(template.columns) == TEMPLATE_COLUMNS
    assert (template["value"] == "").all() and (template["region"] == "nankai").all()

    _add_source(data_copy)
    _fill(template, "2024", "2.31", "南开区2024年有效专利2.31万件")
    _fill(template, "2025", "2.45", "全区有效专利达到2.45万件")
    template.to_csv(data_copy / template_name("nankai"), index=False, encoding="utf-8-sig")

    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    after = report.assessment_table(read_dataset(data_copy), regions=["nankai"])
    row = after.set_index("target_id").loc[target]
    assert row["status"] != "insufficient_data" and row["n_points"] == 2
    # the other rows of the template, left empty, change nothing else
    others = after[after["target_id"] != target].reset_index(drop=True)
    unchanged = before[before["target_id"] != target].reset_index(drop=True)
    assert others["status"].tolist() == unchanged["status"].tolist()


def test_a_partly_filled_row_is_an_error_naming_file_row_and_column(data_copy):
    result = runner.invoke(app, ["needs", "--region", "nankai", "--out", str(data_copy)])
    assert result.exit_code == 0, result.output
    path = data_copy / template_name("nankai")
    template = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    template.loc[3, "value"] = "12"  # a value without source or quote
    template.to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(DataValidationError) as err:
        read_dataset(data_copy)
    where = {(i.file, i.row, i.column) for i in err.value.issues}
    label = f"data/{template_name('nankai')}"
    assert (label, 5, "source") in where and (label, 5, "quote") in where


def test_an_unfilled_template_in_data_changes_nothing(data_copy):
    runner.invoke(app, ["needs", "--region", "nankai", "--out", str(data_copy)])
    shipped = read_dataset(paths.REPO_ROOT / "data")
    assert len(read_dataset(data_copy).observations) == len(shipped.observations)


@pytest.mark.parametrize(
    "target, held, years",
    [
        ({"kind": "level", "target_year": 2026}, [], [2023, 2024, 2025]),
        ({"kind": "level", "target_year": 2026}, [2024], [2023, 2025]),
        ({"kind": "level", "target_year": 2025}, [], [2023, 2024, 2025]),
        ({"kind": "every_year", "target_year": 2026, "start_year": 2024}, [], [2024, 2025]),
        ({"kind": "avg_growth", "target_year": 2026, "base_year": 2020}, [],
         [2020, 2023, 2024, 2025]),
    ],
)  # fmt: skip
def test_years_to_settle(target, held, years):
    # the latest figure in the dataset is for 2025: later years are not published yet
    assert years_to_settle(target, held, latest_year=2025) == years
