"""The shared verdict core: target bands, status from p on the IPCC scale, confidence.

The method follows the anchors in the design guide: a forecast with a prediction interval and
a probability of meeting the target (UN ESCAP, OECD style; the model is the pooled damped drift
of :mod:`ipanalysis.forecast`), and beside it the Eurostat / UNSD / Open SDG growth ratio.
One module per target kind: :mod:`.level` (level, avg_growth, range), :mod:`.period`
(every_year, annual_average, cumulative), :mod:`.improving` (keep_improving);
:mod:`.required` draws the path a target requires.

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

- ``level``: the target-year figure. **Stock-like indicators that should rise** (``stock``,
  ``ratio``, ``count`` with ``better = higher``, against an at-least target) count as
  *achieved* as soon as a figure before the target year meets it (the UNSD rule; the note says
  it could still fall). **Flows, percents and every lower-is-better indicator** (days, cycle
  times) are judged on the target year's own figure: meeting the level earlier is reported
  (progress category "target achieved") but the status comes from the forecast for the target
  year, and the target-year figure decides once it exists.
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
- ``keep_improving``: better at the end of the period than at its start. The start figure is
  the one of :func:`plan_base_year` (``base_year``, else the year before ``start_year``, else
  five years before the target year), or the latest before it; the target-year figure
  decides (achieved / missed); before that ``p_meet`` = P(target-year figure better than the
  start figure). The required path is flat at the start figure. A dip in between is shown,
  not a failure.

Status (exactly one of ``STATUSES``)
------------------------------------
- A target year with a figure is *achieved* or *missed* (and so is a target settled earlier,
  as above). The figures decide: ``confidence`` is then about the figures, not a model.
- 0 figures → *insufficient_data*.
- Otherwise the forecast's ``p_meet`` decides, on the IPCC likelihood scale (Mastrandrea et
  al. 2010; ``likelihood`` / ``likelihood_zh`` print the phrase beside p):
  ``p >= 2/3`` (likely or better, 可能) → on_track; ``1/3 < p < 2/3`` (about as likely as not,
  或许可能) → at_risk; ``p <= 1/3`` (unlikely or worse, 不大可能) → off_track
  (:func:`status_from_p`). The bands are fixed, whatever interval ``level`` is shown.
- *Provisional* (``provisional`` True, confidence at most low, "暂定 provisional" in the note):
  the forecast rests on one figure (growth and volatility then come from the indicators of
  the same kind, e.g. Tianjin 涉及专利的技术合同成交额 384亿 in 2024 against 300亿左右 for
  2025), or no figure lies inside the plan period (latest 2020 for a 2021–2025 plan: the
  interval, widened over the years since the latest figure, decides).
- Without any interval (a series with a zero or negative figure and two points, or a growth
  target without a base figure): growth ratio ``>= 0.95`` → on_track, ``0.5–0.95`` → at_risk,
  ``< 0.5`` → off_track; where no ratio exists the point forecast decides.

``p_meet`` is the probability that the figure (or the period's total) meets the target if
indicators keep behaving as those of the same kind did in the past: growth, damping and
volatility as measured. It does **not** cover a break (a policy change, a changed statistical
definition, a revised figure).

Confidence (``high``, ``medium``, ``low``, ``none``)
----------------------------------------------------
- ``none`` for insufficient_data.
- Settled by figures: ``high``. A forecast from 5 figures or more: ``high``; 3–4: ``medium``;
  1–2 figures, provisional, or no interval: ``low``.
- Then one step lower (never below ``low``) for each of: the interval is wider than the
  forecast itself (``(upper - lower) / forecast > 1``); every input figure is derived; every
  input figure comes from a grade-C source.

Growth (fractions per year), as in the UNSD Progress Chart and Open SDG: ``observed_growth``
is the CAGR from the base figure (:func:`plan_base_year`, else the latest figure before it,
else the first figure) to the latest figure, ``required_growth`` the CAGR from the same base
figure to the target level by the target year, ``growth_ratio = observed / required`` with
the UNSD ``progress_category``. ``growth_ratio_latest`` is the second view: the recent CAGR
(last five years, :func:`ipanalysis.trends.recent_cagr`) over the CAGR still required from
the latest figure. A zero or negative figure has no growth rate: the ratio then compares
absolute changes per year.

One target, one row: the same region, indicator, target year, kind and value stated in
several sources is one target with all of them in ``citations``; a target a later document
restates with another value (``supersedes``) replaces the earlier one, named in
``revised_from``.

The latest year is the data's, never the calendar's. ``as_of`` reproduces a past assessment
with the data vintage of that time (:mod:`ipanalysis.vintage`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ipanalysis.forecast import (
    DRIFT_WINDOW_YEARS,
    GrowthPool,
    TrendFit,
    estimate_pools,
    fit_damped_drift,
    fit_trend,
    nonpositive_reason,
    pool_group,
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
    "likelihood",
    "likelihood_zh",
    "growth_ratio_latest",
    "citations",
    "revised_from",
    "provisional",
]
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "missed", "insufficient_data")
CONFIDENCE_LEVELS = ("high", "medium", "low", "none")

APPROX_TOLERANCE = 0.05
P_ON_TRACK = 2 / 3  # IPCC "likely" or better
P_OFF_TRACK = 1 / 3  # IPCC "unlikely" or worse
PLAN_YEARS = 5
RATIO_ON_TRACK = 0.95
RATIO_AT_RISK = 0.5
WIDE_INTERVAL = 1.0
FIT_WINDOW_YEARS = 10
HIGH_CONFIDENCE_POINTS = 5
MEDIUM_CONFIDENCE_POINTS = 3
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


def status_from_p(p: float) -> str:
    """Return the status for a probability of meeting the target, on the IPCC bands.

    Parameters
    ----------
    p : float
        The probability.

    Returns
    -------
    str
        ``on_track`` when p >= 2/3 (likely or better), ``off_track`` when p <= 1/3 (unlikely
        or worse), ``at_risk`` between (about as likely as not).
    """
    if p >= P_ON_TRACK:
        return "on_track"
    return "off_track" if p <= P_OFF_TRACK else "at_risk"


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
    pools: dict | None = None


def _indicator_info(indicator, pools=None) -> _Indicator:
    if indicator is None:
        return _Indicator(pools=pools)
    info = dict(indicator)
    better = info.get("better")
    return _Indicator(
        kind=info.get("kind") if isinstance(info.get("kind"), str) else None,
        better="lower" if better == "lower" else "higher",
        known=True,
        pools=pools,
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
    provisional: bool = False  # rests on one figure, or on none inside the plan period


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


def fit_assessment_trend(
    observations: pd.DataFrame,
    indicator_kind: str | None = None,
    *,
    pools: dict[str, GrowthPool] | None = None,
) -> TrendFit:
    """Fit the trend the assessment uses: the pooled damped drift, linear where it cannot.

    Parameters
    ----------
    observations : pandas.DataFrame
        One region's figures for one indicator (``year``, ``value``), at least one.
    indicator_kind : str, optional
        The indicator's kind: chooses the pool (:func:`ipanalysis.forecast.pool_group`).
    pools : dict, optional
        From :func:`ipanalysis.forecast.estimate_pools` on every series available at the
        time; by default estimated from this series alone (then the variance is its own).

    Returns
    -------
    TrendFit
        :func:`ipanalysis.forecast.fit_damped_drift` for positive figures; for a series with a
        zero or negative figure, the linear OLS trend over :func:`select_fit_window` (at least
        two figures), its reason saying why.

    Raises
    ------
    ValueError
        No figure, or a single non-positive one.
    """
    obs = observations.sort_values("year", kind="stable")
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    if pools is None:
        one = obs.assign(region="", indicator="")
        kinds = pd.DataFrame({"indicator_id": [""], "kind": [indicator_kind]})
        pools = estimate_pools(one, kinds)
    if len(values) and np.all(values > 0):
        return fit_damped_drift(years, values, pools[pool_group(indicator_kind)])
    window = select_fit_window(obs)
    fit = fit_trend(window["year"], window["value"], "linear")
    why = nonpositive_reason(window["year"].to_numpy(float), window["value"].to_numpy(float))
    return dataclasses.replace(fit, reason=why or fit.reason)


def _fit_recent(obs: pd.DataFrame, ind: _Indicator, notes: list[str], pools=None):
    """Fit the assessment's trend (see :func:`fit_assessment_trend`)."""
    fit = fit_assessment_trend(obs, ind.kind, pools=ind.pools if pools is None else pools)
    return fit, obs.tail(DRIFT_WINDOW_YEARS + 1)


