"""Known-answer tests for ipanalysis.model.damped: the pooled damped drift.

The reference numbers follow the formulas of the module docstring, computed by hand.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ipanalysis.model.damped import GrowthPool, estimate_pool, fit_damped_drift


def _pool_series(rows):
    return pd.DataFrame(
        [
            {"region": r, "indicator": i, "year": y, "value": float(v)}
            for r, i, pairs in rows
            for y, v in pairs
        ]
    )


def test_estimate_pool_known_answer():
    # two stock series: a 10%/yr one (log growth log 1.1 each year) and one with yearly
    # log growth 0.2, 0.0 (drift 0.1, residuals +-0.1); a flow series is in the other pool
    g = math.log(1.1)
    series = _pool_series(
        [
            ("a", "s", [(2020, 100), (2021, 110), (2022, 121)]),
            ("b", "s", [(2020, 1), (2021, math.exp(0.2)), (2022, math.exp(0.2))]),
            ("a", "f", [(2020, 5), (2021, 50)]),
        ]
    )
    kinds = pd.DataFrame({"indicator_id": ["s", "f"], "kind": ["stock", "flow"]})
    pool = estimate_pool(series, kinds, "stock_like")
    assert pool.n_series == 2 and pool.n_changes == 4
    assert pool.mean_drift == pytest.approx((g + 0.1) / 2)
    # residuals 0, 0, +0.1, -0.1 over 4 - 2 = 2 degrees of freedom: s2 = 0.02 / 2 = 0.01
    assert pool.noise_var == pytest.approx(0.01)
    assert pool.df == 2
    # between-series variance of the drifts minus the noise share, floored at 1e-4
    between = np.var([g, 0.1], ddof=1) - 0.01 / 2
    assert pool.drift_var == pytest.approx(max(between, 1e-4))


def test_damped_drift_forecast_known_answer_and_staleness():
    pool = GrowthPool("stock_like", 0.1, 0.01, 0.01, 10.0, 5, 20)
    fit = fit_damped_drift([2021, 2023], [100, 121], pool)
    own = math.log(1.21) / 2  # 10%/yr over a 2-year span
    w = 0.01 / (0.01 + 0.01 / 2)
    drift = 0.1 + w * (own - 0.1)
    pred = fit.predict([2024, 2025], 0.8)
    steps = np.array([0.8, 0.8 + 0.64])
    mean = math.log(121) + drift * steps
    sd = np.sqrt(0.01 * np.array([1, 2]) + steps**2 * w * 0.01 / 2)
    q = stats.t.ppf(0.9, 10)
    assert pred["forecast"].to_numpy() == pytest.approx(np.exp(mean))
    assert pred["lower"].to_numpy() == pytest.approx(np.exp(mean - q * sd))
    assert pred["upper"].to_numpy() == pytest.approx(np.exp(mean + q * sd))
    # one figure: the pool's mean growth with its full spread
    single = fit_damped_drift([2023], [121], pool).predict([2024]).iloc[0]
    assert single["forecast"] == pytest.approx(121 * math.exp(0.1 * 0.8))
    assert single["se_obs"] == pytest.approx(math.sqrt(0.01 + 0.64 * 0.02))
    # the same figures two years older: a wider interval for the same target year
    stale = fit_damped_drift([2019, 2021], [100, 121], pool).predict([2025]).iloc[0]
    assert stale["se_obs"] > pred["se_obs"].iloc[1]
