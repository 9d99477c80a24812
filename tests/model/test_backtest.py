"""Known-answer tests for ipanalysis.model.backtest: vintages, horizons, scores, past targets."""

import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ipanalysis.assess.track_record import (
    TARGET_BACKTEST_COLUMNS,
    backtest_targets,
    run_backtest,
)
from ipanalysis.cli import app
from ipanalysis.data.dataset import Dataset, select_figures
from ipanalysis.data.derive import FIGURE_COLUMNS
from ipanalysis.model.backtest import (
    FORECAST_COLUMNS,
    MODEL_COLUMNS,
    backtest_forecasts,
    naive_scale,
    summarise_forecasts,
)
from ipanalysis.model.damped import estimate_pools, fit_assessment_trend
from ipanalysis.report.files import write_backtest

INDICATORS = pd.DataFrame(
    {
        "indicator_id": ["stock_i"],
        "name_zh": ["有效发明专利"],
        "name_en": ["valid invention patents"],
        "unit": ["件"],
        "kind": ["stock"],
        "better": ["higher"],
    }
)


def make_dataset(figures, targets=None):
    """A Dataset from (year, value, source, published) rows for one series (binhai, stock_i)."""
    obs = pd.DataFrame(
        {
            "region": "binhai",
            "indicator": "stock_i",
            "year": [f[0] for f in figures],
            "period": "",
            "value": [float(f[1]) for f in figures],
            "value_lo": [float(f[1]) for f in figures],
            "value_hi": [float(f[1]) for f in figures],
            "qualifier": "",
            "derived": False,
            "formula": "",
            "inputs": "",
            "source": [f[2] for f in figures],
            "quote": "",
            "note": "",
        }
    )[FIGURE_COLUMNS].assign(reliability="A")
    dates = dict((f[2], f[3]) for f in figures)
    sources = pd.DataFrame(
        {"source_id": list(dates), "date": list(dates.values()), "reliability": "A"}
    )
    empty_targets = pd.DataFrame(
        columns=["target_id", "region", "indicator", "target_year", "kind", "value", "source"]
    )
    return Dataset(
        sources=sources,
        regions=pd.DataFrame({"region_id": ["binhai"], "level": ["district"]}),
        indicators=INDICATORS,
        observations=select_figures(obs).reset_index(drop=True),
        targets=empty_targets if targets is None else targets,
        conflicts=pd.DataFrame(),
    )


# one figure a year, each in a white paper of the next April
YEARLY = [(y, 100 * 1.1 ** (y - 2016), f"wp{y}", f"{y + 1}-04") for y in range(2016, 2023)]


def test_naive_scale_per_year():
    # changes 10 (1 year) and 22 over 2 years = 11/yr: mean(10, 11) = 10.5
    assert naive_scale([2020, 2021, 2023], [100, 110, 132]) == pytest.approx(10.5)
    assert math.isnan(naive_scale([2020], [5]))
    assert math.isnan(naive_scale([2020, 2021], [5, 5]))  # a flat series cannot scale errors


def test_no_change_known_answer_by_calendar_horizon():
    forecasts = backtest_forecasts(make_dataset(YEARLY))
    assert list(forecasts.columns) == FORECAST_COLUMNS
    row = forecasts[
        (forecasts["method"] == "no_change")
        & (forecasts["as_of"] == 2019)
        & (forecasts["year"] == 2021)
    ].iloc[0]
    # as of 2019 the figures 2016-2019 are out; no change forecasts 100 * 1.1**3 = 133.1
    assert row["n_train"] == 4 and row["horizon_years"] == 2
    assert row["forecast"] == pytest.approx(133.1)
    # MASE scale: mean yearly change 2016-2019 = (133.1 - 100) / 3 = 11.0333
    assert row["scaled_error"] == pytest.approx(abs(133.1 - 100 * 1.1**5) / (33.1 / 3))


def test_a_figure_published_later_is_not_in_the_earlier_vintage():
    # the 2019 figure is only known from a source of 2023 (a back-calculation, say)
    late = [f for f in YEARLY if f[0] != 2019] + [(2019, 133.1, "late", "2023-03")]
    forecasts = backtest_forecasts(make_dataset(late))
    as_of_2019 = forecasts[forecasts["as_of"] == 2019]
    assert set(as_of_2019["last_year"]) == {2018}  # 2019 unknown then: a year stale
    assert set(as_of_2019["n_train"]) == {3}
    as_of_2021 = forecasts[forecasts["as_of"] == 2021]
    assert set(as_of_2021["n_train"]) == {5}  # 2016-2018, 2020, 2021: 2019 still unknown


