"""Check how well the models and the assessments would have done in the past.

Two checks, both deterministic and fast on the shipped data (about 150 figures):

:func:`backtest_models`
    Rolling-origin evaluation (Hyndman, *FPP* 5.10) over every series with at least
    ``min_points`` figures: each origin trains ``linear``, ``log_linear`` and ``drift`` on the
    first ``n_train`` figures (``n_train >= min_train``) and forecasts the next ``max_step``
    figures (step 1 = the next figure, whatever the gap in years). Errors are scaled by the
    in-sample naive error of the training figures, the mean absolute change per year (MASE;
    per year, because the figures are not always in consecutive years), and pooled across
    series. Intervals are checked too: ``covered`` says whether the figure fell in the
    prediction interval at ``level``. A model that is impossible on a series (a log model with
    a zero figure) gives no rows for that series.
:func:`backtest_targets`
    Targets whose outcome is already known from the figures (status achieved or missed with
    all data) are assessed again as of earlier years (``target_year - lead`` for each lead),
    and the verdict then is compared with what happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis.assess import assess
from ipanalysis.forecast import DEFAULT_LEVEL, LOG_METHODS, METHODS, fit_trend

DETAIL_COLUMNS = [
    "region",
    "indicator",
    "method",
    "origin_year",
    "n_train",
    "year",
    "step",
    "horizon_years",
    "actual",
    "forecast",
    "lower",
    "upper",
    "error",
    "abs_error",
    "naive_scale",
    "scaled_error",
    "covered",
]
SUMMARY_COLUMNS = [
    "method",
    "step",
    "n_series",
    "n_forecasts",
    "mase",
    "median_scaled_error",
    "mase_common",
    "n_common",
    "interval_coverage",
    "n_intervals",
]
TARGET_BACKTEST_COLUMNS = [
    "target_id",
    "region",
    "indicator",
    "target_kind",
    "target_year",
    "lead_years",
    "as_of",
    "n_points",
    "predicted_status",
    "decided_then",
    "p_meet",
    "confidence",
    "outcome",
    "predicted_meet",
    "correct",
    "brier",
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


def backtest_series(
    years,
    values,
    *,
    methods=METHODS,
    min_train: int = 3,
    max_step: int = 3,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Rolling-origin forecasts of one series by each model.

    Parameters
    ----------
    years, values : array-like
        One series.
    methods : sequence of str, default all of ``METHODS``
        Models to evaluate.
    min_train : int, default 3
        Smallest training set.
    max_step : int, default 3
        Forecast up to this many figures ahead of each origin.
    level : float, default 0.8
        Prediction-interval level for ``covered``.

    Returns
    -------
    pandas.DataFrame
        ``DETAIL_COLUMNS`` without region and indicator.
    """
    order = np.argsort(np.asarray(years, dtype=float), kind="stable")
    x = np.asarray(years, dtype=float)[order]
    y = np.asarray(values, dtype=float)[order]
    rows = []
    for n_train in range(min_train, x.size):
        xt, yt = x[:n_train], y[:n_train]
        scale = naive_scale(xt, yt)
        ahead = x[n_train : n_train + max_step]
        for method in methods:
            if method in LOG_METHODS and np.any(yt <= 0):
                continue  # impossible on this training set: no rows, never a made-up error
            fit = fit_trend(xt, yt, method)
            pred = fit.predict(ahead, level)
            for step, (year, actual) in enumerate(
                zip(ahead, y[n_train : n_train + max_step], strict=True), start=1
            ):
                p = pred.iloc[step - 1]
                error = float(p["forecast"]) - actual
                covered = (
                    bool(p["lower"] <= actual <= p["upper"]) if np.isfinite(p["lower"]) else pd.NA
                )
                rows.append(
                    {
                        "method": method,
                        "origin_year": int(xt[-1]),
                        "n_train": n_train,
                        "year": int(year),
                        "step": step,
                        "horizon_years": int(year - xt[-1]),
                        "actual": actual,
                        "forecast": float(p["forecast"]),
                        "lower": float(p["lower"]),
                        "upper": float(p["upper"]),
                        "error": error,
                        "abs_error": abs(error),
                        "naive_scale": scale,
                        "scaled_error": abs(error) / scale,
                        "covered": covered,
                    }
                )
    return pd.DataFrame(rows, columns=DETAIL_COLUMNS[2:])


