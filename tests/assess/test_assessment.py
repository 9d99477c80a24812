"""Known-answer and convention tests for ipanalysis.assess.

Every expected number is worked out in a comment or built from numpy / scipy.stats directly,
never from the module under test.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ipanalysis.assess import assess, assess_targets
from ipanalysis.assess.assessment import Context
from ipanalysis.assess.required import required_path
from ipanalysis.assess.rules import likelihood, progress_category, status_from_p
from ipanalysis.assess.targets import apply_revisions, merge_restatements
from ipanalysis.columns import ASSESSMENT_COLUMNS
from ipanalysis.data.dataset import read_dataset
from ipanalysis.model.damped import GrowthPool
from ipanalysis.scope import Scope
from ipanalysis.vocab import CONFIDENCE_LEVELS, STATUSES, TARGET_KINDS

INDICATORS = pd.DataFrame(
    [
        ("stock_i", "有效发明专利", "valid invention patents", "件", "stock", "higher"),
        ("flow_i", "发明专利授权", "invention patent grants", "件", "flow", "higher"),
        ("count_i", "示范企业", "demonstration firms", "家", "count", "higher"),
        ("lower_i", "审查周期", "examination time", "月", "flow", "lower"),
        ("pct_i", "占比", "share", "%", "percent", "higher"),
        ("days_i", "办理周期", "handling time", "天", "count", "lower"),
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


def run(series, *targets, pools=None, context=None, indicators=INDICATORS, **scope):
    frame = pd.DataFrame(list(targets))
    for col in ("base_year", "start_year"):
        frame[col] = frame[col].astype("Int64")
    return assess_targets(
        series,
        frame,
        indicators,
        scope=Scope(**scope),
        pools=pools,
        context=context or Context(),
    )


def one(series, target, **kwargs):
    out = run(series, target, **kwargs)
    assert len(out) == 1
    return out.iloc[0]


STOCK = make_series("stock_i", [(2019, 10), (2020, 12), (2021, 14.5), (2022, 17), (2023, 20.5)])
FLOW = make_series("flow_i", [(2021, 100), (2022, 110), (2023, 125)])

# Pools given by hand, so that every forecast below can be worked out from the documented
# formulas (ipanalysis.model.trend module docstring) without estimating anything.
STOCK_POOL = GrowthPool("stock_like", 0.10, 0.01, 0.004, 20.0, 8, 30)
FLOW_POOL = GrowthPool("flow_like", 0.05, 0.04, 0.01, 12.0, 6, 18)
POOLS = {"stock_like": STOCK_POOL, "flow_like": FLOW_POOL}
PHI = 0.8


def hand_damped(years, values, year_new, pool):
    """The damped drift by hand: mean and sd of log(figure) in year_new, and df.

    Drift: log growth per year since the earliest figure at most 5 years before the latest
    (else the previous figure), pulled toward the pool mean with weight
    dv / (dv + nv / span); mean log(last) + drift * (phi + ... + phi**h); variance
    nv * h + S**2 * w * nv / span. One figure: the pool mean, variance dv + nv.
    """
    x, y = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    if x.size >= 2:
        start = min(int(np.flatnonzero(x >= x[-1] - 5)[0]), x.size - 2)
        span = x[-1] - x[start]
        own = math.log(y[-1] / y[start]) / span
        w = pool.drift_var / (pool.drift_var + pool.noise_var / span)
        drift = pool.mean_drift + w * (own - pool.mean_drift)
        drift_var = w * pool.noise_var / span
    else:
        drift, drift_var = pool.mean_drift, pool.drift_var + pool.noise_var
    h = int(year_new - x[-1])
    steps = sum(PHI**j for j in range(1, h + 1))
    mean = math.log(y[-1]) + drift * steps
    return mean, math.sqrt(pool.noise_var * h + steps**2 * drift_var), pool.df


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
    assert list(out.columns[:21]) == list(ASSESSMENT_COLUMNS)[:21]
    assert list(out.columns) == list(ASSESSMENT_COLUMNS)
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
    assert list(out.columns) == list(ASSESSMENT_COLUMNS)
    assert out.empty


# ------------------------------------------------------------------------ data sufficiency


def test_zero_points_insufficient():
    row = one(STOCK, make_target("t", "flow_i", 2025, "level", 10))
    assert row["status"] == "insufficient_data"
    assert row["confidence"] == "none"
    assert row["n_points"] == 0
    assert "无数据" in row["note"] and "the 2025 figure would settle it" in row["note"]


# --------------------------------------------------------------------------- target kinds


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


def test_assess_uses_dataset_and_region_filter(mini_data):
    dataset = read_dataset(mini_data)
    out = assess(dataset, regions=["binhai"])
    assert set(out["region"]) <= {"binhai"}
    full = assess(dataset)
    pd.testing.assert_frame_equal(full, assess(dataset))  # deterministic
    assert list(full["target_id"]) == ["tianjin-hv-2025"]
    assert full["evidence"].iloc[0] in ("tested", "indicative")


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
                            {">=": 20, "<=": 21, "~": 22}[comp],  # one target each
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
    assert list(out.columns) == list(ASSESSMENT_COLUMNS)
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


# ------------------------------------------------------------------- the forecast and p_meet


def test_level_target_damped_drift_known_answer():
    row = one(STOCK, make_target("t", "stock_i", 2025, "level", 30), pools=POOLS)
    mean, sd, df = hand_damped(STOCK["year"], STOCK["value"], 2025, STOCK_POOL)
    assert row["method"] == "damped_drift"
    assert row["forecast"] == pytest.approx(math.exp(mean))
    q = stats.t.ppf(0.9, df)  # 80% interval
    assert row["forecast_lower"] == pytest.approx(math.exp(mean - q * sd))
    assert row["forecast_upper"] == pytest.approx(math.exp(mean + q * sd))
    p = 1 - stats.t.cdf((math.log(30) - mean) / sd, df)
    assert row["p_meet"] == pytest.approx(p)
    assert row["status"] == status_from_p(p)
    assert (row["likelihood"], row["likelihood_zh"]) == likelihood(p)


def test_two_points_get_an_interval_from_the_pool():
    series = make_series("flow_i", [(2022, 100), (2023, 110)])
    row = one(series, make_target("t", "flow_i", 2025, "level", 130), pools=POOLS)
    mean, sd, df = hand_damped([2022, 2023], [100, 110], 2025, FLOW_POOL)
    assert row["p_meet"] == pytest.approx(1 - stats.t.cdf((math.log(130) - mean) / sd, df))
    assert row["df"] == 12.0


def test_interval_widens_with_staleness():
    # the same figures, one series five years older: its 2025 interval is wider
    fresh = make_series("stock_i", [(2021, 10), (2022, 11), (2023, 12.1)])
    stale = make_series("stock_i", [(2016, 10), (2017, 11), (2018, 12.1)])
    target = make_target("t", "stock_i", 2025, "level", 15)
    a, b = one(fresh, target, pools=POOLS), one(stale, target, pools=POOLS)
    width = [math.log(r["forecast_upper"] / r["forecast_lower"]) for r in (a, b)]
    assert width[1] > width[0]
    _, sd_fresh, _ = hand_damped([2021, 2022, 2023], [10, 11, 12.1], 2025, STOCK_POOL)
    _, sd_stale, _ = hand_damped([2016, 2017, 2018], [10, 11, 12.1], 2025, STOCK_POOL)
    assert width == pytest.approx([2 * stats.t.ppf(0.9, 20) * sd for sd in (sd_fresh, sd_stale)])


# ----------------------------------------------------------------------------- verdict rules


def test_status_bands_follow_the_ipcc_likelihood_scale():
    # IPCC AR5 guidance (Mastrandrea et al. 2010): likely >= 66%, unlikely <= 33%
    assert status_from_p(0.9) == "on_track"
    assert status_from_p(2 / 3) == "on_track"
    assert status_from_p(0.66) == "at_risk"
    assert status_from_p(0.5) == "at_risk"
    assert status_from_p(1 / 3) == "off_track"
    assert status_from_p(0.05) == "off_track"
    assert likelihood(0.7) == ("likely", "可能")
    assert likelihood(0.5) == ("about as likely as not", "或许可能")
    assert likelihood(0.2) == ("unlikely", "不大可能")


def test_flow_above_its_target_a_year_early_gets_a_provisional_verdict():
    # Tianjin 涉及专利的技术合同成交额: 384亿 in 2024 against 300亿左右 for 2025, one figure
    series = make_series("flow_i", [(2024, 384)], region="tianjin")
    target = make_target("t", "flow_i", 2025, "level", 300, comparator="~", region="tianjin")
    row = one(series, target, pools=POOLS)
    mean, sd, df = hand_damped([2024], [384], 2025, FLOW_POOL)
    # "about 300" is met from 285 (-5%); a higher figure counts as met
    p = 1 - stats.t.cdf((math.log(285) - mean) / sd, df)
    assert row["p_meet"] == pytest.approx(p)
    assert row["status"] == "on_track" and p >= 2 / 3
    assert bool(row["provisional"]) is True
    assert row["confidence"] == "low"
    assert "provisional" in row["note"]
    # the required path does not go down to the target: it stays at the latest figure
    path = required_path({**target, "comparator": ">="}, series)
    assert list(path["year"]) == [2024, 2025]
    assert list(path["required_value"]) == [384.0, 384.0]


def test_no_figure_inside_the_plan_period_is_said_and_caps_confidence():
    old = make_series("stock_i", [(2016, 10), (2017, 12), (2018, 14.5), (2019, 17), (2020, 20.5)])
    target = make_target("t", "stock_i", 2025, "level", 40, start_year=2021)
    row = one(old, target, pools=POOLS)
    assert "no figure inside the plan period" in row["note"]
    assert bool(row["provisional"]) is True
    assert row["confidence"] == "low"
    mean, sd, df = hand_damped(old["year"], old["value"], 2025, STOCK_POOL)  # h = 5 years
    assert row["p_meet"] == pytest.approx(1 - stats.t.cdf((math.log(40) - mean) / sd, df))
    # one figure inside the period: an ordinary verdict
    newer = pd.concat([old, make_series("stock_i", [(2021, 24)])])
    assert bool(one(newer, target, pools=POOLS)["provisional"]) is False


def test_lower_is_better_is_judged_on_the_target_year_figure():
    # a count where lower is better (handling days): met in 2023 is not "achieved"
    series = make_series("days_i", [(2021, 40), (2022, 35), (2023, 28)])
    target = make_target("t", "days_i", 2025, "level", 30, comparator="<=")
    row = one(series, target, pools=POOLS)
    assert row["status"] != "achieved"
    mean, sd, df = hand_damped([2021, 2022, 2023], [40, 35, 28], 2025, STOCK_POOL)
    assert row["p_meet"] == pytest.approx(stats.t.cdf((math.log(30) - mean) / sd, df))
    # the 2025 figure decides: 31 days is missed although 2023 met the target
    later = pd.concat([series, make_series("days_i", [(2025, 31)])])
    assert one(later, target, pools=POOLS)["status"] == "missed"


def test_keep_improving_compares_the_end_of_the_period_with_its_start():
    target = make_target("t", "stock_i", 2023, "keep_improving", np.nan, start_year=2021)
    # start figure = 2020 (the year before the period); a dip in between does not matter
    dipped = make_series("stock_i", [(2020, 10), (2021, 11), (2022, 10.5), (2023, 13)])
    row = one(dipped, target)
    assert row["status"] == "achieved"
    assert row["target_value"] == 10
    worse = make_series("stock_i", [(2020, 10), (2021, 11), (2022, 12), (2023, 9.5)])
    assert one(worse, target)["status"] == "missed"
    # still open: p_meet = P(2025 figure above the 2020 figure)
    open_target = {**target, "target_year": 2025}
    row = one(dipped, open_target, pools=POOLS)
    mean, sd, df = hand_damped([2020, 2021, 2022, 2023], [10, 11, 10.5, 13], 2025, STOCK_POOL)
    assert row["p_meet"] == pytest.approx(1 - stats.t.cdf((math.log(10) - mean) / sd, df))
    path = required_path(open_target, dipped)
    assert list(path["year"]) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert set(path["required_value"]) == {10.0}
    # nothing to start from
    late = make_series("stock_i", [(2022, 10), (2023, 11)])
    assert one(late, open_target)["status"] == "insufficient_data"


def test_growth_ratio_from_the_base_year_with_latest_ratio_beside_it():
    row = one(STOCK, make_target("t", "stock_i", 2025, "avg_growth", 20, base_year=2020))
    # base 12 (2020) growing 20% a year: 12 * 1.2**5 = 29.85984 in 2025
    assert row["target_value"] == pytest.approx(29.85984)
    # UNSD / Open SDG: both growths from the base year
    assert row["observed_growth"] == pytest.approx((20.5 / 12) ** (1 / 3) - 1)
    assert row["required_growth"] == pytest.approx(0.20)
    assert row["growth_ratio"] == pytest.approx(((20.5 / 12) ** (1 / 3) - 1) / 0.20)
    # second column: recent CAGR 2019-2023 over the CAGR still required from 2023
    latest = (2.05**0.25 - 1) / (math.sqrt(29.85984 / 20.5) - 1)
    assert row["growth_ratio_latest"] == pytest.approx(latest)
    path = required_path(
        make_target("t", "stock_i", 2025, "avg_growth", 20, base_year=2020), STOCK
    )
    assert path["required_value"].to_numpy() == pytest.approx(12 * 1.2 ** np.arange(6))
    # a level target of a five-year plan: base = five years before the target year
    row = one(STOCK, make_target("t", "stock_i", 2025, "level", 30))
    assert row["growth_ratio"] == pytest.approx(
        ((20.5 / 12) ** (1 / 3) - 1) / ((30 / 12) ** (1 / 5) - 1)
    )


def test_cumulative_sum_of_observed_and_forecast():
    series = make_series("flow_i", [(2021, 100), (2022, 110), (2023, 121)])
    target = make_target("t", "flow_i", 2025, "cumulative", 600, start_year=2021)
    row = one(series, target, pools=POOLS)
    medians = [math.exp(hand_damped([2021, 2022, 2023], [100, 110, 121], y, FLOW_POOL)[0])
               for y in (2024, 2025)]  # fmt: skip
    assert row["forecast"] == pytest.approx(331 + sum(medians))
    # already reached by the observed years: 100 + 110 + 121 = 331 >= 300
    done = one(series, {**target, "value": 300.0}, pools=POOLS)
    assert done["status"] == "achieved"


def test_the_same_target_in_two_sources_is_one_row_with_both_citations():
    # Binhai 每万人口高价值发明专利: "超过24件" (IP plan, grade A), "达到24件" (S&T plan, C)
    plan = make_target("plan", "stock_i", 2025, "level", 24, comparator=">", source="ip-plan")
    sci = make_target("sci", "stock_i", 2025, "level", 24, source="sci-plan")
    targets = pd.DataFrame([sci, plan]).assign(reliability=["C", "A"])
    merged = merge_restatements(targets)
    assert list(merged["target_id"]) == ["plan"]
    assert list(merged["citations"]) == ["ip-plan;sci-plan"]
    out = run(STOCK, sci, plan)
    assert len(out) == 1
    # another value is another target
    assert len(run(STOCK, sci, {**plan, "value": 25.0})) == 2


def test_a_revised_target_replaces_the_earlier_one():
    old = make_target("old", "stock_i", 2025, "level", 24, source="plan-2021")
    new = make_target("new", "stock_i", 2025, "level", 55, source="update-2024")
    new["supersedes"], old["supersedes"] = "old", ""
    sources = pd.DataFrame(
        {"source_id": ["plan-2021", "update-2024"], "date": ["2021", "2024-05"]}
    )
    restated = make_target("old-sci", "stock_i", 2025, "level", 24, source="sci", supersedes="")
    out = apply_revisions(pd.DataFrame([old, restated, new]), sources)
    assert list(out["target_id"]) == ["new"]  # the restatement of 24 gives way too
    assert list(out["revised_from"]) == ["24 (plan-2021, 2021)"]
    # before the revision was published only the earlier target exists: it is current
    alone = apply_revisions(pd.DataFrame([old]), sources)
    assert list(alone["target_id"]) == ["old"] and list(alone["revised_from"]) == [""]


def test_required_path_never_points_down_for_a_target_already_beaten():
    path = required_path(make_target("t", "stock_i", 2025, "level", 15), STOCK)
    assert list(path["year"]) == [2023, 2024, 2025]
    assert list(path["required_value"]) == [20.5, 20.5, 20.5]
    days = make_series("days_i", [(2022, 35), (2023, 28)])
    low = required_path(
        make_target("t", "days_i", 2025, "level", 30, comparator="<="), days, better="lower"
    )
    assert list(low["required_value"]) == [28.0, 28.0, 28.0]
