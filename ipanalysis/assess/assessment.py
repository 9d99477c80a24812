"""Assess targets: one row per target, from a dataset (as it stood at a date) or from series.

The rules behind each column are in :mod:`ipanalysis.assess.rules`; one module per target
kind computes the verdict; :mod:`ipanalysis.assess.evidence` says how sure it can be and
:mod:`ipanalysis.assess.robustness` whether it survives a tie or a single series.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ipanalysis.assess.evidence import evidence_of, situation_table
from ipanalysis.assess.improving import assess_keep_improving
from ipanalysis.assess.level import assess_avg_growth, assess_level, assess_range
from ipanalysis.assess.period import assess_every_year, assess_period_total
from ipanalysis.assess.robustness import mark_fragile, tie_verdicts
from ipanalysis.assess.rules import (
    FEW_FIGURES,
    NAN,
    P_LIMITS_FEW_FIGURES,
    IndicatorInfo,
    Verdict,
    as_float,
    confidence_of,
    indicator_info,
    insufficient,
    int_or_none,
    likelihood,
)
from ipanalysis.assess.targets import apply_revisions, merge_restatements
from ipanalysis.columns import ASSESSMENT_COLUMNS, assessment_frame
from ipanalysis.data.dataset import Dataset
from ipanalysis.data.populations import baseline_checks
from ipanalysis.data.vintage import publication_dates, vintage_dataset
from ipanalysis.formats import fmt_figure
from ipanalysis.model.backtest import figures_bucket
from ipanalysis.model.damped import estimate_pools
from ipanalysis.scope import Scope
from ipanalysis.vocab import pool_of

#: The function that judges each kind of target: ``(row, target, figures, indicator, level)``.
HANDLERS: dict[str, Callable[..., Verdict]] = {
    "level": assess_level,
    "avg_growth": assess_avg_growth,
    "every_year": assess_every_year,
    "annual_average": assess_period_total,
    "cumulative": assess_period_total,
    "range": assess_range,
    "keep_improving": assess_keep_improving,
}
#: Columns a verdict decided without a forecast leaves empty.
FORECAST_COLUMNS = ("method_reason", "forecast", "forecast_lower", "forecast_upper", "p_meet",
                    "df")  # fmt: skip


@dataclass(frozen=True)
class Context:
    """What an assessment knows beyond a target's own figures (all optional).

    Attributes
    ----------
    situations : pandas.DataFrame or None
        The deployed method's backtest scores by situation
        (:func:`ipanalysis.assess.evidence.situation_table`); without them every forecast
        verdict is indicative.
    completions : pandas.DataFrame
        Completion statements (``target_id, source, quote``).
    alternatives : pandas.DataFrame
        Figures tied with the ones the series use (:meth:`Dataset.tie_alternatives`).
    comparability : pandas.DataFrame
        Per-capita baseline checks (:func:`ipanalysis.data.populations.baseline_checks`).
    pool_series : pandas.DataFrame or None
        Every series the growth pools were estimated from, with ``indicators``: the fragility
        check drops each in turn.
    indicators : pandas.DataFrame or None
        The indicators table.
    reference_year : int or None
        The year the assessment stands in (``as_of``, else the latest year with a figure): a
        target due before it is not forecast (:func:`_passed_without_figure`).
    """

    situations: pd.DataFrame | None = None
    completions: pd.DataFrame = field(default_factory=pd.DataFrame)
    alternatives: pd.DataFrame = field(default_factory=pd.DataFrame)
    comparability: pd.DataFrame = field(default_factory=pd.DataFrame)
    pool_series: pd.DataFrame | None = None
    indicators: pd.DataFrame | None = None
    reference_year: int | None = None


def _blank_row(target: Mapping, scope: Scope) -> dict:
    """Return a target's row before any figure is looked at."""
    row = dict.fromkeys(ASSESSMENT_COLUMNS, NAN)
    row.update(
        region=target["region"],
        indicator=target["indicator"],
        target_year=int(target["target_year"]),
        target_kind=target["kind"],
        comparator=target.get("comparator"),
        base_year=int_or_none(target.get("base_year")),
        latest_year=None,
        n_points=0,
        method="none",
        note="",
        target_id=target.get("target_id"),
        as_of=scope.as_of,
        interval_level=scope.interval_level,
        method_reason="",
        likelihood="",
        likelihood_zh="",
        citations=target.get("citations") or target.get("source") or "",
        revised_from=target.get("revised_from") or "",
        restated_as=target.get("restated_as") or "",
        provisional=False,
        evidence="none",
        evidence_reason="",
        fragile=False,
        tie_verdicts="",
    )
    return row


