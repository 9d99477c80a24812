"""Level-type targets: level, avg_growth and range, judged on the target-year figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis.assess.core import (
    NAN,
    STOCK_LIKE_KINDS,
    _Band,
    _base_figure,
    _compare_growth,
    _float,
    _fmt,
    _forecast_target_year,
    _Indicator,
    _insufficient,
    _int_or_none,
    _make_band,
    _no_figures,
    _pct,
    _provisional_notes,
    _rel_width,
    _status_from_ratio,
    _status_without_interval,
    _Verdict,
    likelihood,
    plan_base_year,
    progress_category,
    status_from_p,
)
from ipanalysis.forecast import probability_between
from ipanalysis.trends import recent_cagr


def _assess_level_band(
    row: dict,
    obs: pd.DataFrame,
    ind: _Indicator,
    band: _Band,
    level: float,
    base_year: int | None = None,
) -> _Verdict:
    """Assess a target on the target-year figure (level, range, avg_growth with a base)."""
    target_year = row["target_year"]
    at_target = obs[obs["year"] == target_year]
    if len(at_target):
        value = float(at_target["value"].iloc[0])
        met = band.contains(value)
        over = " (overshoot: beyond the range, counts as met)" if band.overshoots(value) else ""
        return _Verdict(
            "achieved" if met else "missed",
            f"{'已达成' if met else '未达成'} the {target_year} figure {_fmt(value)} "
            f"{'meets' if met else 'does not meet'} {band.text}{over}",
            basis="observed",
            inputs=at_target,
        )
    before = obs[obs["year"] < target_year]
    # achieved once met: only a stock that should rise and asks for at least a level (a
    # lower-is-better figure, days or cycle times, is judged on the target-year figure)
    stock_like = ind.kind in STOCK_LIKE_KINDS and ind.better == "higher" and band.direction > 0
    if len(before) and stock_like and band.contains(before["value"].iloc[-1]):
        last = before.iloc[-1]
        growth_notes: list[str] = []
        if len(before) >= 2:
            _compare_growth(row, growth_notes, before, band, target_year, base_year)
        row["progress_category"] = "target achieved"
        return _Verdict(
            "achieved",
            f"已达成 the {int(last['year'])} figure {_fmt(last['value'])} already meets "
            f"{band.text}; a {ind.kind} counts as achieved once met (it could still fall "
            f"before {target_year})",
            basis="observed",
            inputs=before.tail(1),
            notes=growth_notes,
        )
    notes: list[str] = []
    if len(obs) == 0:
        return _no_figures(row, row.get("as_of"))
    latest = obs.iloc[-1]
    early = ""
    if band.contains(float(latest["value"])):
        early = (
            f"the {int(latest['year'])} figure already meets {band.text}, but a "
            f"{ind.kind or 'non-stock'} target is about the {target_year} figure itself"
        )
        notes.append(early)
    provisional = _provisional_notes(notes, obs, base_year)
    if len(obs) >= 2:
        ratio, met_now = _compare_growth(row, notes, obs, band, target_year, base_year)
    else:
        ratio, met_now = NAN, band.contains(float(latest["value"]))
    try:
        fit, window, forecast, lower, upper = _forecast_target_year(
            row, obs, ind, notes, target_year, level
        )
    except ValueError as err:
        return _insufficient(f"数据不足 {err}")
    if band.overshoots(forecast):
        notes.append("the forecast overshoots the far end of the target (counts as met)")
    if target_year < obs["year"].iloc[-1]:
        notes.append(f"no {target_year} figure although later ones exist: trend value used")
    p = probability_between(fit, target_year, band.lo, band.hi)
    row["p_meet"] = p
    if np.isfinite(p):
        status = status_from_p(p)
        why = (
            f"P(figure {band.text} in {target_year}) = {p:.2f} "
            "(parameter and noise uncertainty, not model error)"
        )
    else:
        status, why = _status_without_interval(ratio, met_now, band, forecast)
    if np.isfinite(p):
        en, zh = likelihood(p)
        why = f"{zh} {en}: {why}"
    return _Verdict(
        status,
        why,
        inputs=window,
        fit=fit,
        rel_width=_rel_width(forecast, lower, upper),
        notes=notes,
        provisional=provisional,
    )


def _assess_level(row, target, obs, ind, level) -> _Verdict:
    band = _make_band(target["comparator"], _float(target["value"]), ind.better)
    row["target_value"] = band.aim
    return _assess_level_band(row, obs, ind, band, level, plan_base_year(target))


def _assess_avg_growth(row, target, obs, ind, level) -> _Verdict:
    rate = _float(target["value"]) / 100.0
    base_year = _int_or_none(target.get("base_year"))
    target_year = row["target_year"]
    base = _base_figure(obs, base_year)
    rate_text = f"年均增长 {_pct(rate)} from {base_year if base_year is not None else '?'}"
    if np.isfinite(base) and base > 0:
        goal = base * (1 + rate) ** (target_year - base_year)
        band = _make_band(target["comparator"], goal, ind.better)
        row["target_value"] = goal
        verdict = _assess_level_band(row, obs, ind, band, level, base_year)
        verdict.notes.insert(
            0,
            f"{rate_text}: base {_fmt(base)} → {_fmt(goal)} by {target_year} on the path "
            f"base·(1+g)^(t−{base_year})",
        )
        return verdict
    if base_year is None:
        missing = "no base_year given"
    elif np.isfinite(base):
        missing = f"the {base_year} base figure is {_fmt(base)}: no growth path from it"
    else:
        missing = f"no {base_year} (base-year) figure"
    row.update(required_growth=rate)
    if len(obs) == 0:
        verdict = _no_figures(row, row.get("as_of"))
        verdict.why += f"; {rate_text}"
        return verdict
    if len(obs) < 2:
        return _insufficient(
            f"数据不足 {missing} and 1 figure: neither a level nor a growth rate can be checked"
        )
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    obs_g, since = recent_cagr(years, values)
    ratio = obs_g / rate if np.isfinite(obs_g) and rate != 0 else NAN
    row.update(
        method="endpoint_cagr",
        method_reason=f"{missing}: growth compared only",
        observed_growth=obs_g,
        growth_ratio=ratio,
        progress_category=progress_category(ratio),
    )
    if not np.isfinite(ratio):
        return _insufficient(f"数据不足 {missing}, and no growth rate from the figures")
    return _Verdict(
        _status_from_ratio(ratio),
        f"{missing}: growth compared only, observed {_pct(obs_g)}/yr ({int(since)}–"
        f"{int(years[-1])}) vs {rate_text}: ratio {ratio:.2f}",
        basis="growth",
        inputs=obs,
    )


def _assess_range(row, target, obs, ind, level) -> _Verdict:
    lo, hi = _float(target["value"]), _float(target.get("value_max"))
    prefix = None
    if target.get("value_basis") == "increase":
        base_year = _int_or_none(target.get("base_year"))
        base = _base_figure(obs, base_year)
        if not np.isfinite(base):
            return _insufficient(
                f"数据不足 the range is an increase over the {base_year} level, but there is no "
                f"{base_year} figure to add it to"
            )
        lo, hi = base + lo, base + hi
        prefix = (
            f"increase {_fmt(_float(target['value']))}–{_fmt(_float(target.get('value_max')))} "
            f"over the {base_year} figure {_fmt(base)}"
        )
    band = _make_band(target["comparator"], lo, ind.better, value_max=hi)
    row["target_value"] = band.aim
    row["target_value_max"] = band.far if np.isfinite(band.far) else NAN
    verdict = _assess_level_band(row, obs, ind, band, level, plan_base_year(target))
    if prefix:
        verdict.notes.insert(0, prefix)
    return verdict
