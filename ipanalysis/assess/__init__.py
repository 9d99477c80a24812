"""Assess plan targets against the figures: on track or not, and how sure we are.

The rules are documented in :mod:`ipanalysis.assess.core`; one module per target kind.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis.assess.core import (
    CONFIDENCE_LEVELS,
    EXTRA_COLUMNS,
    LIKELIHOOD_SCALE,
    NAN,
    OUTPUT_COLUMNS,
    STATUSES,
    _confidence,
    _float,
    _indicator_info,
    _insufficient,
    _int_or_none,
    fit_assessment_trend,
    likelihood,
    plan_base_year,
    progress_category,
    select_fit_window,
    status_from_p,
)
from ipanalysis.assess.improving import _assess_keep_improving
from ipanalysis.assess.level import _assess_avg_growth, _assess_level, _assess_range
from ipanalysis.assess.period import _assess_every_year, _assess_period_total
from ipanalysis.assess.required import required_path
from ipanalysis.forecast import DEFAULT_LEVEL, estimate_pools
from ipanalysis.vintage import publication_dates, vintage_dataset

__all__ = [
    "CONFIDENCE_LEVELS",
    "EXTRA_COLUMNS",
    "LIKELIHOOD_SCALE",
    "OUTPUT_COLUMNS",
    "STATUSES",
    "apply_revisions",
    "assess",
    "assess_target",
    "assess_targets",
    "fit_assessment_trend",
    "likelihood",
    "merge_restatements",
    "plan_base_year",
    "progress_category",
    "required_path",
    "select_fit_window",
    "status_from_p",
]

_HANDLERS = {
    "level": _assess_level,
    "avg_growth": _assess_avg_growth,
    "every_year": _assess_every_year,
    "annual_average": _assess_period_total,
    "cumulative": _assess_period_total,
    "range": _assess_range,
    "keep_improving": _assess_keep_improving,
}


# ------------------------------------------------------------------------------ public API


def _blank_row(target: dict, level: float, as_of) -> dict:
    row = dict.fromkeys(OUTPUT_COLUMNS + EXTRA_COLUMNS, NAN)
    row.update(
        region=target["region"],
        indicator=target["indicator"],
        target_year=int(target["target_year"]),
        target_kind=target["kind"],
        comparator=target.get("comparator"),
        base_year=_int_or_none(target.get("base_year")),
        latest_year=None,
        n_points=0,
        method="none",
        note="",
        target_id=target.get("target_id"),
        as_of=as_of,
        interval_level=level,
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
    as_of: int | None = None,
    level: float = DEFAULT_LEVEL,
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
    as_of : int, optional
        Only reported (the caller restricts the data).
    level : float, default 0.8
        Prediction-interval level.
    pools : dict, optional
        Growth pools (:func:`ipanalysis.forecast.estimate_pools`) of every series available;
        by default the series' own.

    Returns
    -------
    dict
        One output row (keys ``OUTPUT_COLUMNS + EXTRA_COLUMNS``).
    """
    tgt = dict(target)
    obs = observations.sort_values("year", kind="stable").reset_index(drop=True)
    ind = _indicator_info(indicator, pools)
    row = _blank_row(tgt, level, as_of)
    if len(obs):
        row.update(
            latest_year=int(obs["year"].iloc[-1]),
            latest_value=float(obs["value"].iloc[-1]),
            n_points=len(obs),
        )
    handler = _HANDLERS.get(tgt["kind"])
    if handler is None:
        verdict = _insufficient(f"unknown target kind {tgt['kind']!r}: cannot assess")
    elif tgt["kind"] != "keep_improving" and not np.isfinite(_float(tgt.get("value"))):
        verdict = _insufficient("the target has no value: nothing to compare with")
    else:
        try:
            verdict = handler(row, tgt, obs, ind, level)
        except ValueError as err:  # e.g. an unknown comparator: report, never crash the table
            verdict = _insufficient(f"cannot assess: {err}")
    confidence, reasons = _confidence(verdict)
    notes = [verdict.why, *verdict.notes]
    if reasons:
        notes.append(f"confidence lowered: {', '.join(reasons)}")
    if not ind.known:
        notes.append("indicator not in the indicators table: higher assumed better, kind unknown")
    en, zh = likelihood(_float(row["p_meet"]))
    row.update(
        status=verdict.status,
        confidence=confidence,
        note="; ".join(notes),
        likelihood=en,
        likelihood_zh=zh,
        provisional=bool(verdict.provisional and verdict.basis != "observed"),
    )
    return row


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    floats = [
        "target_value",
        "latest_value",
        "forecast",
        "forecast_lower",
        "forecast_upper",
        "p_meet",
        "observed_growth",
        "required_growth",
        "growth_ratio",
        "target_value_max",
        "interval_level",
        "df",
        "growth_ratio_latest",
    ]
    for col in floats:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    for col in ("base_year", "latest_year", "as_of"):
        frame[col] = pd.array(
            [None if v is None or pd.isna(v) else int(v) for v in frame[col]], dtype="Int64"
        )
    frame["target_year"] = frame["target_year"].astype(int)
    frame["n_points"] = frame["n_points"].astype(int)
    frame["provisional"] = frame["provisional"].astype(bool)
    return frame


TARGET_KEY = ["region", "indicator", "target_year", "kind", "value"]