def judge(target: dict, obs: pd.DataFrame, ind: IndicatorInfo, scope: Scope):
    """Return a target's row and verdict from its figures alone (the kind's rules).

    A target whose year has passed without its figure is not forecast: later figures cannot
    tell whether it was met by then (only a stock that should rise, met at or before its year,
    is achieved; the kinds' own rules say so).
    """
    row = _blank_row(target, scope)
    if len(obs):
        row.update(
            latest_year=int(obs["year"].iloc[-1]),
            latest_value=float(obs["value"].iloc[-1]),
            n_points=len(obs),
        )
    handler = HANDLERS.get(target["kind"])
    if handler is None:
        return row, insufficient(f"unknown target kind {target['kind']!r}: cannot assess")
    if target["kind"] != "keep_improving" and not np.isfinite(as_float(target.get("value"))):
        return row, insufficient("the target has no value: nothing to compare with")
    try:
        verdict = handler(row, target, obs, ind, scope.interval_level)
    except ValueError as err:  # e.g. an unknown comparator: report, never crash the table
        return row, insufficient(f"cannot assess: {err}")
    later = obs.loc[obs["year"] > row["target_year"], "year"]
    if verdict.basis in ("forecast", "growth") and len(later):
        _clear_forecast(row)
        listed = ", ".join(str(int(y)) for y in later)
        verdict = insufficient(
            f"年份已过 the target year {row['target_year']} has passed without its figure; the "
            f"later figures ({listed}) cannot tell whether it was met by then"
        )
    return row, verdict


def _limit_few_figures(row: dict, verdict: Verdict) -> None:
    """Keep the p of a forecast from one or two figures within :data:`P_LIMITS_FEW_FIGURES`."""
    p = as_float(row["p_meet"])
    low, high = P_LIMITS_FEW_FIGURES
    if row["n_points"] > FEW_FIGURES or not np.isfinite(p) or low <= p <= high:
        return
    row["p_meet"] = min(max(p, low), high)
    verdict.notes.append(
        f"p limited to {row['p_meet']:.0%} (the model gives {p:.1%}): {row['n_points']} "
        "figure(s) cannot make it more certain"
    )


def _passed_without_figure(verdict: Verdict, row: dict, reference_year: int | None) -> Verdict:
    """Refuse to forecast a target whose year is before the assessment's year.

    Its own year's figure decides it (the kinds' rules already used it when the data has it);
    a forecast of a year that has passed would only be a guess at a figure that exists.
    """
    if reference_year is None or verdict.basis not in ("forecast", "growth"):
        return verdict
    if row["target_year"] >= reference_year:
        return verdict
    _clear_forecast(row)
    return insufficient(
        f"年份已过 the target year {row['target_year']} is before {reference_year} and its "
        "figure is not in the data: add it to judge the target"
    )


def _clear_forecast(row: dict) -> None:
    """Empty a row's forecast columns (a verdict no forecast decides)."""
    row.update(dict.fromkeys(FORECAST_COLUMNS, NAN), method="none", method_reason="")


def _settle_otherwise(
    verdict: Verdict, row: dict, target: dict, ind: IndicatorInfo, context: Context
) -> Verdict:
    """Apply what settles a target besides a forecast: a completion statement, a designation."""
    if verdict.basis == "observed":
        return verdict
    said = context.completions
    said = said[said["target_id"] == target.get("target_id")] if len(said) else said
    if len(said):
        _clear_forecast(row)
        first = said.iloc[0]
        return Verdict(
            "achieved",
            f"已完成 stated as completed: «{first['quote']}» ({first['source']})",
            basis="observed",
        )
    if ind.basis == "designation":
        _clear_forecast(row)
        latest = (
            f"latest {fmt_figure(row['latest_value'])} ({row['latest_year']}); "
            if row["n_points"]
            else ""
        )
        return Verdict(
            "depends_on_office",
            f"取决于主管部门 depends on the office: {latest}a count the office sets by its own "
            "designations or events, not a trend: ask it whether it plans to reach the target",
            basis="designation",
        )
    return verdict


