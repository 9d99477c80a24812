"""The honest backtest of the forecasts, scored by situation: pool × figures × years ahead.

For every year Y with figures, the dataset is rebuilt as it stood on 30 June of Y+1
(:func:`ipanalysis.data.vintage.vintage_dataset`: only sources published by then, conflicts and
derived figures resolved from those sources alone, figures up to Y). Each method forecasts
every series of that vintage — one figure or more — for the calendar years after Y up to
:data:`MAX_YEARS_AHEAD` years after the series' latest figure, and the forecasts are compared
with the figures known today. A verdict rests on a *situation*: the series' pool, how many
figures it has (1, 2, 3 or more) and how far the target year lies from its latest figure (1,
2–3, 4–6 years); :func:`summarise_situations` scores every situation, so that a verdict can
say whether its situation was ever tested (:mod:`ipanalysis.assess.evidence`).

Scored once: a series without a new figure between two vintages makes the same forecast from
the same latest figure twice; each (series, latest figure's year, forecast year) counts once,
from the latest vintage that had it (its pools knew the most, as today's verdicts do).
Indicators an office sets by designation are not forecast (no trend process).

Methods: ``deployed`` (exactly :func:`ipanalysis.model.damped.fit_assessment_trend` with the
vintage's pools), ``no_change`` (the last figure, pooled variance), ``drift`` (the random walk
with drift, own variance), ``log_linear`` (constant growth, own variance), ``previous`` (the
procedure shipped before: a 10-year window and automatic choice between linear, log-linear and
drift), ``undamped_drift`` (the deployed model without damping) and ``unshrunk_drift`` (the
deployed model with each series' own growth, not pulled toward its pool's mean). Methods
needing two figures (drift, log-linear, previous) have no one-figure forecasts and, with two,
no interval.

Scores, per method and situation, always on the deployed method's forecasts of that situation
(like for like: a method that cannot make all of them is not shown there; a method without an
interval for all of them gets no coverage): ``mase`` (the absolute log error over the pool's
typical yearly log change, :attr:`~ipanalysis.model.damped.GrowthPool.mean_abs_change`: a
naive scale that exists for one-figure series too), ``coverage_80`` with ``below_lower`` and
``above_upper``, ``brier`` (of the probabilities that the figure reaches the latest figure
grown by 0%, 10% and 20% a year: the kind of event a target is) and the probit PIT's mean and
standard deviation (0 and 1 when the predictive distribution is calibrated; a standard
deviation below 1 means intervals too wide, above 1 too narrow).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ipanalysis.data.dataset import Dataset
from ipanalysis.data.vintage import vintage_dataset
from ipanalysis.model.damped import (
    DAMPING,
    designation_indicators,
    estimate_pools,
    fit_assessment_trend,
    fit_damped_drift,
    select_fit_window,
)
from ipanalysis.model.predictive import Forecast
from ipanalysis.model.trend import fit_trend
from ipanalysis.scope import Scope
from ipanalysis.vocab import pool_of

#: Forecasts go up to this many years after a series' latest figure.
MAX_YEARS_AHEAD = 6
#: Growth per year of the events the Brier score is taken over (reaching the latest figure
#: grown by 0%, 10%, 20% a year).
BRIER_GROWTH = (0.0, 0.1, 0.2)
COMPETITORS = ("no_change", "drift", "log_linear", "previous", "undamped_drift", "unshrunk_drift")
METHOD_ORDER = ("deployed", *COMPETITORS)
FIGURE_BUCKETS = ("1", "2", "3+")
HORIZON_BUCKETS = ("1", "2-3", "4-6")
FORECAST_COLUMNS = [
    "as_of", "region", "indicator", "pool", "method", "n_train", "last_year", "year",
    "years_ahead", "actual", "forecast", "lower", "upper", "scaled_error", "pit", "brier",
]  # fmt: skip
SITUATION_COLUMNS = [
    "method", "pool", "n_figures", "horizon_years", "n", "n_series", "mase", "coverage_80",
    "below_lower", "above_upper", "brier", "pit_mean", "pit_sd",
]  # fmt: skip


def figures_bucket(n_figures: int) -> str:
    """Return the situation's figures bucket: ``1``, ``2`` or ``3+``."""
    return FIGURE_BUCKETS[min(int(n_figures), 3) - 1]


def horizon_bucket(years_ahead: int) -> str | None:
    """Return the situation's years-ahead bucket (``1``, ``2-3``, ``4-6``); None beyond six."""
    if not 1 <= years_ahead <= MAX_YEARS_AHEAD:
        return None
    return HORIZON_BUCKETS[0 if years_ahead == 1 else 1 if years_ahead <= 3 else 2]


