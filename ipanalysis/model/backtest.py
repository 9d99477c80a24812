"""The honest backtest of the forecasts: made from past data vintages, scored on later figures.

For every year Y with figures, the dataset is rebuilt as it stood on 30 June of Y+1
(:func:`ipanalysis.data.vintage.vintage_dataset`: only sources published by then, conflicts and
derived figures resolved from those sources alone, figures up to Y). Each method forecasts
every series of that vintage with at least two figures for the calendar years Y+1, Y+2, Y+3,
and the forecasts are compared with the figures known today (horizon = years after Y, so a
series whose latest figure is old is forecast further ahead, as the deployed assessment does).

:func:`backtest_forecasts`
    One row per vintage, series, method and forecast year. Methods: ``deployed`` (exactly
    :func:`ipanalysis.model.damped.fit_assessment_trend` with the vintage's pools), ``no_change``
    (the last figure, pooled variance), ``drift`` (the random walk with drift, own variance),
    ``log_linear`` (constant growth, own variance), ``previous`` (the procedure shipped before:
    a 10-year window and automatic choice between linear, log-linear and drift) and
    ``undamped_drift`` (the deployed model without damping), ``unshrunk_drift`` (the deployed
    model with each series' own growth, not pulled toward its pool's mean).
:func:`summarise_forecasts`
    By method and horizon: ``n``, ``mase`` (absolute error over the training figures' mean
    absolute change per year, Hyndman's MASE, over the forecasts every method made),
    ``coverage_80`` (share inside the 80% interval), ``below_lower``, ``above_upper``.

The verdicts on past targets are scored by :mod:`ipanalysis.assess.track_record`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis.data.dataset import Dataset
from ipanalysis.data.vintage import vintage_dataset
from ipanalysis.model.damped import (
    DAMPING,
    estimate_pools,
    fit_assessment_trend,
    fit_damped_drift,
    select_fit_window,
)
from ipanalysis.model.trend import fit_trend
from ipanalysis.scope import Scope
from ipanalysis.vocab import pool_of

HORIZONS = (1, 2, 3)
COMPETITORS = ("no_change", "drift", "log_linear", "previous", "undamped_drift", "unshrunk_drift")
METHOD_ORDER = ("deployed", *COMPETITORS)
FORECAST_COLUMNS = [
    "as_of",
    "region",
    "indicator",
    "pool",
    "method",
    "n_train",
    "last_year",
    "year",
    "horizon_years",
    "actual",
    "forecast",
    "lower",
    "upper",
    "naive_scale",
    "scaled_error",
]
MODEL_COLUMNS = [
    "method",
    "horizon_years",
    "n",
    "mase",
    "coverage_80",
    "below_lower",
    "above_upper",
    "n_intervals",
]


def naive_scale(years, values) -> float:
    """Return the in-sample naive error: mean absolute change per year between figures.

    Parameters
    ----------
    years, values : array-like
        The training figures, sorted by year.

    Returns
    -------
    float
        ``mean(|v_i - v_{i-1}| / (t_i - t_{i-1}))``; NaN with fewer than two figures or when it
        is zero (a flat series cannot scale errors).
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.size < 2:
        return float("nan")
    scale = float(np.mean(np.abs(np.diff(y)) / np.diff(x)))
    return scale if scale > 0 else float("nan")