def assess_target(
    target,
    observations: pd.DataFrame,
    indicator=None,
    *,
    scope: Scope = Scope(),
    pools: dict | None = None,
    context: Context = Context(),
) -> dict:
    """Assess one target against the figures of its region and indicator.

    Parameters
    ----------
    target : mapping or pandas.Series
        One row of the targets table.
    observations : pandas.DataFrame
        The series for this region and indicator (``year``, ``value``; ``derived`` and
        ``reliability`` used for confidence when present), already restricted to ``as_of``.
    indicator : mapping or pandas.Series, optional
        The indicator's row (``kind``, ``better``, ``basis``); unknown → higher is better.
    scope : Scope
        The interval level; ``as_of`` is only reported (the caller restricts the data).
    pools : dict, optional
        Growth pools (:func:`ipanalysis.model.damped.estimate_pools`) of every series
        available; by default the series' own.
    context : Context
        Evidence, completion statements, tied figures and per-capita checks.

    Returns
    -------
    dict
        One row (keys :data:`ipanalysis.columns.ASSESSMENT_COLUMNS`).
    """
    tgt = dict(target)
    obs = observations.sort_values("year", kind="stable").reset_index(drop=True)
    ind = indicator_info(indicator, pools)
    row, verdict = judge(tgt, obs, ind, scope)
    _limit_few_figures(row, verdict)
    verdict = _passed_without_figure(verdict, row, context.reference_year)
    verdict = _settle_otherwise(verdict, row, tgt, ind, context)
    confidence, reasons = confidence_of(verdict)
    notes = [verdict.why, *verdict.notes]
    if reasons:
        notes.append(f"confidence lowered: {', '.join(reasons)}")
    if not ind.known:
        notes.append("indicator not in the indicators table: higher assumed better, kind unknown")
    en, zh = likelihood(as_float(row["p_meet"]))
    row.update(
        status=verdict.status,
        confidence="none" if verdict.basis == "designation" else confidence,
        note="; ".join(notes),
        likelihood=en,
        likelihood_zh=zh,
        provisional=bool(verdict.provisional and verdict.basis not in ("observed", "designation")),
    )
    _fill_evidence(row, verdict, ind, context)
    if row["evidence"] in ("tested", "indicative"):
        tie_verdicts(row, tgt, obs, ind, scope, context.alternatives, judge)
        _check_baseline(row, context.comparability)
    elif row["evidence"] == "designation":
        tie_verdicts(row, tgt, obs, ind, scope, context.alternatives, None)
    return row


def _fill_evidence(row: dict, verdict: Verdict, ind: IndicatorInfo, context: Context) -> None:
    """Fill ``evidence`` and ``evidence_reason`` from what decided the verdict."""
    if verdict.basis in ("observed", "designation"):
        row["evidence"] = verdict.basis
    elif verdict.status == "insufficient_data":
        row["evidence"] = "none"
    elif verdict.basis == "forecast" and np.isfinite(as_float(row["p_meet"])):
        scores = (
            context.situations
            if context.situations is not None
            else pd.DataFrame(columns=["pool", "n_figures", "horizon_years", "n", "coverage_80"])
        )
        ahead = int(row["target_year"]) - int(row["latest_year"])
        row["evidence"], row["evidence_reason"] = evidence_of(
            pool_of(ind.kind), row["n_points"], ahead, scores
        )
    else:
        row["evidence"] = "indicative"
        row["evidence_reason"] = (
            "无预测区间：只比较了增长速度或点预测 / no interval: only the growth ratio or the "
            f"point forecast ({figures_bucket(max(row['n_points'], 1))} figure(s))"
        )


def _check_baseline(row: dict, comparability: pd.DataFrame) -> None:
    """Make a verdict indicative when its baseline and its target imply other populations."""
    if comparability.empty:
        return
    match = comparability[
        (comparability["region"] == row["region"])
        & (comparability["indicator"] == row["indicator"])
        & (comparability["target_year"] == row["target_year"])
        & ~comparability["comparable"]
    ]
    if match.empty:
        return
    check = match.iloc[0]
    reason = (
        f"基数不可比：{check['baseline_year']}年数据隐含人口{check['population_baseline_10k']:.1f}万，"
        f"目标隐含{check['population_target_10k']:.1f}万 / baseline not comparable: the "
        f"{check['baseline_year']} figures imply {check['population_baseline_10k']:.1f}万 "
        f"people, the targets {check['population_target_10k']:.1f}万"
    )
    row["evidence"] = "indicative"
    row["evidence_reason"] = "; ".join(r for r in (row["evidence_reason"], reason) if r)


