"""Assess plan targets against the figures: on track or not, and how sure we are.

The method follows the anchors in the design guide: the Eurostat / UNSD growth ratio (observed
CAGR / required CAGR) from two figures on, and a regression forecast with a prediction interval
and a probability of meeting the target (UN ESCAP, OECD style) from three figures on.

Reading of the targets
----------------------
Every target becomes an *acceptable range* for a figure (or for a period total):

- ``>= L`` / ``> L``: at least L; ``<= L`` / ``< L``: at most L.
- ``~ L`` (左右): within ±5% of L (``APPROX_TOLERANCE``). A figure beyond the band in the
  indicator's better direction also counts as met (overshoot, flagged in the note): a district
  that far exceeds "about L" has not failed the plan.
- ``range`` [value, value_max] (after ``value_basis``): met at its near end in the indicator's
  better direction (at least ``value`` for higher-is-better); beyond ``value_max`` is
  overshoot, met and flagged. The comparator of a range is not used.

Per target kind:

- ``level``: the target-year figure. **Stock-like indicators** (``stock``, ``ratio``,
  ``count``: levels that accumulate) count as *achieved* as soon as a figure before the target
  year meets a target in the better direction (the UNSD rule; the note says it could still
  fall). **Flows and percents** are about the target year's own figure: meeting the level
  earlier is reported (progress category "target achieved") but the status comes from the
  forecast for the target year.
- ``avg_growth`` (年均增长 g% from ``base_year``): with a base-year figure ``b`` it becomes the
  level ``b*(1+g)**(T-base)`` on the path ``b*(1+g)**(t-base)`` and is assessed as a level;
  observed growth is then the CAGR since the base year. Without a base-year figure, only
  growth is compared (observed recent CAGR / g), with low confidence and no level.
- ``every_year``: any figure in ``[start_year, target_year]`` that fails → *missed*; all years
  observed and met → *achieved*; otherwise ``p_meet`` is the smallest per-year probability over
  the years still unknown (an upper bound on the joint probability, which is not modelled).
  Without an interval (Germany's sustainability-strategy check): latest figure meets and the
  recent change is not in the worse direction → on_track; meets but worsening → at_risk.
- ``annual_average`` / ``cumulative``: observed years of the period plus the forecast of the
  missing ones (including gaps); the forecast columns and ``target_value`` are the period mean
  / total. A cumulative target of non-negative flows is achieved as soon as the observed
  years reach it.
- ``range`` with ``value_basis = increase``: the increments are added to the base-year figure;
  without one the target is *insufficient_data*.
- ``keep_improving``: every consecutive pair of figures ending in ``[start, target_year]``
  (start = ``start_year``, else the year after ``base_year``, else the five years ending in the
  target year; the first pair compares the start year with the year before) must
  move in the better direction (no change is not an improvement) → else *missed*. Still open:
  on_track if both the last change and the fitted trend improve, at_risk if one does,
  off_track if neither. ``p_meet`` is NaN (there is no single level).

Status (exactly one of ``STATUSES``)
------------------------------------
- A target year with a figure is *achieved* or *missed* (and so is a target settled earlier,
  as above). The figures decide: ``confidence`` is then about the figures, not a model.
- 0 figures → *insufficient_data*; 1 figure → *insufficient_data* unless it settles the target.
- With a prediction interval (≥ 3 figures, df ≥ 1): ``p_meet >= 0.5`` (the median forecast
  meets the target) → on_track; ``0.1 <= p_meet < 0.5`` → at_risk; ``p_meet < 0.1`` (the target
  lies beyond the 80% interval) → off_track. Thresholds are fixed, whatever ``level`` is shown.
- Without an interval (2 figures, or growth only): growth ratio ``>= 0.95`` → on_track,
  ``0.5–0.95`` → at_risk, ``< 0.5`` → off_track. Where no ratio exists (the latest figure
  already meets a flow target, or no time is left), the point forecast decides.

``p_meet`` covers parameter and noise uncertainty under the chosen trend model, **not** model
error (a break in the trend, a changed statistical definition).

Confidence (``high``, ``medium``, ``low``, ``none``)
----------------------------------------------------
- ``none`` for insufficient_data.
- Settled by figures: ``high``. Forecast with an interval: ``high`` from 5 figures fitted,
  ``medium`` from 3–4. No interval (2 figures, growth only): ``low``.
- Then one step lower (never below ``low``) for each of: the interval is wider than the
  forecast itself (``(upper - lower) / forecast > 1``); every input figure is derived; every
  input figure comes from a grade-C source.

Growth (fractions per year): ``observed_growth`` is the endpoint CAGR over the last five years
of figures (:func:`ipanalysis.trends.recent_cagr`; since the base year for ``avg_growth``);
``required_growth`` the CAGR from the latest figure to the target level by the target year;
``growth_ratio = observed / required`` (both negative for a falling target, so the ratio is
still positive when moving the right way), with the UNSD ``progress_category``. A zero or
negative figure has no growth rate: the ratio then compares absolute changes per year.

Trend and forecast: :func:`ipanalysis.forecast.fit_trend` with its documented model choice, on
the figures of the last ``FIT_WINDOW_YEARS`` (10) years, at least three
(:func:`select_fit_window`; the note says when older figures were left out).

The latest year is the data's, never the calendar's; ``as_of`` keeps figures with
``year <= as_of`` so any past assessment can be reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ipanalysis.forecast import (
    DEFAULT_LEVEL,
    TrendFit,
    fit_trend,
    probability_between,
    probability_total_between,
)
from ipanalysis.trends import endpoint_cagr, recent_cagr, required_growth

OUTPUT_COLUMNS = [
    "region",
    "indicator",
    "target_year",
    "target_kind",
    "comparator",
    "target_value",
    "base_year",
    "latest_year",
    "latest_value",
    "n_points",
    "method",
    "forecast",
    "forecast_lower",
    "forecast_upper",
    "p_meet",
    "observed_growth",
    "required_growth",
    "growth_ratio",
    "status",
    "confidence",
    "note",
]
EXTRA_COLUMNS = [
    "target_id",
    "progress_category",
    "target_value_max",
    "as_of",
    "interval_level",
    "df",
    "method_reason",
]
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "missed", "insufficient_data")
CONFIDENCE_LEVELS = ("high", "medium", "low", "none")

APPROX_TOLERANCE = 0.05
P_ON_TRACK = 0.5
P_OFF_TRACK = 0.1
RATIO_ON_TRACK = 0.95
RATIO_AT_RISK = 0.5
WIDE_INTERVAL = 1.0
FIT_WINDOW_YEARS = 10
HIGH_CONFIDENCE_POINTS = 5
STOCK_LIKE_KINDS = frozenset({"stock", "ratio", "count"})
NAN = float("nan")


#: The IPCC likelihood scale (Mastrandrea et al. 2010, AR5 guidance note), with the wording of
#: the IPCC's Chinese reports: (lower bound of p, English term, Chinese term), highest first.
LIKELIHOOD_SCALE = (
    (0.99, "virtually certain", "几乎确定"),
    (0.90, "very likely", "很可能"),
    (2 / 3, "likely", "可能"),
    (1 / 3, "about as likely as not", "或许可能"),
    (0.10, "unlikely", "不大可能"),
    (0.01, "very unlikely", "很不可能"),
    (0.0, "exceptionally unlikely", "几乎不可能"),
)


def likelihood(p: float) -> tuple[str, str]:
    """Return the IPCC likelihood term for a probability, in English and Chinese.

    Parameters
    ----------
    p : float
        A probability of meeting a target.

    Returns
    -------
    tuple of str
        ``(english, chinese)``, e.g. ``("likely", "可能")`` for 0.7; ``("", "")`` for NaN.
    """
    if p is None or not np.isfinite(p):
        return "", ""
    for lower, en, zh in LIKELIHOOD_SCALE:
        if p >= lower:
            return en, zh
    return LIKELIHOOD_SCALE[-1][1:]


# --------------------------------------------------------------------------- small helpers


def progress_category(growth_ratio: float, *, achieved: bool = False) -> str | float:
    """Return the UNSD SDG progress-chart label for a growth ratio.

    Parameters
    ----------
    growth_ratio : float
        Observed CAGR / required CAGR.
    achieved : bool, default False
        The latest figure already meets the target.

    Returns
    -------
    str or float
        ``target achieved``; ``on track`` (>= 0.95); ``fair progress, acceleration needed``
        (0.5–0.95); ``limited or no progress`` (-0.1–0.5); ``deterioration`` (< -0.1); NaN when
        the ratio is NaN.
    """
    if achieved:
        return "target achieved"
    if not np.isfinite(growth_ratio):
        return NAN
    if growth_ratio >= 0.95:
        return "on track"
    if growth_ratio >= 0.5:
        return "fair progress, acceleration needed"
    if growth_ratio >= -0.1:
        return "limited or no progress"
    return "deterioration"


def _fmt(value: float) -> str:
    """Format a figure for a note (display only; the table keeps full precision)."""
    if not np.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _pct(growth: float) -> str:
    return f"{growth * 100:.1f}%" if np.isfinite(growth) else "n/a"


def _int_or_none(value) -> int | None:
    if value is None or pd.isna(value):
        return None
    return int(value)


def _float(value) -> float:
    return NAN if value is None or pd.isna(value) else float(value)


def _status_from_p(p: float) -> str:
    if p >= P_ON_TRACK:
        return "on_track"
    return "at_risk" if p >= P_OFF_TRACK else "off_track"


def _status_from_ratio(ratio: float) -> str:
    if ratio >= RATIO_ON_TRACK:
        return "on_track"
    return "at_risk" if ratio >= RATIO_AT_RISK else "off_track"


@dataclass(frozen=True)
class _Band:
    """Acceptable values of a figure: ``lo <= v <= hi`` (strict where the comparator is)."""

    lo: float
    hi: float
    aim: float  # the level required growth and required paths aim at
    text: str
    far: float = NAN  # the other end of a range or ~ band: beyond it is overshoot
    lo_strict: bool = False
    hi_strict: bool = False

    @property
    def direction(self) -> int:
        """+1 when the target asks for at least something, -1 for at most."""
        return 1 if np.isinf(self.hi) else -1

    def contains(self, value: float) -> bool:
        if not np.isfinite(value):
            return False
        above = value > self.lo if self.lo_strict else value >= self.lo
        below = value < self.hi if self.hi_strict else value <= self.hi
        return bool(above and below)

    def overshoots(self, value: float) -> bool:
        if not np.isfinite(self.far) or not np.isfinite(value):
            return False
        return value > self.far if self.direction > 0 else value < self.far

    def scaled(self, factor: float, shift: float = 0.0) -> _Band:
        """Return the band for ``factor * v - shift`` (a total from a mean, minus observed)."""
        return _Band(
            self.lo * factor - shift,
            self.hi * factor - shift,
            self.aim * factor - shift,
            self.text,
            self.far * factor - shift,
            self.lo_strict,
            self.hi_strict,
        )


def _make_band(comparator: str, value: float, better: str, value_max: float = NAN) -> _Band:
    """Build the acceptable range of a target (see the module docstring)."""
    higher = better != "lower"
    if np.isfinite(value_max):  # a range
        lo, hi = sorted((value, value_max))
        text = f"in [{_fmt(lo)}, {_fmt(hi)}]"
        if higher:
            return _Band(lo, np.inf, lo, text + " (or above)", far=hi)
        return _Band(-np.inf, hi, hi, text + " (or below)", far=lo)
    if comparator in (">=", ">"):
        sign = "≥" if comparator == ">=" else ">"
        return _Band(value, np.inf, value, f"{sign} {_fmt(value)}", lo_strict=comparator == ">")
    if comparator in ("<=", "<"):
        sign = "≤" if comparator == "<=" else "<"
        return _Band(-np.inf, value, value, f"{sign} {_fmt(value)}", hi_strict=comparator == "<")
    if comparator == "~":
        lo, hi = sorted((value * (1 - APPROX_TOLERANCE), value * (1 + APPROX_TOLERANCE)))
        text = f"≈ {_fmt(value)} (±{APPROX_TOLERANCE:.0%}: {_fmt(lo)}–{_fmt(hi)})"
        if higher:
            return _Band(lo, np.inf, value, text, far=hi)
        return _Band(-np.inf, hi, value, text, far=lo)
    raise ValueError(f"unknown comparator {comparator!r}")


@dataclass
class _Indicator:
    kind: str | None = None
    better: str = "higher"
    known: bool = False


def _indicator_info(indicator) -> _Indicator:
    if indicator is None:
        return _Indicator()
    info = dict(indicator)
    better = info.get("better")
    return _Indicator(
        kind=info.get("kind") if isinstance(info.get("kind"), str) else None,
        better="lower" if better == "lower" else "higher",
        known=True,
    )


@dataclass
class _Verdict:
    """What decided the status, for the confidence rule."""

    status: str
    why: str
    basis: str = "forecast"  # none | observed | forecast | growth
    inputs: pd.DataFrame | None = None
    fit: TrendFit | None = None
    rel_width: float = NAN
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------ the pieces


def select_fit_window(observations: pd.DataFrame) -> pd.DataFrame:
    """Return the figures the assessment fits its trend to.

    Parameters
    ----------
    observations : pandas.DataFrame
        One region's figures for one indicator (``year``, ``value``), sorted by year.

    Returns
    -------
    pandas.DataFrame
        The figures of the last ``FIT_WINDOW_YEARS`` years before the latest one, or the last
        three figures if the window holds fewer (old levels say little about today's trend).
    """
    window = observations[observations["year"] >= observations["year"].max() - FIT_WINDOW_YEARS]
    keep = min(len(observations), 3)
    return window if len(window) >= keep else observations.tail(keep)


def fit_assessment_trend(observations: pd.DataFrame, indicator_kind: str | None = None):
    """Fit the trend the assessment uses (same window, automatic model choice).

    Parameters
    ----------
    observations : pandas.DataFrame
        One region's figures for one indicator, sorted by year (at least two).
    indicator_kind : str, optional
        The indicator's kind, for :func:`ipanalysis.forecast.choose_method`.

    Returns
    -------
    TrendFit
        For plotting the fitted trend and interval exactly as assessed.
    """
    window = select_fit_window(observations)
    return fit_trend(window["year"], window["value"], "auto", indicator_kind=indicator_kind)


def _fit_recent(obs: pd.DataFrame, ind: _Indicator, notes: list[str]):
    """Fit the assessment's trend and say in the notes if older figures were left out."""
    window = select_fit_window(obs)
    if len(window) < len(obs):
        notes.append(
            f"trend fitted to the {len(window)} figures from {int(window['year'].iloc[0])} "
            f"(older ones left out of the fit: a {FIT_WINDOW_YEARS}-year window)"
        )
    return fit_assessment_trend(window, ind.kind), window


def _fill_forecast(row: dict, fit: TrendFit, forecast: float, lower: float, upper: float):
    row.update(
        method=fit.method,
        method_reason=fit.reason,
        forecast=forecast,
        forecast_lower=lower,
        forecast_upper=upper,
        df=fit.df_resid,
    )


def _interval_note(fit: TrendFit, what: str, forecast: float, lower, upper, level) -> str:
    label = fit.method.replace("_", "-")
    if not fit.has_interval:
        return f"{label} {what} {_fmt(forecast)}, no interval (2 points, df = 0)"
    text = (
        f"{label} {what} {_fmt(forecast)} ({level:.0%} prediction interval "
        f"{_fmt(lower)}–{_fmt(upper)}, df = {fit.df_resid:g})"
    )
    if fit.df_resid < 2:
        mult = stats.t.ppf(0.5 + level / 2, fit.df_resid)
        text += f"; df = 1: t multiplier {mult:.2f} (1.28 for a normal), wide, shown as it is"
    return text


def _rel_width(forecast: float, lower: float, upper: float) -> float:
    if not (np.isfinite(lower) and np.isfinite(upper)) or forecast == 0:
        return NAN
    return float((upper - lower) / abs(forecast))


def _compare_growth(
    row: dict,
    notes: list[str],
    obs: pd.DataFrame,
    band: _Band,
    target_year: int,
    observed: tuple[float, float] | None = None,
):
    """Fill observed/required growth, the growth ratio and the UNSD category."""
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    ly, lv = years[-1], values[-1]
    obs_g, since = observed if observed is not None else recent_cagr(years, values)
    met_now = band.contains(lv)
    req = required_growth(lv, int(ly), band.aim, target_year) if target_year > ly else NAN
    ratio = NAN
    if not met_now and target_year > ly:
        if np.isfinite(obs_g) and np.isfinite(req) and req != 0:
            ratio = obs_g / req
        elif np.isfinite(since):
            # no growth rate through zero or below: compare absolute changes per year
            v0 = values[years == since][0]
            obs_change = (lv - v0) / (ly - since)
            req_change = (band.aim - lv) / (target_year - ly)
            if req_change != 0:
                ratio = obs_change / req_change
                notes.append(
                    f"a zero or negative figure has no growth rate: growth ratio from absolute "
                    f"changes ({_fmt(obs_change)}/yr observed vs {_fmt(req_change)}/yr needed)"
                )
    category = progress_category(ratio, achieved=met_now)
    row.update(
        observed_growth=obs_g, required_growth=req, growth_ratio=ratio, progress_category=category
    )
    if np.isfinite(obs_g) and np.isfinite(since):
        text = f"observed growth {_pct(obs_g)}/yr ({int(since)}–{int(ly)})"
        if np.isfinite(req):
            text += f", required {_pct(req)}/yr to reach {_fmt(band.aim)} by {target_year}"
        if np.isfinite(ratio):
            text += f": growth ratio {ratio:.2f} ({category})"
        notes.append(text)
    return ratio, met_now


def _status_without_interval(ratio: float, met_now: bool, band: _Band, forecast: float):
    if np.isfinite(ratio):
        return _status_from_ratio(ratio), f"growth ratio {ratio:.2f} (no interval)"
    if band.contains(forecast):
        return "on_track", "point forecast meets the target (no interval)"
    if met_now:
        return "at_risk", "latest figure meets the target but the point forecast does not"
    return "off_track", "point forecast misses the target (no interval)"


def _insufficient(why: str) -> _Verdict:
    return _Verdict("insufficient_data", why, basis="none")


def _no_figures(row: dict, as_of) -> _Verdict:
    when = f" up to {as_of}" if as_of is not None else ""
    return _insufficient(
        f"无数据 no figures for this indicator and region{when}; would need at least two yearly "
        f"figures (or the {row['target_year']} figure itself)"
    )


# ------------------------------------------------------------------------ target kinds


def _assess_level_band(
    row: dict,
    obs: pd.DataFrame,
    ind: _Indicator,
    band: _Band,
    level: float,
    observed: tuple[float, float] | None = None,
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
    stock_like = ind.kind in STOCK_LIKE_KINDS
    better_side = (band.direction > 0) == (ind.better == "higher")
    if len(before) and stock_like and better_side and band.contains(before["value"].iloc[-1]):
        last = before.iloc[-1]
        growth_notes: list[str] = []
        if len(before) >= 2:
            _compare_growth(row, growth_notes, before, band, target_year, observed)
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
    if len(obs) == 1:
        return _insufficient(
            f"数据不足 1 figure ({int(latest['year'])}: {_fmt(latest['value'])}); no trend can "
            f"be estimated, would need a second figure" + (f"; {early}" if early else "")
        )
    ratio, met_now = _compare_growth(row, notes, obs, band, target_year, observed)
    fit, window = _fit_recent(obs, ind, notes)
    pred = fit.predict([target_year], level).iloc[0]
    forecast, lower, upper = float(pred["forecast"]), float(pred["lower"]), float(pred["upper"])
    _fill_forecast(row, fit, forecast, lower, upper)
    notes.append(_interval_note(fit, f"forecast for {target_year}", forecast, lower, upper, level))
    if band.overshoots(forecast):
        notes.append("the forecast overshoots the far end of the target (counts as met)")
    if target_year < obs["year"].iloc[-1]:
        notes.append(f"no {target_year} figure although later ones exist: trend value used")
    p = probability_between(fit, target_year, band.lo, band.hi)
    row["p_meet"] = p
    if np.isfinite(p):
        status = _status_from_p(p)
        why = (
            f"P(figure {band.text} in {target_year}) = {p:.2f} "
            "(parameter and noise uncertainty, not model error)"
        )
    else:
        status, why = _status_without_interval(ratio, met_now, band, forecast)
        if len(window) == 2:
            why += "; 2 points: endpoint growth only, no interval"
    return _Verdict(
        status,
        why,
        inputs=window,
        fit=fit,
        rel_width=_rel_width(forecast, lower, upper),
        notes=notes,
    )


def _assess_level(row, target, obs, ind, level) -> _Verdict:
    band = _make_band(target["comparator"], _float(target["value"]), ind.better)
    row["target_value"] = band.aim
    return _assess_level_band(row, obs, ind, band, level)


def _base_figure(obs: pd.DataFrame, base_year: int | None) -> float:
    if base_year is None:
        return NAN
    at_base = obs.loc[obs["year"] == base_year, "value"]
    return float(at_base.iloc[0]) if len(at_base) else NAN


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
        observed = None
        latest_year = int(obs["year"].iloc[-1])
        if latest_year > base_year:
            observed = (
                endpoint_cagr(base, float(obs["value"].iloc[-1]), latest_year - base_year),
                float(base_year),
            )
        verdict = _assess_level_band(row, obs, ind, band, level, observed)
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
    verdict = _assess_level_band(row, obs, ind, band, level)
    if prefix:
        verdict.notes.insert(0, prefix)
    return verdict


def _period_start(target, notes: list[str], fallback_years: int | None = None) -> int | None:
    start = _int_or_none(target.get("start_year"))
    if start is not None:
        return start
    base_year = _int_or_none(target.get("base_year"))
    if base_year is not None:
        notes.append(f"no start_year: period starts after the base year {base_year}")
        return base_year + 1
    if fallback_years is not None:
        start = int(target["target_year"]) - fallback_years
        notes.append(
            f"no start_year or base_year: period taken as {start}–{target['target_year']}"
        )
        return start
    return None


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
    fit, window = _fit_recent(obs, ind, notes)
    pred = fit.predict([target_year], level).iloc[0]
    forecast, lower, upper = float(pred["forecast"]), float(pred["lower"]), float(pred["upper"])
    _fill_forecast(row, fit, forecast, lower, upper)
    notes.append(_interval_note(fit, f"forecast for {target_year}", forecast, lower, upper, level))
    past_gaps = [y for y in unknown if y < obs["year"].iloc[-1]]
    if past_gaps:
        notes.append(f"no figure for {', '.join(map(str, past_gaps))}: trend value used")
    probs = {y: probability_between(fit, y, band.lo, band.hi) for y in unknown}
    probs = {y: p for y, p in probs.items() if np.isfinite(p)}
    if probs:
        binding = min(probs, key=lambda y: (probs[y], y))
        p = probs[binding]
        row["p_meet"] = p
        status = _status_from_p(p)
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
        status = _status_from_p(p)
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


def _assess_keep_improving(row, target, obs, ind, level) -> _Verdict:
    target_year = row["target_year"]
    notes: list[str] = []
    # the first pair counted ends in the start year (so it starts from the year before it)
    start = _period_start(target, notes, fallback_years=4)
    sign = 1.0 if ind.better == "higher" else -1.0
    word = "rise" if sign > 0 else "fall"
    years = obs["year"].to_numpy(dtype=int)
    values = obs["value"].to_numpy(dtype=float)
    pairs = [
        (years[i - 1], values[i - 1], years[i], values[i])
        for i in range(1, len(years))
        if start <= years[i] <= target_year
    ]
    bad = [p for p in pairs if not (sign * (p[3] - p[1]) > 0)]
    gaps = [p for p in pairs if p[2] - p[0] > 1]
    if gaps:
        notes.append(
            "pairs over a gap (years without a figure): "
            + ", ".join(f"{y0}–{y1}" for y0, _, y1, _ in gaps)
        )
    if bad:
        listed = ", ".join(f"{_fmt(v0)} ({y0}) → {_fmt(v1)} ({y1})" for y0, v0, y1, v1 in bad)
        return _Verdict(
            "missed",
            f"未达成 the figures did not {word}: {listed} (each year must improve, {start}–"
            f"{target_year})",
            basis="observed",
            inputs=obs[obs["year"].isin([p[2] for p in bad])],
            notes=notes,
        )
    if len(obs) and int(years[-1]) >= target_year and pairs:
        return _Verdict(
            "achieved",
            f"已达成 every change {start}–{target_year} is a {word}",
            basis="observed",
            inputs=obs[obs["year"].isin([p[2] for p in pairs])],
            notes=notes,
        )
    if len(obs) == 0:
        return _no_figures(row, row.get("as_of"))
    if len(obs) == 1:
        return _insufficient("数据不足 1 figure: no change to judge the direction from")
    obs_g, since = recent_cagr(years, values)
    row.update(observed_growth=obs_g, progress_category=NAN)
    fit, window = _fit_recent(obs, ind, notes)
    pred = fit.predict([target_year], level).iloc[0]
    forecast, lower, upper = float(pred["forecast"]), float(pred["lower"]), float(pred["upper"])
    _fill_forecast(row, fit, forecast, lower, upper)
    notes.append(_interval_note(fit, f"forecast for {target_year}", forecast, lower, upper, level))
    last_up = sign * (values[-1] - values[-2]) > 0
    slope = float(fit.result.params[-1])
    trend_up = sign * slope > 0
    votes = int(last_up) + int(trend_up)
    status = ("off_track", "at_risk", "on_track")[votes]
    why = (
        f"last change {years[-2]}–{years[-1]} {'improves' if last_up else 'does not improve'}, "
        f"fitted trend {'improves' if trend_up else 'does not improve'} (needs a {word} every "
        "year; no single level, so no p_meet)"
    )
    return _Verdict(
        status,
        why,
        inputs=window,
        fit=fit,
        rel_width=_rel_width(forecast, lower, upper),
        notes=notes,
    )


_HANDLERS = {
    "level": _assess_level,
    "avg_growth": _assess_avg_growth,
    "every_year": _assess_every_year,
    "annual_average": _assess_period_total,
    "cumulative": _assess_period_total,
    "range": _assess_range,
    "keep_improving": _assess_keep_improving,
}


# ------------------------------------------------------------------------------ confidence


def _confidence(verdict: _Verdict) -> tuple[str, list[str]]:
    """Apply the confidence rule of the module docstring."""
    if verdict.status == "insufficient_data":
        return "none", []
    if verdict.basis == "observed":
        start = 0
    elif verdict.basis == "forecast" and verdict.fit is not None and verdict.fit.has_interval:
        start = 0 if verdict.fit.n >= HIGH_CONFIDENCE_POINTS else 1
    else:
        start = 2
    reasons = []
    if verdict.basis != "observed" and verdict.rel_width > WIDE_INTERVAL:
        reasons.append("the interval is wider than the forecast")
    inputs = verdict.inputs
    if inputs is not None and len(inputs):
        if "derived" in inputs and inputs["derived"].astype(bool).all():
            reasons.append("derived figures only")
        if "reliability" in inputs and (inputs["reliability"] == "C").all():
            reasons.append("grade-C sources only")
    level = CONFIDENCE_LEVELS[min(start + len(reasons), 2)]
    return level, reasons


# ------------------------------------------------------------------------------ public API


def _blank_row(target: dict, level: float, as_of) -> dict:
    row = dict.fromkeys(OUTPUT_COLUMNS + EXTRA_COLUMNS, NAN)
    row.update(
        region=target["region"],
        indicator=target["indicator"],
        target_year=int(target["target_year"]),
        target_kind=target["kind"],
        comparator=target.get("comparator"),
        base_year=_int_or_none(target.get("base_year")),
        latest_year=None,
        n_points=0,
        method="none",
        note="",
        target_id=target.get("target_id"),
        as_of=as_of,
        interval_level=level,
        method_reason="",
    )
    return row


def assess_target(
    target,
    observations: pd.DataFrame,
    indicator=None,
    *,
    as_of: int | None = None,
    level: float = DEFAULT_LEVEL,
) -> dict:
    """Assess one target against the figures of its region and indicator.

    Parameters
    ----------
    target : mapping or pandas.Series
        One row of the targets table.
    observations : pandas.DataFrame
        The series for this region and indicator (``year``, ``value``; ``derived`` and
        ``reliability`` used for confidence when present), already restricted to ``as_of``.
    indicator : mapping or pandas.Series, optional
        The indicator's row (``kind``, ``better``); unknown → higher is better, kind unknown.
    as_of : int, optional
        Only reported (the caller restricts the data).
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    dict
        One output row (keys ``OUTPUT_COLUMNS + EXTRA_COLUMNS``).
    """
    tgt = dict(target)
    obs = observations.sort_values("year", kind="stable").reset_index(drop=True)
    ind = _indicator_info(indicator)
    row = _blank_row(tgt, level, as_of)
    if len(obs):
        row.update(
            latest_year=int(obs["year"].iloc[-1]),
            latest_value=float(obs["value"].iloc[-1]),
            n_points=len(obs),
        )
    handler = _HANDLERS.get(tgt["kind"])
    if handler is None:
        verdict = _insufficient(f"unknown target kind {tgt['kind']!r}: cannot assess")
    elif tgt["kind"] != "keep_improving" and not np.isfinite(_float(tgt.get("value"))):
        verdict = _insufficient("the target has no value: nothing to compare with")
    else:
        try:
            verdict = handler(row, tgt, obs, ind, level)
        except ValueError as err:  # e.g. an unknown comparator: report, never crash the table
            verdict = _insufficient(f"cannot assess: {err}")
    confidence, reasons = _confidence(verdict)
    notes = [verdict.why, *verdict.notes]
    if reasons:
        notes.append(f"confidence lowered: {', '.join(reasons)}")
    if not ind.known:
        notes.append("indicator not in the indicators table: higher assumed better, kind unknown")
    row.update(status=verdict.status, confidence=confidence, note="; ".join(notes))
    return row


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    floats = [
        "target_value",
        "latest_value",
        "forecast",
        "forecast_lower",
        "forecast_upper",
        "p_meet",
        "observed_growth",
        "required_growth",
        "growth_ratio",
        "target_value_max",
        "interval_level",
        "df",
    ]
    for col in floats:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    for col in ("base_year", "latest_year", "as_of"):
        frame[col] = pd.array(
            [None if v is None or pd.isna(v) else int(v) for v in frame[col]], dtype="Int64"
        )
    frame["target_year"] = frame["target_year"].astype(int)
    frame["n_points"] = frame["n_points"].astype(int)
    return frame


def assess_targets(
    series: pd.DataFrame,
    targets: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    as_of: int | None = None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Assess every target: status, forecast, probability, growth ratio and confidence.

    Parameters
    ----------
    series : pandas.DataFrame
        Tidy figures: ``region, indicator, year, value`` (plus ``derived``, ``reliability``).
    targets : pandas.DataFrame
        The targets table (see ``data/README.md``).
    indicators : pandas.DataFrame
        ``indicator_id, kind, better`` at least.
    as_of : int, optional
        Use only figures with ``year <= as_of`` (a reproducible past assessment).
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    pandas.DataFrame
        One row per target, columns ``OUTPUT_COLUMNS`` then ``EXTRA_COLUMNS``, sorted by
        region, target_year, indicator, target_id. Growth as fractions per year. See the
        module docstring for the rules behind ``status`` and ``confidence``.
    """
    if not 0 < level < 1:
        raise ValueError(f"interval level must be between 0 and 1, got {level!r}")
    data = series if as_of is None else series[series["year"] <= as_of]
    groups = {
        key: grp for key, grp in data.groupby(["region", "indicator"], sort=True, dropna=False)
    }
    empty = data.iloc[0:0]
    by_id = {rec["indicator_id"]: rec for rec in indicators.to_dict("records")}
    rows = [
        assess_target(
            tgt,
            groups.get((tgt["region"], tgt["indicator"]), empty),
            by_id.get(tgt["indicator"]),
            as_of=as_of,
            level=level,
        )
        for tgt in targets.to_dict("records")
    ]
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS + EXTRA_COLUMNS)
    frame = _typed(frame)
    frame = frame.sort_values(
        ["region", "target_year", "indicator", "target_id"], kind="stable"
    ).reset_index(drop=True)
    return frame


def assess(
    dataset,
    *,
    regions=None,
    as_of: int | None = None,
    min_reliability: str = "C",
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Assess the targets of a dataset.

    Parameters
    ----------
    dataset : ipanalysis.dataset.Dataset
        Anything with ``.targets``, ``.indicators`` and ``.series(min_reliability=...)``.
    regions : str or sequence of str, optional
        Only these regions' targets (all by default).
    as_of : int, optional
        Use only figures with ``year <= as_of``.
    min_reliability : {"A", "B", "C"}, default "C"
        Lowest source grade whose figures are used.
    level : float, default 0.8
        Prediction-interval level.

    Returns
    -------
    pandas.DataFrame
        As :func:`assess_targets`.
    """
    series = dataset.series(min_reliability=min_reliability)
    targets = dataset.targets
    if regions is not None:
        wanted = [regions] if isinstance(regions, str) else list(regions)
        targets = targets[targets["region"].isin(wanted)]
        series = series[series["region"].isin(wanted)]
    return assess_targets(series, targets, dataset.indicators, as_of=as_of, level=level)


def required_path(
    target_row,
    series_for_indicator: pd.DataFrame,
    *,
    indicator_kind: str | None = None,
    better: str = "higher",
) -> pd.DataFrame:
    """Return the yearly path a series would have to follow to meet a target.

    Parameters
    ----------
    target_row : mapping or pandas.Series
        One target.
    series_for_indicator : pandas.DataFrame
        The figures for the target's region and indicator (``year``, ``value``).
    indicator_kind : str, optional
        ``percent`` (or a non-positive end point) gives a straight line instead of constant
        growth.
    better : {"higher", "lower"}, default "higher"
        Which end of a range is the near one.

    Returns
    -------
    pandas.DataFrame
        ``year, required_value``:

        - level, range, avg_growth: from the latest figure before the target year (for
          avg_growth: from the base-year figure, ``base*(1+g)**(t-base)``) to the target level,
          at constant growth; just the target point when there is no figure;
        - every_year: the floor N over the period; annual_average: the average X each year;
          cumulative: ``X / k`` each year (a flat flow that reaches the total);
        - keep_improving, or a level that cannot be placed (range increase without a base
          figure, avg_growth without one): empty.
    """
    tgt = dict(target_row)
    obs = series_for_indicator.sort_values("year", kind="stable")
    kind = tgt["kind"]
    target_year = int(tgt["target_year"])
    value = _float(tgt["value"])
    empty = pd.DataFrame({"year": pd.Series(dtype=int), "required_value": pd.Series(dtype=float)})
    base_year = _int_or_none(tgt.get("base_year"))
    if kind in ("every_year", "annual_average", "cumulative"):
        notes: list[str] = []
        start = _period_start(tgt, notes) or target_year
        years = np.arange(start, target_year + 1)
        per_year = value / years.size if kind == "cumulative" else value
        return pd.DataFrame({"year": years, "required_value": np.full(years.size, per_year)})
    if kind == "keep_improving":
        return empty
    if kind == "avg_growth":
        base = _base_figure(obs, base_year)
        if not np.isfinite(base):
            return empty
        years = np.arange(base_year, target_year + 1)
        path = base * (1 + value / 100.0) ** (years - base_year)
        return pd.DataFrame({"year": years, "required_value": path})
    if kind == "range":
        lo, hi = value, _float(tgt.get("value_max"))
        if tgt.get("value_basis") == "increase":
            base = _base_figure(obs, base_year)
            if not np.isfinite(base):
                return empty
            lo, hi = base + lo, base + hi
        aim = _make_band(">=", lo, better, value_max=hi).aim if np.isfinite(hi) else lo
    else:
        aim = value
    before = obs[obs["year"] < target_year]
    if len(before) == 0 or not np.isfinite(aim):
        return pd.DataFrame({"year": [target_year], "required_value": [aim]})
    y0, v0 = int(before["year"].iloc[-1]), float(before["value"].iloc[-1])
    years = np.arange(y0, target_year + 1)
    if indicator_kind != "percent" and v0 > 0 and aim > 0:
        growth = required_growth(v0, y0, aim, target_year)
        path = v0 * (1 + growth) ** (years - y0)
    else:
        path = v0 + (aim - v0) * (years - y0) / (target_year - y0)
    return pd.DataFrame({"year": years, "required_value": path})
