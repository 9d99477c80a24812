"""The honest backtest: forecasts and verdicts made from past data vintages, scored.

For every year Y with figures, the dataset is rebuilt as it stood on 30 June of Y+1
(:func:`ipanalysis.vintage.vintage_dataset`: only sources published by then, conflicts and
derived figures resolved from those sources alone, figures up to Y). Each method forecasts
every series of that vintage with at least two figures for the calendar years Y+1, Y+2, Y+3,
and the forecasts are compared with the figures known today (horizon = years after Y, so a
series whose latest figure is old is forecast further ahead, as the deployed assessment does).

:func:`backtest_forecasts`
    One row per vintage, series, method and forecast year. Methods: ``deployed`` (exactly
    :func:`ipanalysis.assess.fit_assessment_trend` with the vintage's pools), ``no_change``
    (the last figure, pooled variance), ``drift`` (the random walk with drift, own variance),
    ``log_linear`` (constant growth, own variance), ``previous`` (the procedure shipped before:
    a 10-year window and automatic choice between linear, log-linear and drift) and
    ``undamped_drift`` (the deployed model without damping), ``unshrunk_drift`` (the deployed
    model with each series' own growth, not pulled toward its pool's mean).
:func:`summarise_forecasts`
    By method and horizon: ``n``, ``mase`` (absolute error over the training figures' mean
    absolute change per year, Hyndman's MASE, over the forecasts every method made),
    ``coverage_80`` (share inside the 80% interval), ``below_lower``, ``above_upper``.
:func:`backtest_targets`
    Targets whose outcome is known today, assessed in the vintage one to three years before
    their target year, with the verdict compared with the outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis import paths
from ipanalysis.assess import assess, fit_assessment_trend, select_fit_window
from ipanalysis.forecast import (
    DAMPING,
    DEFAULT_LEVEL,
    estimate_pools,
    fit_damped_drift,
    fit_trend,
    pool_group,
)
from ipanalysis.vintage import vintage_dataset

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
TARGET_BACKTEST_COLUMNS = [
    "target_id",
    "region",
    "indicator",
    "target_kind",
    "target_year",
    "as_of",
    "lead_years",
    "n_points",
    "predicted_status",
    "p_meet",
    "likelihood",
    "outcome",
    "correct",
]
POSITIVE_STATUSES = frozenset({"achieved", "on_track"})
NEGATIVE_STATUSES = frozenset({"missed", "off_track"})


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
    pool = pools[pool_group(kind)]
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


def backtest_forecasts(dataset, *, min_reliability: str = "C", level: float = DEFAULT_LEVEL):
    """Forecast every series of every past vintage by every method (see the module docstring).

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The full dataset; the figures known today are the outcomes.
    min_reliability : {"A", "B", "C"}, default "C"
        Lowest source grade used.
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    pandas.DataFrame
        ``FORECAST_COLUMNS``, sorted.
    """
    truth = dataset.series(min_reliability=min_reliability)
    known = {
        (r, i, int(y)): float(v)
        for r, i, y, v in truth[["region", "indicator", "year", "value"]].itertuples(index=False)
    }
    kinds = dict(zip(dataset.indicators["indicator_id"], dataset.indicators["kind"], strict=True))
    rows = []
    for as_of in range(int(truth["year"].min()) + 1, int(truth["year"].max())):
        vintage = vintage_dataset(dataset, as_of)
        series = vintage.series(min_reliability=min_reliability)
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
                pred = fit.predict(targets, level)
                for p in pred.itertuples(index=False):
                    actual = known[(region, indicator, int(p.year))]
                    rows.append(
                        {
                            "as_of": as_of,
                            "region": region,
                            "indicator": indicator,
                            "pool": pool_group(kind),
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


def _call(status: str) -> bool | None:
    if status in POSITIVE_STATUSES:
        return True
    if status in NEGATIVE_STATUSES:
        return False
    return None


def backtest_targets(
    dataset,
    *,
    leads=HORIZONS,
    min_reliability: str = "C",
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Assess targets whose outcome is known today in the vintages before their target year.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The full dataset.
    leads : sequence of int, default (1, 2, 3)
        Assess each target as of ``target_year - lead`` (that vintage, its targets).
    min_reliability : {"A", "B", "C"}, default "C"
        Lowest source grade used.
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    pandas.DataFrame
        ``TARGET_BACKTEST_COLUMNS``, one row per target and lead where the target was already
        published: ``outcome`` achieved or missed (today's figures), ``correct`` True when an
        on_track/achieved verdict met or an off_track/missed one missed, False for the
        opposite, NA for at_risk and insufficient_data (no call made).
    """
    kwargs = {"min_reliability": min_reliability, "level": level}
    final = assess(dataset, **kwargs)
    known = final[final["status"].isin(["achieved", "missed"])]
    outcome = dict(zip(known["target_id"], known["status"], strict=True))
    wanted = {
        (tid, int(ty) - lead): lead
        for tid, ty in zip(known["target_id"], known["target_year"], strict=True)
        for lead in leads
    }
    rows = []
    for as_of in sorted({a for _, a in wanted}):
        then = assess(dataset, as_of=as_of, **kwargs)
        for rec in then.to_dict("records"):
            lead = wanted.get((rec["target_id"], as_of))
            if lead is None:
                continue
            call = _call(rec["status"])
            met = outcome[rec["target_id"]] == "achieved"
            rows.append(
                {
                    "target_id": rec["target_id"],
                    "region": rec["region"],
                    "indicator": rec["indicator"],
                    "target_kind": rec["target_kind"],
                    "target_year": rec["target_year"],
                    "as_of": as_of,
                    "lead_years": lead,
                    "n_points": rec["n_points"],
                    "predicted_status": rec["status"],
                    "p_meet": rec["p_meet"],
                    "likelihood": rec["likelihood"],
                    "outcome": outcome[rec["target_id"]],
                    "correct": pd.NA if call is None else call == met,
                }
            )
    frame = pd.DataFrame(rows, columns=TARGET_BACKTEST_COLUMNS)
    frame["correct"] = frame["correct"].astype("boolean")
    return frame.sort_values(
        ["region", "target_year", "indicator", "target_id", "lead_years"], kind="stable"
    ).reset_index(drop=True)


