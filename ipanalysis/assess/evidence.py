"""How sure a verdict can be: the evidence tier of its situation in the backtest.

A forecast verdict rests on a *situation*: the series' pool, how many figures it has and how
many years its target year lies beyond the latest figure. The backtest
(:mod:`ipanalysis.model.backtest`) scores the deployed method in every situation, with only
what was published at each past date. A verdict is **tested** when its situation has been
scored on at least :data:`MIN_SCORED_FORECASTS` past forecasts whose 80% intervals held a
share of the outcomes within :data:`COVERAGE_BAND`; any other forecast verdict is
**indicative** (倾向): it keeps its lean (status and p) but is labelled so, says why in plain
words, and is not counted among the decided verdicts (the Federal Reserve sizes its
projections' uncertainty from its own past errors at each horizon; the IPCC pairs every
likelihood with a statement of the evidence behind it).
"""

from __future__ import annotations

import pandas as pd

from ipanalysis.data.cache import cached_table
from ipanalysis.data.dataset import Dataset
from ipanalysis.model.backtest import (
    backtest_forecasts,
    figures_bucket,
    horizon_bucket,
    summarise_situations,
)
from ipanalysis.scope import Scope
from ipanalysis.vocab import DECIDED_STATUSES, DECIDING_EVIDENCE

#: A situation is tested once the backtest has scored at least this many forecasts in it …
MIN_SCORED_FORECASTS = 10
#: … and their 80% intervals held a share of outcomes in this band (0.80 is exact).
COVERAGE_BAND = (0.70, 0.92)
_FIGURES_ZH = {"1": "一个数据", "2": "两个数据", "3+": "三个以上数据"}
_FIGURES_EN = {"1": "one figure", "2": "two figures", "3+": "three figures or more"}


def situation_scores(dataset: Dataset, scope: Scope = Scope()) -> pd.DataFrame:
    """Return every method's backtest scores by situation, from ``dataset``'s own vintages.

    Computed once per dataset and scope (and kept on disk for a dataset
    :func:`~ipanalysis.data.cache.load_dataset` loaded: every notebook of a run shares it).
    Run on a vintage (an assessment ``as_of`` a past
    year), it uses only what was published by then: a past verdict's evidence tier is the one
    it could have had at the time.

    Parameters
    ----------
    dataset : Dataset
        The dataset (or a vintage of it).
    scope : Scope
        The lowest source grade and the interval level.

    Returns
    -------
    pandas.DataFrame
        :func:`ipanalysis.model.backtest.summarise_situations` of the dataset's backtest.
    """
    name = f"situations grade≥{scope.min_reliability} level={scope.interval_level!r}"
    return dataset.memo(
        ("situations", scope.min_reliability, scope.interval_level),
        lambda: cached_table(
            dataset, name, lambda: summarise_situations(backtest_forecasts(dataset, scope))
        ),
    )


def situation_table(dataset: Dataset, scope: Scope = Scope()) -> pd.DataFrame:
    """Return the deployed method's rows of :func:`situation_scores` (what verdicts rest on)."""
    scores = situation_scores(dataset, scope)
    return scores[scores["method"] == "deployed"].reset_index(drop=True)


def evidence_of(
    pool: str, n_figures: int, years_ahead: int, situations: pd.DataFrame
) -> tuple[str, str]:
    """Return the evidence tier of a forecast verdict and why, in Chinese and English.

    Parameters
    ----------
    pool : str
        The series' pool (:func:`ipanalysis.vocab.pool_of`).
    n_figures : int
        Figures the forecast rests on.
    years_ahead : int
        Target year minus the latest figure's year.
    situations : pandas.DataFrame
        From :func:`situation_table`.

    Returns
    -------
    tuple of str
        ``("tested" | "indicative", "中文 / English")``; e.g. for one figure six years before
        the target year: ``"indicative"`` and "… the method has not been tested this far".
    """
    figures = figures_bucket(n_figures)
    where_zh = f"{_FIGURES_ZH[figures]}，目标年份在最新数据之后{years_ahead}年"
    where_en = f"{_FIGURES_EN[figures]}, {years_ahead} year(s) before the target year"
    horizon = horizon_bucket(years_ahead)
    cell = situations[
        (situations["pool"] == pool)
        & (situations["n_figures"] == figures)
        & (situations["horizon_years"] == horizon)
    ]
    n = int(cell["n"].iloc[0]) if len(cell) else 0
    if horizon is None:
        return "indicative", (
            f"{where_zh}：方法从未检验过这么远的预测 / {where_en}: the method has not been "
            "tested this far"
        )
    if n == 0:
        return "indicative", (
            f"{where_zh}：回测中没有此类预测 / {where_en}: the method has never been tested in "
            "this situation"
        )
    coverage = float(cell["coverage_80"].iloc[0])
    held = f"{coverage:.0%}"
    if situation_tier(n, coverage) == "tested":
        return "tested", (
            f"{where_zh}：回测中{n}次此类预测的80%区间覆盖了{held} / {where_en}: tested on {n} "
            f"past forecasts, 80% intervals held {held}"
        )
    if n < MIN_SCORED_FORECASTS:
        return "indicative", (
            f"{where_zh}：回测中只有{n}次此类预测（至少需要{MIN_SCORED_FORECASTS}次） / "
            f"{where_en}: tested on only {n} past forecasts ({MIN_SCORED_FORECASTS} needed)"
        )
    low, high = COVERAGE_BAND
    width_zh, width_en = ("过窄", "too narrow") if coverage < low else ("过宽", "too wide")
    return "indicative", (
        f"{where_zh}：回测中80%区间覆盖了{held}的实际数据（区间{width_zh}） / {where_en}: in "
        f"the backtest its 80% intervals held {held} of {n} outcomes ({width_en}; "
        f"{low:.0%}–{high:.0%} needed)"
    )


def situation_tier(n: int, coverage: float) -> str:
    """Return the evidence tier a backtest situation gives its verdicts.

    ``tested`` when at least :data:`MIN_SCORED_FORECASTS` forecasts were scored in it and the
    share of outcomes inside their 80% intervals is within :data:`COVERAGE_BAND`; else
    ``indicative``.
    """
    low, high = COVERAGE_BAND
    return "tested" if n >= MIN_SCORED_FORECASTS and low <= coverage <= high else "indicative"


def is_decided(assessment: pd.DataFrame) -> pd.Series:
    """Return which rows of an assessment are decided verdicts (not leans, not open).

    A verdict is decided when its status is one of :data:`ipanalysis.vocab.DECIDED_STATUSES`
    and its evidence one of :data:`ipanalysis.vocab.DECIDING_EVIDENCE`: an indicative lean, a
    target that depends on an office and one without figures are not counted.
    """
    return assessment["status"].isin(DECIDED_STATUSES) & assessment["evidence"].isin(
        DECIDING_EVIDENCE
    )


def is_lean(assessment: pd.DataFrame) -> pd.Series:
    """Return which rows of an assessment are indicative leans (倾向): a status, not decided."""
    return assessment["evidence"].eq("indicative")
