"""keep_improving targets: better at the end of the period than at its start."""

from __future__ import annotations

import numpy as np

from ipanalysis.assess.forecasting import (
    forecast_target_year,
    forecast_verdict,
    note_provisional,
)
from ipanalysis.assess.growth_ratio import (
    plan_base_year,
)
from ipanalysis.assess.rules import (
    NAN,
    Verdict,
    insufficient,
    likelihood,
    no_figures,
    status_from_p,
)
from ipanalysis.formats import fmt_figure


def start_figure(obs, target) -> tuple[float, float]:
    """Return (year, value) of the figure a keep_improving period starts from.

    Parameters
    ----------
    obs : pandas.DataFrame
        The series (``year``, ``value``), sorted.
    target : mapping
        The target (``base_year``, ``start_year``, ``target_year``).

    Returns
    -------
    tuple of float
        The figure of :func:`ipanalysis.assess.rules.plan_base_year` (the year before the
        period), else the latest one before it; ``(nan, nan)`` when there is none.
    """
    before = obs[obs["year"] <= plan_base_year(target)]
    if before.empty:
        return NAN, NAN
    return float(before["year"].iloc[-1]), float(before["value"].iloc[-1])


def assess_keep_improving(row, target, obs, ind, level) -> Verdict:
    """Better at the end of the period than at its start (in the indicator's direction).

    The target-year figure decides once it exists (achieved / missed); before that
    ``p_meet = P(target-year figure better than the start figure)`` from the forecast.
    """
    target_year = row["target_year"]
    notes: list[str] = []
    sign = 1.0 if ind.better == "higher" else -1.0
    word = "higher" if sign > 0 else "lower"
    if len(obs) == 0:
        return no_figures(row, row.get("as_of"))
    y0, v0 = start_figure(obs, target)
    if not np.isfinite(v0):
        return insufficient(
            f"数据不足 no figure at or before {plan_base_year(target)}, the start of the period: "
            "nothing to improve on"
        )
    row["target_value"] = v0
    at_target = obs[obs["year"] == target_year]
    if len(at_target):
        v1 = float(at_target["value"].iloc[0])
        met = sign * (v1 - v0) > 0
        return Verdict(
            "achieved" if met else "missed",
            f"{'已达成' if met else '未达成'} the {target_year} figure {fmt_figure(v1)} is "
            f"{'' if met else 'not '}{word} than the {int(y0)} figure {fmt_figure(v0)} "
            "(the start)",
            basis="observed",
            inputs=at_target,
        )
    provisional = note_provisional(notes, obs, plan_base_year(target))
    try:
        fit, window, forecast, lower, upper = forecast_target_year(
            row, obs, ind, notes, target_year, level
        )
    except ValueError as err:
        return insufficient(f"数据不足 {err}")
    lo, hi = (v0, np.inf) if sign > 0 else (-np.inf, v0)
    p = fit.probability(target_year, lo, hi)
    row["p_meet"] = p
    if np.isfinite(p):
        status = status_from_p(p)
        en, zh = likelihood(p)
        why = (
            f"{zh} {en}: P({target_year} figure {word} than the {int(y0)} figure "
            f"{fmt_figure(v0)}) = "
            f"{p:.2f} (parameter and noise uncertainty, not model error)"
        )
    else:
        better = sign * (forecast - v0) > 0
        status = "on_track" if better else "off_track"
        why = (
            f"the point forecast is {'' if better else 'not '}{word} than {fmt_figure(v0)} "
            f"({int(y0)})"
        )
    interval = (forecast, lower, upper)
    return forecast_verdict(status, why, fit, window, interval, notes, provisional)