def assess_targets(
    series: pd.DataFrame,
    targets: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    scope: Scope = Scope(),
    pools: dict | None = None,
    context: Context = Context(),
) -> pd.DataFrame:
    """Assess every target: status, forecast, probability, growth ratio, evidence.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures: ``region, indicator, year, value`` (plus ``derived``, ``reliability``).
    targets : pandas.DataFrame
        The targets table (see ``data/README.md``); restatements are merged
        (:func:`~ipanalysis.assess.targets.merge_restatements`).
    indicators : pandas.DataFrame
        ``indicator_id, kind, better`` at least (``basis`` when known).
    scope : Scope
        Figures up to ``as_of`` only; the interval level.
    pools : dict, optional
        Growth pools; by default estimated from ``series`` (up to ``as_of``).
    context : Context
        What the assessment knows beyond the figures (:class:`Context`).

    Returns
    -------
    pandas.DataFrame
        One row per target, columns :data:`ipanalysis.columns.ASSESSMENT_COLUMNS`, sorted by
        region, target_year, indicator, target_id. Growth as fractions per year.
    """
    data = series if scope.as_of is None else series[series["year"] <= scope.as_of]
    if pools is None:
        pools = estimate_pools(data, indicators)
    groups = dict(iter(data.groupby(["region", "indicator"], sort=True, dropna=False)))
    empty = data.iloc[0:0]
    by_id = {rec["indicator_id"]: rec for rec in indicators.to_dict("records")}
    merged = merge_restatements(targets).to_dict("records")
    rows = [
        assess_target(
            tgt,
            groups.get((tgt["region"], tgt["indicator"]), empty),
            by_id.get(tgt["indicator"]),
            scope=scope,
            pools=pools,
            context=context,
        )
        for tgt in merged
    ]
    if context.pool_series is not None:
        inputs = {t["target_id"]: (t, groups.get((t["region"], t["indicator"]), empty))
                  for t in merged}  # fmt: skip
        mark_fragile(rows, inputs, by_id, scope, context, judge)
    return (
        assessment_frame(rows)
        .sort_values(["region", "target_year", "indicator", "target_id"], kind="stable")
        .reset_index(drop=True)
    )


def assess(
    dataset: Dataset,
    scope: Scope = Scope(),
    *,
    regions: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Assess the targets of a dataset, as it stood at the time for a past ``as_of``.

    Parameters
    ----------
    dataset : Dataset
        The validated dataset.
    scope : Scope
        ``as_of``: assess with the vintage of 30 June of ``as_of + 1``
        (:func:`ipanalysis.data.vintage.vintage_dataset`: only sources published by then,
        figures up to ``as_of``, targets published by then, and the backtest's evidence from
        those alone); ``min_reliability``: the lowest source grade whose figures are used; the
        interval level; ``target_years``: keep the targets due in these years (None: all).
    regions : str or sequence of str, optional
        Only these regions' targets (all by default; the growth pools always use every
        region's figures).

    Returns
    -------
    pandas.DataFrame
        As :func:`assess_targets`; ``citations`` and ``revised_from`` filled.
    """
    if scope.as_of is not None:
        dataset = vintage_dataset(dataset, scope.as_of)
    series = dataset.series(min_reliability=scope.min_reliability)
    pools = estimate_pools(series, dataset.indicators)
    targets = _targets_with_dates(dataset)
    if regions is not None:
        wanted = [regions] if isinstance(regions, str) else list(regions)
        targets = targets[targets["region"].isin(wanted)]
    if scope.target_years is not None:
        targets = targets[targets["target_year"].isin(scope.target_years)]
    context = Context(
        situations=situation_table(dataset, scope),
        completions=dataset.completions,
        alternatives=dataset.tie_alternatives(scope.min_reliability),
        comparability=baseline_checks(dataset),
        pool_series=series,
        indicators=dataset.indicators,
        reference_year=_reference_year(series, scope),
    )
    mine = series[series["region"].isin(targets["region"])]
    return assess_targets(
        mine, targets, dataset.indicators, scope=scope, pools=pools, context=context
    )


def _reference_year(series: pd.DataFrame, scope: Scope) -> int | None:
    """Return the year an assessment stands in: ``as_of``, else the latest year with a figure."""
    if scope.as_of is not None:
        return scope.as_of
    return int(series["year"].max()) if len(series) else None


def _targets_with_dates(dataset: Dataset) -> pd.DataFrame:
    """Return the current targets with their source's grade and publication year."""
    grades = dict(zip(dataset.sources["source_id"], dataset.sources["reliability"], strict=True))
    dates = publication_dates(dataset)
    years = dates.assign(date=dates["published"].dt.year.astype("Int64").astype(str))
    targets = apply_revisions(dataset.targets, years.replace({"date": {"<NA>": ""}}))
    published = dict(zip(dates["source_id"], dates["published"].dt.year, strict=True))
    return targets.assign(
        reliability=targets["source"].map(grades),
        published_year=targets["source"].map(published),
    )
