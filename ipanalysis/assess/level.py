"""Level-type targets: level, avg_growth and range, judged on the target-year figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ipanalysis.assess.forecasting import (
    forecast_target_year,
    forecast_verdict,
    note_provisional,
)
from ipanalysis.assess.growth_ratio import (
    base_figure,
    compare_growth,
    plan_base_year,
    status_without_interval,
)
from ipanalysis.assess.rules import (
    NAN,
    Band,
    IndicatorInfo,
    Verdict,
    as_float,
    insufficient,
    int_or_none,
    likelihood,
    make_band,
    no_figures,
    progress_category,
    status_from_p,
    status_from_ratio,
)
from ipanalysis.formats import fmt_figure, fmt_rate
from ipanalysis.model.growth import recent_cagr
from ipanalysis.vocab import STOCK_LIKE_KINDS


def settled_by_figures(
    row: dict, obs: pd.DataFrame, ind: IndicatorInfo, band: Band, base_year: int | None
) -> Verdict | None:
    """Return the verdict the figures already give, or None when a forecast must decide.

    The target year's own figure decides; before it, a stock that should rise and asks for at
    least a level is achieved once a figure meets it (a lower-is-better figure, days or cycle
    times, is judged on the target-year figure only).
    """
    target_year = row["target_year"]
    at_target = obs[obs["year"] == target_year]
    if len(at_target):
        value = float(at_target["value"].iloc[0])
        met = band.contains(value)
        over = " (overshoot: beyond the range, counts as met)" if band.overshoots(value) else ""
        return Verdict(
            "achieved" if met else "missed",
            f"{'已达成' if met else '未达成'} the {target_year} figure {fmt_figure(value)} "
            f"{'meets' if met else 'does not meet'} {band.text}{over}",
            basis="observed",
            inputs=at_target,
        )
    before = obs[obs["year"] < target_year]
    stock_like = ind.kind in STOCK_LIKE_KINDS and ind.better == "higher" and band.direction > 0
    if not (len(before) and stock_like and band.contains(before["value"].iloc[-1])):
        return None
    last = before.iloc[-1]
    growth_notes: list[str] = []
    if len(before) >= 2:
        compare_growth(row, growth_notes, before, band, target_year, base_year)
    row["progress_category"] = "target achieved"
    return Verdict(
        "achieved",
        f"已达成 the {int(last['year'])} figure {fmt_figure(last['value'])} already meets "
        f"{band.text}; a {ind.kind} counts as achieved once met (it could still fall "
        f"before {target_year})",
        basis="observed",
        inputs=before.tail(1),
        notes=growth_notes,
    )


def assess_level_band(
    row: dict,
    obs: pd.DataFrame,
    ind: IndicatorInfo,
    band: Band,
    level: float,
    base_year: int | None = None,
) -> Verdict:
    """Assess a target on the target-year figure (level, range, avg_growth with a base)."""
    settled = settled_by_figures(row, obs, ind, band, base_year)
    if settled is not None:
        return settled
    target_year = row["target_year"]
    notes: list[str] = []
    if len(obs) == 0:
        return no_figures(row, row.get("as_of"))
    latest = obs.iloc[-1]
    early = ""
    if band.contains(float(latest["value"])):
        early = (
            f"the {int(latest['year'])} figure already meets {band.text}, but a "
            f"{ind.kind or 'non-stock'} target is about the {target_year} figure itself"
        )
        notes.append(early)
    provisional = note_provisional(notes, obs, base_year)
    if len(obs) >= 2:
        ratio, met_now = compare_growth(row, notes, obs, band, target_year, base_year)
    else:
        ratio, met_now = NAN, band.contains(float(latest["value"]))
    try:
        fit, window, forecast, lower, upper = forecast_target_year(
            row, obs, ind, notes, target_year, level
        )
    except ValueError as err:
        return insufficient(f"数据不足 {err}")
    if band.overshoots(forecast):
        notes.append("the forecast overshoots the far end of the target (counts as met)")
    if target_year < obs["year"].iloc[-1]:
        notes.append(f"no {target_year} figure although later ones exist: trend value used")
    p = fit.probability(target_year, band.lo, band.hi)
    row["p_meet"] = p
    if np.isfinite(p):
        status = status_from_p(p)
        why = (
            f"P(figure {band.text} in {target_year}) = {p:.2f} "
            "(parameter and noise uncertainty, not model error)"
        )
    else:
        status, why = status_without_interval(ratio, met_now, band, forecast)
    if np.isfinite(p):
        en, zh = likelihood(p)
        why = f"{zh} {en}: {why}"
    interval = (forecast, lower, upper)
    return forecast_verdict(status, why, fit, window, interval, notes, provisional)


def assess_level(row, target, obs, ind, level) -> Verdict:
    """Assess a level target: at least, at most or about a figure in the target year."""
    band = make_band(target["comparator"], as_float(target["value"]), ind.better)
    row["target_value"] = band.aim
    return assess_level_band(row, obs, ind, band, level, plan_base_year(target))


def assess_avg_growth(row, target, obs, ind, level) -> Verdict:
    """Assess an average-growth target as the level it implies from the base-year figure."""
    rate = as_float(target["value"]) / 100.0
    base_year = int_or_none(target.get("base_year"))
    target_year = row["target_year"]
    base = base_figure(obs, base_year)
    rate_text = f"年均增长 {fmt_rate(rate)} from {base_year if base_year is not None else '?'}"
    if np.isfinite(base) and base > 0:
        goal = base * (1 + rate) ** (target_year - base_year)
        band = make_band(target["comparator"], goal, ind.better)
        row["target_value"] = goal
        verdict = assess_level_band(row, obs, ind, band, level, base_year)
        verdict.notes.insert(
            0,
            f"{rate_text}: base {fmt_figure(base)} → {fmt_figure(goal)} by {target_year} "
            "on the path "
            f"base·(1+g)^(t−{base_year})",
        )
        return verdict
    if base_year is None:
        missing = "no base_year given"
    elif np.isfinite(base):
        missing = f"the {base_year} base figure is {fmt_figure(base)}: no growth path from it"
    else:
        missing = f"no {base_year} (base-year) figure"
    row.update(required_growth=rate)
    if len(obs) == 0:
        verdict = no_figures(row, row.get("as_of"))
        verdict.why += f"; {rate_text}"
        return verdict
    if len(obs) < 2:
        return insufficient(
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
        return insufficient(f"数据不足 {missing}, and no growth rate from the figures")
    return Verdict(
        status_from_ratio(ratio),
        f"{missing}: growth compared only, observed {fmt_rate(obs_g)}/yr ({int(since)}–"
        f"{int(years[-1])}) vs {rate_text}: ratio {ratio:.2f}",
        basis="growth",
        inputs=obs,
    )


def assess_range(row, target, obs, ind, level) -> Verdict:
    """Assess a range target (an increase over the base year is added to its figure)."""
    lo, hi = as_float(target["value"]), as_float(target.get("value_max"))
    prefix = None
    if target.get("value_basis") == "increase":
        base_year = int_or_none(target.get("base_year"))
        base = base_figure(obs, base_year)
        if not np.isfinite(base):
            return insufficient(
                f"数据不足 the range is an increase over the {base_year} level, but there is no "
                f"{base_year} figure to add it to"
            )
        lo, hi = base + lo, base + hi
        prefix = (
            f"increase {fmt_figure(as_float(target['value']))}–"
            f"{fmt_figure(as_float(target.get('value_max')))} "
            f"over the {base_year} figure {fmt_figure(base)}"
        )
    band = make_band(target["comparator"], lo, ind.better, value_max=hi)
    row["target_value"] = band.aim
    row["target_value_max"] = band.far if np.isfinite(band.far) else NAN
    verdict = assess_level_band(row, obs, ind, band, level, plan_base_year(target))
    if prefix:
        verdict.notes.insert(0, prefix)
    return verdict
