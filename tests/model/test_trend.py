"""Known-answer tests for ipanalysis.model.trend.

The reference numbers are computed independently of statsmodels: OLS by hand with numpy
(normal equations) and quantiles from scipy.stats.t.
"""

import math

import numpy as np
import pytest
from scipy import stats

from ipanalysis.model.predictive import PREDICT_COLUMNS
from ipanalysis.model.trend import choose_method, fit_trend, one_step_errors

YEARS = np.array([2019, 2020, 2021, 2022, 2023])
VALUES = np.array([10.0, 12.0, 14.5, 17.0, 20.5])


def hand_ols(x, y, x_new, level):
    """OLS prediction for a new observation, by hand: returns (mean, se_obs, lower, upper, df)."""
    design = np.column_stack([np.ones(len(x)), x])
    xtx_inv = np.linalg.inv(design.T @ design)
    beta = xtx_inv @ design.T @ y
    resid = y - design @ beta
    df = len(x) - 2
    s2 = resid @ resid / df
    row = np.array([1.0, x_new])
    mean = row @ beta
    se_obs = math.sqrt(s2 * (1 + row @ xtx_inv @ row))
    q = stats.t.ppf(0.5 + level / 2, df)
    return mean, se_obs, mean - q * se_obs, mean + q * se_obs, df


def test_log_linear_forecast_and_interval_match_hand_ols():
    fit = fit_trend(YEARS, VALUES, "log_linear")
    out = fit.predict([2025], level=0.8)
    assert list(out.columns) == PREDICT_COLUMNS
    mean, se, lo, hi, df = hand_ols(YEARS - 2023, np.log(VALUES), 2025 - 2023, 0.8)
    row = out.iloc[0]
    # exp(mean) is the median forecast; interval ends are exponentiated
    assert row["forecast"] == pytest.approx(math.exp(mean), rel=1e-10)
    assert row["lower"] == pytest.approx(math.exp(lo), rel=1e-10)
    assert row["upper"] == pytest.approx(math.exp(hi), rel=1e-10)
    assert row["se_obs"] == pytest.approx(se, rel=1e-10)
    assert row["df"] == df == 3
    # and the fitted growth is exp(slope) - 1 of the same regression
    slope = np.polyfit(YEARS, np.log(VALUES), 1)[0]
    assert fit.growth == pytest.approx(math.exp(slope) - 1)


def test_linear_forecast_and_interval_match_hand_ols_at_90_percent():
    fit = fit_trend(YEARS, VALUES, "linear")
    out = fit.predict([2024, 2026], level=0.9)
    for i, year in enumerate([2024, 2026]):
        mean, se, lo, hi, _ = hand_ols(YEARS - 2023, VALUES, year - 2023, 0.9)
        assert out["forecast"].iloc[i] == pytest.approx(mean)
        assert out["lower"].iloc[i] == pytest.approx(lo)
        assert out["upper"].iloc[i] == pytest.approx(hi)


def test_two_points_endpoint_growth_and_no_interval():
    fit = fit_trend([2022, 2023], [100.0, 110.0], "auto", indicator_kind="flow")
    out = fit.predict([2025]).iloc[0]
    # the log line through two points is the endpoint CAGR: 110 * 1.1**2 = 133.1
    assert out["forecast"] == pytest.approx(133.1)
    assert out["df"] == 0
    assert math.isnan(out["lower"]) and math.isnan(out["upper"]) and math.isnan(out["se_obs"])
    assert "no interval" in fit.reason
    assert math.isnan(fit.probability(2025, lower=120.0))


def test_three_points_df_one_is_very_wide():
    fit = fit_trend([2021, 2022, 2023], [100.0, 115.0, 125.0], "log_linear")
    out = fit.predict([2025], level=0.9).iloc[0]
    assert out["df"] == 1
    # with df = 1 the 90% multiplier is t_0.95(1) = 6.3138 (scipy), so on the log scale the
    # interval is 2 * 6.3138 * se_obs wide
    q = stats.t.ppf(0.95, 1)
    assert q == pytest.approx(6.3138, abs=1e-4)
    width = math.log(out["upper"]) - math.log(out["lower"])
    assert width == pytest.approx(2 * q * out["se_obs"])


def test_zero_value_falls_back_to_linear_and_keeps_the_point():
    years, values = [2020, 2021, 2022, 2023], [0.0, 2.0, 3.0, 5.0]
    method, reason = choose_method(years, values, "count")
    assert method == "linear"
    assert "zero or negative" in reason and "2020" in reason
    fit = fit_trend(years, values, "log_linear")  # asked for log: cannot, says so
    assert fit.method == "linear"
    assert "log_linear requested" in fit.reason
    assert fit.n == 4  # never silently dropped
    # linear OLS by hand: slope = cov/var; x = -3..0, y = 0,2,3,5 -> slope 1.6, mean at 2025
    mean, _, _, _, _ = hand_ols(np.array([-3.0, -2, -1, 0]), np.array(values), 2.0, 0.8)
    assert fit.predict([2025])["forecast"].iloc[0] == pytest.approx(mean)