def _forecast_target_year(row: dict, obs: pd.DataFrame, ind: _Indicator, notes: list[str],
                          target_year: int, level: float):  # fmt: skip
    """Fit the trend, forecast the target year, fill the row's forecast columns, note it.

    Returns ``(fit, window, forecast, lower, upper)``; raises ValueError as the fit does.
    """
    fit, window = _fit_recent(obs, ind, notes)
    pred = fit.predict([target_year], level).iloc[0]
    forecast, lower, upper = float(pred["forecast"]), float(pred["lower"]), float(pred["upper"])
    _fill_forecast(row, fit, forecast, lower, upper)
    notes.append(_interval_note(fit, f"forecast for {target_year}", forecast, lower, upper, level))
    return fit, window, forecast, lower, upper


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
        return f"{label} {what} {_fmt(forecast)}, no interval (df = 0)"
    text = (
        f"{label} {what} {_fmt(forecast)} ({level:.0%} prediction interval "
        f"{_fmt(lower)}–{_fmt(upper)}, df = {fit.df_resid:g})"
    )
    if fit.df_resid < 2:
        mult = stats.t.ppf(0.5 + level / 2, fit.df_resid)
        text += f"; df = 1: t multiplier {mult:.2f} (1.28 for a normal), wide, shown as it is"
    return text