def _competitor_fit(method: str, years, values, kind, pools):
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
        The full dataset; the figures known today are the outcomes.
    scope : Scope
        The lowest source grade used and the interval level (``as_of`` is each vintage's).

    Returns
    -------
    pandas.DataFrame
        ``FORECAST_COLUMNS``, sorted.
    """
    truth = dataset.series(min_reliability=scope.min_reliability)
    known = {
        (r, i, int(y)): float(v)
        for r, i, y, v in truth[["region", "indicator", "year", "value"]].itertuples(index=False)
    }
    kinds = dict(zip(dataset.indicators["indicator_id"], dataset.indicators["kind"], strict=True))
    rows = []
    for as_of in range(int(truth["year"].min()) + 1, int(truth["year"].max())):
        vintage = vintage_dataset(dataset, as_of)
        series = vintage.series(min_reliability=scope.min_reliability)
        pools = estimate_pools(series, vintage.indicators)
        for (region, indicator), grp in series.groupby(["region", "indicator"], sort=True):
            targets = [as_of + h for h in HORIZONS if (region, indicator, as_of + h) in known]
            if len(grp) < 2 or not targets:
                continue
            kind = kinds.get(indicator)
            kind = kind if isinstance(kind, str) else None
            x = grp["year"].to_numpy(dtype=float)
            y = grp["value"].to_numpy(dtype=float)
            scale = naive_scale(x, y)
            fits = {"deployed": fit_assessment_trend(grp, kind, pools=pools)}
            fits.update({m: _competitor_fit(m, x, y, kind, pools) for m in COMPETITORS})
            for method, fit in fits.items():
                if fit is None:
                    continue
                pred = fit.predict(targets, scope.interval_level)
                for p in pred.itertuples(index=False):
                    actual = known[(region, indicator, int(p.year))]
                    rows.append(
                        {
                            "as_of": as_of,
                            "region": region,
                            "indicator": indicator,
                            "pool": pool_of(kind),
                            "method": method,
                            "n_train": len(grp),
                            "last_year": int(x[-1]),
                            "year": int(p.year),
                            "horizon_years": int(p.year) - as_of,
                            "actual": actual,
                            "forecast": float(p.forecast),
                            "lower": float(p.lower),
                            "upper": float(p.upper),
                            "naive_scale": scale,
                            "scaled_error": abs(float(p.forecast) - actual) / scale,
                        }
                    )
    frame = pd.DataFrame(rows, columns=FORECAST_COLUMNS)
    floats = ["actual", "forecast", "lower", "upper", "naive_scale", "scaled_error"]
    frame[floats] = frame[floats].astype(float)
    return frame.sort_values(
        ["as_of", "region", "indicator", "method", "year"], kind="stable"
    ).reset_index(drop=True)


def summarise_forecasts(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Score each method by horizon on the forecasts every method made.

    Parameters
    ----------
    forecasts : pandas.DataFrame
        From :func:`backtest_forecasts`.

    Returns
    -------
    pandas.DataFrame
        ``MODEL_COLUMNS``: ``n`` forecasts, ``mase``, and over those with an interval
        (``n_intervals``) the share covered and the shares below and above it. Rows
        ``deployed:stock_like`` and ``deployed:flow_like`` split the deployed method's
        forecasts by pool (calibration can differ between them).
    """
    usable = forecasts[np.isfinite(forecasts["scaled_error"])]
    key = ["as_of", "region", "indicator", "year"]
    n_methods = usable.groupby(key)["method"].transform("nunique")
    common = usable[n_methods == usable["method"].nunique()]
    deployed = common[common["method"] == "deployed"]
    by_pool = deployed.assign(method="deployed:" + deployed["pool"])
    rows = []
    parts = pd.concat([common, by_pool])
    for (method, horizon), grp in parts.groupby(["method", "horizon_years"], sort=True):
        with_interval = grp[np.isfinite(grp["lower"]) & np.isfinite(grp["upper"])]
        k = len(with_interval)
        below = with_interval["actual"] < with_interval["lower"]
        above = with_interval["actual"] > with_interval["upper"]
        rows.append(
            {
                "method": method,
                "horizon_years": int(horizon),
                "n": len(grp),
                "mase": float(grp["scaled_error"].mean()),
                "coverage_80": float(1 - (below | above).mean()) if k else np.nan,
                "below_lower": float(below.mean()) if k else np.nan,
                "above_upper": float(above.mean()) if k else np.nan,
                "n_intervals": k,
            }
        )
    out = pd.DataFrame(rows, columns=MODEL_COLUMNS)
    order = {m: i for i, m in enumerate(METHOD_ORDER)}
    out = out.sort_values(
        ["method", "horizon_years"],
        key=lambda s: s.map(lambda m: (order.get(m, len(order)), m)) if s.name == "method" else s,
    )
    return out.reset_index(drop=True)