def test_deployed_is_the_assessment_trend_with_the_vintage_pools():
    ds = make_dataset(YEARLY)
    forecasts = backtest_forecasts(ds)
    row = forecasts[
        (forecasts["method"] == "deployed")
        & (forecasts["as_of"] == 2020)
        & (forecasts["year"] == 2022)
    ].iloc[0]
    train = ds.series()
    train = train[train["year"] <= 2020]
    fit = fit_assessment_trend(train, "stock", pools=estimate_pools(train, INDICATORS))
    pred = fit.predict([2022]).iloc[0]
    assert row["forecast"] == pytest.approx(pred["forecast"])
    assert row["lower"] == pytest.approx(pred["lower"])


def test_summary_scores_on_common_forecasts_known_answer():
    rows = []
    for method, forecast, lower, upper in [
        ("deployed", 110, 100, 120),
        ("no_change", 100, 95, 105),
    ]:
        for year, actual in [(2021, 112), (2022, 130)]:
            rows.append(
                {
                    "as_of": 2020,
                    "region": "r",
                    "indicator": "i",
                    "pool": "stock_like",
                    "method": method,
                    "n_train": 3,
                    "last_year": 2020,
                    "year": year,
                    "horizon_years": year - 2020,
                    "actual": actual,
                    "forecast": forecast,
                    "lower": lower,
                    "upper": upper,
                    "naive_scale": 10.0,
                    "scaled_error": abs(forecast - actual) / 10.0,
                }
            )
    summary = summarise_forecasts(pd.DataFrame(rows, columns=FORECAST_COLUMNS))
    assert list(summary.columns) == MODEL_COLUMNS
    assert list(summary["method"].unique()) == ["deployed", "no_change", "deployed:stock_like"]
    dep = summary[summary["method"] == "deployed"].set_index("horizon_years")
    # 112 inside [100, 120]; 130 above it
    assert dep.at[1, "coverage_80"] == 1.0 and dep.at[2, "above_upper"] == 1.0
    assert dep.at[1, "mase"] == pytest.approx(0.2)  # |110 - 112| / 10
    nc = summary[summary["method"] == "no_change"].set_index("horizon_years")
    assert nc.at[1, "above_upper"] == 1.0 and nc.at[2, "mase"] == pytest.approx(3.0)


def test_past_targets_assessed_in_earlier_vintages():
    targets = pd.DataFrame(
        [
            {
                "target_id": "t",
                "region": "binhai",
                "indicator": "stock_i",
                "target_year": 2022,
                "kind": "level",
                "comparator": ">=",
                "value": 150.0,
                "value_max": np.nan,
                "value_basis": "level",
                "base_year": pd.NA,
                "start_year": pd.NA,
                "source": "plan",
                "supersedes": "",
            }
        ]
    ).astype({"base_year": "Int64", "start_year": "Int64"})
    figures = [*YEARLY, (2016, 100.0, "plan", "2017-01")]
    frame = backtest_targets(make_dataset(figures, targets))
    assert list(frame.columns) == TARGET_BACKTEST_COLUMNS
    # 2022: 100 * 1.1**6 = 177.2 >= 150: achieved; assessed as of 2021, 2020, 2019
    assert list(frame["as_of"]) == [2021, 2020, 2019]
    assert set(frame["outcome"]) == {"achieved"}
    # a stock already at 161 in 2021 counts as achieved then
    assert frame.loc[frame["as_of"] == 2021, "predicted_status"].item() == "achieved"
    calls = frame["predicted_status"].isin(["achieved", "on_track"])
    assert (frame.loc[calls, "correct"]).all()


def test_cli_backtest_writes_both_files_and_prints_no_nan(tmp_path, monkeypatch, mini_data):
    monkeypatch.setenv("IPANALYSIS_DATA_DIR", str(mini_data))
    monkeypatch.setenv("IPANALYSIS_OUTPUTS_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["backtest"])
    assert result.exit_code == 0, result.output
    assert "nan" not in result.output and "<NA>" not in result.output
    export = tmp_path / "export"  # not over the run's committed track record
    assert (export / "backtest.csv").exists() and (export / "backtest_targets.csv").exists()
    assert not (tmp_path / "backtest.csv").exists()


def test_run_backtest_and_writer(tmp_path):
    models, targets = run_backtest(make_dataset(YEARLY))
    assert "deployed" in set(models["method"])
    paths = write_backtest(models, targets, tmp_path)
    assert [p.name for p in paths] == ["backtest.csv", "backtest_targets.csv"]
    assert list(pd.read_csv(paths[0]).columns) == MODEL_COLUMNS
