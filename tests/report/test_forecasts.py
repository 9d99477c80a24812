"""A forecast for every series, and the surprise flag when a later figure falls outside it."""

import hashlib
import shutil

import numpy as np
import pytest

from ipanalysis import paths
from ipanalysis.data.dataset import read_dataset
from ipanalysis.report.forecasts import FORECAST_COLUMNS, forecast_table, read_forecasts
from ipanalysis.report.html_series import show_forecasts
from ipanalysis.report.summary import new_figure_checks, summary_lines, surprise_lines
from ipanalysis.scope import Scope
from tests.conftest import read_rows, write_table

OUTPUTS = paths.REPO_ROOT / "outputs"


@pytest.fixture(scope="module")
def shipped():
    return read_dataset()


@pytest.fixture(scope="module")
def tianjin(shipped):
    return forecast_table(shipped, Scope(), "tianjin")


def test_every_series_with_a_figure_has_forecasts_with_interval_and_evidence(shipped, tianjin):
    series = shipped.series()
    held = set(series.loc[series["region"] == "tianjin", "indicator"])
    assert list(tianjin.columns) == FORECAST_COLUMNS
    assert set(tianjin["indicator"]) == held
    positive = tianjin[tianjin["method"] == "damped_drift"]
    assert (positive["forecast_lower"] <= positive["forecast"]).all()
    assert (positive["forecast"] <= positive["forecast_upper"]).all()
    assert (
        tianjin["evidence"].isin(["observed", "tested", "indicative", "designation", "none"]).all()
    )
    assert (tianjin["evidence_reason"].str.len() > 0).all()
    # the years run from the one after each series' latest figure
    first = tianjin.groupby("indicator").first()
    assert (first["forecast_year"] == first["latest_year"] + 1).all()


def test_committed_forecasts_cover_every_series_of_the_region(shipped):
    committed = read_forecasts(OUTPUTS / "tianjin" / "forecasts.csv")
    series = shipped.series()
    held = set(series.loc[series["region"] == "tianjin", "indicator"])
    assert committed is not None and set(committed["indicator"]) == held
    assert committed["evidence"].notna().all()
    # counts an office sets itself get no forecast (it depends on the office); all others do
    office = committed["evidence"] == "designation"
    forecast = committed.loc[~office, ["forecast", "forecast_lower", "forecast_upper"]]
    assert office.any() and forecast.notna().all().all()
    assert committed.loc[office, "forecast"].isna().all()


def _with_later_figure(tmp_path, quote: str, value: str, scale: str, year: int):
    """Copy data/ and add one Tianjin valid-invention-patents figure from a later source."""
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    text = data / "sources" / "test-later-figure.txt"
    text.write_text(f"{quote}。", encoding="utf-8")
    sources = read_rows(data / "sources.csv")
    sources.append({**dict.fromkeys(sources[0], ""), "source_id": "test-later-figure",
                    "title_zh": "测试：后来公布的数字", "title_en": "test: a later figure",
                    "issuer": "测试", "date": f"{year + 1}-04", "date_basis": "page",
                    "file": text.name, "reliability": "A",
                    "sha256": hashlib.sha256(text.read_bytes()).hexdigest()})  # fmt: skip
    write_table(data / "sources.csv", sources)
    observations = read_rows(data / "observations.csv")
    observations.append({**dict.fromkeys(observations[0], ""), "region": "tianjin",
                         "indicator": "valid_invention_patents", "year": str(year),
                         "value": value, "scale": scale, "source": "test-later-figure",
                         "quote": quote})  # fmt: skip
    write_table(data / "observations.csv", observations)
    return read_dataset(data)


@pytest.fixture
def later(tmp_path):
    # 72,904 in 2024 and growing for ten years: 5万 in 2025 is far below any interval
    return _with_later_figure(tmp_path, "2025年,全市有效发明专利达到5万件", "5", "万", 2025)


def test_a_later_figure_outside_the_interval_is_flagged_in_the_report(later):
    table = forecast_table(later, Scope(), "tianjin")
    row = table[table["indicator"] == "valid_invention_patents"].iloc[0]
    assert (row["latest_year"], row["latest_value"]) == (2025, 50000.0)
    assert row["latest_check"] == "below" and row["previous_lower"] > 50000
    # the forecast before the figure used only what was published by 30 June 2025
    assert np.isfinite(row["previous_forecast"])
    shown = show_forecasts(table).data
    rows = shown.split("<tr>")[2:]
    (mine,) = [r for r in rows if ">有效发明专利<br>" in r]
    assert "surprise: outside the 80% interval (below)" in mine
    assert all("surprise" in r for r in rows[: rows.index(mine)])  # surprises come first


def test_the_run_summary_holds_new_figures_against_the_previous_forecasts(shipped, later):
    previous = forecast_table(shipped, Scope(), "tianjin")  # what the last run wrote
    checks = new_figure_checks(previous, later)
    assert checks[["indicator", "forecast_year", "value", "check"]].values.tolist() == [
        ["valid_invention_patents", 2025, 50000.0, "below"]
    ]
    lines = surprise_lines(checks, later)
    assert lines[0].startswith("New figures against the previous forecasts")
    assert "  天津市 有效发明专利 2025: 50,000" in lines
    assert any("意外 surprise: outside the 80% interval" in line for line in lines)
    assert new_figure_checks(previous, shipped).empty  # nothing new, nothing said
    empty = summary_lines(previous.iloc[0:0].assign(status=[]), shipped)
    assert not any("previous forecasts" in line for line in empty)


def test_a_later_figure_inside_the_interval_is_no_surprise(tmp_path):
    later = _with_later_figure(tmp_path, "2025年,全市有效发明专利达到8.2万件", "8.2", "万", 2025)
    table = forecast_table(later, Scope(), "tianjin")
    row = table[table["indicator"] == "valid_invention_patents"].iloc[0]
    assert row["latest_check"] == "inside"
    assert row["previous_lower"] <= 82000 <= row["previous_upper"]
