"""Verdicts that hang on a tie or on one other series: shown under each, marked fragile."""

import pandas as pd
import pytest

from ipanalysis.assess.assessment import Context
from ipanalysis.model.damped import estimate_pools
from tests.assess.test_assessment import (
    INDICATORS,
    POOLS,
    STOCK,
    make_series,
    make_target,
    run,
)
from tests.assess.test_evidence import situations

ONE_YEAR_AHEAD = situations(figures="3+", horizon="1")  # STOCK ends 2023: 2024 is tested


def _tied(value, year=2023, source="other"):
    """A figure of equal standing that disagrees with STOCK's (the 推介路演 36 vs 41 case)."""
    tied = make_series("stock_i", [(year, value)])
    return tied.assign(source=source)


def _with_tie(value, target_value):
    context = Context(situations=ONE_YEAR_AHEAD, alternatives=_tied(value))
    target = make_target("t", "stock_i", 2024, "level", target_value)
    return run(STOCK, target, pools=POOLS, context=context).iloc[0]


def test_a_tie_that_changes_the_verdict_shows_both_and_is_a_lean():
    # 2023: 20.5 (used) or 10 (the tied source); 2024 ≥ 21 is on track from 20.5 and far
    # out of reach from 10.
    row = _with_tie(10, 21)
    assert row["evidence"] == "indicative" and "tie" in row["evidence_reason"]
    used, other = row["tie_verdicts"].split("; ")
    assert used.startswith("20.5 (test): ") and other.startswith("10 (other): ")
    assert used.split(": ")[1].split()[0] == row["status"]
    assert other.split(": ")[1].split()[0] != row["status"]


def test_a_tie_that_does_not_change_the_verdict_still_shows_both_and_stays_tested():
    row = _with_tie(20.6, 21)
    assert row["evidence"] == "tested"
    assert "20.5 (test)" in row["tie_verdicts"] and "20.6 (other)" in row["tie_verdicts"]


def test_a_tie_in_another_year_than_the_series_is_ignored():
    context = Context(situations=ONE_YEAR_AHEAD, alternatives=_tied(10, year=2010))
    row = run(STOCK, make_target("t", "stock_i", 2024, "level", 21), pools=POOLS, context=context)
    assert row.iloc[0]["tie_verdicts"] == "" and row.iloc[0]["evidence"] == "tested"


# Four steady series growing 4–6% a year (with wiggles), one booming at 50% a year, and the
# target's own: two figures, 100 → 106. The boom lifts the pool's mean growth.
_WIGGLE = [0, 0.03, -0.02, 0.04, -0.03, 0.02]
POOL_SERIES = pd.concat(
    [
        make_series("stock_i", [(2022, 100), (2023, 106)]),
        *(
            make_series(
                "stock_i",
                [(2018 + k, 100 * (1 + g) ** k * (1 + _WIGGLE[(k + i) % 6])) for k in range(6)],
                region=f"steady{i}",
            )
            for i, g in enumerate([0.04, 0.05, 0.06, 0.05])
        ),
        make_series("stock_i", [(2018 + k, 100 * 1.5**k) for k in range(6)], region="boom"),
    ],
    ignore_index=True,
)


def _pooled(target_value):
    indicators = INDICATORS.assign(basis="statistic", per_10k_of="")
    context = Context(
        situations=situations(figures="2", horizon="2-3"),
        pool_series=POOL_SERIES,
        indicators=indicators,
    )
    own = POOL_SERIES[POOL_SERIES["region"] == "binhai"]
    target = make_target("t", "stock_i", 2025, "level", target_value)
    pools = estimate_pools(POOL_SERIES, indicators)
    return run(own, target, pools=pools, context=context, indicators=indicators).iloc[0]


def test_a_verdict_that_flips_without_one_other_series_is_fragile():
    # 2025 ≥ 120 from 106: at risk with the boom in the pool, off track without it.
    row = _pooled(120)
    assert row["fragile"] and row["evidence"] == "indicative"
    assert "without boom stock_i in the pool it turns off_track" in row["evidence_reason"]


@pytest.mark.parametrize("target_value", [125, 112])
def test_a_verdict_that_holds_without_each_series_is_not_fragile(target_value):
    row = _pooled(target_value)
    assert not row["fragile"] and row["evidence"] == "tested"
