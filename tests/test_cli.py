"""The command line: summaries, refusals with exit codes, files written only on success."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from ipanalysis.cli import app
from tests.conftest import read_rows, write_table

runner = CliRunner()


def test_validate_prints_counts_and_conflicts_for_the_shipped_data():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output and "targets" in result.output
    assert "conflict(s)" in result.output
    assert "tianjin invention_patents_per_10k 2015" in result.output  # 12.2 vs 12.5


def test_validate_failure_names_the_cell_and_writes_nothing(mini_data, tmp_path, monkeypatch):
    rows = read_rows(mini_data / "observations.csv")
    rows[0]["value"] = "1.5万"
    write_table(mini_data / "observations.csv", rows)
    out = tmp_path / "out"
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(out))
    for command in (["validate"], ["assess"], ["run"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert "data/observations.csv, row 2, column value: found '1.5万'" in result.output
    assert not out.exists()


def test_assess_writes_the_csv_with_the_fixed_columns(mini_data, tmp_path, monkeypatch):
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path))
    out = tmp_path / "assessment_tianjin_as-of-2024.csv"
    args = ["assess", "--region", "tianjin", "--as-of", "2024", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns[:3]) == ["region", "indicator", "target_year"]
    # 2 figures (2023 derived 21.8/1.153, 2024 21.8): endpoint growth 15.3% a year vs the
    # 22.5/21.8 − 1 = 3.2% required for 2025: ratio ≈ 4.8 → on_track, no interval.
    (row,) = table.itertuples()
    assert row.status == "on_track" and row.n_points == 2
    assert row.required_growth == pytest.approx(22.5 / 21.8 - 1)
    assert row.observed_growth == pytest.approx(0.153, abs=1e-3)
    assert "每万人口高价值发明专利拥有量" in result.output


def test_run_refuses_bad_regions_and_parameters_before_running(tmp_path, monkeypatch):
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    cases = {
        ("run", "--region", "foo"): "Valid regions: binhai, hongqiao, nankai, tianjin",
        ("run", "--region", "Bin hai"): "not a plain slug",
        ("run", "-p", "colour=red"): "does not declare parameter(s) colour",
        ("run", "-p", "colour"): "expected NAME=VALUE",
    }
    for args, message in cases.items():
        result = runner.invoke(app, list(args))
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert not (tmp_path / "out").exists()


def test_every_command_has_help():
    for command in ("validate", "assess", "backtest", "run"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