def _provisional_notes(notes: list[str], obs: pd.DataFrame, base_year: int | None) -> bool:
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


def _rel_width(forecast: float, lower: float, upper: float) -> float:
    if not (np.isfinite(lower) and np.isfinite(upper)) or forecast == 0:
        return NAN
    return float((upper - lower) / abs(forecast))


def plan_base_year(target) -> int:
    """Return the year a target's growth is measured from.

    Parameters
    ----------
    target : mapping
        One target.

    Returns
    -------
    int
        ``base_year``; else the year before ``start_year``; else five years before the target
        year (the base of a five-year plan).
    """
    base = _int_or_none(target.get("base_year"))
    if base is not None:
        return base
    start = _int_or_none(target.get("start_year"))
    return start - 1 if start is not None else int(target["target_year"]) - PLAN_YEARS


def _base_point(obs: pd.DataFrame, base_year: int) -> tuple[float, float]:
    """Return (year, value) of the figure growth is measured from (NaN, NaN if none).

    The base-year figure; else the latest figure before it; else the first one after it that
    is not the latest figure.
    """
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    before = np.flatnonzero(years <= base_year)
    if before.size:
        return float(years[before[-1]]), float(values[before[-1]])
    if years.size >= 2:
        return float(years[0]), float(values[0])
    return NAN, NAN


