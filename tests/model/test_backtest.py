"""Known-answer tests for ipanalysis.model.backtest: vintages, situations, scores."""

import math

import numpy as np
import pandas as pd
import pytest

from ipanalysis.data.dataset import Dataset, select_figures
from ipanalysis.data.derive import FIGURE_COLUMNS
from ipanalysis.model.backtest import (
    FORECAST_COLUMNS,
    SITUATION_COLUMNS,
    backtest_forecasts,
    figures_bucket,
    horizon_bucket,
    summarise_situations,
)
from ipanalysis.model.damped import estimate_pools, fit_assessment_trend

INDICATORS = pd.DataFrame(
    {
        "indicator_id": ["stock_i", "office_i"],
        "name_zh": ["有效发明专利", "运营中心"],
        "name_en": ["valid invention patents", "operation centres"],
        "unit": ["件", "家"],
        "kind": ["stock", "count"],
        "better": ["higher", "higher"],
        "basis": ["statistic", "designation"],
        "per_10k_of": ["", ""],
    }
)


def make_dataset(figures, targets=None, indicator="stock_i"):
    """A Dataset from (year, value, source, published) rows for one series (binhai)."""
    obs = pd.DataFrame(
        {
            "region": "binhai",
            "indicator": indicator,
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
        completions=pd.DataFrame(columns=["target_id", "source", "quote", "note"]),
    )


# one figure a year, each in a white paper of the next April
YEARLY = [(y, 100 * 1.1 ** (y - 2016), f"wp{y}", f"{y + 1}-04") for y in range(2016, 2023)]


def test_buckets():
    assert [figures_bucket(n) for n in (1, 2, 3, 9)] == ["1", "2", "3+", "3+"]
    assert [horizon_bucket(h) for h in (1, 2, 3, 4, 6)] == ["1", "2-3", "2-3", "4-6", "4-6"]
    assert horizon_bucket(7) is None and horizon_bucket(0) is None


def test_no_change_known_answer():
    forecasts = backtest_forecasts(make_dataset(YEARLY))
    assert list(forecasts.columns) == FORECAST_COLUMNS
    row = forecasts[
        (forecasts["method"] == "no_change")
        & (forecasts["last_year"] == 2019)
        & (forecasts["year"] == 2021)
    ].iloc[0]
    # as of 2019 the figures 2016-2019 are out; no change forecasts 100 * 1.1**3 = 133.1
    assert row["as_of"] == 2019 and row["n_train"] == 4 and row["years_ahead"] == 2
    assert row["forecast"] == pytest.approx(133.1)
    # errors on the log scale over the pool's typical yearly log change (log 1.1 here)
    assert row["scaled_error"] == pytest.approx(math.log(1.1**5 / 1.1**3) / math.log(1.1))


def test_one_figure_origins_are_scored_and_each_origin_once():
    forecasts = backtest_forecasts(make_dataset(YEARLY))
    deployed = forecasts[forecasts["method"] == "deployed"]
    assert (deployed["n_train"] == 1).any()  # as of 2016: one figure, the pool's growth
    key = ["region", "indicator", "last_year", "year"]
    assert not deployed.duplicated(key).any()
    assert deployed["years_ahead"].between(1, 6).all()


def test_an_origin_without_news_is_scored_once_from_its_latest_vintage():
    # no 2019 figure anywhere: vintages 2018 and 2019 both forecast from the 2018 figure
    figures = [f for f in YEARLY if f[0] != 2019]
    forecasts = backtest_forecasts(make_dataset(figures))
    from_2018 = forecasts[(forecasts["method"] == "deployed") & (forecasts["last_year"] == 2018)]
    assert not from_2018.duplicated("year").any()
    assert set(from_2018["as_of"]) == {2019}


def test_a_figure_published_later_is_not_in_the_earlier_vintage():
    # the 2019 figure is only known from a source of 2023 (a back-calculation, say)
    late = [f for f in YEARLY if f[0] != 2019] + [(2019, 133.1, "late", "2023-03")]
    forecasts = backtest_forecasts(make_dataset(late))
    as_of_2019 = forecasts[forecasts["as_of"] == 2019]
    assert set(as_of_2019["last_year"]) == {2018}  # 2019 unknown then: a year stale
    as_of_2021 = forecasts[forecasts["as_of"] == 2021]
    assert set(as_of_2021["n_train"]) == {5}  # 2016-2018, 2020, 2021: 2019 still unknown


def test_designation_indicators_are_not_forecast():
    assert backtest_forecasts(make_dataset(YEARLY, indicator="office_i")).empty


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


def _forecast(method, year, actual, forecast, lower, upper, **extra):
    return {
        "as_of": 2020, "region": "r", "indicator": "i", "pool": "stock_like", "method": method,
        "n_train": 3, "last_year": 2020, "year": year, "years_ahead": year - 2020,
        "actual": actual, "forecast": forecast, "lower": lower, "upper": upper,
        "scaled_error": abs(math.log(forecast / actual)) / 0.1, "pit": 0.5, "brier": 0.25,
        **extra,
    }  # fmt: skip


def test_situation_scores_are_like_for_like_known_answer():
    rows = [
        _forecast("deployed", 2021, 112, 110, 100, 120),
        _forecast("deployed", 2022, 130, 110, 100, 120),
        _forecast("deployed", 2023, 90, 110, 100, 120),
        _forecast("no_change", 2021, 112, 100, 95, 105),
        _forecast("no_change", 2022, 130, 100, 95, 105),
        _forecast("no_change", 2023, 90, 100, 95, 105),
        _forecast("drift", 2021, 112, 105, np.nan, np.nan),
        _forecast("drift", 2022, 130, 105, np.nan, np.nan),  # not 2023: not in 2-3 years
    ]
    summary = summarise_situations(pd.DataFrame(rows, columns=FORECAST_COLUMNS))
    assert list(summary.columns) == SITUATION_COLUMNS
    one = summary[(summary["n_figures"] == "3+") & (summary["horizon_years"] == "1")]
    assert list(one["method"]) == ["deployed", "no_change", "drift"]
    dep = one.set_index("method").loc["deployed"]
    assert dep["n"] == 1 and dep["coverage_80"] == 1.0  # 112 inside [100, 120]
    assert dep["mase"] == pytest.approx(abs(math.log(110 / 112)) / 0.1)
    later = summary[(summary["horizon_years"] == "2-3") & (summary["n_figures"] == "3+")]
    assert list(later["method"]) == ["deployed", "no_change"]  # drift made one of the two
    dep = later.set_index("method").loc["deployed"]
    # 130 above [100, 120], 90 below it
    assert dep["n"] == 2 and dep["coverage_80"] == 0 and dep["above_upper"] == 0.5
    assert set(summary["n_figures"]) == {"3+", "all"}


def test_a_method_without_intervals_gets_no_coverage():
    rows = [
        _forecast("deployed", 2021, 112, 110, 100, 120),
        _forecast("drift", 2021, 112, 105, np.nan, np.nan),
    ]
    summary = summarise_situations(pd.DataFrame(rows, columns=FORECAST_COLUMNS))
    drift = summary[(summary["method"] == "drift") & (summary["n_figures"] == "3+")].iloc[0]
    assert drift["n"] == 1 and math.isnan(drift["coverage_80"]) and drift["mase"] > 0
