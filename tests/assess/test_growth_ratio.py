"""Known-answer tests for the growth ratio, as Open SDG and the UNSD Progress Chart define it.

The answers are worked by hand from Open SDG's ``ProgressMeasure`` (sdg-build,
``sdg/ProgressMeasure.py``, methodology 2) and its methodology page:
``R = s · d · CAGR_observed / |CAGR_required|``, both CAGRs from the base figure (the base
year's, else the first after it), ``d`` the desired direction, ``s`` −1 for a negative base;
a zero target or base is 0.001; values that change sign cannot be assessed; a target already
met is "target achieved". Categories are UNSD's (0.95 / 0.5 / −0.1).
"""

import math

import pandas as pd
import pytest

from ipanalysis.assess.growth_ratio import base_point, plan_base_year, progress_ratio
from ipanalysis.assess.rules import make_band
from tests.assess.test_assessment import make_series, make_target, one


def cagr(a, b, years):
    return (b / a) ** (1 / years) - 1


def test_a_fall_against_an_at_least_target_is_deterioration_not_on_track():
    # 2020: 120 → 2024: 90 against ≥ 100 by 2025: both growths negative
    observed, required = cagr(120, 90, 4), cagr(120, 100, 5)
    assert observed == pytest.approx(-0.069395, abs=1e-6)
    assert required == pytest.approx(-0.035807, abs=1e-6)
    ratio, category = progress_ratio((2020, 120), (2024, 90), (2025, 100), +1)
    assert ratio == pytest.approx(observed / abs(required)) == pytest.approx(-1.938, abs=1e-3)
    assert category == "deterioration"


def test_slow_growth_is_fair_progress():
    ratio, category = progress_ratio((2020, 100), (2023, 125), (2025, 200), +1)
    assert (
        ratio
        == pytest.approx(cagr(100, 125, 3) / cagr(100, 200, 5))
        == pytest.approx(0.519, abs=1e-3)
    )
    assert category == "fair progress, acceleration needed"


def test_lower_is_better_uses_the_direction_sign():
    # days: 60 → 50 (2020–23) against ≤ 30 by 2025
    ratio, category = progress_ratio((2020, 60), (2023, 50), (2025, 30), -1)
    assert ratio == pytest.approx(-cagr(60, 50, 3) / abs(cagr(60, 30, 5)))
    assert ratio == pytest.approx(0.456, abs=1e-3) and category == "limited or no progress"


def test_a_zero_target_counts_as_0_001():
    ratio, _ = progress_ratio((2020, 40), (2023, 10), (2025, 0), -1)
    assert ratio == pytest.approx(-cagr(40, 10, 3) / abs(cagr(40, 0.001, 5)))
    assert ratio == pytest.approx(0.421, abs=1e-3)


def test_values_that_change_sign_cannot_be_assessed():
    ratio, category = progress_ratio((2020, -5), (2023, 3), (2025, 10), +1)
    assert math.isnan(ratio) and category == "unable to assess"


def test_base_is_the_base_year_figure_or_the_first_after_it():
    obs = make_series("s", [(2019, 45), (2021, 50), (2024, 80)])
    assert base_point(obs, 2020) == (2021, 50)  # never the 2019 figure before the base
    assert base_point(obs, 2019) == (2019, 45)
    assert all(math.isnan(v) for v in base_point(obs, 2024))  # the latest figure is no base
    ratio, category = progress_ratio((2021, 50), (2024, 80), (2025, 100), +1)
    assert ratio == pytest.approx(cagr(50, 80, 3) / cagr(50, 100, 4))
    assert ratio == pytest.approx(0.896, abs=1e-3) and category.startswith("fair")


def test_in_the_assessment_growth_ratio_is_from_the_base_only():
    series = make_series("stock_i", [(2019, 45), (2021, 50), (2024, 80)])
    row = one(series, make_target("t", "stock_i", 2025, "level", 100, base_year=2020))
    assert row["growth_ratio"] == pytest.approx(0.896, abs=1e-3)
    assert "no 2020 figure: from 2021" in row["note"]
    early = make_series("stock_i", [(2018, 40), (2024, 80)])  # nothing from 2020 to 2023
    no_base = one(early, make_target("t", "stock_i", 2025, "level", 100, base_year=2020))
    assert math.isnan(no_base["growth_ratio"])  # measured from the base year, or not at all
    assert no_base["growth_ratio_latest"] > 0  # the latest-figure view stays beside it


def test_an_achieved_target_is_target_achieved_whatever_the_trend():
    series = make_series("flow_i", [(2020, 120), (2024, 110)])
    row = one(series, make_target("t", "flow_i", 2025, "level", 100, base_year=2020))
    assert row["progress_category"] == "target achieved"


def test_the_sign_rule_sets_the_status_without_an_interval():
    # two figures of a series with a zero, linear fallback without an interval: the ratio
    # decides, and a fall away from the target must not read as on track
    band = make_band(">=", 100, "higher")
    assert band.direction == 1
    series = make_series("pct_i", [(2020, 120), (2024, 90)])
    row = one(series, make_target("t", "pct_i", 2025, "level", 100, base_year=2020))
    assert row["growth_ratio"] < 0 and row["progress_category"] == "deterioration"


def test_plan_base_year_from_publication():
    plan = {"target_year": 2025, "base_year": pd.NA, "start_year": pd.NA}
    assert plan_base_year({**plan, "published_year": 2021}) == 2020  # a five-year plan
    assert plan_base_year({**plan, "published_year": 2025}) == 2024  # a 2025 work plan
    assert plan_base_year({**plan, "published_year": 2026}) == 2024  # never the target year
    assert plan_base_year({**plan, "published_year": 2015}) == 2020  # at most five years back
    assert plan_base_year(plan) == 2020
    assert plan_base_year({**plan, "start_year": 2024}) == 2023