def _competitor_fit(method: str, years, values, kind, pools) -> Forecast | None:
    """Fit one competitor, or None where it cannot forecast this series."""
    positive = bool(np.all(np.asarray(values) > 0))
    pool = pools[pool_of(kind)]
    if method in ("no_change", "undamped_drift", "unshrunk_drift"):
        if not positive:
            return None
        damping = {"no_change": 0.0, "undamped_drift": 1.0}.get(method, DAMPING)
        return fit_damped_drift(
            years, values, pool, damping=damping, shrink=method != "unshrunk_drift"
        )
    if len(years) < 2:
        return None
    if method == "previous":
        frame = pd.DataFrame({"year": years, "value": values})
        window = select_fit_window(frame)
        return fit_trend(window["year"], window["value"], "auto", indicator_kind=kind)
    if not positive:
        return None
    return fit_trend(years, values, method)


def backtest_forecasts(dataset: Dataset, scope: Scope = Scope()) -> pd.DataFrame:
    """Forecast every series of every past vintage by every method (see the module docstring).

    Parameters
    ----------
    dataset : Dataset
        The dataset; its figures are the outcomes (a vintage of it backtests only what was
        known at that vintage: nothing leaks).
    scope : Scope
        The lowest source grade used and the interval level (``as_of`` is each vintage's).

    Returns
    -------
    pandas.DataFrame
        :data:`FORECAST_COLUMNS`, one row per method, series, latest figure and forecast year
        (the latest vintage that made it), sorted.
    """
    truth = dataset.series(min_reliability=scope.min_reliability)
    if truth.empty:
        return pd.DataFrame(columns=FORECAST_COLUMNS)
    known = {
        (r, i, int(y)): float(v)
        for r, i, y, v in truth[["region", "indicator", "year", "value"]].itertuples(index=False)
    }
    kinds = dict(zip(dataset.indicators["indicator_id"], dataset.indicators["kind"], strict=True))
    skipped = set(designation_indicators(dataset.indicators))
    rows = []
    for as_of in range(int(truth["year"].min()), int(truth["year"].max())):
        vintage = vintage_dataset(dataset, as_of)
        series = vintage.series(min_reliability=scope.min_reliability)
        pools = estimate_pools(series, vintage.indicators)
        for (region, indicator), grp in series.groupby(["region", "indicator"], sort=True):
            last = int(grp["year"].max())
            years = range(as_of + 1, last + MAX_YEARS_AHEAD + 1)
            targets = [y for y in years if (region, indicator, y) in known]
            if indicator in skipped or not targets:
                continue
            kind = kinds.get(indicator) if isinstance(kinds.get(indicator), str) else None
            fits = {"deployed": _deployed(grp, kind, pools)}
            x, y = grp["year"].to_numpy(dtype=float), grp["value"].to_numpy(dtype=float)
            fits.update({m: _competitor_fit(m, x, y, kind, pools) for m in COMPETITORS})
            actual = np.array([known[(region, indicator, t)] for t in targets])
            base = {"as_of": as_of, "region": region, "indicator": indicator,
                    "pool": pool_of(kind), "n_train": len(grp), "last_year": last}  # fmt: skip
            scale = pools[pool_of(kind)].mean_abs_change
            for method, fit in fits.items():
                if fit is not None:
                    rows += _score(fit, targets, actual, scale, scope.interval_level,
                                   {**base, "method": method})  # fmt: skip
    frame = pd.DataFrame(rows, columns=FORECAST_COLUMNS)
    frame = frame.sort_values(["method", "region", "indicator", "last_year", "year", "as_of"])
    once = ~frame.duplicated(["method", "region", "indicator", "last_year", "year"], keep="last")
    return (
        frame[once]
        .sort_values(["as_of", "region", "indicator", "method", "year"], kind="stable")
        .reset_index(drop=True)
    )


def _deployed(grp: pd.DataFrame, kind: str | None, pools: dict) -> Forecast | None:
    try:
        return fit_assessment_trend(grp, kind, pools=pools)
    except ValueError:  # a single zero or negative figure: no forecast
        return None