def _compare_growth(
    row: dict,
    notes: list[str],
    obs: pd.DataFrame,
    band: _Band,
    target_year: int,
    base_year: int | None = None,
):
    """Fill observed/required growth from the base year, both growth ratios, the category.

    ``growth_ratio`` (UNSD / Open SDG): observed CAGR base → latest over required CAGR base →
    target. ``growth_ratio_latest``: recent CAGR (five years) over the CAGR still required
    from the latest figure. Without a base figure the first is the second.
    """
    years = obs["year"].to_numpy(dtype=float)
    values = obs["value"].to_numpy(dtype=float)
    ly, lv = years[-1], values[-1]
    obs_g, since = recent_cagr(years, values)
    met_now = band.contains(lv)
    req = required_growth(lv, int(ly), band.aim, target_year) if target_year > ly else NAN
    latest_ratio = NAN
    if not met_now and target_year > ly:
        if np.isfinite(obs_g) and np.isfinite(req) and req != 0:
            latest_ratio = obs_g / req
        elif np.isfinite(since):
            # no growth rate through zero or below: compare absolute changes per year
            v0 = values[years == since][0]
            obs_change = (lv - v0) / (ly - since)
            req_change = (band.aim - lv) / (target_year - ly)
            if req_change != 0:
                latest_ratio = obs_change / req_change
                notes.append(
                    f"a zero or negative figure has no growth rate: growth ratio from absolute "
                    f"changes ({_fmt(obs_change)}/yr observed vs {_fmt(req_change)}/yr needed)"
                )
    ratio, base_obs, base_req = latest_ratio, obs_g, req
    by, bv = _base_point(obs, base_year) if base_year is not None else (NAN, NAN)
    if np.isfinite(by) and by < ly and by < target_year:
        from_base = endpoint_cagr(bv, lv, ly - by), endpoint_cagr(bv, band.aim, target_year - by)
        if np.isfinite(from_base[0]) and np.isfinite(from_base[1]) and from_base[1] != 0:
            base_obs, base_req = from_base
            ratio = base_obs / base_req
            where = "" if by == base_year else f" (no {base_year} figure: from {int(by)})"
            notes.append(
                f"since {int(by)}{where}: observed {_pct(base_obs)}/yr vs required "
                f"{_pct(base_req)}/yr from {_fmt(bv)} to {_fmt(band.aim)} by {target_year}: "
                f"growth ratio {ratio:.2f}"
            )
    category = progress_category(ratio, achieved=met_now)
    row.update(
        observed_growth=base_obs,
        required_growth=base_req,
        growth_ratio=ratio,
        growth_ratio_latest=latest_ratio,
        progress_category=category,
    )
    if np.isfinite(obs_g) and np.isfinite(since):
        text = f"recent growth {_pct(obs_g)}/yr ({int(since)}–{int(ly)})"
        if np.isfinite(req):
            text += f", {_pct(req)}/yr still required from {int(ly)}"
        if np.isfinite(latest_ratio):
            text += f": latest-to-target ratio {latest_ratio:.2f}"
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


def _base_figure(obs: pd.DataFrame, base_year: int | None) -> float:
    if base_year is None:
        return NAN
    at_base = obs.loc[obs["year"] == base_year, "value"]
    return float(at_base.iloc[0]) if len(at_base) else NAN


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


# ------------------------------------------------------------------------------ confidence


def _confidence(verdict: _Verdict) -> tuple[str, list[str]]:
    """Apply the confidence rule of the module docstring."""
    if verdict.status == "insufficient_data":
        return "none", []
    if verdict.basis == "observed":
        start = 0
    elif verdict.basis == "forecast" and verdict.fit is not None and verdict.fit.has_interval:
        n = verdict.fit.n
        start = 0 if n >= HIGH_CONFIDENCE_POINTS else 1 if n >= MEDIUM_CONFIDENCE_POINTS else 2
    else:
        start = 2
    reasons = []
    if verdict.provisional and verdict.basis != "observed":
        start = 2
        reasons.append("provisional")
    if verdict.basis != "observed" and verdict.rel_width > WIDE_INTERVAL:
        reasons.append("the interval is wider than the forecast")
    inputs = verdict.inputs
    if inputs is not None and len(inputs):
        if "derived" in inputs and inputs["derived"].astype(bool).all():
            reasons.append("derived figures only")
        if "reliability" in inputs and (inputs["reliability"] == "C").all():
            reasons.append("grade-C sources only")
    level = CONFIDENCE_LEVELS[min(start + len(reasons) - ("provisional" in reasons), 2)]
    return level, reasons
