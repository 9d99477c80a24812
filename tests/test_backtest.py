"""Known-answer tests for ipanalysis.backtest."""

import math
import types

import numpy as np
import pandas as pd
import pytest

from ipanalysis.backtest import (
    DETAIL_COLUMNS,
    SUMMARY_COLUMNS,
    TARGET_BACKTEST_COLUMNS,
    backtest_models,
    backtest_targets,
    naive_scale,
)

INDICATORS = pd.DataFrame(
    [
        ("flow_i", "发明专利授权", "invention patent grants", "件", "flow", "higher"),
        ("count_i", "示范企业", "demonstration firms", "家", "count", "higher"),
    ],
    columns=["indicator_id", "name_zh", "name_en", "unit", "kind", "better"],
)


def make_series(indicator, rows, region="binhai"):
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


def test_naive_scale_per_year():
    # changes 10 (1 year) and 22 over 2 years = 11/yr: mean(10, 11) = 10.5
    assert naive_scale([2020, 2021, 2023], [100, 110, 132]) == pytest.approx(10.5)
    assert math.isnan(naive_scale([2020], [5]))
    assert math.isnan(naive_scale([2020, 2021], [5, 5]))  # a flat series cannot scale errors


def test_backtest_models_known_drift_error_and_mase():
    series = make_series("flow_i", [(2020, 100), (2021, 110), (2022, 121), (2023, 140)])
    detail, summary = backtest_models(series, max_step=1)
    assert list(detail.columns) == DETAIL_COLUMNS
    assert list(summary.columns) == SUMMARY_COLUMNS
    drift = detail[detail["method"] == "drift"].iloc[0]
    # trained on 100, 110, 121 (exactly 10%/yr): forecast 121 * 1.1 = 133.1, actual 140
    # error -6.9; in-sample naive scale mean(10, 11) = 10.5; scaled 6.9 / 10.5 = 0.657
    assert drift["forecast"] == pytest.approx(133.1)
    assert drift["error"] == pytest.approx(-6.9)
    assert drift["naive_scale"] == pytest.approx(10.5)
    assert drift["scaled_error"] == pytest.approx(6.9 / 10.5)
    # linear on x = 0, 1, 2 and y = 100, 110, 121: mean y = 331/3 = 110.333, slope
    # ((-1)(-10.333) + (1)(10.667)) / 2 = 10.5, so at x = 3: 110.333 + 2 * 10.5 = 131.333
    linear = detail[detail["method"] == "linear"].iloc[0]
    assert linear["forecast"] == pytest.approx(331 / 3 + 21)
    assert linear["abs_error"] == pytest.approx(140 - (331 / 3 + 21))
    # one forecast per model: MASE is that scaled error
    row = summary.set_index("method").loc["drift"]
    assert row["mase"] == pytest.approx(6.9 / 10.5)
    assert row["n_series"] == 1 and row["n_forecasts"] == 1


def test_backtest_models_skips_short_series_and_impossible_log_models():
    series = pd.concat(
        [
            make_series("flow_i", [(2021, 100), (2022, 110), (2023, 121)]),  # 3 points: skipped
            make_series("count_i", [(2019, 0), (2020, 2), (2021, 3), (2022, 5), (2023, 6)]),
        ]
    )
    detail, summary = backtest_models(series)
    assert set(detail["indicator"]) == {"count_i"}
    # the zero is in every training set: log models are impossible, only linear rows
    assert set(detail["method"]) == {"linear"}
    # origins with 3 and 4 training figures; up to 3 steps ahead: 2 + 1 forecasts
    assert len(detail) == 3
    assert set(summary["method"]) == {"linear"}


def test_backtest_models_exact_linear_series_has_zero_linear_error():
    series = make_series("count_i", [(2018, 10), (2019, 20), (2020, 30), (2021, 40), (2022, 50)])
    detail, summary = backtest_models(series)
    linear = detail[detail["method"] == "linear"]
    assert np.allclose(linear["abs_error"], 0.0)
    assert summary.set_index(["method", "step"]).loc[("linear", 1), "mase"] == pytest.approx(0)
    # steps: origin 3 figs -> 2 ahead, origin 4 figs -> 1 ahead
    assert sorted(linear["step"]) == [1, 1, 2]


def test_backtest_models_empty():
    detail, summary = backtest_models(make_series("flow_i", []))
    assert list(detail.columns) == DETAIL_COLUMNS and detail.empty
    assert list(summary.columns) == SUMMARY_COLUMNS and summary.empty


def test_backtest_targets_compares_with_outcome():
    series = make_series(
        "flow_i", [(2016, 60), (2017, 70), (2018, 80), (2019, 90), (2020, 100), (2022, 125)]
    )
    targets = pd.DataFrame(
        [
            {
                "target_id": "g-2022",
                "region": "binhai",
                "indicator": "flow_i",
                "target_year": 2022,
                "kind": "level",
                "comparator": ">=",
                "value": 120.0,
                "value_max": np.nan,
                "value_basis": "level",
                "base_year": pd.NA,
                "start_year": pd.NA,
                "source": "test",
                "quote": "",
                "note": "",
            }
        ]
    )
    dataset = types.SimpleNamespace(
        targets=targets,
        indicators=INDICATORS,
        regions=pd.DataFrame(),
        series=lambda min_reliability="C": series,
    )
    out = backtest_targets(dataset, leads=(2, 3))
    assert list(out.columns) == TARGET_BACKTEST_COLUMNS
    # the 2022 figure 125 >= 120: achieved; assessed as of 2020 (lead 2) and 2019 (lead 3)
    assert list(out["as_of"]) == [2020, 2019]
    assert (out["outcome"] == "achieved").all()
    assert not out["decided_then"].any()
    for rec in out.to_dict("records"):
        if rec["predicted_status"] in ("on_track", "achieved"):
            assert rec["correct"] is True or rec["correct"] == True  # noqa: E712
        if np.isfinite(rec["p_meet"]):
            assert rec["brier"] == pytest.approx((rec["p_meet"] - 1) ** 2)
