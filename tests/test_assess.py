"""Known-answer and convention tests for ipanalysis.assess.

Every expected number is worked out in a comment or built from numpy / scipy.stats directly,
never from the module under test.
"""

import itertools
import math
import types

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ipanalysis.assess import (
    CONFIDENCE_LEVELS,
    EXTRA_COLUMNS,
    OUTPUT_COLUMNS,
    STATUSES,
    assess,
    assess_targets,
    progress_category,
    required_path,
)
from ipanalysis.tables import TARGET_KINDS

INDICATORS = pd.DataFrame(
    [
        ("stock_i", "有效发明专利", "valid invention patents", "件", "stock", "higher"),
        ("flow_i", "发明专利授权", "invention patent grants", "件", "flow", "higher"),
        ("count_i", "示范企业", "demonstration firms", "家", "count", "higher"),
        ("lower_i", "审查周期", "examination time", "月", "flow", "lower"),
        ("pct_i", "占比", "share", "%", "percent", "higher"),
    ],
    columns=["indicator_id", "name_zh", "name_en", "unit", "kind", "better"],
)


def make_series(indicator, rows, region="binhai", derived=False, reliability="A"):
    """Series rows in the dataset module's shape from (year, value) pairs."""
    return pd.DataFrame(
        {
            "region": region,
            "indicator": indicator,
            "year": [y for y, _ in rows],
            "value": [float(v) for _, v in rows],
            "value_lo": [float(v) for _, v in rows],
            "value_hi": [float(v) for _, v in rows],
            "derived": derived,
            "source": "test",
            "reliability": reliability,
        }
    )


def make_target(target_id, indicator, target_year, kind, value, **kw):
    """One targets row with the contract's columns; keyword arguments override defaults."""
    row = {
        "target_id": target_id,
        "region": "binhai",
        "indicator": indicator,
        "target_year": target_year,
        "kind": kind,
        "comparator": ">=",
        "value": float(value),
        "value_max": np.nan,
        "value_basis": "level",
        "base_year": pd.NA,
        "start_year": pd.NA,
        "source": "test",
        "quote": "",
        "note": "",
    }
    row.update(kw)
    return row


def run(series, *targets, **kwargs):
    frame = pd.DataFrame(list(targets))
    for col in ("base_year", "start_year"):
        frame[col] = frame[col].astype("Int64")
    return assess_targets(series, frame, INDICATORS, **kwargs)


def one(series, target, **kwargs):
    out = run(series, target, **kwargs)
    assert len(out) == 1
    return out.iloc[0]


STOCK = make_series("stock_i", [(2019, 10), (2020, 12), (2021, 14.5), (2022, 17), (2023, 20.5)])
FLOW = make_series("flow_i", [(2021, 100), (2022, 110), (2023, 125)])


def hand_log_ols(years, values, year_new):
    """Log-linear OLS prediction by hand (numpy): mean and se_obs on the log scale, df."""
    x = np.asarray(years, dtype=float) - years[-1]
    y = np.log(np.asarray(values, dtype=float))
    design = np.column_stack([np.ones(x.size), x])
    xtx_inv = np.linalg.inv(design.T @ design)
    beta = xtx_inv @ design.T @ y
    df = x.size - 2
    s2 = np.sum((y - design @ beta) ** 2) / df
    row = np.array([1.0, year_new - years[-1]])
    return row @ beta, math.sqrt(s2 * (1 + row @ xtx_inv @ row)), df


# ---------------------------------------------------------------------------- conventions