def run_backtest(
    dataset, *, min_reliability: str = "C", level: float = DEFAULT_LEVEL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run both backtests: the models by horizon, and the past targets.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        The full dataset.
    min_reliability : {"A", "B", "C"}, default "C"
        Lowest source grade used.
    level : float, default 0.8
        Prediction-interval level (the column keeps its name ``coverage_80``; pass 0.8).

    Returns
    -------
    tuple of pandas.DataFrame
        ``(models, targets)``: :func:`summarise_forecasts` of :func:`backtest_forecasts`, and
        :func:`backtest_targets`.
    """
    forecasts = backtest_forecasts(dataset, min_reliability=min_reliability, level=level)
    models = summarise_forecasts(forecasts)
    return models, backtest_targets(dataset, min_reliability=min_reliability, level=level)


def write_backtest(models: pd.DataFrame, targets: pd.DataFrame, folder=None) -> list:
    """Write ``backtest.csv`` and ``backtest_targets.csv`` (deterministic, atomic).

    Parameters
    ----------
    models, targets : pandas.DataFrame
        From :func:`run_backtest`.
    folder : path, optional
        Default :func:`ipanalysis.paths.outputs_dir`.

    Returns
    -------
    list of pathlib.Path
        The two files written.
    """
    from ipanalysis.report import write_csv  # the runner's writer: same rounding, same bytes

    out = paths.outputs_dir() if folder is None else folder
    return [
        write_csv(models, out / "backtest.csv"),
        write_csv(targets, out / "backtest_targets.csv"),
    ]