def _score(fit: Forecast, targets, actual, scale: float, level: float, base: dict) -> list:
    """Score one fit's forecasts of ``targets``: error, interval, PIT, Brier; one row each."""
    pred = fit.predict(targets, level)
    years = pred["year"].to_numpy()
    ahead = years - int(base["last_year"])
    # The Brier events: the figure at least the latest one grown by each rate, h years on.
    events = float(fit.values[-1]) * (1 + np.asarray(BRIER_GROWTH))[None, :] ** ahead[:, None]
    cdf = _predictive_cdf(fit, pred, np.column_stack([events, actual]))
    brier = np.mean((1 - cdf[:, :-1] - (actual[:, None] >= events)) ** 2, axis=1)
    forecast = pred["forecast"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        log_error = np.where((forecast > 0) & (actual > 0), np.log(forecast / actual), np.nan)
    columns = {
        "year": years.astype(int),
        "years_ahead": ahead.astype(int),
        "actual": actual.astype(float),
        "forecast": forecast,
        "lower": pred["lower"].to_numpy(),
        "upper": pred["upper"].to_numpy(),
        "scaled_error": np.abs(log_error) / scale,
        "pit": cdf[:, -1],
        "brier": brier,
    }
    return [{**base, **{k: v[i].item() for k, v in columns.items()}} for i in range(len(years))]


def _predictive_cdf(fit: Forecast, pred: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """Return ``P(figure <= v)`` for each forecast row and value (NaN without an interval).

    ``values`` has one row per forecast row; the result has its shape.
    """
    se = pred["se_obs"].to_numpy(dtype=float)[:, None]
    df = pred["df"].to_numpy(dtype=float)[:, None]
    centre = pred["forecast"].to_numpy(dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if fit.log_scale:  # a value at or below zero is below every log-scale figure
            centre = np.log(centre)
            values = np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), -np.inf)
        z = (values - centre) / se
        cdf = stats.t.cdf(z, np.where(df >= 1, df, 1.0))
    return np.where((se > 0) & (df >= 1), cdf, np.nan)


def summarise_situations(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Score each method in each situation, on the deployed method's forecasts of it.

    Parameters
    ----------
    forecasts : pandas.DataFrame
        From :func:`backtest_forecasts`.

    Returns
    -------
    pandas.DataFrame
        :data:`SITUATION_COLUMNS`: a row per method, pool, figures bucket (and ``all``) and
        years-ahead bucket; ``n`` forecasts from ``n_series`` series; coverage, PIT and Brier
        where the method has an interval for every one of them.
    """
    if forecasts.empty:
        return pd.DataFrame(columns=SITUATION_COLUMNS)
    frame = forecasts.assign(
        n_figures=forecasts["n_train"].map(figures_bucket),
        horizon_years=forecasts["years_ahead"].map(horizon_bucket),
    ).dropna(subset=["horizon_years"])
    frame = pd.concat([frame, frame.assign(n_figures="all")], ignore_index=True)
    cell = ["pool", "n_figures", "horizon_years"]
    key = ["region", "indicator", "last_year", "year"]
    rows = []
    # the situations a verdict can rest on: deployed forecasts with an interval (the earliest
    # vintages had too few series for a pool, hence no interval: no verdict is made so)
    scored = frame[(frame["method"] == "deployed") & np.isfinite(frame["upper"].astype(float))]
    for situation, deployed in scored.groupby(cell, sort=False):
        same = frame.set_index(cell).loc[[situation]].reset_index()
        wanted = set(map(tuple, deployed[key].to_numpy()))
        for method, made in same.groupby("method", sort=False):
            made = made[[tuple(k) in wanted for k in made[key].to_numpy()]]
            if len(made) == len(deployed):
                rows.append(_scores(method, situation, made))
    out = pd.DataFrame(rows, columns=SITUATION_COLUMNS)
    order = {
        "method": {m: i for i, m in enumerate(METHOD_ORDER)},
        "n_figures": {b: i for i, b in enumerate((*FIGURE_BUCKETS, "all"))},
        "horizon_years": {b: i for i, b in enumerate(HORIZON_BUCKETS)},
    }
    return out.sort_values(
        ["method", "pool", "n_figures", "horizon_years"],
        key=lambda s: s.map(order[s.name]) if s.name in order else s,
    ).reset_index(drop=True)


def _scores(method: str, situation: tuple, made: pd.DataFrame) -> dict:
    """Return one situation's scores for one method (see :func:`summarise_situations`)."""
    has_interval = bool(np.isfinite(made["lower"]).all() and np.isfinite(made["upper"]).all())
    below = made["actual"] < made["lower"]
    above = made["actual"] > made["upper"]
    z = stats.norm.ppf(made["pit"].clip(1e-6, 1 - 1e-6))
    error = made["scaled_error"]
    return {
        "method": method,
        **dict(zip(["pool", "n_figures", "horizon_years"], situation, strict=True)),
        "n": len(made),
        "n_series": made[["region", "indicator"]].drop_duplicates().shape[0],
        "mase": float(error.mean()) if error.notna().any() else np.nan,
        "coverage_80": float(1 - (below | above).mean()) if has_interval else np.nan,
        "below_lower": float(below.mean()) if has_interval else np.nan,
        "above_upper": float(above.mean()) if has_interval else np.nan,
        "brier": float(made["brier"].mean()) if has_interval else np.nan,
        "pit_mean": float(np.mean(z)) if has_interval else np.nan,
        "pit_sd": float(np.std(z, ddof=1)) if has_interval and len(z) > 1 else np.nan,
    }
