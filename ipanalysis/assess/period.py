"""Period targets: every_year, annual_average and cumulative over [start, target_year]."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ipanalysis.assess.forecasting import (
    fill_forecast,
    fit_recent,
    forecast_target_year,
    forecast_verdict,
    interval_note,
)
from ipanalysis.assess.growth_ratio import (
    compare_growth,
    period_start,
    status_without_interval,
)
from ipanalysis.assess.rules import (
    NAN,
    Verdict,
    as_float,
    insufficient,
    make_band,
    no_figures,
    progress_category,
    status_from_p,
)
from ipanalysis.formats import fmt_figure, fmt_rate
from ipanalysis.model.growth import recent_cagr


def assess_every_year(row, target, obs, ind, level) -> Verdict:
    """Assess an every-year target: each year of the period must meet it."""
    target_year = row["target_year"]
    band = make_band(target["comparator"], as_float(target["value"]), ind.better)
    row["target_value"] = band.aim
    notes: list[str] = []
    start = period_start(target, notes)
    if start is None:
        start = target_year
        notes.append("no start_year or base_year: only the target year is checked")
    period = obs[(obs["year"] >= start) & (obs["year"] <= target_year)]
    failing = period[~period["value"].map(band.contains)]
    if len(failing):
        listed = ", ".join(
            f"{int(y)}: {fmt_figure(v)}"
            for y, v in zip(failing["year"], failing["value"], strict=True)
        )
        return Verdict(
            "missed",
            f"未达成 missed already: {listed} not {band.text} (every year {start}–{target_year})",
            basis="observed",
            inputs=failing,
            notes=notes,
        )
    unknown = [y for y in range(start, target_year + 1) if y not in set(period["year"])]
    if not unknown:
        return Verdict(
            "achieved",
            f"已达成 every year {start}–{target_year} has a figure {band.text}",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    if len(obs) == 0:
        return no_figures(row, row.get("as_of"))
    if len(period):
        notes.append(f"met so far in {', '.join(str(int(y)) for y in period['year'])}")
    if len(obs) == 1:
        return insufficient(
            "数据不足 1 figure: no trend for the years still unknown "
            f"({', '.join(map(str, unknown))})"
        )
    first_needed = max(unknown[0], int(obs["year"].iloc[-1]) + 1)
    ratio, met_now = compare_growth(row, notes, obs, band, first_needed)
    fit, window, forecast, lower, upper = forecast_target_year(
        row, obs, ind, notes, target_year, level
    )
    past_gaps = [y for y in unknown if y < obs["year"].iloc[-1]]
    if past_gaps:
        notes.append(f"no figure for {', '.join(map(str, past_gaps))}: trend value used")
    probs = {y: fit.probability(y, band.lo, band.hi) for y in unknown}
    probs = {y: p for y, p in probs.items() if np.isfinite(p)}
    if probs:
        binding = min(probs, key=lambda y: (probs[y], y))
        p = probs[binding]
        row["p_meet"] = p
        status = status_from_p(p)
        why = (
            f"smallest yearly P(figure {band.text}) = {p:.2f} in {binding} "
            "(an upper bound for all years together; parameter and noise uncertainty only)"
        )
    else:
        status, why = _yearly_status_without_interval(row, ind, ratio, met_now, band, forecast)
        why += " (2 points: no interval)" if len(window) == 2 else ""
    return forecast_verdict(status, why, fit, window, (forecast, lower, upper), notes)


def _yearly_status_without_interval(row, ind, ratio, met_now, band, forecast) -> tuple[str, str]:
    """Judge an every-year target without an interval (Germany's sustainability check).

    The latest figure meets the yearly level and the recent change is not in the worse
    direction: on track; meets but worsening: at risk; otherwise the growth ratio decides.
    """
    obs_g = row["observed_growth"]
    worsening = np.isfinite(obs_g) and obs_g * (1 if ind.better == "higher" else -1) < 0
    if met_now and not worsening:
        return "on_track", "latest figure meets the yearly target and is not worsening"
    if met_now:
        return "at_risk", "latest figure meets the yearly target but the recent change worsens"
    return status_without_interval(ratio, met_now, band, forecast)


def _required_growth_for_total(latest: float, latest_year: int, years, needed: float) -> float:
    """Constant growth g with sum(latest * (1+g)**(y - latest_year)) = needed (future years)."""
    h = np.asarray(years, dtype=float) - latest_year
    if latest <= 0 or needed <= 0 or h.size == 0 or np.any(h <= 0):
        return NAN

    def gap(g):
        return float(np.sum(latest * (1 + g) ** h) - needed)

    if gap(-0.99) > 0 or gap(10.0) < 0:
        return NAN
    return float(optimize.brentq(gap, -0.99, 10.0, xtol=1e-12))


def _compare_total_growth(row, notes, obs, unknown, aim_total: float, goal: str) -> float:
    """Fill observed and required growth for a period total; return their ratio.

    Required: the constant growth from the latest figure that makes the missing years add up
    to what the total still needs.
    """
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    obs_g, _ = recent_cagr(years, values)
    req = _required_growth_for_total(values[-1], int(years[-1]), unknown, aim_total)
    ratio = obs_g / req if np.isfinite(obs_g) and np.isfinite(req) and req != 0 else NAN
    row.update(
        observed_growth=obs_g,
        required_growth=req,
        growth_ratio=ratio,
        progress_category=progress_category(ratio),
    )
    if np.isfinite(req):
        notes.append(
            f"observed growth {fmt_rate(obs_g)}/yr vs {fmt_rate(req)}/yr needed for the "
            f"missing years to bring {goal}"
        )
    return ratio


def _total_settled(
    kind, band, total_band, factor, period, obs, unknown, label, notes
) -> Verdict | None:
    """Return the verdict the observed years already give a period total, or None.

    Every year observed: the total (or mean) decides. A cumulative target of non-negative
    flows is settled as soon as the observed years reach it (or already pass an upper bound):
    later flows cannot take it back.
    """
    observed_sum = float(period["value"].sum())
    if not unknown:
        value = observed_sum / factor
        met = band.contains(value)
        return Verdict(
            "achieved" if met else "missed",
            f"{'已达成' if met else '未达成'} {label} = {fmt_figure(value)}, "
            f"{'meets' if met else 'does not meet'} {band.text}",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    non_negative = bool((obs["value"] >= 0).all()) and len(period) > 0
    if kind == "cumulative" and non_negative and np.isinf(total_band.hi) and total_band.lo <= 0:
        return Verdict(
            "achieved",
            f"已达成 the observed years already sum to {fmt_figure(observed_sum)}, {band.text} "
            "(later flows cannot reduce it)",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    if kind == "cumulative" and non_negative and np.isinf(total_band.lo) and total_band.hi < 0:
        return Verdict(
            "missed",
            f"未达成 the observed years already sum to {fmt_figure(observed_sum)}, "
            f"beyond {band.text}",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    return None


def assess_period_total(row, target, obs, ind, level) -> Verdict:
    """Cumulative (sum) and annual_average (mean) over ``[start, target_year]``."""
    kind = target["kind"]
    target_year = row["target_year"]
    notes: list[str] = []
    start = period_start(target, notes)
    if start is None:
        return insufficient(f"数据不足 a {kind} target needs a start_year (none given)")
    k = target_year - start + 1
    factor = float(k) if kind == "annual_average" else 1.0  # band on the total
    what = "mean" if kind == "annual_average" else "total"
    band = make_band(target["comparator"], as_float(target["value"]), ind.better)
    row["target_value"] = band.aim
    period = obs[(obs["year"] >= start) & (obs["year"] <= target_year)]
    observed_sum = float(period["value"].sum())
    unknown = [y for y in range(start, target_year + 1) if y not in set(period["year"])]
    label = f"{what} {start}–{target_year}"
    total_band = band.scaled(factor, observed_sum)
    settled = _total_settled(kind, band, total_band, factor, period, obs, unknown, label, notes)
    if settled is not None:
        return settled
    if len(obs) == 0:
        return no_figures(row, row.get("as_of"))
    if len(period):
        notes.append(
            f"observed {', '.join(str(int(y)) for y in period['year'])}: "
            f"sum {fmt_figure(observed_sum)}"
        )
    if len(obs) == 1:
        return insufficient(
            f"数据不足 1 figure: no trend for the missing years ({', '.join(map(str, unknown))})"
        )
    goal = f"the {what} to {fmt_figure(band.aim)}"
    ratio = _compare_total_growth(row, notes, obs, unknown, total_band.aim, goal)
    fit, window = fit_recent(obs, ind, notes)
    total = fit.predict_total(unknown, level)
    forecast = (observed_sum + total["forecast"]) / factor
    lower = (observed_sum + total["lower"]) / factor
    upper = (observed_sum + total["upper"]) / factor
    fill_forecast(row, fit, forecast, lower, upper)
    notes.append(
        interval_note(fit, f"forecast of the {label}", forecast, lower, upper, level)
        + f" (missing years {', '.join(map(str, unknown))} from the trend)"
    )
    if fit.log_scale and len(unknown) > 1 and fit.has_interval:
        notes.append("interval of a sum of log-model forecasts: delta-method approximation")
    p = fit.probability_total(unknown, total_band.lo, total_band.hi)
    row["p_meet"] = p
    if np.isfinite(p):
        status = status_from_p(p)
        why = (
            f"P({label} {band.text}) = {p:.2f} (parameter and noise uncertainty, not model error)"
        )
    else:
        status, why = status_without_interval(ratio, False, band, forecast)
    return forecast_verdict(status, why, fit, window, (forecast, lower, upper), notes)