def merge_restatements(targets: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per target stated in several sources, with all its citations.

    The same region, indicator, target year, kind and value is one target (e.g. Binhai
    每万人口高价值发明专利 "超过24件" in the IP plan and "达到24件" in the S&T plan).

    Parameters
    ----------
    targets : pandas.DataFrame
        The targets table; an optional ``reliability`` column (the source's grade) decides
        which statement is kept (best grade, then ``target_id``).

    Returns
    -------
    pandas.DataFrame
        One row per target, with ``citations``: the ``source`` of every statement, best first,
        joined with ``;``.
    """
    order = [c for c in ("reliability", "target_id") if c in targets]
    ranked = targets.sort_values(order, kind="stable") if order else targets
    key = _target_keys(ranked)
    citations = ranked.groupby(key, sort=False)["source"].agg(lambda s: ";".join(dict.fromkeys(s)))
    kept = ranked[~key.duplicated()].copy()
    kept["citations"] = key[kept.index].map(citations).to_numpy()
    return kept.sort_index()


def apply_revisions(targets: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Drop targets a later document restates with another value; note the earlier one.

    Parameters
    ----------
    targets : pandas.DataFrame
        Targets with ``supersedes`` (the ``target_id`` a row revises, or empty).
    sources : pandas.DataFrame, optional
        ``source_id, date``: the year shown in ``revised_from`` (:func:`assess` passes the
        effective publication year, :func:`ipanalysis.vintage.publication_dates`).

    Returns
    -------
    pandas.DataFrame
        The targets no row present supersedes (nor restates a superseded one: the same
        region, indicator, year, kind and value), with ``revised_from``: e.g.
        ``"24 (binhai-ip-14fyp, 2021)"`` for a revision, else ``""``. A revision whose
        earlier target is absent (not yet published, say) is an ordinary target.
    """
    out = targets.copy()
    out["revised_from"] = ""
    if "supersedes" not in out:
        return out
    years = {}
    if sources is not None and "date" in sources:
        years = {r: str(d)[:4] for r, d in zip(sources["source_id"], sources["date"], strict=True)}
    by_id = out.set_index("target_id")
    supersedes = out["supersedes"].fillna("").astype(str)
    present = supersedes.isin(by_id.index)
    for i in out.index[present]:
        old = by_id.loc[supersedes[i]]
        when = years.get(old["source"], "") or "date unknown"
        value = old["value"] if old["kind"] == "avg_growth" else old["value"]
        out.at[i, "revised_from"] = f"{_fmt_plain(value)} ({old['source']}, {when})"
    # the superseded target and every restatement of it (same TARGET_KEY) give way
    keys = _target_keys(out)
    old_keys = set(keys[out["target_id"].isin(set(supersedes[present]))])
    return out[~keys.isin(old_keys) | present]


def _target_keys(targets: pd.DataFrame) -> pd.Series:
    """Return one hashable key per target row: :data:`TARGET_KEY` as text."""
    return pd.Series(
        ["|".join(map(str, rec)) for rec in targets[TARGET_KEY].itertuples(index=False)],
        index=targets.index,
    )


def _fmt_plain(value: float) -> str:
    return f"{value:,.10g}" if np.isfinite(value) else ""


def assess_targets(
    series: pd.DataFrame,
    targets: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    as_of: int | None = None,
    level: float = DEFAULT_LEVEL,
    pools: dict | None = None,
) -> pd.DataFrame:
    """Assess every target: status, forecast, probability, growth ratio and confidence.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures: ``region, indicator, year, value`` (plus ``derived``, ``reliability``).
    targets : pandas.DataFrame
        The targets table (see ``data/README.md``); restatements are merged
        (:func:`merge_restatements`).
    indicators : pandas.DataFrame
        ``indicator_id, kind, better`` at least.
    as_of : int, optional
        Use only figures with ``year <= as_of``.
    level : float, default 0.8
        Prediction-interval level.
    pools : dict, optional
        Growth pools; by default estimated from ``series`` (up to ``as_of``).

    Returns
    -------
    pandas.DataFrame
        One row per target, columns ``OUTPUT_COLUMNS`` then ``EXTRA_COLUMNS``, sorted by
        region, target_year, indicator, target_id. Growth as fractions per year. See
        :mod:`ipanalysis.assess.core` for the rules behind ``status`` and ``confidence``.
    """
    if not 0 < level < 1:
        raise ValueError(f"interval level must be between 0 and 1, got {level!r}")
    data = series if as_of is None else series[series["year"] <= as_of]
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
            as_of=as_of,
            level=level,
            pools=pools,
        )
        for tgt in merge_restatements(targets).to_dict("records")
    ]
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS + EXTRA_COLUMNS)
    frame = _typed(frame)
    frame = frame.sort_values(
        ["region", "target_year", "indicator", "target_id"], kind="stable"
    ).reset_index(drop=True)
    return frame


def assess(
    dataset,
    *,
    regions=None,
    as_of: int | None = None,
    min_reliability: str = "C",
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Assess the targets of a dataset, as it stood at the time for a past ``as_of``.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The validated dataset.
    regions : str or sequence of str, optional
        Only these regions' targets (all by default; the growth pools always use every
        region's figures).
    as_of : int, optional
        Assess with the vintage of 30 June of ``as_of + 1``
        (:func:`ipanalysis.vintage.vintage_dataset`): only sources published by then, figures
        up to ``as_of``, targets published by then.
    min_reliability : {"A", "B", "C"}, default "C"
        Lowest source grade whose figures are used.
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    pandas.DataFrame
        As :func:`assess_targets`; ``citations`` and ``revised_from`` filled.
    """
    if as_of is not None:
        dataset = vintage_dataset(dataset, as_of)
    series = dataset.series(min_reliability=min_reliability)
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
    return assess_targets(
        series, targets, dataset.indicators, as_of=as_of, level=level, pools=pools
    )
