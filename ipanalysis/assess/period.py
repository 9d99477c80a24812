"""Period targets: every_year, annual_average and cumulative over [start, target_year]."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ipanalysis.assess.core import (
    NAN,
    _compare_growth,
    _fill_forecast,
    _fit_recent,
    _float,
    _fmt,
    _forecast_target_year,
    _insufficient,
    _interval_note,
    _make_band,
    _no_figures,
    _pct,
    _period_start,
    _rel_width,
    _status_without_interval,
    _Verdict,
    progress_category,
    status_from_p,
)
from ipanalysis.forecast import probability_between, probability_total_between
from ipanalysis.trends import recent_cagr


def _assess_every_year(row, target, obs, ind, level) -> _Verdict:
    target_year = row["target_year"]
    band = _make_band(target["comparator"], _float(target["value"]), ind.better)
    row["target_value"] = band.aim
    notes: list[str] = []
    start = _period_start(target, notes)
    if start is None:
        start = target_year
        notes.append("no start_year or base_year: only the target year is checked")
    period = obs[(obs["year"] >= start) & (obs["year"] <= target_year)]
    failing = period[~period["value"].map(band.contains)]
    if len(failing):
        listed = ", ".join(
            f"{int(y)}: {_fmt(v)}" for y, v in zip(failing["year"], failing["value"], strict=True)
        )
        return _Verdict(
            "missed",
            f"未达成 missed already: {listed} not {band.text} (every year {start}–{target_year})",
            basis="observed",
            inputs=failing,
            notes=notes,
        )
    unknown = [y for y in range(start, target_year + 1) if y not in set(period["year"])]
    if not unknown:
        return _Verdict(
            "achieved",
            f"已达成 every year {start}–{target_year} has a figure {band.text}",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    if len(obs) == 0:
        return _no_figures(row, row.get("as_of"))
    if len(period):
        notes.append(f"met so far in {', '.join(str(int(y)) for y in period['year'])}")
    if len(obs) == 1:
        return _insufficient(
            "数据不足 1 figure: no trend for the years still unknown "
            f"({', '.join(map(str, unknown))})"
        )
    first_needed = max(unknown[0], int(obs["year"].iloc[-1]) + 1)
    ratio, met_now = _compare_growth(row, notes, obs, band, first_needed)
    fit, window, forecast, lower, upper = _forecast_target_year(
        row, obs, ind, notes, target_year, level
    )
    past_gaps = [y for y in unknown if y < obs["year"].iloc[-1]]
    if past_gaps:
        notes.append(f"no figure for {', '.join(map(str, past_gaps))}: trend value used")
    probs = {y: probability_between(fit, y, band.lo, band.hi) for y in unknown}
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
        obs_g = row["observed_growth"]
        worsening = np.isfinite(obs_g) and obs_g * (1 if ind.better == "higher" else -1) < 0
        if met_now and not worsening:
            status, why = "on_track", "latest figure meets the yearly target and is not worsening"
        elif met_now:
            status, why = (
                "at_risk",
                "latest figure meets the yearly target but the recent change worsens",
            )
        else:
            status, why = _status_without_interval(ratio, met_now, band, forecast)
        why += " (2 points: no interval)" if len(window) == 2 else ""
    return _Verdict(
        status,
        why,
        inputs=window,
        fit=fit,
        rel_width=_rel_width(forecast, lower, upper),
        notes=notes,
    )


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


def _assess_period_total(row, target, obs, ind, level) -> _Verdict:
    """Cumulative (sum) and annual_average (mean) over ``[start, target_year]``."""
    kind = target["kind"]
    target_year = row["target_year"]
    notes: list[str] = []
    start = _period_start(target, notes)
    if start is None:
        return _insufficient(f"数据不足 a {kind} target needs a start_year (none given)")
    k = target_year - start + 1
    factor = float(k) if kind == "annual_average" else 1.0  # band on the total
    what = "mean" if kind == "annual_average" else "total"
    band = _make_band(target["comparator"], _float(target["value"]), ind.better)
    row["target_value"] = band.aim
    period = obs[(obs["year"] >= start) & (obs["year"] <= target_year)]
    observed_sum = float(period["value"].sum())
    unknown = [y for y in range(start, target_year + 1) if y not in set(period["year"])]
    label = f"{what} {start}–{target_year}"
    if not unknown:
        value = observed_sum / factor
        met = band.contains(value)
        return _Verdict(
            "achieved" if met else "missed",
            f"{'已达成' if met else '未达成'} {label} = {_fmt(value)}, "
            f"{'meets' if met else 'does not meet'} {band.text}",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    total_band = band.scaled(factor, observed_sum)
    non_negative = bool((obs["value"] >= 0).all()) and len(period) > 0
    if kind == "cumulative" and non_negative and np.isinf(total_band.hi) and total_band.lo <= 0:
        return _Verdict(
            "achieved",
            f"已达成 the observed years already sum to {_fmt(observed_sum)}, {band.text} "
            "(later flows cannot reduce it)",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    if kind == "cumulative" and non_negative and np.isinf(total_band.lo) and total_band.hi < 0:
        return _Verdict(
            "missed",
            f"未达成 the observed years already sum to {_fmt(observed_sum)}, beyond {band.text}",
            basis="observed",
            inputs=period,
            notes=notes,
        )
    if len(obs) == 0:
        return _no_figures(row, row.get("as_of"))
    if len(period):
        notes.append(
            f"observed {', '.join(str(int(y)) for y in period['year'])}: sum {_fmt(observed_sum)}"
        )
    if len(obs) == 1:
        return _insufficient(
            f"数据不足 1 figure: no trend for the missing years ({', '.join(map(str, unknown))})"
        )
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    obs_g, since = recent_cagr(years, values)
    req = _required_growth_for_total(values[-1], int(years[-1]), unknown, total_band.aim)
    ratio = obs_g / req if np.isfinite(obs_g) and np.isfinite(req) and req != 0 else NAN
    row.update(
        observed_growth=obs_g,
        required_growth=req,
        growth_ratio=ratio,
        progress_category=progress_category(ratio),
    )
    if np.isfinite(req):
        notes.append(
            f"observed growth {_pct(obs_g)}/yr vs {_pct(req)}/yr needed for the missing years "
            f"to bring the {what} to {_fmt(band.aim)}"
        )
    fit, window = _fit_recent(obs, ind, notes)
    total = fit.predict_total(unknown, level)
    forecast = (observed_sum + total["forecast"]) / factor
    lower = (observed_sum + total["lower"]) / factor
    upper = (observed_sum + total["upper"]) / factor
    _fill_forecast(row, fit, forecast, lower, upper)
    notes.append(
        _interval_note(fit, f"forecast of the {label}", forecast, lower, upper, level)
        + f" (missing years {', '.join(map(str, unknown))} from the trend)"
    )
    if fit.log_scale and len(unknown) > 1 and fit.has_interval:
        notes.append("interval of a sum of log-model forecasts: delta-method approximation")
    p = probability_total_between(fit, unknown, total_band.lo, total_band.hi)
    row["p_meet"] = p
    if np.isfinite(p):
        status = status_from_p(p)
        why = (
            f"P({label} {band.text}) = {p:.2f} (parameter and noise uncertainty, not model error)"
        )
    else:
        status, why = _status_without_interval(ratio, False, band, forecast)
    return _Verdict(
        status,
        why,
        inputs=window,
        fit=fit,
        rel_width=_rel_width(forecast, lower, upper),
        notes=notes,
    )