def summarise_backtest(detail: pd.DataFrame) -> pd.DataFrame:
    """Pool rolling-origin errors by model and step.

    Parameters
    ----------
    detail : pandas.DataFrame
        The detail frame of :func:`backtest_models`.

    Returns
    -------
    pandas.DataFrame
        ``SUMMARY_COLUMNS``: ``mase`` (mean scaled error over every forecast the model made),
        ``median_scaled_error``; ``mase_common`` over the forecasts that every model made (a
        like-for-like comparison, ``n_common`` of them); ``interval_coverage``, the share of
        figures inside the prediction interval (compare with the nominal level).
    """
    if detail.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    # forecasts every model made (same series, origin and figure): a like-for-like comparison
    keys = ["region", "indicator", "origin_year", "year"]
    n_models = detail.groupby(keys)["method"].transform("nunique")
    in_common = n_models == detail["method"].nunique()
    rows = []
    for (method, step), grp in detail.groupby(["method", "step"], sort=True):
        scaled = grp["scaled_error"].dropna()
        covered = grp["covered"].dropna().astype(bool)
        common = grp.loc[in_common[grp.index], "scaled_error"].dropna()
        rows.append(
            {
                "method": method,
                "step": int(step),
                "n_series": grp[["region", "indicator"]].drop_duplicates().shape[0],
                "n_forecasts": len(grp),
                "mase": float(scaled.mean()) if len(scaled) else np.nan,
                "median_scaled_error": float(scaled.median()) if len(scaled) else np.nan,
                "mase_common": float(common.mean()) if len(common) else np.nan,
                "n_common": len(common),
                "interval_coverage": float(covered.mean()) if len(covered) else np.nan,
                "n_intervals": len(covered),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def backtest_models(
    series: pd.DataFrame,
    *,
    min_points: int = 4,
    methods=METHODS,
    min_train: int = 3,
    max_step: int = 3,
    level: float = DEFAULT_LEVEL,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin evaluation of the trend models over every long-enough series.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures (``region, indicator, year, value``).
    min_points : int, default 4
        Series with fewer figures are skipped.
    methods : sequence of str, default all of ``METHODS``
        Models to evaluate.
    min_train : int, default 3
        Smallest training set.
    max_step : int, default 3
        Forecast up to this many figures ahead.
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    detail : pandas.DataFrame
        One row per series, model, origin and forecast figure (``DETAIL_COLUMNS``); the
        per-series-per-model MASE is ``detail.groupby([...])["scaled_error"].mean()``.
    summary : pandas.DataFrame
        Pooled by model and step (:func:`summarise_backtest`).
    """
    parts = []
    ordered = series.sort_values(["region", "indicator", "year"], kind="stable")
    for (region, indicator), grp in ordered.groupby(["region", "indicator"], sort=True):
        if len(grp) < max(min_points, min_train + 1):
            continue
        one = backtest_series(
            grp["year"],
            grp["value"],
            methods=methods,
            min_train=min_train,
            max_step=max_step,
            level=level,
        )
        one.insert(0, "indicator", indicator)
        one.insert(0, "region", region)
        parts.append(one)
    parts = [p for p in parts if len(p)]
    detail = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=DETAIL_COLUMNS)
    detail = detail[DETAIL_COLUMNS]
    return detail, summarise_backtest(detail)


def backtest_targets(
    dataset,
    *,
    leads=(1, 2, 3),
    regions=None,
    min_reliability: str = "C",
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Assess targets with a known outcome as of earlier years and compare with the outcome.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        Anything with ``.targets``, ``.indicators`` and ``.series(min_reliability=...)``.
    leads : sequence of int, default (1, 2, 3)
        Assess each target as of ``target_year - lead``.
    regions : str or sequence of str, optional
        Only these regions.
    min_reliability : {"A", "B", "C"}, default "C"
        Lowest source grade used.
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    pandas.DataFrame
        ``TARGET_BACKTEST_COLUMNS``, one row per target and lead: the status predicted then
        (``decided_then`` when the figures had already settled it, e.g. a stock met early:
        filter these out to judge the forecasts alone), ``outcome`` (achieved or missed, from
        all figures), ``predicted_meet`` (True for achieved/on_track, False for
        missed/off_track, NA for at_risk and insufficient_data), ``correct`` (NA where nothing
        was predicted) and ``brier = (p_meet - met)**2`` where a probability was given.
    """
    kwargs = {"regions": regions, "min_reliability": min_reliability, "level": level}
    final = assess(dataset, **kwargs)
    known = final[final["status"].isin(["achieved", "missed"])]
    outcome = dict(zip(known["target_id"], known["status"], strict=True))
    if not outcome:
        return pd.DataFrame(columns=TARGET_BACKTEST_COLUMNS)
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
            met = outcome[rec["target_id"]] == "achieved"
            status = rec["status"]
            if status in POSITIVE_STATUSES:
                predicted = True
            elif status in NEGATIVE_STATUSES:
                predicted = False
            else:
                predicted = pd.NA
            p = rec["p_meet"]
            rows.append(
                {
                    "target_id": rec["target_id"],
                    "region": rec["region"],
                    "indicator": rec["indicator"],
                    "target_kind": rec["target_kind"],
                    "target_year": rec["target_year"],
                    "lead_years": lead,
                    "as_of": as_of,
                    "n_points": rec["n_points"],
                    "predicted_status": status,
                    "decided_then": status in ("achieved", "missed"),
                    "p_meet": p,
                    "confidence": rec["confidence"],
                    "outcome": outcome[rec["target_id"]],
                    "predicted_meet": predicted,
                    "correct": pd.NA if predicted is pd.NA else predicted == met,
                    "brier": (p - float(met)) ** 2 if np.isfinite(p) else np.nan,
                }
            )
    frame = pd.DataFrame(rows, columns=TARGET_BACKTEST_COLUMNS)
    frame["predicted_meet"] = frame["predicted_meet"].astype("boolean")
    frame["correct"] = frame["correct"].astype("boolean")
    return frame.sort_values(
        ["region", "target_year", "indicator", "target_id", "lead_years"], kind="stable"
    ).reset_index(drop=True)
