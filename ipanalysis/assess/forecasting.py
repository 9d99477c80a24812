"""Forecast a target's year with the deployed model and write it into the assessment row."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ipanalysis.assess.rules import NAN, IndicatorInfo, Verdict
from ipanalysis.formats import fmt_figure
from ipanalysis.model.damped import fit_assessment_trend
from ipanalysis.model.growth import GROWTH_WINDOW_YEARS
from ipanalysis.model.predictive import Forecast


def fit_recent(obs: pd.DataFrame, ind: IndicatorInfo, notes: list[str], pools=None):
    """Fit the assessment's trend (see :func:`fit_assessment_trend`)."""
    fit = fit_assessment_trend(obs, ind.kind, pools=ind.pools if pools is None else pools)
    return fit, obs.tail(GROWTH_WINDOW_YEARS + 1)


def forecast_target_year(row: dict, obs: pd.DataFrame, ind: IndicatorInfo, notes: list[str],
                          target_year: int, level: float):  # fmt: skip
    """Fit the trend, forecast the target year, fill the row's forecast columns, note it.

    Returns ``(fit, window, forecast, lower, upper)``; raises ValueError as the fit does.
    """
    fit, window = fit_recent(obs, ind, notes)
    pred = fit.predict([target_year], level).iloc[0]
    forecast, lower, upper = float(pred["forecast"]), float(pred["lower"]), float(pred["upper"])
    fill_forecast(row, fit, forecast, lower, upper)
    notes.append(interval_note(fit, f"forecast for {target_year}", forecast, lower, upper, level))
    return fit, window, forecast, lower, upper


def fill_forecast(row: dict, fit: Forecast, forecast: float, lower: float, upper: float):
    """Fill a row's model and forecast columns."""
    row.update(
        method=fit.method,
        method_reason=fit.reason,
        forecast=forecast,
        forecast_lower=lower,
        forecast_upper=upper,
        df=fit.df_resid,
    )


def interval_note(fit: Forecast, what: str, forecast: float, lower, upper, level) -> str:
    """Describe a forecast and its interval for the note."""
    label = fit.method.replace("_", "-")
    if not fit.has_interval:
        return f"{label} {what} {fmt_figure(forecast)}, no interval (df = 0)"
    text = (
        f"{label} {what} {fmt_figure(forecast)} ({level:.0%} prediction interval "
        f"{fmt_figure(lower)}–{fmt_figure(upper)}, df = {fit.df_resid:g})"
    )
    if fit.df_resid < 2:
        mult = stats.t.ppf(0.5 + level / 2, fit.df_resid)
        text += f"; df = 1: t multiplier {mult:.2f} (1.28 for a normal), wide, shown as it is"
    return text


def note_provisional(notes: list[str], obs: pd.DataFrame, base_year: int | None) -> bool:
    """Say whether a forecast verdict is provisional, and why, in the notes.

    Provisional: it rests on a single figure (the growth then comes from the pool), or no
    figure falls inside the plan period (after the base year): the horizon-widened interval
    decides and confidence is at most low.
    """
    reasons = []
    if len(obs) == 1:
        reasons.append("one figure only: growth and volatility from similar indicators")
    latest = int(obs["year"].iloc[-1])
    if base_year is not None and latest <= base_year:
        reasons.append(
            f"no figure inside the plan period (latest {latest}, plan from {base_year + 1}): "
            f"the interval widened over {latest}–target decides"
        )
    if reasons:
        notes.append("暂定 provisional: " + "; ".join(reasons))
    return bool(reasons)


def relative_width(forecast: float, lower: float, upper: float) -> float:
    """Return the interval width over the forecast (NaN without an interval)."""
    if not (np.isfinite(lower) and np.isfinite(upper)) or forecast == 0:
        return NAN
    return float((upper - lower) / abs(forecast))


def forecast_verdict(
    status: str,
    why: str,
    fit: Forecast,
    window: pd.DataFrame,
    interval: tuple[float, float, float],
    notes: list[str],
    provisional: bool = False,
) -> Verdict:
    """Return a verdict decided by a forecast: ``interval`` is (forecast, lower, upper)."""
    return Verdict(
        status,
        why,
        inputs=window,
        fit=fit,
        rel_width=relative_width(*interval),
        notes=notes,
        provisional=provisional,
    )
