"""Known-answer tests for ipanalysis.model.growth (answers worked out by hand in the comments)."""

import math

import numpy as np
import pandas as pd
import pytest

from ipanalysis.model.growth import (
    TREND_COLUMNS,
    compute_trends,
    endpoint_cagr,
    recent_cagr,
    regression_growth,
    required_growth,
    yoy_growth,
)


def make_series(rows, region="binhai", indicator="valid_invention_patents"):
    """Tidy series in the dataset module's shape from (year, value) pairs."""
    return pd.DataFrame(
        {
            "region": region,
            "indicator": indicator,
            "year": [y for y, _ in rows],
            "value": [float(v) for _, v in rows],
            "value_lo": [float(v) for _, v in rows],
            "value_hi": [float(v) for _, v in rows],
            "derived": False,
            "source": "test",
            "reliability": "A",
        }
    )


def test_endpoint_cagr_known_answer():
    # 100 -> 121 in two years: (121/100)**(1/2) - 1 = 1.1 - 1 = 0.10
    assert endpoint_cagr(100.0, 121.0, 2) == pytest.approx(0.10)
    # 7.29万 = 72,900 in 2023 from 50,000 in 2019: 1.458**(1/4) = exp(ln(1.458) / 4)
    # = exp(0.377065 / 4) = exp(0.0942662) = 1.0988525, so the CAGR is 0.0988525
    assert endpoint_cagr(50_000.0, 72_900.0, 4) == pytest.approx(1.458**0.25 - 1)
    assert endpoint_cagr(50_000.0, 72_900.0, 4) == pytest.approx(0.0988525, rel=1e-6)


def test_endpoint_cagr_undefined_cases_are_nan():
    assert math.isnan(endpoint_cagr(0.0, 5.0, 3))  # no growth rate from zero
    assert math.isnan(endpoint_cagr(-1.0, 5.0, 3))
    assert math.isnan(endpoint_cagr(5.0, 6.0, 0))  # no time between the figures
    # falling to zero is a growth of -100%: (0/5)**(1/2) - 1 = -1
    assert endpoint_cagr(5.0, 0.0, 2) == pytest.approx(-1.0)


def test_required_growth_known_answer():
    # from 20.5 (2023) to 30 by 2025: (30/20.5)**(1/2) - 1 = 0.209717...
    assert required_growth(20.5, 2023, 30.0, 2025) == pytest.approx(math.sqrt(30 / 20.5) - 1)
    # a target below the latest figure needs negative growth: (20/20.5)**(1/2) - 1 < 0
    assert required_growth(20.5, 2023, 20.0, 2025) < 0
    # no time left
    assert math.isnan(required_growth(20.5, 2025, 30.0, 2025))


def test_regression_growth_exact_geometric_series():
    # 10 * 1.2**k is exactly log-linear: slope log(1.2), growth exp(log 1.2) - 1 = 0.2
    years = [2019, 2020, 2021, 2022]
    values = [10 * 1.2**k for k in range(4)]
    assert regression_growth(years, values) == pytest.approx(0.2)


def test_regression_growth_by_hand_and_nonpositive():
    years = np.array([2019, 2020, 2022])
    values = np.array([10.0, 13.0, 15.0])
    # closed form OLS slope of log(value) on year, computed with numpy.polyfit independently
    slope = np.polyfit(years, np.log(values), 1)[0]
    assert regression_growth(years, values) == pytest.approx(math.exp(slope) - 1)
    assert math.isnan(regression_growth([2019, 2020, 2021], [0.0, 1.0, 2.0]))
    assert math.isnan(regression_growth([2019], [5.0]))


def test_recent_cagr_uses_five_year_window():
    # latest 2023: window starts at the earliest figure with year >= 2018, i.e. 2018
    # growth = (200/100)**(1/5) - 1
    growth, start = recent_cagr([2010, 2018, 2020, 2023], [50.0, 100.0, 150.0, 200.0])
    assert start == 2018
    assert growth == pytest.approx(2 ** (1 / 5) - 1)
    # no figure in the window except the latest: fall back to the previous figure (2010)
    growth, start = recent_cagr([2010, 2023], [50.0, 200.0])
    assert start == 2010
    assert growth == pytest.approx(4 ** (1 / 13) - 1)


def test_yoy_growth_consecutive_years_only():
    series = make_series([(2019, 100), (2020, 110), (2022, 121), (2023, 0), (2024, 5)])
    out = yoy_growth(series)
    # 2020: 110/100 - 1 = 0.10; 2022: gap after 2020 -> NaN; 2023: 0/121 - 1 = -1;
    # 2024: previous figure is zero -> no growth rate -> NaN
    assert out["yoy_growth"].iloc[1] == pytest.approx(0.10)
    assert math.isnan(out["yoy_growth"].iloc[0])
    assert math.isnan(out["yoy_growth"].iloc[2])
    assert out["yoy_growth"].iloc[3] == pytest.approx(-1.0)
    assert math.isnan(out["yoy_growth"].iloc[4])
    assert list(out["prev_year"].astype("float").fillna(-1)) == [-1, 2019, 2020, 2022, 2023]
    assert len(out) == len(series)  # every row kept


def test_compute_trends_columns_and_values():
    series = pd.concat(
        [
            make_series([(2019, 100), (2020, 110), (2021, 121)]),
            make_series([(2020, 50), (2021, 40), (2022, 32)], indicator="falling"),
            make_series([(2021, 0), (2022, 3)], indicator="zero"),
        ]
    )
    out = compute_trends(series)
    assert list(out.columns) == TREND_COLUMNS
    assert list(out["indicator"]) == ["falling", "valid_invention_patents", "zero"]
    rising = out.set_index("indicator").loc["valid_invention_patents"]
    # 100 -> 121 in 2 years: 10%; exactly geometric so the regression agrees; last yoy 121/110-1
    assert rising["cagr"] == pytest.approx(0.10)
    assert rising["regression_growth"] == pytest.approx(0.10)
    assert rising["last_yoy_growth"] == pytest.approx(0.10)
    assert rising["n_points"] == 3
    falling = out.set_index("indicator").loc["falling"]
    # a falling series: 50 -> 32 in 2 years: (32/50)**0.5 - 1 = 0.8 - 1 = -0.2
    assert falling["cagr"] == pytest.approx(-0.2)
    zero = out.set_index("indicator").loc["zero"]
    assert bool(zero["has_nonpositive"])
    assert math.isnan(zero["cagr"]) and math.isnan(zero["regression_growth"])


def test_compute_trends_empty_input():
    out = compute_trends(make_series([]))
    assert list(out.columns) == TREND_COLUMNS
    assert out.empty