def test_columns_fixed_order_and_one_allowed_status_per_target():
    series = pd.concat([STOCK, FLOW, make_series("count_i", [(2023, 3)])])
    targets = [
        make_target("a", "stock_i", 2025, "level", 30),
        make_target("b", "flow_i", 2025, "level", 150),
        make_target("c", "count_i", 2025, "level", 5),
        make_target("d", "pct_i", 2025, "level", 40),
        make_target("e", "flow_i", 2025, "every_year", 105, start_year=2022),
        make_target("f", "flow_i", 2025, "cumulative", 600, start_year=2021),
        make_target("g", "flow_i", 2025, "annual_average", 120, start_year=2021),
        make_target("h", "stock_i", 2025, "avg_growth", 20, base_year=2020),
        make_target(
            "i", "count_i", 2025, "range", 1, value_max=2, value_basis="increase", base_year=2023
        ),
        make_target("j", "stock_i", 2025, "keep_improving", np.nan),
        make_target("k", "stock_i", 2025, "no_such_kind", 1),
        make_target("m", "stock_i", 2025, "level", 1, comparator="≈"),
        make_target("n", "unknown_indicator", 2025, "level", 1),
    ]
    out = run(series, *targets)
    assert list(out.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    assert list(out.columns) == OUTPUT_COLUMNS + EXTRA_COLUMNS
    assert len(out) == len(targets)
    assert out["status"].isin(STATUSES).all()
    assert out["confidence"].isin(CONFIDENCE_LEVELS).all()
    assert (out["note"].str.len() > 0).all()  # every status says why
    assert set(out["target_id"]) == {t["target_id"] for t in targets}


def test_row_order_is_stable_and_input_order_does_not_matter():
    series = pd.concat(
        [STOCK, FLOW, make_series("flow_i", [(2022, 5), (2023, 6)], region="nankai")]
    )
    targets = [
        make_target("z", "stock_i", 2026, "level", 40),
        make_target("y", "flow_i", 2025, "level", 150),
        make_target("x", "stock_i", 2025, "level", 30),
        make_target("w", "flow_i", 2025, "level", 8, region="nankai"),
    ]
    out = run(series, *targets)
    # sorted by region, target_year, indicator, target_id
    assert list(out["target_id"]) == ["y", "x", "z", "w"]
    shuffled = run(series.iloc[::-1], *targets[::-1])
    pd.testing.assert_frame_equal(out, shuffled)


def test_empty_targets_give_empty_table_with_columns():
    out = assess_targets(
        STOCK, pd.DataFrame(columns=list(make_target("a", "s", 1, "level", 1))), INDICATORS
    )
    assert list(out.columns) == OUTPUT_COLUMNS + EXTRA_COLUMNS
    assert out.empty


# ------------------------------------------------------------------------ data sufficiency


def test_zero_points_insufficient():
    row = one(STOCK, make_target("t", "flow_i", 2025, "level", 10))
    assert row["status"] == "insufficient_data"
    assert row["confidence"] == "none"
    assert row["n_points"] == 0
    assert "无数据" in row["note"] and "would need" in row["note"]


def test_one_point_insufficient_unless_already_met():
    series = make_series("stock_i", [(2023, 20.5)])
    row = one(series, make_target("t", "stock_i", 2025, "level", 30))
    assert row["status"] == "insufficient_data"
    assert "1 figure" in row["note"]
    # a stock whose single figure already meets the target is achieved
    row = one(series, make_target("t", "stock_i", 2025, "level", 20))
    assert row["status"] == "achieved"


def test_two_points_endpoint_growth_no_interval_low_confidence():
    series = make_series("flow_i", [(2022, 100), (2023, 110)])
    row = one(series, make_target("t", "flow_i", 2025, "level", 130))
    # endpoint CAGR 110/100 - 1 = 0.10; forecast 110 * 1.1**2 = 133.1
    # required (130/110)**(1/2) - 1 = 0.087115; ratio 0.10 / 0.087115 = 1.1479 >= 0.95
    assert row["forecast"] == pytest.approx(133.1)
    assert math.isnan(row["forecast_lower"]) and math.isnan(row["p_meet"])
    assert row["observed_growth"] == pytest.approx(0.10)
    assert row["required_growth"] == pytest.approx(math.sqrt(130 / 110) - 1)
    assert row["growth_ratio"] == pytest.approx(0.10 / (math.sqrt(130 / 110) - 1))
    assert row["status"] == "on_track"
    assert row["confidence"] == "low"
    assert "2 points: endpoint growth only, no interval" in row["note"]


def test_three_points_interval_reported_wide():
    row = one(FLOW, make_target("t", "flow_i", 2025, "level", 150))
    assert row["n_points"] == 3
    assert row["method"] == "log_linear"
    assert np.isfinite(row["forecast_lower"]) and np.isfinite(row["p_meet"])
    assert "df = 1" in row["note"]
    # p_meet by hand: 1 - F_t(1)((log 150 - yhat) / se_obs)
    mean, se, df = hand_log_ols([2021, 2022, 2023], [100, 110, 125], 2025)
    assert row["p_meet"] == pytest.approx(1 - stats.t.cdf((math.log(150) - mean) / se, df))
    assert row["status"] == ("on_track" if row["p_meet"] >= 0.5 else "at_risk")


# --------------------------------------------------------------------------- target kinds


def test_level_target_forecast_and_p_meet_known_answer():
    row = one(STOCK, make_target("t", "stock_i", 2025, "level", 30))
    mean, se, df = hand_log_ols([2019, 2020, 2021, 2022, 2023], [10, 12, 14.5, 17, 20.5], 2025)
    assert row["forecast"] == pytest.approx(math.exp(mean))
    q = stats.t.ppf(0.9, df)  # 80% interval
    assert row["forecast_lower"] == pytest.approx(math.exp(mean - q * se))
    assert row["forecast_upper"] == pytest.approx(math.exp(mean + q * se))
    p = 1 - stats.t.cdf((math.log(30) - mean) / se, df)
    assert row["p_meet"] == pytest.approx(p)
    # p = 0.087 < 0.1: off_track. growth ratio: recent CAGR (20.5/10)**(1/4) - 1 = 0.19657,
    # required (30/20.5)**0.5 - 1 = 0.20972: ratio 0.9373 -> UNSD "fair progress"
    assert p < 0.1 and row["status"] == "off_track"
    assert row["observed_growth"] == pytest.approx(2.05**0.25 - 1)
    assert row["growth_ratio"] == pytest.approx((2.05**0.25 - 1) / (math.sqrt(30 / 20.5) - 1))
    assert row["progress_category"] == "fair progress, acceleration needed"
    assert row["confidence"] == "high"  # 5 points, narrow interval, grade A, stated


def test_stock_already_met_is_achieved():
    row = one(STOCK, make_target("t", "stock_i", 2025, "level", 20))
    assert row["status"] == "achieved"
    assert row["progress_category"] == "target achieved"
    assert "已达成" in row["note"]
    assert row["confidence"] == "high"


def test_flow_met_early_is_not_achieved_for_the_target_year():
    row = one(FLOW, make_target("t", "flow_i", 2025, "level", 120))
    assert row["status"] != "achieved"
    assert row["progress_category"] == "target achieved"  # the UNSD view of the latest figure
    assert "the 2025 figure itself" in row["note"]


def test_target_year_with_a_figure_is_achieved_or_missed():
    assert one(FLOW, make_target("t", "flow_i", 2022, "level", 105))["status"] == "achieved"
    assert one(FLOW, make_target("t", "flow_i", 2022, "level", 115))["status"] == "missed"
    assert one(FLOW, make_target("t", "flow_i", 2022, "level", 105))["confidence"] == "high"


def test_approx_comparator_within_five_percent():
    # ~ 115 accepts 0.95 * 115 = 109.25 .. 120.75: 110 (2022) is met, 105 would not be
    assert (
        one(FLOW, make_target("t", "flow_i", 2022, "level", 115, comparator="~"))["status"]
        == "achieved"
    )
    assert (
        one(FLOW, make_target("t", "flow_i", 2022, "level", 116, comparator="~"))["status"]
        == "missed"
    )  # 0.95 * 116 = 110.2 > 110
    # overshoot in the better direction counts as met: 110 vs ~ 100 (band 95..105)
    row = one(FLOW, make_target("t", "flow_i", 2022, "level", 100, comparator="~"))
    assert row["status"] == "achieved" and "overshoot" in row["note"]


def test_growth_target_becomes_level_path():
    row = one(STOCK, make_target("t", "stock_i", 2025, "avg_growth", 20, base_year=2020))
    # base 12 (2020) growing 20% a year: 12 * 1.2**5 = 29.85984 in 2025
    assert row["target_value"] == pytest.approx(12 * 1.2**5)
    assert row["target_value"] == pytest.approx(29.85984)
    # observed growth since the base year: (20.5 / 12)**(1/3) - 1 = 0.19543
    assert row["observed_growth"] == pytest.approx((20.5 / 12) ** (1 / 3) - 1)
    # required from the latest figure: (29.85984 / 20.5)**(1/2) - 1 = 0.20689
    assert row["required_growth"] == pytest.approx(math.sqrt(29.85984 / 20.5) - 1)
    mean, se, df = hand_log_ols([2019, 2020, 2021, 2022, 2023], [10, 12, 14.5, 17, 20.5], 2025)
    assert row["p_meet"] == pytest.approx(1 - stats.t.cdf((math.log(29.85984) - mean) / se, df))
    path = required_path(
        make_target("t", "stock_i", 2025, "avg_growth", 20, base_year=2020), STOCK
    )
    assert list(path["year"]) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert path["required_value"].to_numpy() == pytest.approx(12 * 1.2 ** np.arange(6))


def test_growth_target_without_base_figure_compares_growth_only():
    row = one(STOCK, make_target("t", "stock_i", 2025, "avg_growth", 20, base_year=2010))
    assert math.isnan(row["target_value"])
    assert row["required_growth"] == pytest.approx(0.20)
    # recent CAGR (20.5/10)**(1/4) - 1 = 0.19657; ratio 0.19657 / 0.20 = 0.98 -> on track
    assert row["growth_ratio"] == pytest.approx((2.05**0.25 - 1) / 0.20)
    assert row["status"] == "on_track"
    assert row["confidence"] == "low"
    assert "2010" in row["note"]


def test_every_year_target_already_missed():
    series = make_series("flow_i", [(2021, 100), (2022, 90), (2023, 125)])
    row = one(series, make_target("t", "flow_i", 2025, "every_year", 95, start_year=2021))
    # 2022: 90 < 95 inside 2021..2025
    assert row["status"] == "missed"
    assert "2022" in row["note"]
    # the same dip before the period does not count
    row = one(series, make_target("t", "flow_i", 2025, "every_year", 95, start_year=2023))
    assert row["status"] != "missed"


def test_every_year_all_years_observed_is_achieved():
    row = one(FLOW, make_target("t", "flow_i", 2023, "every_year", 95, start_year=2021))
    assert row["status"] == "achieved"


def test_cumulative_sum_of_observed_and_forecast():
    # exactly 10% growth: the log-linear trend continues it, 133.1 (2024), 146.41 (2025)
    # total 2021-2025 = 100 + 110 + 121 + 133.1 + 146.41 = 610.51
    series = make_series("flow_i", [(2021, 100), (2022, 110), (2023, 121)])
    row = one(series, make_target("t", "flow_i", 2025, "cumulative", 600, start_year=2021))
    assert row["forecast"] == pytest.approx(610.51)
    assert row["status"] == "on_track"
    assert row["p_meet"] > 0.99  # an exact fit: practically certain under the model
    # cumulative already reached by the observed years: 100 + 110 + 121 = 331 >= 300
    row = one(series, make_target("t", "flow_i", 2025, "cumulative", 300, start_year=2021))
    assert row["status"] == "achieved"
    # annual average: 610.51 / 5 = 122.102
    row = one(series, make_target("t", "flow_i", 2025, "annual_average", 125, start_year=2021))
    assert row["forecast"] == pytest.approx(122.102)
    assert row["status"] in ("off_track", "at_risk")


def test_range_with_increase_basis():
    series = make_series("count_i", [(2021, 3), (2022, 4), (2023, 5)])
    target = make_target(
        "t", "count_i", 2025, "range", 1, value_max=2, value_basis="increase", base_year=2023
    )
    row = one(series, target)
    # 再增1—2个 over the 2023 figure 5: the range is [6, 7]
    assert row["target_value"] == 6
    assert row["target_value_max"] == 7
    assert row["status"] in STATUSES and row["status"] != "insufficient_data"
    # no base-year figure: cannot place the range
    target["base_year"] = 2018
    row = one(series, target)
    assert row["status"] == "insufficient_data"
    assert "2018" in row["note"]


def test_keep_improving():
    rising = make_series("stock_i", [(2020, 10), (2021, 11), (2022, 12), (2023, 13)])
    target = make_target("t", "stock_i", 2025, "keep_improving", np.nan, start_year=2021)
    assert one(rising, target)["status"] == "on_track"
    dipped = make_series("stock_i", [(2020, 10), (2021, 11), (2022, 10.5), (2023, 13)])
    row = one(dipped, target)
    assert row["status"] == "missed"
    assert "2022" in row["note"]
    done = make_series("stock_i", [(2020, 10), (2021, 11), (2022, 12), (2023, 13)])
    target["target_year"] = 2023
    assert one(done, target)["status"] == "achieved"


def test_falling_series_lower_is_better_and_p_meet_tail():
    series = make_series("lower_i", [(2020, 50), (2021, 45), (2022, 41), (2023, 38)])
    row = one(series, make_target("t", "lower_i", 2025, "level", 30, comparator="<="))
    # both growths negative: observed (38/50)**(1/3) - 1 = -0.0874, required
    # (30/38)**(1/2) - 1 = -0.1115; ratio 0.784 (positive: moving the right way)
    obs = (38 / 50) ** (1 / 3) - 1
    req = math.sqrt(30 / 38) - 1
    assert row["observed_growth"] == pytest.approx(obs)
    assert row["required_growth"] == pytest.approx(req)
    assert row["growth_ratio"] == pytest.approx(obs / req)
    assert row["progress_category"] == "fair progress, acceleration needed"
    # lower is better: p = F_t(df)((log 30 - yhat) / se_obs), the lower tail
    mean, se, df = hand_log_ols([2020, 2021, 2022, 2023], [50, 45, 41, 38], 2025)
    assert row["p_meet"] == pytest.approx(stats.t.cdf((math.log(30) - mean) / se, df))


def test_falling_series_higher_is_better_deteriorates():
    series = make_series("flow_i", [(2021, 130), (2022, 120), (2023, 110)])
    row = one(series, make_target("t", "flow_i", 2025, "level", 150))
    assert row["growth_ratio"] < -0.1
    assert row["progress_category"] == "deterioration"
    assert row["status"] == "off_track"


def test_zero_value_uses_linear_with_note():
    series = make_series("count_i", [(2020, 0), (2021, 2), (2022, 3), (2023, 5)])
    row = one(series, make_target("t", "count_i", 2025, "level", 9))
    assert row["method"] == "linear"
    assert row["n_points"] == 4  # the zero is kept
    assert "zero or negative" in row["method_reason"]
    # linear OLS by hand on x = -3..0, y = 0,2,3,5: slope 1.6, intercept 4.9 -> 2025: 8.1
    assert row["forecast"] == pytest.approx(8.1)
    assert math.isnan(row["observed_growth"])
    assert np.isfinite(row["growth_ratio"])  # from absolute changes, said in the note
    assert "absolute changes" in row["note"]


def test_as_of_restricts_the_data():
    target = make_target("t", "stock_i", 2025, "level", 30)
    row = one(STOCK, target, as_of=2021)
    assert row["latest_year"] == 2021 and row["latest_value"] == 14.5
    assert row["n_points"] == 3
    assert row["as_of"] == 2021
    same = one(STOCK[STOCK["year"] <= 2021], target)
    for col in ("forecast", "forecast_lower", "forecast_upper", "p_meet", "status"):
        assert row[col] == same[col]
    # a target met in 2023 is not achieved as of 2022
    assert (
        one(STOCK, make_target("t", "stock_i", 2025, "level", 20), as_of=2022)["status"]
        != "achieved"
    )


def test_confidence_lowered_for_derived_or_grade_c_only():
    derived = make_series("flow_i", [(2022, 100), (2023, 110)], derived=True)
    row = one(derived, make_target("t", "flow_i", 2022, "level", 90))
    assert row["status"] == "achieved"
    assert row["confidence"] == "medium" and "derived figures only" in row["note"]
    grade_c = make_series("flow_i", [(2022, 100), (2023, 110)], derived=True, reliability="C")
    assert one(grade_c, make_target("t", "flow_i", 2022, "level", 90))["confidence"] == "low"


def test_progress_category_cutoffs():
    assert progress_category(0.95) == "on track"
    assert progress_category(0.5) == "fair progress, acceleration needed"
    assert progress_category(-0.1) == "limited or no progress"
    assert progress_category(-0.11) == "deterioration"
    assert progress_category(0.2, achieved=True) == "target achieved"
    assert math.isnan(progress_category(float("nan")))


def test_required_path_level():
    path = required_path(make_target("t", "stock_i", 2025, "level", 30), STOCK)
    # from 20.5 (2023) at (30/20.5)**0.5 - 1 a year: 20.5, 20.5 * sqrt(30/20.5), 30
    assert list(path.columns) == ["year", "required_value"]
    assert list(path["year"]) == [2023, 2024, 2025]
    assert path["required_value"].to_numpy() == pytest.approx(
        [20.5, 20.5 * math.sqrt(30 / 20.5), 30.0]
    )
    every = required_path(
        make_target("t", "flow_i", 2025, "every_year", 95, start_year=2023), FLOW
    )
    assert list(every["required_value"]) == [95.0, 95.0, 95.0]
    cumulative = required_path(
        make_target("t", "flow_i", 2025, "cumulative", 500, start_year=2021), FLOW
    )
    assert cumulative["required_value"].to_numpy() == pytest.approx([100.0] * 5)  # 500 / 5


def test_assess_uses_dataset_and_region_filter():
    series = pd.concat([STOCK, make_series("stock_i", [(2022, 5), (2023, 6)], region="nankai")])
    targets = pd.DataFrame(
        [
            make_target("a", "stock_i", 2025, "level", 30),
            make_target("b", "stock_i", 2025, "level", 8, region="nankai"),
        ]
    )
    calls = []

    def series_method(min_reliability="C"):
        calls.append(min_reliability)
        return series

    dataset = types.SimpleNamespace(
        targets=targets, indicators=INDICATORS, regions=pd.DataFrame(), series=series_method
    )
    out = assess(dataset, regions=["nankai"], min_reliability="B")
    assert calls == ["B"]
    assert list(out["target_id"]) == ["b"]
    full = assess(dataset)
    pd.testing.assert_frame_equal(full, assess(dataset))  # deterministic
    assert list(full["target_id"]) == ["a", "b"]


def test_property_every_combination_gives_one_valid_row():
    # a deterministic grid: every target kind x comparator x number of figures x indicator,
    # including a zero and a falling series; the table's conventions must hold everywhere
    shapes = {
        "rising": [10, 12, 15, 17, 21, 25],
        "falling": [50, 45, 41, 38, 36, 33],
        "with_zero": [0, 2, 3, 5, 6, 8],
    }
    parts, targets = [], []
    for shape, values in shapes.items():
        for n in range(7):
            for ind in ("stock_i", "flow_i", "lower_i", "pct_i"):
                region = f"{shape}-{n}"
                rows = list(zip(range(2018, 2018 + n), values[:n], strict=True))
                parts.append(make_series(ind, rows, region=region))
                for kind, comp, year in itertools.product(
                    TARGET_KINDS, (">=", "<=", "~"), (2022, 2025)
                ):
                    targets.append(
                        make_target(
                            f"{region}-{ind}-{kind}-{comp}-{year}",
                            ind,
                            year,
                            kind,
                            20,
                            region=region,
                            comparator=comp,
                            value_max=25,
                            base_year=2019,
                            start_year=2021,
                            value_basis="increase" if kind == "range" else "level",
                        )
                    )
    series = pd.concat(parts, ignore_index=True)
    out = run(series, *targets)
    assert len(out) == len(targets)
    assert out["target_id"].is_unique
    assert list(out.columns) == OUTPUT_COLUMNS + EXTRA_COLUMNS
    assert out["status"].isin(STATUSES).all()
    assert ((out["confidence"] == "none") == (out["status"] == "insufficient_data")).all()
    p = out["p_meet"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    band = out.dropna(subset=["forecast_lower", "forecast_upper"])
    assert (band["forecast_lower"] <= band["forecast"] + 1e-9).all()
    assert (band["forecast"] <= band["forecast_upper"] + 1e-9).all()
    assert (out.loc[out["n_points"] == 0, "status"] == "insufficient_data").all()
    assert (out["note"].str.len() > 0).all()
    # p_meet only where an interval exists
    assert out.loc[out["p_meet"].notna(), "forecast_lower"].notna().all()
