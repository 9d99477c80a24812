"""``ipanalysis run`` and ``assess`` on the command line: refusals; nothing written in the tree."""

import pytest
from typer.testing import CliRunner

from ipanalysis.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "name, option",
    [
        ("interval_level", "--interval-level"),
        ("as_of", "--as-of"),
        ("min_reliability", "--min-reliability"),
        ("region", "--region"),
        ("regions", "--region"),
        ("jobs", "--jobs"),
    ],
)
def test_param_the_runner_sets_itself_is_refused_naming_the_option(
    tmp_path, monkeypatch, name, option
):
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    result = runner.invoke(app, ["run", "-p", f"{name}=high"])
    assert result.exit_code == 2, result.output
    assert f"use {option} instead" in result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    assert not (tmp_path / "out").exists()


def test_wrongly_typed_param_is_refused_naming_found_and_expected(tmp_path, monkeypatch):
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path / "out"))
    result = runner.invoke(app, ["run", "-p", "target_years=2025"])
    assert result.exit_code == 2, result.output
    assert "target_years: found 2025 (int), expected a list of int like [2025, 2026]" in " ".join(
        result.output.split()
    )
    assert not (tmp_path / "out").exists()


def test_assess_prints_and_writes_nothing_unless_asked(mini_data, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(out))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["assess", "--region", "tianjin", "--as-of", "2024"])
    assert result.exit_code == 0, result.output
    assert "每万人口高价值发明专利拥有量" in result.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    target = tmp_path / "elsewhere" / "tianjin.csv"
    result = runner.invoke(app, ["assess", "--region", "tianjin", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8-sig").startswith("region,indicator,target_year")
    assert not out.exists()
