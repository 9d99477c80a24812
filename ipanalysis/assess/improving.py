"""keep_improving targets: better at the end of the period than at its start."""

from __future__ import annotations

import numpy as np

from ipanalysis.assess.core import (
    NAN,
    _fmt,
    _forecast_target_year,
    _insufficient,
    _no_figures,
    _provisional_notes,
    _rel_width,
    _Verdict,
    likelihood,
    plan_base_year,
    status_from_p,
)
from ipanalysis.forecast import probability_between


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
        The figure of :func:`ipanalysis.assess.core.plan_base_year` (the year before the
        period), else the latest one before it; ``(nan, nan)`` when there is none.
    """
    before = obs[obs["year"] <= plan_base_year(target)]
    if before.empty:
        return NAN, NAN
    return float(before["year"].iloc[-1]), float(before["value"].iloc[-1])


def _assess_keep_improving(row, target, obs, ind, level) -> _Verdict:
    """Better at the end of the period than at its start (in the indicator's direction).

    The target-year figure decides once it exists (achieved / missed); before that
    ``p_meet = P(target-year figure better than the start figure)`` from the forecast.
    """
    target_year = row["target_year"]
    notes: list[str] = []
    sign = 1.0 if ind.better == "higher" else -1.0
    word = "higher" if sign > 0 else "lower"
    if len(obs) == 0:
        return _no_figures(row, row.get("as_of"))
    y0, v0 = start_figure(obs, target)
    if not np.isfinite(v0):
        return _insufficient(
            f"数据不足 no figure at or before {plan_base_year(target)}, the start of the period: "
            "nothing to improve on"
        )
    row["target_value"] = v0
    at_target = obs[obs["year"] == target_year]
    if len(at_target):
        v1 = float(at_target["value"].iloc[0])
        met = sign * (v1 - v0) > 0
        return _Verdict(
            "achieved" if met else "missed",
            f"{'已达成' if met else '未达成'} the {target_year} figure {_fmt(v1)} is "
            f"{'' if met else 'not '}{word} than the {int(y0)} figure {_fmt(v0)} (the start)",
            basis="observed",
            inputs=at_target,
        )
    provisional = _provisional_notes(notes, obs, plan_base_year(target))
    try:
        fit, window, forecast, lower, upper = _forecast_target_year(
            row, obs, ind, notes, target_year, level
        )
    except ValueError as err:
        return _insufficient(f"数据不足 {err}")
    lo, hi = (v0, np.inf) if sign > 0 else (-np.inf, v0)
    p = probability_between(fit, target_year, lo, hi)
    row["p_meet"] = p
    if np.isfinite(p):
        status = status_from_p(p)
        en, zh = likelihood(p)
        why = (
            f"{zh} {en}: P({target_year} figure {word} than the {int(y0)} figure {_fmt(v0)}) = "
            f"{p:.2f} (parameter and noise uncertainty, not model error)"
        )
    else:
        better = sign * (forecast - v0) > 0
        status = "on_track" if better else "off_track"
        why = f"the point forecast is {'' if better else 'not '}{word} than {_fmt(v0)} ({int(y0)})"
    return _Verdict(
        status,
        why,
        inputs=window,
        fit=fit,
        rel_width=_rel_width(forecast, lower, upper),
        notes=notes,
        provisional=provisional,
    )