def test_percent_indicator_is_linear_and_stock_is_log_linear():
    assert choose_method([2020, 2021, 2022], [30.0, 32.0, 33.0], "percent")[0] == "linear"
    assert choose_method([2020, 2021, 2022], [30.0, 32.0, 33.0], "stock")[0] == "log_linear"
    assert choose_method([2020, 2021, 2022], [30.0, 32.0, 33.0], None)[0] == "log_linear"


def test_rolling_origin_choice_with_five_points():
    # an exactly linear series: linear one-step errors are all 0, so linear replaces the
    # log-linear default (0 < 0.9 x the log-linear error)
    years = [2018, 2019, 2020, 2021, 2022, 2023]
    values = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    assert np.allclose(one_step_errors(years, values, "linear"), 0.0)
    method, reason = choose_method(years, values, "stock")
    assert method == "linear"
    assert "rolling-origin" in reason
    # an exactly geometric series keeps log-linear
    geometric = [10 * 1.3**k for k in range(6)]
    assert choose_method(years, geometric, "stock")[0] == "log_linear"


def test_drift_is_endpoint_cagr_with_hyndman_interval():
    values = np.array([100.0, 108.0, 120.0, 126.0, 140.0])
    years = np.arange(2019, 2024)
    fit = fit_trend(years, values, "drift")
    out = fit.predict([2024, 2026], level=0.8)
    cagr = (140 / 100) ** (1 / 4) - 1
    # point forecast: y_T * (1 + CAGR)**h
    assert out["forecast"].iloc[0] == pytest.approx(140 * (1 + cagr))
    assert out["forecast"].iloc[1] == pytest.approx(140 * (1 + cagr) ** 3)
    # Hyndman FPP 5.5: se_h = sigma * sqrt(h * (1 + h / (T - 1))), sigma = sd of log steps
    steps = np.diff(np.log(values))
    sigma = steps.std(ddof=1)
    for i, h in enumerate([1, 3]):
        se = sigma * math.sqrt(h * (1 + h / 4))
        assert out["se_obs"].iloc[i] == pytest.approx(se)
        q = stats.t.ppf(0.9, 3)
        assert out["upper"].iloc[i] == pytest.approx(
            math.exp(math.log(140) + h * math.log(1 + cagr) + q * se)
        )


def test_drift_with_a_gap_uses_the_endpoint_rate():
    fit = fit_trend([2015, 2018, 2020], [50.0, 80.0, 100.0], "drift")
    # drift = log(100/50) / 5 years, so the forecast for 2021 is 100 * 2**(1/5)
    assert fit.predict([2021])["forecast"].iloc[0] == pytest.approx(100 * 2 ** (1 / 5))


def test_probability_tail_direction():
    fit = fit_trend(YEARS, VALUES, "log_linear")
    mean, se, _, _, df = hand_ols(YEARS - 2023, np.log(VALUES), 2, 0.8)
    target = 30.0
    # >= target: p = 1 - F_t(df)((log L - yhat) / se_obs)
    p_up = fit.probability(2025, lower=target)
    assert p_up == pytest.approx(1 - stats.t.cdf((math.log(target) - mean) / se, df))
    # <= target (lower is better): the other tail, F_t(df)(...)
    p_down = fit.probability(2025, upper=target)
    assert p_down == pytest.approx(stats.t.cdf((math.log(target) - mean) / se, df))
    assert p_up + p_down == pytest.approx(1.0)
    # a level far below the forecast is almost surely met from above
    assert fit.probability(2025, lower=5.0) > 0.999
    # a non-positive lower bound is always met by a positive (log-model) figure
    assert fit.probability(2025, lower=0.0) == pytest.approx(1.0)


def test_predict_total_linear_is_exact():
    fit = fit_trend(YEARS, VALUES, "linear")
    total = fit.predict_total([2024, 2025], level=0.8)
    # sum of two new observations: mean a'b, variance a' X C X' a + 2 s2 (by hand)
    x = YEARS - 2023.0
    design = np.column_stack([np.ones(5), x])
    xtx_inv = np.linalg.inv(design.T @ design)
    beta = xtx_inv @ design.T @ VALUES
    s2 = np.sum((VALUES - design @ beta) ** 2) / 3
    a = np.array([2.0, 1.0 + 2.0])  # rows [1, 1] + [1, 2]
    assert total["forecast"] == pytest.approx(a @ beta)
    assert total["se"] == pytest.approx(math.sqrt(s2 * (a @ xtx_inv @ a) + 2 * s2))
    p = fit.probability_total([2024, 2025], lower=45.0)
    assert p == pytest.approx(1 - stats.t.cdf((45.0 - a @ beta) / total["se"], 3))


def test_fit_trend_rejects_too_little_or_bad_input():
    with pytest.raises(ValueError, match="at least two"):
        fit_trend([2023], [5.0])
    with pytest.raises(ValueError, match="finite"):
        fit_trend([2022, 2023], [5.0, float("nan")])
    with pytest.raises(ValueError, match="unknown method"):
        fit_trend([2022, 2023], [5.0, 6.0], "cubic")
    with pytest.raises(ValueError, match="level"):
        fit_trend([2022, 2023, 2024], [5.0, 6.0, 7.0]).predict([2025], level=80)
