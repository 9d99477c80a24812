"""Assess targets: one row per target, from a dataset (as it stood at a date) or from series.

The rules behind each column are in :mod:`ipanalysis.assess.rules`; one module per target
kind computes the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ipanalysis.assess.improving import assess_keep_improving
from ipanalysis.assess.level import assess_avg_growth, assess_level, assess_range
from ipanalysis.assess.period import assess_every_year, assess_period_total
from ipanalysis.assess.rules import (
    NAN,
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
from ipanalysis.data.vintage import publication_dates, vintage_dataset
from ipanalysis.model.damped import estimate_pools
from ipanalysis.scope import Scope

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
        provisional=False,
    )
    return row


def assess_target(
    target,
    observations: pd.DataFrame,
    indicator=None,
    *,
    scope: Scope = Scope(),
    pools: dict | None = None,
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
        The indicator's row (``kind``, ``better``); unknown → higher is better, kind unknown.
    scope : Scope
        The interval level; ``as_of`` is only reported (the caller restricts the data).
    pools : dict, optional
        Growth pools (:func:`ipanalysis.model.damped.estimate_pools`) of every series
        available; by default the series' own.

    Returns
    -------
    dict
        One row (keys :data:`ipanalysis.columns.ASSESSMENT_COLUMNS`).
    """
    tgt = dict(target)
    obs = observations.sort_values("year", kind="stable").reset_index(drop=True)
    ind = indicator_info(indicator, pools)
    row = _blank_row(tgt, scope)
    if len(obs):
        row.update(
            latest_year=int(obs["year"].iloc[-1]),
            latest_value=float(obs["value"].iloc[-1]),
            n_points=len(obs),
        )
    handler = HANDLERS.get(tgt["kind"])
    if handler is None:
        verdict = insufficient(f"unknown target kind {tgt['kind']!r}: cannot assess")
    elif tgt["kind"] != "keep_improving" and not np.isfinite(as_float(tgt.get("value"))):
        verdict = insufficient("the target has no value: nothing to compare with")
    else:
        try:
            verdict = handler(row, tgt, obs, ind, scope.interval_level)
        except ValueError as err:  # e.g. an unknown comparator: report, never crash the table
            verdict = insufficient(f"cannot assess: {err}")
    confidence, reasons = confidence_of(verdict)
    notes = [verdict.why, *verdict.notes]
    if reasons:
        notes.append(f"confidence lowered: {', '.join(reasons)}")
    if not ind.known:
        notes.append("indicator not in the indicators table: higher assumed better, kind unknown")
    en, zh = likelihood(as_float(row["p_meet"]))
    row.update(
        status=verdict.status,
        confidence=confidence,
        note="; ".join(notes),
        likelihood=en,
        likelihood_zh=zh,
        provisional=bool(verdict.provisional and verdict.basis != "observed"),
    )
    return row


def assess_targets(
    series: pd.DataFrame,
    targets: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    scope: Scope = Scope(),
    pools: dict | None = None,
) -> pd.DataFrame:
    """Assess every target: status, forecast, probability, growth ratio and confidence.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures: ``region, indicator, year, value`` (plus ``derived``, ``reliability``).
    targets : pandas.DataFrame
        The targets table (see ``data/README.md``); restatements are merged
        (:func:`~ipanalysis.assess.targets.merge_restatements`).
    indicators : pandas.DataFrame
        ``indicator_id, kind, better`` at least.
    scope : Scope
        Figures up to ``as_of`` only; the interval level.
    pools : dict, optional
        Growth pools; by default estimated from ``series`` (up to ``as_of``).

    Returns
    -------
    pandas.DataFrame
        One row per target, columns :data:`ipanalysis.columns.ASSESSMENT_COLUMNS`, sorted by
        region, target_year, indicator, target_id. Growth as fractions per year.
    """
    data = series if scope.as_of is None else series[series["year"] <= scope.as_of]
    if pools is None:
        pools = estimate_pools(data, indicators)
    groups = {
        key: grp for key, grp in data.groupby(["region", "indicator"], sort=True, dropna=False)
    }
    empty = data.iloc[0:0]
    by_id = {rec["indicator_id"]: rec for rec in indicators.to_dict("records")}
    rows = [
        assess_target(
            tgt,
            groups.get((tgt["region"], tgt["indicator"]), empty),
            by_id.get(tgt["indicator"]),
            scope=scope,
            pools=pools,
        )
        for tgt in merge_restatements(targets).to_dict("records")
    ]
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
        figures up to ``as_of``, targets published by then); ``min_reliability``: the lowest
        source grade whose figures are used; the interval level; ``target_years``: keep the
        targets due in these years (None: all).
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
    grades = dict(zip(dataset.sources["source_id"], dataset.sources["reliability"], strict=True))
    dates = publication_dates(dataset)
    years = dates.assign(date=dates["published"].dt.year.astype("Int64").astype(str))
    targets = apply_revisions(dataset.targets, years.replace({"date": {"<NA>": ""}}))
    targets = targets.assign(reliability=targets["source"].map(grades))
    if regions is not None:
        wanted = [regions] if isinstance(regions, str) else list(regions)
        targets = targets[targets["region"].isin(wanted)]
        series = series[series["region"].isin(wanted)]
    table = assess_targets(series, targets, dataset.indicators, scope=scope, pools=pools)
    if scope.target_years is not None:
        table = table[table["target_year"].isin(scope.target_years)].reset_index(drop=True)
    return table
